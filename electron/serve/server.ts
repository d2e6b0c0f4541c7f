// `waitline serve`: a small read-only HTTP server (plain node:http) that serves the built renderer and
// implements the renderer's WaitlineApi over JSON + server-sent events. Its collector runs in a
// worker thread (worker-collector.ts) at 1 s ticks; this thread keeps 24 h of history and answers HTTP.
//
// Security, in order: the request line and headers are parsed without anything that can throw
// (http-guard.ts) and bounded in size and time; the Host header (and Origin, when sent) must name the
// served address — this defeats DNS rebinding; then the random token (query `?token=`,
// `Authorization: Bearer`, or the HttpOnly cookie set when the page was opened with the token) — a
// missing or wrong one gets 401 (an HTML page for a browser, JSON for the API). Static files are
// opened without following symlinks (static-files.ts). An event-stream client that stops reading is
// dropped once 1 MiB is queued for it. Nothing can change the kernel: the tuning calls answer
// `read_only`; only the alert thresholds can be changed (PUT /api/alert-settings), validated and saved
// like the desktop app's. Alerts are logged one line each, marked in the history and sent with every
// snapshot (and as `alert` events).
// Design notes: docs/serve.md.

import type { HostNameHints } from '../../shared/names';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname, networkInterfaces, release } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../shared/alerts';
import { localeFromAcceptLanguage, localeFromEnv, msg, msgText, renderMsg, type Locale, type Msg, type MsgKey } from '../../shared/i18n';
import type { AlertSettingsResult, AppInfo, CollectorStatus, Demand } from '../../shared/api';
import { HistoryError } from '../../shared/history';
import { PersistentHistory } from '../history/persistent-history';
import { writeExport, type ExportSources } from '../history/export';
import { EXPORT_MIME, exportFileName, type ExportRequest } from '../../shared/export-format';
import { SERVE_EVENTS, SERVE_PATHS, SERVE_TOKEN_COOKIE, SERVE_TOKEN_PARAM } from '../../shared/serve-protocol';
import { SNAPSHOT_LIMITS, type Snapshot, type SocketPage, type SocketQuery } from '../../shared/snapshot';
import { knobState, SYSCTL_CATALOG } from '../../shared/sysctl-catalog';
import { addToBudgetRest } from '../../shared/port-budget';
import type { TuningResult, TuningState } from '../../shared/tuning';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { KillResult } from '../../shared/socket-tuple';
import {
  bearerToken,
  clientErrorStatus,
  cookieValues,
  forbiddenHostPage,
  forbiddenOriginPage,
  headerCount,
  localeT,
  notFoundPage,
  parseTarget,
  rawErrorResponse,
  sameToken,
  unauthorizedPage,
  wantsHtml,
} from './http-guard';
import { AlertService, AlertSettingsStore, notificationText } from '../settings/alert-service';
import { nodeFiles } from '../settings/node-files';
import { openStatic, pathSegments, realRoot } from './static-files';
import { BadRequest, parseConnKeys, parseExportRequest, parseHistoryQuery, parseNameRequest, parseSocketQuery } from './validate';
import { CollectorBusy, WorkerCollector, type WorkerCollectorOptions } from './worker-collector';
import { startTickLoop, type TickLoop } from '../collector/tick-loop';
import { appInfoServices } from '../collector/services-file';
import { ReverseDns, type ReverseDnsOptions } from '../collector/reverse-dns';
import { METRICS_TOP_K, MetricsExporter, metricsFormat } from './metrics';
import { dashboardSecurityHeaders, mimeType } from '../../shared/web-content';

/** What the server needs from the collector: the worker client (WorkerCollector) or, in tests, a
 *  Collector (or a fake) running in this thread. */
export interface ServeCollector {
  tick(): Promise<Snapshot>;
  querySockets(q: SocketQuery, hosts?: HostNameHints | null): SocketPage | Promise<SocketPage>;
  /** tcp_info of a few connections (docs/conn-info.md) */
  connInfo?(keys: ConnKey[]): Promise<ConnInfoReply>;
  setDemand(d: Demand): void;
  /** new alert settings (a Collector made without `alerts` ignores them) */
  setAlertSettings?(settings: AlertSettings): void;
  close?(): Promise<void> | void;
}

export interface ServeOptions {
  /** a collector in this thread (tests); when absent the collector runs in a worker thread */
  collector?: ServeCollector;
  /** options of the worker-thread collector (ignored when `collector` is given) */
  collectorWorker?: WorkerCollectorOptions;
  /** directory holding the built renderer (index.html + assets/); not needed with metrics.only */
  staticDir: string | null;
  /** Prometheus metrics at /metrics (docs/metrics.md); absent: none */
  metrics?: {
    /** destinations and CLOSE_WAIT processes with series of their own (default 20) */
    topK?: number;
    /** a token good for /metrics only (read from --metrics-token-file) */
    token?: string;
    /** serve /metrics and nothing else: no dashboard, no API */
    only?: boolean;
  };
  /** default 127.0.0.1 */
  host?: string;
  /** default 7780; 0 = any free port */
  port?: number;
  /** default 1000 */
  tickMs?: number;
  /** default: 32 random bytes, base64url */
  token?: string;
  historyCapacity?: number;
  /** folder of the history file (docs/history.md); absent or null: history in memory only */
  historyDir?: string | null;
  version?: string;
  /** an event-stream client with more than this queued and unsent is dropped (default 1 MiB) */
  maxClientBufferBytes?: number;
  /** at most this many event streams at once (default 64); more get 503 */
  maxClients?: number;
  /** the request line and headers must arrive within this (default 10 s) */
  headersTimeoutMs?: number;
  /** the whole request must arrive within this (default 30 s) */
  requestTimeoutMs?: number;
  /** alert settings are loaded from and saved to this file (the desktop app's alert-settings.json);
   *  absent: the defaults, kept in memory only */
  alertSettingsFile?: string;
  /** one-line diagnostics (default: stderr) */
  log?: (line: string) => void;
  /** look up reverse-DNS names when a viewer with names turned on asks (GET /api/names); default
   *  false: serve sends no DNS query at all and answers only loopback (docs/names.md) */
  reverseDns?: boolean | ReverseDnsOptions;
  /** the language of the log lines and start-up errors (default: the process's, LC_ALL / LC_MESSAGES / LANG). Pages for
   *  browsers follow each request's Accept-Language; JSON and /metrics never change with either. */
  locale?: Locale;
}

export interface ServeHandle {
  host: string;
  port: number;
  token: string;
  /** the URL to open, with the token */
  url: string;
  history: PersistentHistory;
  /** number of connected event streams */
  readonly clients: number;
  /** event-stream clients dropped because they stopped reading */
  readonly droppedClients: number;
  close(): Promise<void>;
}

const KILL_READ_ONLY_MSG: Msg = msg('main.serve.killReadOnly');
const KILL_READ_ONLY_REASON = msgText(KILL_READ_ONLY_MSG);
const READ_ONLY_REASON = 'waitline serve is read-only: tuning is possible only in the desktop app (it uses a polkit helper).';

/** Request line + headers, in bytes (Node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 16 * 1024;
const PROBE_READ_ONLY_REASON = 'waitline serve is read-only: a probe is an active network action; run it in the desktop app or with `waitline probe`.';
const MAX_POST_BODY_BYTES = 64 * 1024;

/** Reads a request body of at most `limit` bytes as JSON; BadRequest says what is wrong with it. */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    req.on('data', (d: Buffer) => {
      got += d.length;
      if (got > limit) {
        reject(new BadRequest(`the request body is larger than ${limit / 1024} KiB`));
        req.destroy();
        return;
      }
      chunks.push(d);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolveBody(JSON.parse(text));
      } catch (e) {
        reject(new BadRequest(`the request body is not JSON: ${(e as Error).message.slice(0, 120)}`));
      }
    });
  });
}

// every response: the dashboard's CSP (its own origin only), nosniff, no referrer, no framing
const SECURITY_HEADERS = dashboardSecurityHeaders('self');

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostPort(h: string, port: number): string {
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}

/** Host header values accepted for a server bound to `host`:`port`. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set<string>();
  if (isWildcard(host)) {
    names.add('localhost');
    names.add(hostname());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.replace(/%.*$/, ''));
  } else {
    names.add(host);
    if (isLoopbackHost(host)) names.add('localhost');
  }
  const out = new Set<string>();
  for (const n of names) out.add(hostPort(n, port).toLowerCase());
  return out;
}

function sendBody(res: ServerResponse, status: number, contentType: string, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(body), extra);
}

function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, extra);
}

function sendHtml(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  sendBody(res, status, 'text/html; charset=utf-8', html, extra);
}

function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function peer(s: Socket | null | undefined): string | null {
  return s?.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : null;
}

/** The served index.html with `<html lang>` set to the browser's language (the page's first paint;
 *  the renderer then follows its own setting). */
export function withHtmlLang(html: string, locale: Locale): string {
  if (/<html\b[^>]*\blang\s*=/i.test(html)) return html.replace(/(<html\b[^>]*?\blang\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)/i, `$1"${locale}"`);
  return html.replace(/<html\b/i, `<html lang="${locale}"`);
}

export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  const host = opts.host ?? '127.0.0.1';
  const bareHost = host.replace(/^\[|\]$/g, '');
  const tickMs = opts.tickMs ?? 1000;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const maxBuffer = opts.maxClientBufferBytes ?? 1024 * 1024;
  const maxClients = opts.maxClients ?? 64;
  const log = opts.log ?? ((line: string) => console.error(line));
  // log lines: the process's language
  const logT = localeT(opts.locale ?? localeFromEnv(process.env));
  const lt = (key: MsgKey, params?: Record<string, string | number>): string => renderMsg(logT, params ? { key, params } : { key });
  const metricsOnly = opts.metrics?.only === true;
  let staticRoot: string | null = null;
  if (!metricsOnly) {
    const dir = resolve(opts.staticDir ?? 'dist/renderer');
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(`the dashboard is not built (no ${join(dir, 'index.html')}); run \`npm run build\` first`);
    }
    staticRoot = await realRoot(dir);
  }
  const metrics = opts.metrics ? new MetricsExporter({ topK: opts.metrics.topK, version: opts.version ?? '0.0.0' }) : null;
  const metricsToken = opts.metrics?.token ?? null;
  let lastScrape = -Infinity;
  // its status (a file moved aside, read-only, memory only) is the CLI's to print, once serving
  const history = await PersistentHistory.open({ dir: opts.historyDir ?? null, capacity: opts.historyCapacity });
  const alertStore = opts.alertSettingsFile
    ? new AlertSettingsStore(opts.alertSettingsFile, nodeFiles, (line) => log(`waitline serve: ${line}`))
    : { load: (): AlertSettings => ({ ...DEFAULT_ALERT_SETTINGS }), save: (): void => undefined };
  const initialAlerts = alertStore.load();
  // the collector lists as many destinations and CLOSE_WAIT processes as the metrics show
  const listLimit = opts.metrics ? Math.max(SNAPSHOT_LIMITS.portBudgets, opts.metrics.topK ?? METRICS_TOP_K.default) : undefined;
  const collector: ServeCollector = opts.collector ?? new WorkerCollector({ listLimit, ...opts.collectorWorker, alerts: initialAlerts });
  const streams = new Set<ServerResponse>();
  let dropped = 0;
  let lastSnapshot: Snapshot | null = null;
  let status: CollectorStatus = { state: 'starting', message: null, restarts: 0, nextRestartAt: null };
  let port = 0;
  let allowed = new Set<string>();
  let served = '';
  let stopped = false;

  // the desktop app's alert service without the desktop: settings, validation, history markers
  const alerts = new AlertService({
    store: { load: () => initialAlerts, save: (s) => alertStore.save(s) },
    collector: { setAlertSettings: (s) => collector.setAlertSettings?.(s) },
    history,
    notification: null,
    show: () => undefined,
    log: (line) => log(`waitline serve: ${line}`),
  });

  const names = new ReverseDns(typeof opts.reverseDns === 'object' ? opts.reverseDns : { enabled: opts.reverseDns === true });
  const info = (): AppInfo => ({
    transport: 'serve',
    version: opts.version ?? '0.0.0',
    kernel: release(),
    hostname: hostname(),
    readOnly: true,
    tickMs,
    ...appInfoServices(),
    reverseDns: names.enabled,
    kill: { available: false, reason: KILL_READ_ONLY_REASON, reasonMsg: KILL_READ_ONLY_MSG },
  });

  // ---- event streams: a generic broadcast (event name + JSON payload) with per-client backpressure ----

  function dropStream(res: ServerResponse, queuedKiB: number, limitKiB: number): void {
    if (!streams.delete(res)) return;
    dropped++;
    const who = peer(res.socket) ?? lt('main.serve.log.aClient');
    log(`waitline serve: ${lt('main.serve.log.dropped', { peer: who, queued: queuedKiB, limit: limitKiB })}`);
    res.destroy();
    updateDemand();
  }

  /** Writes a frame to one client; a client that has more than `maxBuffer` bytes queued (it stopped
   *  reading) is dropped instead of being buffered without bound. */
  function writeFrame(res: ServerResponse, frame: string): void {
    if (res.destroyed || res.writableEnded) return;
    const queued = res.writableLength;
    if (queued + frame.length > maxBuffer) {
      return dropStream(res, Math.round(queued / 1024), Math.round(maxBuffer / 1024));
    }
    res.write(frame);
  }

  function broadcast(event: string, data: unknown): void {
    if (streams.size === 0) return;
    const frame = eventFrame(event, data);
    for (const res of streams) writeFrame(res, frame);
  }

  function setStatus(s: CollectorStatus): void {
    status = s;
    broadcast(SERVE_EVENTS.status, s);
  }

  /** The one place where each new Snapshot arrives in this thread: history, then every client. */
  function onSnapshot(snap: Snapshot): void {
    metrics?.update(snap, { failures });
    // the metrics' top K may list more than the dashboard shows: clients get the usual bounded lists
    snap = forClients(snap);
    lastSnapshot = snap;
    history.push(snap);
    if (status.state !== 'running') setStatus({ state: 'running', message: null, restarts: failures, nextRestartAt: null });
    broadcast(SERVE_EVENTS.snapshot, snap);
    const events = snap.alerts?.events ?? [];
    if (events.length > 0) {
      alerts.onEvents(events);
      // Every event goes to the log and to clients — raised, escalated, repeated and cleared — except
      // the quiet ones (a stronger alert on the same subject already tells it).
      for (const e of events) {
        if (e.quiet) continue;
        const text = notificationText(logT, e.alert);
        log(`waitline serve: ${lt(e.kind === 'cleared' ? 'main.serve.log.cleared' : 'main.serve.log.alert', { title: text.title, message: text.body })}`);
        broadcast(SERVE_EVENTS.alert, e);
      }
    }
  }

  // ---- ticks: one collector tick per period, never overlapping (electron/collector/tick-loop.ts) ----
  let loop: TickLoop | null = null;
  let failures = 0;
  async function tickOnce(): Promise<void> {
    try {
      const snap = await collector.tick();
      if (stopped) return;
      onSnapshot(snap);
    } catch (e) {
      if (stopped) return;
      failures++;
      const m = msg('main.serve.collectorFailed', { error: String((e as Error)?.message ?? e) });
      setStatus({
        state: 'restarting',
        message: msgText(m),
        msg: m,
        restarts: failures,
        nextRestartAt: Date.now() + tickMs,
      });
    }
  }

  function updateDemand(): void {
    // The connection table and owners are worth reading often only while someone is watching; a
    // scraper in the last two minutes wants the table fresh too (owners stay on their idle cadence).
    const scraped = Date.now() - lastScrape < 120_000;
    if (!stopped) collector.setDemand({ table: streams.size > 0 || scraped, owners: streams.size > 0 });
  }

  /** GET /metrics: the cached exposition of the last snapshot, in the format the scraper asked for. */
  async function sendMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!metrics) return sendError(res, 404, 'metrics are off');
    if (!metrics.ready) return sendError(res, 503, 'no snapshot yet: the first collection is still running', { 'Retry-After': '1' });
    const first = Date.now() - lastScrape >= 120_000;
    lastScrape = Date.now();
    if (first) updateDemand();
    const r = await metrics.render(metricsFormat(req.headers.accept));
    sendBody(res, 200, r.contentType, r.body);
  }

  function tuningState(): TuningState {
    const sys = lastSnapshot?.sysctls ?? {};
    return {
      writable: false,
      readOnlyReason: READ_ONLY_REASON,
      knobs: SYSCTL_CATALOG.map((e) => knobState(e.key, sys[e.key])),
      history: [],
    };
  }

  const exportSources: ExportSources = {
    history,
    querySockets: async (q) => collector.querySockets(q),
    budgets: () => (lastSnapshot ? { time: lastSnapshot.time, budgets: lastSnapshot.portBudgets } : null),
    tuning: async () => tuningState().history,
  };

  /** An export as a download: streamed (a million rows are never held as one string), so it has no
   *  Content-Length; an error after the first byte can only cut the stream. */
  async function sendExport(res: ServerResponse, req: ExportRequest, head: boolean): Promise<void> {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': EXPORT_MIME[req.format],
      'Content-Disposition': `attachment; filename="${exportFileName(req, Date.now())}"`,
      'Cache-Control': 'no-store',
    });
    if (head) return void res.end();
    await writeExport(res, req, exportSources);
    res.end();
  }

  // ---- request handling ----

  /** Which credential matched, if any. Every cookie named waitline_token is tried: one planted by a
   *  page on another port of this host (cookies are not port-scoped) cannot hide the real one. */
  function authorize(req: IncomingMessage, params: URLSearchParams): { ok: boolean; viaQuery: boolean; given: boolean } {
    if (metricsOnly) {
      // no page, no cookie: the bearer token only
      const b = bearerToken(req.headers.authorization);
      return { ok: b !== null && sameToken(b, token), viaQuery: false, given: req.headers.authorization !== undefined };
    }
    const q = params.get(SERVE_TOKEN_PARAM);
    if (q !== null && sameToken(q, token)) return { ok: true, viaQuery: true, given: true };
    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== null && sameToken(bearer, token)) return { ok: true, viaQuery: false, given: true };
    const cookies = cookieValues(req.headers.cookie, SERVE_TOKEN_COOKIE);
    if (cookies.some((c) => sameToken(c, token))) return { ok: true, viaQuery: false, given: true };
    return { ok: false, viaQuery: false, given: q !== null || bearer !== null || req.headers.authorization !== undefined };
  }

  async function serveStatic(
    staticRoot: string,
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    setCookie: boolean,
    page: { served: string; port: number; locale: Locale } | null,
    locale: Locale,
  ): Promise<void> {
    const notFound = (status: number): void =>
      page && status === 404 ? sendHtml(res, 404, notFoundPage(page, pathname, page.locale)) : sendError(res, status, 'not found');
    const segments = pathSegments(pathname);
    if (!segments) return notFound(404);
    const r = await openStatic(staticRoot, segments);
    if (!r.ok) return notFound(r.status);
    const { handle, rel } = r.file;
    let { size } = r.file;
    if (res.destroyed) return void handle.close().catch(() => undefined);
    let body: Buffer | null = null;
    if (rel === 'index.html') {
      // small, never cached: read whole, with <html lang> set from Accept-Language
      try {
        body = Buffer.from(withHtmlLang(await handle.readFile('utf8'), locale), 'utf8');
      } catch {
        await handle.close().catch(() => undefined);
        return sendError(res, 500, 'the file could not be read');
      }
      await handle.close().catch(() => undefined);
      size = body.length;
    }
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': mimeType(rel),
      'Content-Length': size,
      'Cache-Control': rel === 'index.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (setCookie) {
      headers['Set-Cookie'] = `${SERVE_TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (body !== null) {
      res.writeHead(200, headers);
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    if (req.method === 'HEAD' || size === 0) {
      await handle.close().catch(() => undefined);
      res.writeHead(200, headers);
      return void res.end();
    }
    const stream = handle.createReadStream({ start: 0, end: size - 1, autoClose: true });
    // Content-Length is fixed: a file that shrinks or fails mid-read ends the connection (no wrong body)
    let first = true;
    stream.once('data', () => (first = false));
    res.writeHead(200, headers);
    pipeline(stream, res, (err) => {
      if (!err) return;
      if (first && !res.headersSent) sendError(res, 500, 'the file could not be read');
      else res.destroy();
    });
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    if (streams.size >= maxClients) {
      return sendError(res, 503, `too many event streams (at most ${maxClients}); close another dashboard tab`, { 'Retry-After': '5' });
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    if (req.method === 'HEAD') return void res.end();
    streams.add(res);
    res.write('retry: 2000\n\n');
    writeFrame(res, eventFrame(SERVE_EVENTS.status, status));
    if (lastSnapshot) writeFrame(res, eventFrame(SERVE_EVENTS.snapshot, lastSnapshot));
    updateDemand();
    const gone = () => {
      if (streams.delete(res)) updateDemand();
    };
    req.on('close', gone);
    res.on('close', gone);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? '';
    // ---- the request itself: size, method, Host, Origin (nothing here can throw) ----
    if (headerCount(req.rawHeaders, 'host') > 1) return sendError(res, 400, 'more than one Host header');
    if (headerCount(req.rawHeaders, 'authorization') > 1) return sendError(res, 400, 'more than one Authorization header');
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST' && method !== 'PUT') {
      return sendError(res, 405, 'only GET and HEAD are served (POST on the tuning endpoints, PUT on the alert settings)', { Allow: 'GET, HEAD' });
    }
    const target = parseTarget(req.url);
    if (!target.ok) return sendError(res, target.status, target.reason);
    const { pathname, params } = target.target;
    // PUT means one thing here (the alert thresholds); anywhere else it is refused before the token
    if (method === 'PUT' && pathname !== SERVE_PATHS.alertSettings) {
      return sendError(res, 405, 'only GET and HEAD are served here (PUT only on the alert settings)', { Allow: 'GET, HEAD' });
    }
    if (req.httpVersionMajor !== 1) return sendError(res, 505, 'only HTTP/1.0 and HTTP/1.1 are spoken here');
    // /metrics with a valid bearer token is answered before the Host check: a scraper uses whatever
    // name it was configured with, and a web page (the DNS-rebinding case) has no token to send
    // (docs/metrics.md, "Authentication")
    if (pathname === SERVE_PATHS.metrics && metrics) {
      if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, '/metrics takes GET', { Allow: 'GET, HEAD' });
      const b = bearerToken(req.headers.authorization);
      if (b !== null && (sameToken(b, token) || (metricsToken !== null && sameToken(b, metricsToken)))) return sendMetrics(req, res);
    }
    if (metricsOnly && pathname !== SERVE_PATHS.metrics) {
      return sendError(res, 404, 'this server runs with --metrics-only: /metrics is all it serves');
    }
    const html = !metricsOnly && wantsHtml(req.headers.accept, pathname);
    // pages for people are in the browser's language; JSON bodies never change with it
    const pageLocale = localeFromAcceptLanguage(req.headers['accept-language']);
    const ctx = { served, port };
    const te = req.headers['transfer-encoding'];
    if (te !== undefined && !/(^|,)\s*chunked\s*$/i.test(te)) {
      // RFC 9112 §6.3: the body length cannot be known; answer 400 and close
      return sendError(res, 400, 'Transfer-Encoding must end in "chunked"', { Connection: 'close' });
    }
    const hostHeader = target.target.authority ?? req.headers.host;
    if (hostHeader === undefined || hostHeader === '') return sendError(res, 400, 'the Host header is required');
    if (!allowed.has(hostHeader.toLowerCase())) {
      if (html) return sendHtml(res, 403, forbiddenHostPage(ctx, hostHeader, pageLocale));
      return sendError(res, 403, `refused: the Host header "${hostHeader.slice(0, 100)}" is not the address this server serves`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !(origin.startsWith('http://') && allowed.has(origin.slice(7).toLowerCase()))) {
      if (html) return sendHtml(res, 403, forbiddenOriginPage(ctx, pageLocale));
      return sendError(res, 403, `refused: requests from origin "${origin.slice(0, 100)}" are not allowed`);
    }
    // a body is read only by the POST endpoints; elsewhere the connection is closed after the answer
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (hasBody && method !== 'POST' && method !== 'PUT') res.setHeader('Connection', 'close');

    // ---- the token ----
    const auth = authorize(req, params);
    if (!auth.ok) {
      const extra = { 'WWW-Authenticate': 'Bearer realm="waitline"' };
      if (pathname === SERVE_PATHS.metrics) {
        return sendError(res, 401, 'missing or wrong token: send Authorization: Bearer <token> (the dashboard token or the --metrics-token-file one)', extra);
      }
      if (html) return sendHtml(res, 401, unauthorizedPage(ctx, auth.given, pageLocale), extra);
      return sendError(res, 401, 'missing or wrong access token: open the URL `waitline serve` printed (it ends in ?token=…)', extra);
    }

    // ---- the API and the page ----
    if (pathname === SERVE_PATHS.metrics && metrics) return sendMetrics(req, res);
    if (pathname.startsWith('/api/')) {
      if (pathname === SERVE_PATHS.apply || pathname === SERVE_PATHS.confirm || pathname === SERVE_PATHS.revert || pathname === SERVE_PATHS.kill || pathname === SERVE_PATHS.probe) {
        if (method !== 'POST') return sendError(res, 405, `${pathname} takes POST`, { Allow: 'POST' });
        const len = Number(req.headers['content-length'] ?? 0);
        if (!(len <= MAX_POST_BODY_BYTES)) return sendError(res, 413, 'request body too large', { Connection: 'close' });
        let got = 0;
        req.on('data', (d: Buffer) => {
          got += d.length;
          if (got > MAX_POST_BODY_BYTES) req.destroy();
        });
        const r: TuningResult | KillResult =
          pathname === SERVE_PATHS.kill
            ? { ok: false, code: 'read_only', message: KILL_READ_ONLY_REASON }
            : pathname === SERVE_PATHS.probe
              ? { ok: false, code: 'read_only', message: PROBE_READ_ONLY_REASON }
              : { ok: false, code: 'read_only', message: READ_ONLY_REASON };
        return sendJson(res, 200, r);
      }
      if (pathname === SERVE_PATHS.alertSettings) {
        if (method === 'PUT') {
          const len = Number(req.headers['content-length'] ?? 0);
          if (!(len <= MAX_POST_BODY_BYTES)) return sendError(res, 413, 'request body too large', { Connection: 'close' });
          let body: unknown;
          try {
            body = await readJsonBody(req, MAX_POST_BODY_BYTES);
          } catch (e) {
            const r: AlertSettingsResult = { ok: false, errors: [{ field: '', message: (e as Error).message }] };
            return sendJson(res, 400, r);
          }
          const r = alerts.set(body as Partial<AlertSettings>);
          return sendJson(res, r.ok ? 200 : 400, r);
        }
        if (method === 'POST') return sendError(res, 405, `${pathname} takes GET or PUT`, { Allow: 'GET, HEAD, PUT' });
        return sendJson(res, 200, alerts.get());
      }
      if (method === 'POST' || method === 'PUT') return sendError(res, 405, `${pathname.slice(0, 100)} takes GET`, { Allow: 'GET, HEAD' });
      switch (pathname) {
        case SERVE_PATHS.info:
          return sendJson(res, 200, info());
        case SERVE_PATHS.events:
          return openEvents(req, res);
        case SERVE_PATHS.history:
          return sendJson(res, 200, await history.query(parseHistoryQuery(params)));
        case SERVE_PATHS.sockets: {
          const q = parseSocketQuery(params.get('q'));
          const hosts = names.hints(q.address);
          const page = await (hosts ? collector.querySockets(q, hosts) : collector.querySockets(q));
          return sendJson(res, 200, page);
        }
        case SERVE_PATHS.tuning:
          return sendJson(res, 200, tuningState());
        case SERVE_PATHS.export:
          return sendExport(res, parseExportRequest(params.get('r')), method === 'HEAD');
        case SERVE_PATHS.connectionDetails: {
          const keys = parseConnKeys(params.get('k'));
          if (!collector.connInfo) return sendJson(res, 200, { available: false, reason: 'this collector has no connection details' });
          return sendJson(res, 200, await collector.connInfo(keys));
        }
        case SERVE_PATHS.names:
          return sendJson(res, 200, names.request(parseNameRequest(params.get('a'))));
        case SERVE_PATHS.alerts:
          return sendJson(res, 200, { active: lastSnapshot?.alerts?.active ?? [], recent: lastSnapshot?.alerts?.recent ?? [], settings: alerts.get() });
        default:
          return sendError(res, 404, `no such API: ${pathname.slice(0, 100)}`);
      }
    }
    if (method === 'POST' || method === 'PUT') return sendError(res, 405, 'only GET and HEAD are served here', { Allow: 'GET, HEAD' });
    if (!staticRoot) return sendError(res, 404, 'not found');
    return serveStatic(staticRoot, req, res, pathname, auth.viaQuery, html ? { ...ctx, locale: pageLocale } : null, pageLocale);
  }

  function failed(res: ServerResponse, e: unknown): void {
    if (res.headersSent) return void res.destroy();
    if (e instanceof BadRequest || e instanceof HistoryError) return sendError(res, 400, e.message);
    if (e instanceof CollectorBusy) return sendError(res, 503, e.message, { 'Retry-After': '1' });
    sendError(res, 500, `internal error: ${String((e as Error)?.message ?? e).slice(0, 200)}`);
  }

  /** Every request goes through here: any exception, sync or async, becomes an answer. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    try {
      route(req, res).catch((e: unknown) => failed(res, e));
    } catch (e) {
      failed(res, e);
    }
  }

  const server: Server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: opts.headersTimeoutMs ?? 10_000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      // how often the two timeouts above are checked (Node's default is 30 s)
      connectionsCheckingInterval: Math.min(1000, opts.headersTimeoutMs ?? 1000),
      requireHostHeader: true,
    },
    handle,
  );
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 100;
  // Errors of the HTTP parser (bad request line, bad headers, too large, too slow) never reach
  // handle(): answer them here with the specific status and close.
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      return void socket.destroy();
    }
    const { status, message } = clientErrorStatus(err);
    socket.end(rawErrorResponse(status, message, status === 405 ? { Allow: 'GET, HEAD' } : {}));
    socket.destroySoon();
  });
  // CONNECT never reaches the request handler either
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined);
    socket.end(rawErrorResponse(405, 'CONNECT is not supported', { Allow: 'GET, HEAD' }));
  });
  server.on('connection', (socket: Socket) => socket.on('error', () => undefined));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const p = opts.port ?? 7780;
      if (e.code === 'EADDRINUSE') reject(new Error(lt('main.serve.listen.inUse', { port: p, host })));
      else if (e.code === 'EADDRNOTAVAIL') reject(new Error(lt('main.serve.listen.noAddress', { host })));
      else if (e.code === 'EACCES') reject(new Error(lt('main.serve.listen.privileged', { port: p })));
      else reject(new Error(lt('main.serve.listen.failed', { port: p, host, error: e.message })));
    });
    server.listen({ host: bareHost, port: opts.port ?? 7780 }, () => resolveListen());
  }).catch(async (e: unknown) => {
    await collector.close?.();
    await history.close();
    throw e;
  });
  server.on('error', (e) => log(`waitline serve: ${lt('main.serve.log.serverError', { error: e.message })}`));
  port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(bareHost, port);
  served = hostPort(isWildcard(bareHost) ? '127.0.0.1' : bareHost, port);

  // keep idle event streams alive through proxies / SSH tunnels
  const keepAlive = setInterval(() => {
    for (const res of streams) writeFrame(res, ': keep-alive\n\n');
  }, 15_000);

  // the first snapshot before the URL is printed, then the loop
  await tickOnce();
  if (!stopped) loop = startTickLoop({ periodMs: tickMs, tick: tickOnce, firstAfterMs: tickMs });

  const urlHost = isWildcard(bareHost) ? firstExternalAddress() ?? '127.0.0.1' : bareHost;
  const handle_: ServeHandle = {
    host,
    port,
    token,
    url: `http://${hostPort(urlHost, port)}/?${SERVE_TOKEN_PARAM}=${token}`,
    history,
    get clients() {
      return streams.size;
    },
    get droppedClients() {
      return dropped;
    },
    async close() {
      if (stopped) return;
      stopped = true;
      void loop?.stop(); // a tick in flight ends on its own; the worker is closed below
      clearInterval(keepAlive);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await collector.close?.();
      await history.close();
    },
  };
  return handle_;
}

/** A snapshot with its lists cut to SNAPSHOT_LIMITS (the size the dashboard is built for). */
function forClients(s: Snapshot): Snapshot {
  const budgetsOver = s.portBudgets.length > SNAPSHOT_LIMITS.portBudgets;
  const cwOver = (s.owners?.closeWait.length ?? 0) > SNAPSHOT_LIMITS.closeWaitProcesses;
  if (!budgetsOver && !cwOver) return s;
  // what is cut moves into the sums, so every total still adds up
  const rest = budgetsOver && s.portBudgetRest ? addToBudgetRest(s.portBudgetRest, s.portBudgets.slice(SNAPSHOT_LIMITS.portBudgets)) : s.portBudgetRest;
  let owners = s.owners;
  if (owners && cwOver) {
    const cut = owners.closeWait.slice(SNAPSHOT_LIMITS.closeWaitProcesses);
    const acc = owners.closeWaitAccounting;
    owners = {
      ...owners,
      closeWait: owners.closeWait.slice(0, SNAPSHOT_LIMITS.closeWaitProcesses),
      ...(acc
        ? {
            closeWaitAccounting: {
              ...acc,
              otherProcesses: {
                processes: acc.otherProcesses.processes + cut.length,
                count: acc.otherProcesses.count + cut.reduce((n, p) => n + p.count, 0),
              },
            },
          }
        : {}),
    };
  }
  return { ...s, portBudgets: s.portBudgets.slice(0, SNAPSHOT_LIMITS.portBudgets), ...(rest ? { portBudgetRest: rest } : {}), owners };
}

function firstExternalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return null;
}
