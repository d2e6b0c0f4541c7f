// How the installed desktop app tells a typed command from a desktop launch. /usr/bin/waitline of the
// deb/rpm and the AppImage start the Electron binary itself, so `waitline snapshot` arrives at the
// app's main process (electron/main/entry.ts), which must run the CLI there — without a window — and
// open the window only for a plain launch. The rules (README "Command line in the installed app",
// docs/cli.md), shared by the entry and mirrored by the deb/rpm launcher
// (electron/packaging/linux/launcher.sh; a test keeps the two in step):
//
//  - Leading arguments that start with "-" are Chromium/Electron switches (`--no-sandbox`, which the
//    AppImage's AppRun adds where user namespaces are off; `--ozone-platform=headless`, which the
//    launcher adds; anything a user passes to Chromium) and are skipped — except `--help` / `-h`, and
//    the CLI's `--lang X` / `--lang=X`, which are handed to the CLI with the command (its value is not
//    a command word).
//  - The first argument after them decides: none → the window (a plain launch, or switches only);
//    `--help`, `-h` or a word that looks like a command (lowercase letters, digits and dashes,
//    starting with a letter: `snapshot`, `help`, also a mistyped `snapshto`, which then gets the npm
//    CLI's "unknown command" and exit 2) → the CLI, given everything from that argument on; anything
//    else (a path, a URL) → the window, as before: Electron ignores such arguments.
// Plain Node, no `electron`.

/** A word in command position that is handed to the CLI (which says "unknown command" if it is not one). */
export const COMMAND_WORD = /^[a-z][a-z0-9-]*$/;

const isHelpFlag = (a: string): boolean => a === '--help' || a === '-h';

/** The arguments after the executable: process.argv[1…] in the packaged app, process.argv[2…] under
 *  `electron .` (process.defaultApp), where argv[1] is the app's folder. */
export function appUserArgs(argv: readonly string[], defaultApp: boolean): string[] {
  return argv.slice(defaultApp ? 2 : 1);
}

/** The CLI's argv (from the command on) when the user arguments ask for the CLI; null for the window. */
export function cliArgvOf(userArgs: readonly string[]): string[] | null {
  let i = 0;
  // the CLI's own language flag may come first (`waitline --lang zh-CN snapshot`); it goes to the CLI
  const lang: string[] = [];
  while (i < userArgs.length && userArgs[i]!.startsWith('-') && !isHelpFlag(userArgs[i]!)) {
    const a = userArgs[i]!;
    if (a === '--lang' && i + 1 < userArgs.length) {
      lang.push(a, userArgs[i + 1]!);
      i += 2;
      continue;
    }
    if (a.startsWith('--lang=')) lang.push(a);
    i++;
  }
  const first = userArgs[i];
  if (first === undefined) return null;
  return isHelpFlag(first) || COMMAND_WORD.test(first) ? [...lang, ...userArgs.slice(i)] : null;
}

/** Whether argv already chooses an Ozone platform (`--ozone-platform=X`; Chromium takes a switch's
 *  value only after "="). */
export function choosesOzonePlatform(argv: readonly string[]): boolean {
  return argv.some((a) => a.startsWith('--ozone-platform='));
}

/**
 * The command line to re-execute a CLI launch with on Ozone's headless platform, or null when this
 * launch can run as it is. Needed on Linux when there is no display to connect to ($DISPLAY and
 * $WAYLAND_DISPLAY unset — an SSH session on a server) and the command line does not choose a
 * platform already: Electron picks its platform (X11 or Wayland) in C++ before the main script runs
 * and exits when it cannot connect ("Missing X server or $DISPLAY"), so `app.commandLine.appendSwitch`
 * is too late and the switch must be on the command line the process starts with. The deb/rpm
 * launcher adds it itself; this covers the AppImage and /opt/Waitline/waitline run directly.
 * The switch goes right after the executable (after the app folder under `electron .`), so the new
 * process sees it as one more leading switch.
 */
export function headlessRelaunchArgv(
  argv: readonly string[],
  opts: { defaultApp: boolean; platform: string; env: Readonly<Record<string, string | undefined>> },
): string[] | null {
  if (opts.platform !== 'linux' || opts.env.DISPLAY || opts.env.WAYLAND_DISPLAY || choosesOzonePlatform(argv)) return null;
  const keep = opts.defaultApp ? 2 : 1;
  return [...argv.slice(0, keep), '--ozone-platform=headless', ...argv.slice(keep)];
}
