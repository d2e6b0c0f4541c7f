// The ONLY module that finds the Waitline API. It picks the transport:
// - Electron: the preload exposes a WaitlineApi on `window.waitline` (contextBridge);
// - `waitline serve`: HTTP + server-sent events on the page's own origin, authenticated by the token
//   from the page URL (`?token=…`), which `waitline serve` prints.
// The WaitlineApi it picks is handed to the dashboard (renderer/store/create-dashboard.ts, created
// once in main.tsx); everything else in the renderer talks to the dashboard's stores.

import type { AlertSettings, AlertSettingsError } from '../shared/alerts';
import type { AlertSettingsResult, AppInfo, CollectorStatus, HistoryQuery, HistoryResult, WaitlineApi } from '../shared/api';
import { exportFileName, type ExportRequest, type ExportResult } from '../shared/export-format';
import { nameRequestParam, type NameAnswer } from '../shared/names';
import type { ConnInfoReply, ConnKey } from '../shared/conn-info';
import type { KillRequest, KillResult } from '../shared/socket-tuple';
import type { ProbeOutcome, ProbeRequest } from '../shared/probe';
import type { Snapshot, SocketPage, SocketQuery } from '../shared/snapshot';
import { SERVE_EVENTS, SERVE_PATHS, SERVE_ROUTES, SERVE_TOKEN_PARAM } from '../shared/serve-protocol';
import type { ApplyTuningRequest, TuningResult, TuningState } from '../shared/tuning';
import { msg, msgText, type Msg } from '../shared/i18n';

declare global {
  interface Window {
    waitline?: WaitlineApi;
  }
}

/** Why the bridge cannot work; `message` is English (from the catalog), `msg` the same in any language. */
export class BridgeError extends Error {
  override name = 'BridgeError';
  readonly msg: Msg | null;
  constructor(m: Msg | string) {
    super(typeof m === 'string' ? m : msgText(m));
    this.msg = typeof m === 'string' ? null : m;
  }
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
  /** hands the browser a download (default: a temporary <a download> clicked) */
  download?: (url: string, fileName: string) => void;
}

/** The browser saves what the URL answers, under `fileName` (the server's Content-Disposition agrees). */
function clickDownload(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}


function isErrorList(v: unknown): v is AlertSettingsError[] {
  return Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string');
}

/** The read-only WaitlineApi of `waitline serve`, over fetch + one shared EventSource. */
export function createServeTransport(opts: ServeTransportOptions): WaitlineApi {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const ES = opts.eventSource ?? (globalThis.EventSource as unknown as ServeTransportOptions['eventSource']);
  const headers = { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' };

  /** `answers400`: a 400 whose JSON body passes this check is the answer, not an error. */
  async function call<T>(path: string, init?: { method?: string; body?: unknown }, answers400?: (body: unknown) => body is T): Promise<T> {
    let res;
    try {
      res = await doFetch(base + path, {
        method: init?.method ?? 'GET',
        headers,
        body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      throw new BridgeError(msg('app.bridge.unreachable', { base, error: (e as Error).message }));
    }
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        const body = (await res.json()) as { error?: string };
        if (res.status === 400 && answers400?.(body)) return body;
        if (body && typeof body.error === 'string') message = body.error;
      } catch {
        /* not JSON: keep the status */
      }
      if (res.status === 401) throw new BridgeError(msg('app.bridge.tokenRefused', { error: message }));
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
      const lost = msg('app.bridge.lostServe');
      const status: CollectorStatus = {
        state: 'restarting',
        message: msgText(lost),
        msg: lost,
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
    getInfo: () => call<AppInfo>(SERVE_ROUTES.getInfo.path),
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
        `${SERVE_ROUTES.getHistory.path}?from=${Math.floor(q.fromMs)}&to=${Math.ceil(q.toMs)}&maxPoints=${Math.round(q.maxPoints)}`,
      ),
    querySockets: (q: SocketQuery) =>
      call<SocketPage>(`${SERVE_ROUTES.querySockets.path}?q=${encodeURIComponent(JSON.stringify(q))}`),
    getTuning: () => call<TuningState>(SERVE_ROUTES.getTuning.path),
    // serve is read-only (its three write routes answer read_only too): no request needed
    applyTuning: (_r: ApplyTuningRequest) => readOnly(),
    confirmTuning: (_id: string) => readOnly(),
    revertTuning: (_id: string) => readOnly(),
    // a plain GET the browser follows itself: the response streams to disk, never through this page
    exportData: async (request: ExportRequest): Promise<ExportResult> => {
      const url = `${base}${SERVE_ROUTES.exportData.path}?r=${encodeURIComponent(JSON.stringify(request))}&${SERVE_TOKEN_PARAM}=${encodeURIComponent(opts.token)}`;
      (opts.download ?? clickDownload)(url, exportFileName(request, Date.now()));
      return { ok: true, rows: null, bytes: null, path: null };
    },
    getAlertSettings: () => call<AlertSettings>(SERVE_ROUTES.getAlertSettings.path),
    resolveNames: (addresses: string[]) => call<NameAnswer>(`${SERVE_ROUTES.resolveNames.path}?a=${encodeURIComponent(nameRequestParam(addresses))}`),
    connectionDetails: (keys: ConnKey[]) => call<ConnInfoReply>(`${SERVE_ROUTES.connectionDetails.path}?k=${encodeURIComponent(JSON.stringify(keys))}`),
    // read-only like the tuning writes (its route answers read_only too): no request needed
    killConnection: (_r: KillRequest): Promise<KillResult> =>
      Promise.resolve({ ok: false, code: 'read_only', message: 'waitline serve is read-only: closing a connection needs the desktop app or `waitline kill`' }),
    // a probe is an active network action and serve is read-only (its route answers read_only too)
    runProbe: (_r: ProbeRequest): Promise<ProbeOutcome> =>
      Promise.resolve({ ok: false, code: 'read_only', message: 'waitline serve is read-only: a probe is an active network action; run it in the desktop app or with `waitline probe`.' }),
    setAlertSettings: (patch: Partial<AlertSettings>) =>
      call<AlertSettingsResult>(
        SERVE_ROUTES.setAlertSettings.path,
        { method: SERVE_ROUTES.setAlertSettings.method, body: patch },
        (body): body is AlertSettingsResult =>
          body !== null && typeof body === 'object' && (body as { ok?: unknown }).ok === false && isErrorList((body as { errors?: unknown }).errors),
      ),
  };
}

export type TransportChoice =
  | { kind: 'electron'; api: WaitlineApi }
  | { kind: 'serve'; api: WaitlineApi }
  | { kind: 'none'; reason: string; reasonMsg: Msg };

/** Picks the transport for this page: the Electron preload if present, else `waitline serve` with the
 *  token from the URL. */
export function pickTransport(win: Pick<Window, 'location'> & { waitline?: WaitlineApi }): TransportChoice {
  if (win.waitline) return { kind: 'electron', api: win.waitline };
  const loc = win.location;
  if (loc.protocol !== 'http:' && loc.protocol !== 'https:') {
    const m = msg('app.bridge.noApi');
    return { kind: 'none', reason: msgText(m), reasonMsg: m };
  }
  const params = new URLSearchParams(loc.search);
  const hash = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get(SERVE_TOKEN_PARAM) ?? hash.get(SERVE_TOKEN_PARAM);
  if (!token) {
    const m = msg('app.bridge.needToken');
    return { kind: 'none', reason: msgText(m), reasonMsg: m };
  }
  const path = loc.pathname.replace(/[^/]*$/, '');
  return { kind: 'serve', api: createServeTransport({ baseUrl: `${loc.origin}${path}`, token }) };
}

// ---- what the page runs on ---------------------------------------------------------------------

/** The bridge's answer for this page: the transport it picked and the WaitlineApi it hands to the
 *  dashboard (createDashboard). Without a transport the API fails every call with `reason`. */
export interface Bridge {
  kind: TransportChoice['kind'];
  api: WaitlineApi;
  /** why there is no transport (kind 'none'), else null: English, and as a Msg for the page */
  reason: string | null;
  reasonMsg: Msg | null;
}

/** A WaitlineApi for a page without one: every call throws a BridgeError saying why. */
export function unavailableApi(reason: Msg | string): WaitlineApi {
  const fail = (): never => {
    throw new BridgeError(reason);
  };
  return {
    getInfo: fail,
    onSnapshot: fail,
    onCollectorStatus: fail,
    getHistory: fail,
    querySockets: fail,
    exportData: fail,
    getTuning: fail,
    applyTuning: fail,
    confirmTuning: fail,
    revertTuning: fail,
    getAlertSettings: fail,
    setAlertSettings: fail,
    resolveNames: fail,
    connectionDetails: fail,
    killConnection: fail,
    runProbe: fail,
  };
}

/** Chooses the transport once, at startup (main.tsx; tests pass a fake window). */
export function initBridge(win: Pick<Window, 'location'> & { waitline?: WaitlineApi }): Bridge {
  const choice = pickTransport(win);
  return choice.kind === 'none'
    ? { kind: 'none', api: unavailableApi(choice.reasonMsg), reason: choice.reason, reasonMsg: choice.reasonMsg }
    : { kind: choice.kind, api: choice.api, reason: null, reasonMsg: null };
}
