// Wire protocol of `waitline serve` (HTTP + server-sent events), shared by the server
// (electron/serve/) and the renderer's bridge. Types and constants only.

/** Paths of the read-only HTTP API. GET unless noted; all need the token. */
export const SERVE_PATHS = {
  info: '/api/info',
  /** text/event-stream: `snapshot` and `status` events */
  events: '/api/events',
  /** ?from=<ms>&to=<ms>&maxPoints=<n> */
  history: '/api/history',
  /** ?q=<JSON SocketQuery> */
  sockets: '/api/sockets',
  tuning: '/api/tuning',
  /** POST: always answers { ok: false, code: 'read_only' } */
  apply: '/api/tuning/apply',
  confirm: '/api/tuning/confirm',
  revert: '/api/tuning/revert',
} as const;

/** Server-sent event names; `data` is the JSON of a Snapshot / CollectorStatus. */
export const SERVE_EVENTS = { snapshot: 'snapshot', status: 'status' } as const;

/** Query-string parameter and cookie that carry the access token (or `Authorization: Bearer`). */
export const SERVE_TOKEN_PARAM = 'token';
export const SERVE_TOKEN_COOKIE = 'waitline_token';

/** Error body of every non-2xx answer. */
export interface ServeErrorBody {
  error: string;
}
