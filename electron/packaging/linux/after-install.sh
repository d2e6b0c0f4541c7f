#!/bin/sh
# Waitline package after-install script (electron-builder fills in the ${...} macros).
# deb: postinst, called with "configure" (install and upgrade) or "abort-*".
# rpm: %post, called with 1 (install) or 2 (upgrade) — on an rpm upgrade this runs BEFORE the old
#      package's after-remove, which therefore must not undo anything on upgrade (after-remove.sh).
# Everything here is idempotent, so every case takes the same path.
set -e

app_dir='/opt/${sanitizedProductName}'
helper_dir=/usr/libexec/waitline
helper="$helper_dir/waitline-helper"
kill_helper="$helper_dir/waitline-kill-helper"
policy=/usr/share/polkit-1/actions/io.github.waitline.policy

# The command on PATH, /usr/bin/waitline, is a package file (the launcher, launcher.sh): nothing to do.

# pkexec runs the helper as root for whoever the polkit policy admits, so the helper and its folder
# must be root-owned and writable by root only; the policy is read by polkitd and needs no more.
if [ -f "$helper" ]; then
  chown root:root "$helper_dir" "$helper"
  chmod 0755 "$helper_dir" "$helper"
fi
if [ -f "$kill_helper" ]; then
  chown root:root "$kill_helper"
  chmod 0755 "$kill_helper"
fi
if [ -f "$policy" ]; then
  chown root:root "$policy"
  chmod 0644 "$policy"
fi

# Chromium's setuid sandbox helper is needed only where unprivileged user namespaces are unavailable.
if [ -f "$app_dir/chrome-sandbox" ]; then
  if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
    chmod 0755 "$app_dir/chrome-sandbox"
  else
    chown root:root "$app_dir/chrome-sandbox"
    chmod 4755 "$app_dir/chrome-sandbox"
  fi
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
fi

exit 0
