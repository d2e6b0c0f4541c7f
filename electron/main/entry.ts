// The Electron main process's entry (scripts/build.mjs bundles it into dist/electron/main.cjs, the
// package's "main"). The installed app's command (/usr/bin/waitline of the deb/rpm, the AppImage)
// starts this same binary, so the entry first decides from the arguments what this launch is
// (rules: electron/cli/app-args.ts; README "Command line in the installed app"; docs/cli.md):
//
//  - `waitline <command> …` typed in a terminal: the CLI (electron/cli/run.ts, the npm CLI's own
//    dispatcher) runs in this process — no window, no single-instance lock, none of main.ts's set-up
//    (app:// scheme, IPC, collector process) — and the process exits with the CLI's exit code once
//    stdout and stderr are flushed. `serve` and `snapshot --watch` run until SIGINT / SIGTERM.
//    Never through ELECTRON_RUN_AS_NODE (that fuse is off, electron-builder.yml).
//  - anything else: the desktop app, main.ts, exactly as before.
//  - a worker thread running this bundle: `waitline serve`'s collector worker, which
//    electron/serve/worker-collector.ts starts from the running bundle's own file with argv
//    ["serve"] (as it does from the npm CLI's bundle). The electron module exists only on the main
//    thread, which is why it is required below, on the main thread, and not imported at the top.

import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { App } from 'electron';
import { appUserArgs, cliArgvOf, headlessRelaunchArgv } from '../cli/app-args';
import { cliCrashCode, runCli } from '../cli/run';

/** process.execve (Node ≥ 22.15): replaces this process, keeping its pid, stdio and environment. */
type Execve = (file: string, args: string[], env?: NodeJS.ProcessEnv) => never;

/** Resolves once everything written so far has been handed to the kernel. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}

/**
 * No display to connect to: start this launch again on Ozone's headless platform. process.execve
 * keeps the pid (so signals, the shell's job control and the AppImage's mount, which lives as long as
 * this process, are unaffected); without it, the launch runs as a child while this process waits,
 * ignoring the terminal's signals (the child gets them too: same process group) so that it outlives
 * the child, then exits with the child's status.
 */
function relaunchHeadless(app: App, argv: string[]): void {
  const execve = (process as { execve?: Execve }).execve;
  if (typeof execve === 'function') {
    try {
      execve.call(process, process.execPath, argv, process.env);
    } catch {
      // could not replace the process: fall back to a child
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  const r = spawnSync(process.execPath, argv.slice(1), { stdio: 'inherit', argv0: argv[0] });
  if (r.error) {
    console.error(`waitline: no display here ($DISPLAY and $WAYLAND_DISPLAY are unset) and restarting with --ozone-platform=headless failed: ${r.error.message}`);
    app.exit(1);
    return;
  }
  app.exit(r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0));
}

/** `electron .` (development): process.argv[1] is the app's folder, not a user argument. */
const defaultApp = process.defaultApp === true;

function runInstalledCli(app: App, cliArgv: string[]): void {
  const relaunch = headlessRelaunchArgv(process.argv, { defaultApp, platform: process.platform, env: process.env });
  if (relaunch) {
    relaunchHeadless(app, relaunch);
    return;
  }
  // Nothing is drawn: no GPU process. Chromium's own log lines (GPU, D-Bus, …) are not the command's
  // output, which must match the npm CLI's: only fatal ones reach stderr.
  app.disableHardwareAcceleration();
  app.commandLine.appendSwitch('log-level', '3');

  let finished = false;
  // Where Electron's signal handlers see SIGINT / SIGTERM first they call app.quit(): hand the signal
  // to the command's own handlers instead (serve closes its server and history, snapshot --watch
  // ends), and exit below once the command has returned. A command with no handler just quits.
  app.on('before-quit', (event) => {
    if (finished) return;
    const signal = process.listenerCount('SIGTERM') > 0 ? 'SIGTERM' : process.listenerCount('SIGINT') > 0 ? 'SIGINT' : null;
    if (signal === null) return;
    event.preventDefault();
    process.emit(signal, signal);
  });
  // As under Node: an uncaught exception or unhandled rejection prints and exits 1 (Electron's main
  // process would show an error dialog, and only warn about a rejection).
  const crash = (e: unknown): void => {
    console.error(e);
    finished = true;
    app.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  void runCli(cliArgv)
    .catch(cliCrashCode)
    .then(async (code) => {
      finished = true;
      await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
      app.exit(code);
    });
}

if (!isMainThread) {
  void runCli(process.argv.slice(2)).catch(cliCrashCode);
} else {
  const cliArgv = cliArgvOf(appUserArgs(process.argv, defaultApp));
  if (cliArgv === null) {
    // The desktop app. A plain require: main.ts's top level (the app:// scheme registration, the
    // single-instance lock) runs now, synchronously, before Electron's `ready`, as when it was the entry.
    require('./main');
  } else {
    runInstalledCli((require('electron') as typeof import('electron')).app, cliArgv);
  }
}
