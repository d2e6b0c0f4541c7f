#!/bin/sh
# /usr/bin/waitline of the deb and rpm packages (a package file: electron-builder.yml, fpm).
# Starts the app in /opt/Waitline. A command typed in a terminal — `waitline snapshot`, `waitline tune
# get`, `waitline serve`, `waitline --help` — runs in the app's main process without a window
# (electron/main/entry.ts); for those this adds --ozone-platform=headless, so they also work where
# there is no display (an SSH session on a server): Electron chooses its display platform before any
# of the app's code runs, so the app cannot switch it itself. Everything else (no arguments,
# Chromium switches only) opens the window as before.
# Same rule as electron/cli/app-args.ts (cliArgvOf); test/unit/packaging/packaging-launcher.test.ts
# keeps the two in step. README: "Command line in the installed app".
app=/opt/Waitline/waitline
# Spelt out: a range like [a-z] depends on the locale in some shells.
lower=abcdefghijklmnopqrstuvwxyz

value=
for arg in "$@"; do
  if [ -n "$value" ]; then value=; continue; fi # the value of --lang, not a command
  case $arg in
    --help | -h) exec "$app" --ozone-platform=headless "$@" ;;
    --lang) value=1 ;; # the CLI's language flag (`waitline --lang zh-CN snapshot`): its value follows
    -*) ;; # a Chromium switch before the command: look further
    ["$lower"]*)
      case $arg in
        *[!"$lower"0123456789-]*) break ;; # a path or a URL, not a command
      esac
      exec "$app" --ozone-platform=headless "$@"
      ;;
    *) break ;;
  esac
done
exec "$app" "$@"
