// `waitline serve`: a small read-only HTTP server (plain node:http) that serves the built renderer and
// implements the renderer's WaitlineApi over JSON + server-sent events. It drives one Collector at
// 1 s ticks and keeps 24 h of history.
//
// Security, in order: the Host header (and Origin, when sent) must name the served address — this
// defeats DNS rebinding; then the random token (query `?token=`, `Authorization: Bearer`, or the
// HttpOnly cookie set when the page was opened with the token) — a missing or wrong one gets 401.
// Nothing can write: the tuning calls answer `read_only`.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces, release } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AppInfo, CollectorStatus } from '../../shared/api';
import { HistoryError, HistoryStore } from '../../shared/history';
import { SERVE_EVENTS, SERVE_PATHS, SERVE_TOKEN_COOKIE, SERVE_TOKEN_PARAM } from '../../shared/serve-protocol';
import type { Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';
import { SYSCTL_CATALOG } from '../../shared/sysctl-catalog';
import type { TuningResult, TuningState } from '../../shared/tuning';
import { BadRequest, parseHistoryQuery, parseSocketQuery } from './validate';

/** What the server needs from the collector (the lead's Collector satisfies it). */
export interface ServeCollector {
  tick(): Promise<Snapshot>;
  querySockets(q: SocketQuery): SocketPage;
  setDemand(d: { table?: boolean; owners?: boolean }): void;
}

export interface ServeOptions {
  collector: ServeCollector;
  /** directory holding the built renderer (index.html + assets/) */
  staticDir: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 7780; 0 = any free port */
  port?: number;
  /** default 1000 */
  tickMs?: number;
  /** default: 32 random bytes, base64url */
  token?: string;
  historyCapacity?: number;
  version?: string;
}

export interface ServeHandle {
  host: string;
  port: number;
  token: string;
  /** the URL to open, with the token */
  url: string;
  history: HistoryStore;
  /** number of connected event streams */
  readonly clients: number;
  close(): Promise<void>;
}

const READ_ONLY_REASON = 'waitline serve is read-only: tuning is possible only in the desktop app (it uses a polkit helper).';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

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

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  const host = opts.host ?? '127.0.0.1';
  const tickMs = opts.tickMs ?? 1000;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const staticDir = resolve(opts.staticDir);
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`the dashboard is not built (no ${join(staticDir, 'index.html')}); run \`npm run build\` first`);
  }
  const history = new HistoryStore(opts.historyCapacity);
  const collector = opts.collector;
  const streams = new Set<ServerResponse>();
  let lastSnapshot: Snapshot | null = null;
  let status: CollectorStatus = { state: 'starting', message: null, restarts: 0, nextRestartAt: null };
  let port = 0;
  let allowed = new Set<string>();
  let stopped = false;

  const info = (): AppInfo => ({
    transport: 'serve',
    version: opts.version ?? '0.0.0',
    kernel: release(),
    hostname: hostname(),
    readOnly: true,
    tickMs,
  });

  function broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of streams) res.write(frame);
  }

  function setStatus(s: CollectorStatus): void {
    status = s;
    broadcast(SERVE_EVENTS.status, s);
  }

  // ---- the tick loop: one collector tick per second, never overlapping ----
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;
  async function tickOnce(): Promise<void> {
    const started = Date.now();
    try {
      const snap = await collector.tick();
      if (stopped) return;
      lastSnapshot = snap;
      history.push(snap);
      if (status.state !== 'running') setStatus({ state: 'running', message: null, restarts: failures, nextRestartAt: null });
      broadcast(SERVE_EVENTS.snapshot, snap);
    } catch (e) {
      failures++;
      setStatus({
        state: 'restarting',
        message: `the collector failed: ${(e as Error).message}`,
        restarts: failures,
        nextRestartAt: Date.now() + tickMs,
      });
    }
    if (!stopped) timer = setTimeout(() => void tickOnce(), Math.max(0, tickMs - (Date.now() - started)));
  }

  function updateDemand(): void {
    // The connection table and owners are worth reading often only while someone is watching.
    collector.setDemand({ table: streams.size > 0, owners: streams.size > 0 });
  }

  function tuningState(): TuningState {
    const sys = lastSnapshot?.sysctls ?? {};
    return {
      writable: false,
      readOnlyReason: READ_ONLY_REASON,
      knobs: SYSCTL_CATALOG.map((e) => {
        const v = sys[e.key];
        return {
          key: e.key,
          available: !!v && v.available,
          unavailableReason: !v ? 'not read by this collector' : v.available ? null : v.reason,
          value: v && v.available ? v.raw : null,
        };
      }),
      history: [],
    };
  }

  // ---- request handling ----
  function authorized(req: IncomingMessage, url: URL): { ok: boolean; viaQuery: boolean } {
    const q = url.searchParams.get(SERVE_TOKEN_PARAM);
    if (q !== null && sameToken(q, token)) return { ok: true, viaQuery: true };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && sameToken(auth.slice(7).trim(), token)) return { ok: true, viaQuery: false };
    const c = cookieValue(req.headers.cookie, SERVE_TOKEN_COOKIE);
    if (c !== null && sameToken(c, token)) return { ok: true, viaQuery: false };
    return { ok: false, viaQuery: false };
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, setCookie: boolean): void {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, 'malformed path');
    }
    if (rel.includes('\0')) return sendError(res, 400, 'malformed path');
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(staticDir, rel));
    if (file !== staticDir && !file.startsWith(staticDir + sep)) return sendError(res, 404, 'not found');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return sendError(res, 404, 'not found');
      size = st.size;
    } catch {
      return sendError(res, 404, 'not found');
    }
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': rel === '/index.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (setCookie) {
      headers['Set-Cookie'] = `${SERVE_TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    res.write(`event: ${SERVE_EVENTS.status}\ndata: ${JSON.stringify(status)}\n\n`);
    if (lastSnapshot) res.write(`event: ${SERVE_EVENTS.snapshot}\ndata: ${JSON.stringify(lastSnapshot)}\n\n`);
    streams.add(res);
    updateDemand();
    req.on('close', () => {
      streams.delete(res);
      updateDemand();
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowed.has(hostHeader)) {
      return sendError(res, 403, `refused: the Host header "${hostHeader.slice(0, 100)}" is not the address this server serves`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !(origin.startsWith('http://') && allowed.has(origin.slice(7).toLowerCase()))) {
      return sendError(res, 403, `refused: requests from origin "${origin.slice(0, 100)}" are not allowed`);
    }
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const auth = authorized(req, url);
    if (!auth.ok) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="waitline"');
      return sendError(res, 401, 'missing or wrong access token: open the URL `waitline serve` printed (it ends in ?token=…)');
    }
    const path = url.pathname;
    try {
      if (path.startsWith('/api/')) {
        if (path === SERVE_PATHS.apply || path === SERVE_PATHS.confirm || path === SERVE_PATHS.revert) {
          if (req.method !== 'POST') return sendError(res, 405, `${path} takes POST`);
          req.resume();
          const r: TuningResult = { ok: false, code: 'read_only', message: READ_ONLY_REASON };
          return sendJson(res, 200, r);
        }
        if (req.method !== 'GET') return sendError(res, 405, `${path} takes GET`);
        switch (path) {
          case SERVE_PATHS.info:
            return sendJson(res, 200, info());
          case SERVE_PATHS.events:
            return openEvents(req, res);
          case SERVE_PATHS.history:
            return sendJson(res, 200, history.query(parseHistoryQuery(url.searchParams)));
          case SERVE_PATHS.sockets:
            return sendJson(res, 200, collector.querySockets(parseSocketQuery(url.searchParams.get('q'))));
          case SERVE_PATHS.tuning:
            return sendJson(res, 200, tuningState());
          default:
            return sendError(res, 404, `no such API: ${path.slice(0, 100)}`);
        }
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'only GET is served');
      return serveStatic(req, res, path, auth.viaQuery);
    } catch (e) {
      if (e instanceof BadRequest || e instanceof HistoryError) return sendError(res, 400, e.message);
      return sendError(res, 500, `internal error: ${(e as Error).message}`);
    }
  }

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new Error(`port ${opts.port ?? 7780} on ${host} is already in use; pick another with --port`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new Error(`cannot listen on ${host}: no such address on this machine`));
      else if (e.code === 'EACCES') reject(new Error(`not allowed to listen on port ${opts.port ?? 7780} (ports below 1024 need root)`));
      else reject(e);
    });
    server.listen({ host: host.replace(/^\[|\]$/g, ''), port: opts.port ?? 7780 }, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(host.replace(/^\[|\]$/g, ''), port);

  // keep idle event streams alive through proxies / SSH tunnels
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);

  await tickOnce();

  const urlHost = isWildcard(host) ? firstExternalAddress() ?? '127.0.0.1' : host.replace(/^\[|\]$/g, '');
  const handle_: ServeHandle = {
    host,
    port,
    token,
    url: `http://${hostPort(urlHost, port)}/?${SERVE_TOKEN_PARAM}=${token}`,
    history,
    get clients() {
      return streams.size;
    },
    async close() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      clearInterval(keepAlive);
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
  return handle_;
}

function firstExternalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return null;
}
