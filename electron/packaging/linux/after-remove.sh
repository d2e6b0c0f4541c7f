#!/bin/sh
# Waitline package after-remove script (electron-builder fills in the ${...} macros).
# deb: postrm, called with remove | purge | upgrade | failed-upgrade | abort-install | abort-upgrade |
#      disappear. On "upgrade" the new version is already unpacked: nothing may be removed.
# rpm: %postun, called with 0 (erase) or 1 (upgrade). On upgrade it runs AFTER the new version's
#      %post, so removing the command link here would break the freshly upgraded package.
# The helper and the polkit policy are files of the package: the package manager removes or replaces
# them itself. This script only undoes what after-install.sh created.
set -e

case "$1" in
  remove | purge | 0) ;;
  *) exit 0 ;;
esac

exe='${executable}'
target='/opt/${sanitizedProductName}/${executable}'

# Remove the command link only if it is still ours.
if [ -L "/usr/bin/$exe" ] && [ "$(readlink "/usr/bin/$exe")" = "$target" ]; then
  rm -f "/usr/bin/$exe"
fi

# The helper's journal of applied changes (for revert) is state, removed on purge only.
if [ "$1" = purge ]; then
  rm -rf /var/lib/waitline
fi

# Settings the user chose to persist stay in force at boot until deleted: say so, do not guess.
if [ -f /etc/sysctl.d/90-waitline.conf ]; then
  echo "waitline: /etc/sysctl.d/90-waitline.conf (sysctl settings you persisted) was kept; delete it to return to the defaults at the next boot." >&2
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi

exit 0
