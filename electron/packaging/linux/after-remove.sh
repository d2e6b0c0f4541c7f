#!/bin/sh
# Waitline package after-remove script (electron-builder renders it as a template; it uses no macros).
# deb: postrm, called with remove | purge | upgrade | failed-upgrade | abort-install | abort-upgrade |
#      disappear. On "upgrade" the new version is already unpacked: nothing may be removed.
# rpm: %postun, called with 0 (erase) or 1 (upgrade). On upgrade it runs AFTER the new version's
#      %post, so undoing anything here would break the freshly upgraded package.
# The helper, the polkit policy and the command (/usr/bin/waitline, the launcher) are files of the
# package: the package manager removes or replaces them itself. This script only deals with state the
# app created and with the desktop database.
set -e

case "$1" in
  remove | purge | 0) ;;
  *) exit 0 ;;
esac

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
