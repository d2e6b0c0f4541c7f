// Wire protocol of `waitline serve` (HTTP + server-sent events), shared by the server
// (electron/serve/) and the renderer's bridge. Types and constants only.

import type { InvokeMethod } from './ipc-contract';

/** The HTTP route of every request/response method of the WaitlineApi — the same methods the Electron
 *  IPC contract (shared/ipc-contract.ts) has channels for. `satisfies` makes a method added there
 *  without a route here (or a route for no method) a type error, so the two transports cannot drift.
 *  All need the token. */
export const SERVE_ROUTES = {
  getInfo: { method: 'GET', path: '/api/info' },
  /** ?from=<ms>&to=<ms>&maxPoints=<n> */
  getHistory: { method: 'GET', path: '/api/history' },
  /** ?q=<JSON SocketQuery> */
  querySockets: { method: 'GET', path: '/api/sockets' },
  getTuning: { method: 'GET', path: '/api/tuning' },
  /** serve is read-only: the three tuning writes always answer { ok: false, code: 'read_only' } */
  applyTuning: { method: 'POST', path: '/api/tuning/apply' },
  confirmTuning: { method: 'POST', path: '/api/tuning/confirm' },
  revertTuning: { method: 'POST', path: '/api/tuning/revert' },
  /** → AlertSettings */
  getAlertSettings: { method: 'GET', path: '/api/alert-settings' },
  /** JSON body, a partial AlertSettings → AlertSettingsResult: 200 when saved and in force, 400 with
   *  { ok: false, errors } when invalid (nothing changed) */
  setAlertSettings: { method: 'PUT', path: '/api/alert-settings' },
  /** ?r=<JSON ExportRequest> → the file, streamed, as an attachment (CSV or JSON Lines) */
  exportData: { method: 'GET', path: '/api/export' },
  /** ?a=<addresses, comma-separated> → NameAnswer (shared/names.ts) */
  resolveNames: { method: 'GET', path: '/api/names' },
  /** ?k=<JSON ConnKey[]> → ConnInfoReply (shared/conn-info.ts) */
  connectionDetails: { method: 'GET', path: '/api/connection-details' },
  /** serve is read-only: always { ok: false, code: 'read_only' } */
  killConnection: { method: 'POST', path: '/api/kill' },
  /** serve is read-only: always { ok: false, code: 'read_only' } */
  runProbe: { method: 'POST', path: '/api/probe' },
} as const satisfies Record<InvokeMethod, { method: 'GET' | 'POST' | 'PUT'; path: `/api/${string}` }>;

/** Paths of the HTTP API: the routes above by name, plus what only serve has (the event stream that
 *  stands in for IPC's pushed events, and the alert list). */
export const SERVE_PATHS = {
  info: SERVE_ROUTES.getInfo.path,
  /** text/event-stream: `snapshot`, `status` and `alert` events */
  events: '/api/events',
  history: SERVE_ROUTES.getHistory.path,
  export: SERVE_ROUTES.exportData.path,
  sockets: SERVE_ROUTES.querySockets.path,
  tuning: SERVE_ROUTES.getTuning.path,
  apply: SERVE_ROUTES.applyTuning.path,
  confirm: SERVE_ROUTES.confirmTuning.path,
  revert: SERVE_ROUTES.revertTuning.path,
  alertSettings: SERVE_ROUTES.getAlertSettings.path,
  names: SERVE_ROUTES.resolveNames.path,
  connectionDetails: SERVE_ROUTES.connectionDetails.path,
  kill: SERVE_ROUTES.killConnection.path,
  probe: SERVE_ROUTES.runProbe.path,
  /** GET → { active, recent, settings }: the alerts in force and the last cleared ones */
  alerts: '/api/alerts',
  /** Prometheus exposition (docs/metrics.md): `Authorization: Bearer` with the token or the metrics
   *  token; the only path of `waitline serve --metrics-only` */
  metrics: '/metrics',
} as const;

/** Server-sent event names; `data` is the JSON of a Snapshot / CollectorStatus / AlertEvent (an
 *  alert raised, escalated, repeated or cleared; the snapshot of the same tick carries it too). */
export const SERVE_EVENTS = { snapshot: 'snapshot', status: 'status', alert: 'alert' } as const;

/** Query-string parameter and cookie that carry the access token (or `Authorization: Bearer`). */
export const SERVE_TOKEN_PARAM = 'token';
export const SERVE_TOKEN_COOKIE = 'waitline_token';

/** Error body of every non-2xx answer. */
export interface ServeErrorBody {
  error: string;
}
