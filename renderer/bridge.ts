// The ONLY module that reads the Waitline API. It picks the transport:
// - Electron: the preload exposes a WaitlineApi on `window.waitline` (contextBridge);
// - `waitline serve`: HTTP + server-sent events on the page's own origin, authenticated by the token
//   from the page URL (`?token=…`), which `waitline serve` prints.
// Everything else in the renderer talks to the store, which the bridge feeds.

import type {
  AppInfo,
  CollectorStatus,
  HistoryQuery,
  HistoryResult,
  Unsubscribe,
  ViewName,
  WaitlineApi,
} from '../shared/api';
import type { Snapshot, SocketPage, SocketQuery } from '../shared/snapshot';
import { SERVE_EVENTS, SERVE_PATHS, SERVE_TOKEN_PARAM } from '../shared/serve-protocol';
import type { ApplyTuningRequest, TuningResult, TuningState } from '../shared/tuning';

declare global {
  interface Window {
    waitline?: WaitlineApi;
  }
}

export class BridgeError extends Error {
  override name = 'BridgeError';
}

type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

interface EventSourceLike {
  addEventListener(type: string, listener: (ev: { data?: string }) => void): void;
  close(): void;
  onerror: ((ev: unknown) => void) | null;
}

export interface ServeTransportOptions {
  /** origin + base path of the served page, e.g. "http://127.0.0.1:7780" */
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  eventSource?: new (url: string) => EventSourceLike;
}

/** The read-only WaitlineApi of `waitline serve`, over fetch + one shared EventSource. */
export function createServeTransport(opts: ServeTransportOptions): WaitlineApi {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const ES = opts.eventSource ?? (globalThis.EventSource as unknown as ServeTransportOptions['eventSource']);
  const headers = { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' };

  async function call<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
    let res;
    try {
      res = await doFetch(base + path, {
        method: init?.method ?? 'GET',
        headers,
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      throw new BridgeError(`cannot reach waitline serve at ${base}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        const body = (await res.json()) as { error?: string };
        if (body && typeof body.error === 'string') message = body.error;
      } catch {
        /* not JSON: keep the status */
      }
      if (res.status === 401) message = `the access token was refused (${message}); open the URL waitline serve printed`;
      throw new BridgeError(message);
    }
    return (await res.json()) as T;
  }

  // One EventSource shared by all subscribers, opened on the first subscription.
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const statusListeners = new Set<(s: CollectorStatus) => void>();
  let source: EventSourceLike | null = null;

  function ensureSource(): void {
    if (source || !ES) return;
    source = new ES(`${base}${SERVE_PATHS.events}?${SERVE_TOKEN_PARAM}=${encodeURIComponent(opts.token)}`);
    source.addEventListener(SERVE_EVENTS.snapshot, (ev) => {
      if (!ev.data) return;
      const snap = JSON.parse(ev.data) as Snapshot;
      for (const cb of snapshotListeners) cb(snap);
    });
    source.addEventListener(SERVE_EVENTS.status, (ev) => {
      if (!ev.data) return;
      const status = JSON.parse(ev.data) as CollectorStatus;
      for (const cb of statusListeners) cb(status);
    });
    source.onerror = () => {
      // EventSource reconnects by itself; tell the UI meanwhile instead of freezing silently.
      const status: CollectorStatus = {
        state: 'restarting',
        message: 'Lost the connection to waitline serve; reconnecting…',
        restarts: 0,
        nextRestartAt: null,
      };
      for (const cb of statusListeners) cb(status);
    };
  }

  function maybeClose(): void {
    if (source && snapshotListeners.size === 0 && statusListeners.size === 0) {
      source.close();
      source = null;
    }
  }

  const readOnly = (): Promise<TuningResult> =>
    Promise.resolve({ ok: false, code: 'read_only', message: 'waitline serve is read-only: tuning is only possible in the desktop app' });

  return {
    getInfo: () => call<AppInfo>(SERVE_PATHS.info),
    onSnapshot(cb) {
      snapshotListeners.add(cb);
      ensureSource();
      return () => {
        snapshotListeners.delete(cb);
        maybeClose();
      };
    },
    onCollectorStatus(cb) {
      statusListeners.add(cb);
      ensureSource();
      return () => {
        statusListeners.delete(cb);
        maybeClose();
      };
    },
    getHistory: (q: HistoryQuery) =>
      call<HistoryResult>(
        `${SERVE_PATHS.history}?from=${Math.floor(q.fromMs)}&to=${Math.ceil(q.toMs)}&maxPoints=${Math.round(q.maxPoints)}`,
      ),
    querySockets: (q: SocketQuery) =>
      call<SocketPage>(`${SERVE_PATHS.sockets}?q=${encodeURIComponent(JSON.stringify(q))}`),
    getTuning: () => call<TuningState>(SERVE_PATHS.tuning),
    applyTuning: (_r: ApplyTuningRequest) => readOnly(),
    confirmTuning: (_id: string) => readOnly(),
    revertTuning: (_id: string) => readOnly(),
  };
}

export type TransportChoice =
  | { kind: 'electron'; api: WaitlineApi }
  | { kind: 'serve'; api: WaitlineApi }
  | { kind: 'none'; reason: string };

/** Picks the transport for this page: the Electron preload if present, else `waitline serve` with the
 *  token from the URL. */
export function pickTransport(win: Pick<Window, 'location'> & { waitline?: WaitlineApi }): TransportChoice {
  if (win.waitline) return { kind: 'electron', api: win.waitline };
  const loc = win.location;
  if (loc.protocol !== 'http:' && loc.protocol !== 'https:') {
    return { kind: 'none', reason: 'No Waitline API: this page was opened outside the app and outside `waitline serve`.' };
  }
  const params = new URLSearchParams(loc.search);
  const hash = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get(SERVE_TOKEN_PARAM) ?? hash.get(SERVE_TOKEN_PARAM);
  if (!token) {
    return {
      kind: 'none',
      reason: 'This page needs the access token: open the full URL that `waitline serve` printed (it ends in ?token=…).',
    };
  }
  const path = loc.pathname.replace(/[^/]*$/, '');
  return { kind: 'serve', api: createServeTransport({ baseUrl: `${loc.origin}${path}`, token }) };
}

// ---- the bridge instance the app uses -------------------------------------------------------------

let current: TransportChoice = { kind: 'none', reason: 'The bridge has not been started.' };

/** Chooses the transport once, at startup (tests pass a fake window). */
export function initBridge(win: Pick<Window, 'location'> & { waitline?: WaitlineApi }): TransportChoice {
  current = pickTransport(win);
  return current;
}

function api(): WaitlineApi {
  if (current.kind === 'none') throw new BridgeError(current.reason);
  return current.api;
}

export function transportKind(): TransportChoice['kind'] {
  return current.kind;
}

export const bridge = {
  getInfo: (): Promise<AppInfo> => api().getInfo(),
  onSnapshot: (cb: (s: Snapshot) => void): Unsubscribe => api().onSnapshot(cb),
  onCollectorStatus: (cb: (s: CollectorStatus) => void): Unsubscribe => api().onCollectorStatus(cb),
  getHistory: (q: HistoryQuery): Promise<HistoryResult> => api().getHistory(q),
  querySockets: (q: SocketQuery): Promise<SocketPage> => api().querySockets(q),
  getTuning: (): Promise<TuningState> => api().getTuning(),
  applyTuning: (r: ApplyTuningRequest): Promise<TuningResult> => api().applyTuning(r),
  confirmTuning: (id: string): Promise<TuningResult> => api().confirmTuning(id),
  revertTuning: (id: string): Promise<TuningResult> => api().revertTuning(id),
  /** Electron menu navigation; a no-op elsewhere */
  onNavigate: (cb: (view: ViewName) => void): Unsubscribe => {
    const a = current.kind === 'none' ? null : current.api;
    return a?.onNavigate ? a.onNavigate(cb) : () => {};
  },
};
