// `waitline serve`: the dashboard over HTTP for headless machines (open it through an SSH tunnel).
// Read-only; loopback by default; a random token in the printed URL.

import { existsSync, realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultStateDir } from '../history/persistent-history';
import { ALERT_SETTINGS_FILE } from '../settings/alert-service';
import { isCollectorWorker, runCollectorWorkerFromData } from '../serve/collector-worker';
import { isLoopbackHost, isWildcard, startServe } from '../serve/server';
import { parseArgs, secondsFlag, sourceFlag, UsageError } from './args';
import type { Subcommand } from './commands';
import pkg from '../../package.json';

export const SERVE_USAGE = `usage: waitline serve [--port N] [--host H] [--interval S] [--source auto|netlink|procfs] [--alert-settings FILE]
                     [--state-dir DIR | --no-history]

Serves the Waitline dashboard (read-only: no tuning) over HTTP for machines without a desktop.
Open the printed URL; it carries a random access token, and requests without it get 401.

options:
  --port N       TCP port (default 7780; 0 = any free port)
  --host H       address to listen on: an IPv4 or IPv6 address of this machine (127.0.0.1, ::1,
                 0.0.0.0 for every interface, …) or "localhost" (= 127.0.0.1); default 127.0.0.1.
                 Anything but loopback exposes the dashboard to the network: prefer an SSH tunnel.
  --interval S   collection period in seconds (default 1)
  --source S     socket table source: auto (netlink, falling back to /proc), netlink, procfs
  --alert-settings FILE
                 the alert thresholds to use and save (default: the desktop app's file,
                 $XDG_CONFIG_HOME/Waitline/alert-settings.json, else ~/.config/Waitline/…);
                 the Alerts view changes them (with the token); nothing else is writable
  --state-dir DIR
                 where history is recorded (history.sqlite: 1 s samples for 48 h, minute rollups for
                 90 days; docs/history.md); default $XDG_STATE_HOME/waitline, else ~/.local/state/waitline.
                 A second Waitline recording there already makes this one read it read-only.
  --no-history   keep history in memory only (nothing written to disk)
  --help         this text

Over SSH, from your own machine:
  ssh -L 7780:127.0.0.1:7780 you@server 'npx waitline serve --port 7780'
then open the printed http://127.0.0.1:7780/?token=… URL in your browser.

Stop with Ctrl-C (SIGINT) or SIGTERM.`;

/** Where the built renderer is: next to the CLI bundle (dist/cli.mjs → dist/renderer), or under
 *  dist/ of the checkout (running from sources). */
export function findRendererDir(): string | null {
  const candidates: string[] = [];
  const entry = process.argv[1];
  if (entry) {
    let real = entry;
    try {
      real = realpathSync(entry);
    } catch {
      /* keep the path as given */
    }
    candidates.push(join(dirname(real), 'renderer'), join(dirname(real), '..', 'dist', 'renderer'), join(dirname(real), '..', '..', 'dist', 'renderer'));
  }
  candidates.push(resolve('dist', 'renderer'));
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

/** The desktop app's alert settings file: Electron's userData on Linux is $XDG_CONFIG_HOME (else
 *  ~/.config) joined with the product name, and main keeps alert-settings.json there. */
export function defaultAlertSettingsFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'Waitline', ALERT_SETTINGS_FILE);
}

function parsePort(v: string | true | undefined): number {
  if (v === undefined) return 7780;
  if (v === true || !/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${String(v)}"`);
  return Number(v);
}

/** An IP literal (IPv6 with or without brackets) or "localhost", which binds 127.0.0.1 — no name is
 *  looked up, so a typo is a usage error here rather than a resolver error after the warning. */
export function parseHost(v: string | true | undefined): string {
  if (v === undefined) return '127.0.0.1';
  const shown = String(v).slice(0, 100);
  const bare = typeof v === 'string' ? v.replace(/^\[(.*)\]$/, '$1') : '';
  if (bare.toLowerCase() === 'localhost') return '127.0.0.1';
  if (bare !== '' && isIP(bare) !== 0 && !bare.includes('%')) return bare;
  throw new UsageError(
    `--host must be an IP address of this machine (e.g. 127.0.0.1, ::1, or 0.0.0.0 for every interface) or "localhost", not "${shown}"`,
  );
}

export async function runServe(argv: string[]): Promise<number> {
  // The CLI bundle is also the entry of serve's collector worker thread (docs/serve.md): such a thread
  // runs the collector, not the command.
  if (isCollectorWorker()) return runCollectorWorkerFromData();
  const { flags } = parseArgs(argv, { values: ['port', 'host', 'interval', 'source', 'alert-settings', 'state-dir'], booleans: ['no-history'] });
  const port = parsePort(flags.port);
  const host = parseHost(flags.host);
  const intervalS = secondsFlag(flags.interval, 'interval', 1, 0.2, 60);
  const source = sourceFlag(flags.source);
  // parseArgs refuses the flag without a value, so it is a file name or absent
  const alertFlag = flags['alert-settings'];
  const alertSettingsFile = resolve(typeof alertFlag === 'string' ? alertFlag : defaultAlertSettingsFile());
  if (flags['no-history'] && flags['state-dir']) throw new UsageError('--state-dir and --no-history contradict each other: give one');
  const stateFlag = flags['state-dir'];
  const historyDir = flags['no-history'] ? null : resolve(typeof stateFlag === 'string' ? stateFlag : defaultStateDir());
  const staticDir = findRendererDir();
  if (!staticDir) {
    console.error('waitline serve: the dashboard is not built (no dist/renderer/index.html); run `npm run build` first');
    return 1;
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (isWildcard(bare)) {
    console.error(
      `warning: --host ${host} listens on every network interface: anyone who can reach this machine and learns the token can watch its connections. Prefer the default 127.0.0.1 and an SSH tunnel.`,
    );
  } else if (!isLoopbackHost(bare)) {
    console.error(`warning: --host ${host} is not a loopback address: the dashboard is reachable from the network. Prefer an SSH tunnel.`);
  }

  const server = await startServe({
    collectorWorker: { socketSource: source },
    staticDir,
    host,
    port,
    tickMs: Math.round(intervalS * 1000),
    version: pkg.version,
    alertSettingsFile,
    historyDir,
  });
  // Handlers first, then the URL: whoever reads the URL may stop us at once.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      console.log(`waitline serve: ${sig} received, stopping.`);
      void server.close().then(resolveStop);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  const shown = server.host.includes(':') ? `[${bare}]` : bare;
  console.log(`Waitline dashboard (read-only) on ${shown}:${server.port}. Open this URL, which carries the access token:`);
  console.log(server.url);
  if (isLoopbackHost(bare)) {
    console.log(`From another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>, then open the URL there.`);
  }
  console.log(`Alert thresholds: ${alertSettingsFile} (change them in the Alerts view; they are saved there).`);
  const st = server.history.storage;
  console.log(st.mode === 'disk' ? `History: ${st.path} (1 s for 48 h, 1 min for 90 days).` : `History: ${st.message ?? 'in memory only (--no-history).'}`);
  console.log('Stop with Ctrl-C.');
  await stopped;
  return 0;
}

export const serveCommand: Subcommand = {
  usage: SERVE_USAGE,
  run: runServe,
};
