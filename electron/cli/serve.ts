// `waitline serve`: the dashboard over HTTP for headless machines (open it through an SSH tunnel).
// Read-only; loopback by default; a random token in the printed URL.

import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultStateDir } from '../history/persistent-history';
import { ALERT_SETTINGS_FILE } from '../settings/alert-service';
import { isCollectorWorker, runCollectorWorkerFromData } from '../serve/collector-worker';
import { isLoopbackHost, isWildcard, startServe } from '../serve/server';
import { METRICS_TOP_K } from '../serve/metrics';
import { parseArgs, secondsFlag, sourceFlag, UsageError } from './args';
import type { Subcommand } from './commands';
import pkg from '../../package.json';

export const SERVE_USAGE = `usage: waitline serve [--port N] [--host H] [--interval S] [--source auto|netlink|procfs] [--alert-settings FILE]
                     [--state-dir DIR | --no-history] [--token-file FILE] [--resolve-names]
                     [--metrics-only] [--metrics-top K] [--metrics-token-file FILE | --no-metrics]

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
  --resolve-names
                 let the dashboard's "Host names" switch look up reverse DNS for the addresses on
                 screen (off by default: without it serve sends no DNS query; docs/names.md)
  --token-file FILE
                 read the access token from FILE (one line, at least 16 characters, not readable by
                 others) instead of making a random one at each start
Prometheus (docs/metrics.md):
  /metrics       the Prometheus exposition, for \`Authorization: Bearer <token>\` (the access token, or
                 the --metrics-token-file one)
  --metrics-only serve /metrics and nothing else (no dashboard, no API): for servers
  --metrics-top K
                 destinations and CLOSE_WAIT processes with series of their own (default 20, 1–200);
                 the rest are summed as dst="other"
  --metrics-token-file FILE
                 a second token, good for /metrics only (give Prometheus this one: it cannot open
                 the dashboard); same rules as --token-file
  --no-metrics   no /metrics
  --help         this text

Over SSH, from your own machine:
  ssh -L 7780:127.0.0.1:7780 you@server 'npx waitline serve --port 7780'
then open the printed http://127.0.0.1:7780/?token=… URL in your browser.

Stop with Ctrl-C (SIGINT) or SIGTERM.`;

/** Where the built renderer is: in the installed desktop app, unpacked next to app.asar; next to the
 *  CLI bundle (dist/cli.mjs → dist/renderer); or under dist/ of the checkout (running from sources). */
export function findRendererDir(): string | null {
  const candidates: string[] = [];
  // The installed app (`waitline serve` run by its main process, electron/main/entry.ts), where
  // argv[1] is not a script. electron-builder.yml unpacks dist/renderer from app.asar: the static file
  // checks (lstat of each component, O_NOFOLLOW open, /proc/self/fd) need real files, which an asar
  // entry is not.
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.push(join(resources, 'app.asar.unpacked', 'dist', 'renderer'));
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
  const { flags } = parseArgs(argv, {
    values: ['port', 'host', 'interval', 'source', 'alert-settings', 'state-dir', 'token-file', 'metrics-top', 'metrics-token-file'],
    booleans: ['no-history', 'metrics-only', 'no-metrics', 'resolve-names'],
  });
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
  if (flags['no-metrics'] && (flags['metrics-only'] || flags['metrics-top'] || flags['metrics-token-file'])) {
    throw new UsageError('--no-metrics contradicts the other --metrics flags: give one or the other');
  }
  const metricsOnly = flags['metrics-only'] === true;
  const topK = integerFlag(flags['metrics-top'], 'metrics-top', METRICS_TOP_K.default, METRICS_TOP_K.min, METRICS_TOP_K.max);
  const token = typeof flags['token-file'] === 'string' ? readTokenFile(flags['token-file'], '--token-file') : undefined;
  const metricsToken = typeof flags['metrics-token-file'] === 'string' ? readTokenFile(flags['metrics-token-file'], '--metrics-token-file') : undefined;
  if (token !== undefined && metricsToken !== undefined && token === metricsToken) {
    throw new UsageError('--token-file and --metrics-token-file hold the same token: the metrics token is meant to open /metrics only');
  }
  const staticDir = metricsOnly ? null : findRendererDir();
  if (!metricsOnly && !staticDir) {
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
    token,
    reverseDns: flags['resolve-names'] === true,
    metrics: flags['no-metrics'] ? undefined : { topK, token: metricsToken, only: metricsOnly },
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
  const metricsUrl = server.url.replace(/\/\?token=.*$/, '/metrics');
  if (metricsOnly) {
    console.log(`Waitline Prometheus metrics on ${shown}:${server.port}: ${metricsUrl}`);
    console.log(
      metricsToken !== undefined
        ? `Scrape it with Authorization: Bearer <the token in ${flags['metrics-token-file']}> (credentials_file in Prometheus).`
        : token !== undefined
          ? `Scrape it with Authorization: Bearer <the token in ${flags['token-file']}>.`
          : `Scrape it with Authorization: Bearer ${server.token}\n(random at each start: give --metrics-token-file for a token Prometheus can keep).`,
    );
  } else {
    console.log(`Waitline dashboard (read-only) on ${shown}:${server.port}. Open this URL, which carries the access token:`);
    console.log(server.url);
    if (!flags['no-metrics']) console.log(`Prometheus metrics: ${metricsUrl} (Authorization: Bearer with the same token${metricsToken !== undefined ? ' or the metrics token' : ''}).`);
  }
  if (!metricsOnly && isLoopbackHost(bare)) {
    console.log(`From another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>, then open the URL there.`);
  }
  console.log(
    metricsOnly
      ? `Alert thresholds: ${alertSettingsFile} (active alerts are in waitline_alerts_active).`
      : `Alert thresholds: ${alertSettingsFile} (change them in the Alerts view; they are saved there).`,
  );
  const st = server.history.storage;
  console.log(st.mode === 'disk' ? `History: ${st.path} (1 s for 48 h, 1 min for 90 days).` : `History: ${st.message ?? 'in memory only (--no-history).'}`);
  console.log('Stop with Ctrl-C.');
  await stopped;
  return 0;
}

/** A whole number within [min, max], refused with what is allowed and what was given. */
function integerFlag(v: string | true | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (v === true || !/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}; got "${String(v).slice(0, 40)}"`);
  }
  return Number(v);
}

/** A token from a file: one line of visible ASCII (what an HTTP bearer token can carry), at least 16
 *  characters, in a file others cannot read. Surrounding white space (a final newline) is ignored. */
export function readTokenFile(file: string, flag: string): string {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${flag} ${file}: not a regular file`);
    if (st.mode & 0o004) throw new UsageError(`${flag} ${file}: readable by every user (mode ${(st.mode & 0o777).toString(8)}); chmod o-r it`);
    if (st.size > 4096) throw new UsageError(`${flag} ${file}: ${st.size} bytes is not a token (at most 4 KiB)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const t = text.trim();
  if (t.length < 16) throw new UsageError(`${flag} ${file}: the token must be at least 16 characters (it has ${t.length}); e.g. openssl rand -hex 32 > ${file}`);
  if (!/^[\x21-\x7e]+$/.test(t)) throw new UsageError(`${flag} ${file}: the token must be one word of visible ASCII characters (no spaces or line breaks inside)`);
  return t;
}

export const serveCommand: Subcommand = {
  usage: SERVE_USAGE,
  run: runServe,
};
