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
import { parseArgs, secondsFlag, sourceFlag, UsageError, usageError } from './args';
import type { Subcommand } from './commands';
import { type CliT, type CliText, englishText, optionLines, usageHead } from './text';
import pkg from '../../package.json';

export function serveUsage(t: CliT): string {
  return [
    usageHead(t, [
      'waitline serve [--port N] [--host H] [--interval S] [--source auto|netlink|procfs] [--alert-settings FILE]',
      '                     [--state-dir DIR | --no-history] [--token-file FILE] [--resolve-names]',
      '                     [--metrics-only] [--metrics-top K] [--metrics-token-file FILE | --no-metrics]',
    ]),
    '',
    t('cli.serve.usage.about'),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--port N', t('cli.serve.usage.port')],
        ['--host H', t('cli.serve.usage.host')],
        ['--interval S', t('cli.serve.usage.interval')],
        ['--source S', t('cli.serve.usage.source')],
        ['--alert-settings FILE', t('cli.serve.usage.alert_settings')],
        ['--state-dir DIR', t('cli.serve.usage.state_dir')],
        ['--no-history', t('cli.serve.usage.no_history')],
        ['--resolve-names', t('cli.serve.usage.resolve_names')],
        ['--token-file FILE', t('cli.serve.usage.token_file')],
      ],
      17,
    ),
    t('cli.serve.usage.prometheus'),
    optionLines(
      [
        ['/metrics', t('cli.serve.usage.metrics')],
        ['--metrics-only', t('cli.serve.usage.metrics_only')],
        ['--metrics-top K', t('cli.serve.usage.metrics_top')],
        ['--metrics-token-file FILE', t('cli.serve.usage.metrics_token_file')],
        ['--no-metrics', t('cli.serve.usage.no_metrics')],
        ['--help', t('cli.main.help_option')],
      ],
      17,
    ),
    '',
    t('cli.serve.usage.ssh'),
    "  ssh -L 7780:127.0.0.1:7780 you@server 'npx waitline serve --port 7780'",
    t('cli.serve.usage.then_open', { url: 'http://127.0.0.1:7780/?token=…' }),
    '',
    t('cli.serve.usage.stop'),
  ].join('\n');
}

/** The usage text in English. */
export const SERVE_USAGE = serveUsage(englishText().t);

/** The HTTP header a scraper sends (the same in every language). */
const BEARER = 'Authorization: Bearer';

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
  if (v === true || !/^\d{1,5}$/.test(v) || Number(v) > 65535) throw usageError((t) => t('cli.serve.bad_port', { given: String(v) }));
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
  throw usageError((t) => t('cli.serve.bad_host', { given: shown }));
}

export async function runServe(argv: string[], tx: CliText = englishText()): Promise<number> {
  const { t } = tx;
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
  if (flags['no-history'] && flags['state-dir']) throw usageError((t) => t('cli.serve.state_dir_no_history'));
  const stateFlag = flags['state-dir'];
  const historyDir = flags['no-history'] ? null : resolve(typeof stateFlag === 'string' ? stateFlag : defaultStateDir());
  if (flags['no-metrics'] && (flags['metrics-only'] || flags['metrics-top'] || flags['metrics-token-file'])) {
    throw usageError((t) => t('cli.serve.no_metrics_conflict'));
  }
  const metricsOnly = flags['metrics-only'] === true;
  const topK = integerFlag(flags['metrics-top'], 'metrics-top', METRICS_TOP_K.default, METRICS_TOP_K.min, METRICS_TOP_K.max);
  const token = typeof flags['token-file'] === 'string' ? readTokenFile(flags['token-file'], '--token-file') : undefined;
  const metricsToken = typeof flags['metrics-token-file'] === 'string' ? readTokenFile(flags['metrics-token-file'], '--metrics-token-file') : undefined;
  if (token !== undefined && metricsToken !== undefined && token === metricsToken) {
    throw usageError((t) => t('cli.serve.same_token'));
  }
  const staticDir = metricsOnly ? null : findRendererDir();
  if (!metricsOnly && !staticDir) {
    console.error(`waitline serve: ${t('cli.serve.not_built')}`);
    return 1;
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (isWildcard(bare)) {
    console.error(t('cli.serve.warn_wildcard', { host }));
  } else if (!isLoopbackHost(bare)) {
    console.error(t('cli.serve.warn_not_loopback', { host }));
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
    // serve's own log lines (alerts, clients, the collector) in the run's language (--lang or the env)
    locale: tx.locale,
  });
  // Handlers first, then the URL: whoever reads the URL may stop us at once.
  const stopped = new Promise<void>((resolveStop) => {
    const stop = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      console.log(`waitline serve: ${t('cli.serve.stopping', { signal: sig })}`);
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
    console.log(t('cli.serve.metrics_on', { where: `${shown}:${server.port}`, url: metricsUrl }));
    console.log(
      metricsToken !== undefined
        ? t('cli.serve.scrape_metrics_token', { header: BEARER, file: String(flags['metrics-token-file']) })
        : token !== undefined
          ? t('cli.serve.scrape_token_file', { header: BEARER, file: String(flags['token-file']) })
          : t('cli.serve.scrape_random', { header: BEARER, token: server.token }),
    );
  } else {
    console.log(t('cli.serve.dashboard_on', { where: `${shown}:${server.port}` }));
    console.log(server.url);
    if (!flags['no-metrics']) console.log(t(metricsToken !== undefined ? 'cli.serve.metrics_either_token' : 'cli.serve.metrics_same_token', { header: BEARER, url: metricsUrl }));
  }
  if (!metricsOnly && isLoopbackHost(bare)) {
    console.log(t('cli.serve.from_elsewhere', { command: `ssh -L ${server.port}:127.0.0.1:${server.port} <this host>` }));
  }
  console.log(
    metricsOnly
      ? t('cli.serve.alerts_metrics', { file: alertSettingsFile })
      : t('cli.serve.alerts_dashboard', { file: alertSettingsFile }),
  );
  const st = server.history.storage;
  const stMessage = st.msg ? t(st.msg.key, st.msg.params) : st.message;
  console.log(st.mode === 'disk' ? t('cli.serve.history_disk', { path: String(st.path) }) : stMessage ? t('cli.serve.history_message', { message: stMessage }) : t('cli.serve.history_memory'));
  console.log(t('cli.serve.stop_hint', { keys: 'Ctrl-C' }));
  await stopped;
  return 0;
}

/** A whole number within [min, max], refused with what is allowed and what was given. */
function integerFlag(v: string | true | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (v === true || !/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw usageError((t) => t('cli.args.whole_number', { flag: `--${name}`, min: String(min), max: String(max), given: String(v).slice(0, 40) }));
  }
  return Number(v);
}

/** A token from a file: one line of visible ASCII (what an HTTP bearer token can carry), at least 16
 *  characters, in a file others cannot read. Surrounding white space (a final newline) is ignored. */
export function readTokenFile(file: string, flag: string): string {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw usageError((t) => t('cli.serve.token.not_file', { flag, file }));
    if (st.mode & 0o004) throw usageError((t) => t('cli.serve.token.world_readable', { flag, file, mode: (st.mode & 0o777).toString(8) }));
    if (st.size > 4096) throw usageError((t) => t('cli.serve.token.too_big', { flag, file, size: String(st.size) }));
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw usageError((t) => t('cli.serve.token.unreadable', { flag, file, why }));
  }
  const tok = text.trim();
  if (tok.length < 16) throw usageError((t) => t('cli.serve.token.too_short', { flag, file, length: String(tok.length) }));
  if (!/^[\x21-\x7e]+$/.test(tok)) throw usageError((t) => t('cli.serve.token.not_ascii', { flag, file }));
  return tok;
}

export const serveCommand: Subcommand = {
  usage: (tx) => serveUsage(tx.t),
  run: runServe,
};
