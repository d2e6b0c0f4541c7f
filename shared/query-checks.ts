// The one check of the read-only queries a transport carries (a socket page, a history range): the
// Electron IPC handlers (electron/ipc/validate.ts) and `waitline serve` (electron/serve/validate.ts)
// both call these, so the two cannot disagree on what is allowed. Each transport only unwraps its
// own framing (argument lists; URL parameters and JSON) and words the error for its caller.
// Pure: no Node, no DOM.
import type { HistoryQuery } from './api';
import { CONN_INFO_MAX_KEYS, type ConnKey } from './conn-info';
import { PROBE_LIMITS, type ProbeRequest } from './probe';
import { isIPv4, parseIPv6, parseTuple, type KillRequest } from './socket-tuple';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind, type ExportRequest } from './export-format';
import { MAX_HISTORY_POINTS } from './history';
import type { SocketQuery, SocketSortKey } from './snapshot';
import { TCP_STATES, type TcpState } from './tcp';
import { msg, msgText, type Msg, type MsgKey } from './i18n';
import { nestParams } from './host-msg';

/** The most rows one socket page may ask for (SocketQuery.limit), and the collector's cap. */
export const MAX_SOCKET_PAGE = 1000;
/** The longest address or process filter text. */
export const MAX_FILTER_TEXT = 200;

export const SOCKET_SORT_KEYS: readonly SocketSortKey[] = [
  'state',
  'local',
  'remote',
  'localPort',
  'remotePort',
  'timerLeftMs',
  'txQueue',
  'rxQueue',
  'uid',
  'process',
];

const SOCKET_QUERY_FIELDS: readonly string[] = ['states', 'address', 'port', 'process', 'sort', 'descending', 'offset', 'limit'];
const HISTORY_QUERY_FIELDS: readonly string[] = ['fromMs', 'toMs', 'maxPoints'];

/** A query that is not acceptable; the message names the field and says what is allowed. `message`
 *  is English (API error bodies); `msg`, when given, the same sentence for a reader in any language. */
export class QueryError extends Error {
  readonly msg: Msg | null;
  constructor(m: string | Msg) {
    super(typeof m === 'string' ? m : msgText(m));
    this.msg = typeof m === 'string' ? null : m;
  }
}

/** A value as an error message shows it: short, never an object dump. */
export function showValue(v: unknown): string {
  return msgText(valueMsg(v));
}

/** showValue as a Msg (host.query.value.*): the refusals nest it as `vk`. */
function valueMsg(v: unknown): Msg {
  if (typeof v === 'string') return msg('host.query.value.literal', { v: JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) });
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return msg('host.query.value.literal', { v: String(v) });
  return Array.isArray(v) ? msg('host.query.value.array') : msg('host.query.value.typed', { type: typeof v });
}

/** A refusal worded by the catalog (host.query.*); `value` is shown as showValue shows it. */
function refuse(key: MsgKey, params: Record<string, string | number> = {}, ...value: [unknown] | []): QueryError {
  return new QueryError(msg(key, value.length ? { ...params, ...nestParams('vk', valueMsg(value[0])) } : params));
}

/** What a refusal of a whole object names (host.query.what.*), nested as `what`. */
function plainObject(what: Msg, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  const w = nestParams('what', what);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw refuse('host.query.notObject', w, v);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw refuse('host.query.notPlain', w);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw refuse('host.query.unknownField', w, k);
  }
  return v as Record<string, unknown>;
}

function integerIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw refuse('host.query.integer', { field, min: String(min), max: String(max) }, v);
  }
  return v;
}

function finiteNumber(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw refuse('host.query.finite', { field }, v);
  return v;
}

function shortText(field: string, v: unknown): string {
  if (typeof v !== 'string') throw refuse('host.query.string', { field }, v);
  if (v.length > MAX_FILTER_TEXT) throw refuse('host.query.tooLong', { field, max: String(MAX_FILTER_TEXT) });
  return v;
}

/** A fresh SocketQuery holding only the known fields; states de-duplicated in their given order. */
export function checkSocketQuery(v: unknown): SocketQuery {
  const o = plainObject(msg('host.query.what.socketQuery'), v, SOCKET_QUERY_FIELDS);
  const q: SocketQuery = {};
  if (o.states !== undefined) {
    if (!Array.isArray(o.states)) throw refuse('host.query.statesArray', {}, o.states);
    if (o.states.length > TCP_STATES.length) throw refuse('host.query.statesMany', { max: String(TCP_STATES.length) });
    const states: TcpState[] = [];
    for (const s of o.states as unknown[]) {
      if (typeof s !== 'string' || !(TCP_STATES as readonly string[]).includes(s)) {
        throw refuse('host.query.notState', { states: TCP_STATES.join(', ') }, s);
      }
      if (!states.includes(s as TcpState)) states.push(s as TcpState);
    }
    q.states = states;
  }
  if (o.address !== undefined) q.address = shortText('address', o.address);
  if (o.port !== undefined) q.port = integerIn('port', o.port, 0, 65535);
  if (o.process !== undefined) q.process = shortText('process', o.process);
  if (o.sort !== undefined) {
    if (typeof o.sort !== 'string' || !(SOCKET_SORT_KEYS as readonly string[]).includes(o.sort)) {
      throw refuse('host.query.sort', { keys: SOCKET_SORT_KEYS.join(', ') }, o.sort);
    }
    q.sort = o.sort as SocketSortKey;
  }
  if (o.descending !== undefined) {
    if (typeof o.descending !== 'boolean') throw refuse('host.query.descending', {}, o.descending);
    q.descending = o.descending;
  }
  if (o.offset !== undefined) q.offset = integerIn('offset', o.offset, 0, Number.MAX_SAFE_INTEGER);
  if (o.limit !== undefined) q.limit = integerIn('limit', o.limit, 1, MAX_SOCKET_PAGE);
  return q;
}

/** A fresh HistoryQuery: finite times, to ≥ from, 1 … MAX_HISTORY_POINTS points. */
export function checkHistoryQuery(v: unknown): HistoryQuery {
  const o = plainObject(msg('host.query.what.historyQuery'), v, HISTORY_QUERY_FIELDS);
  const q: HistoryQuery = {
    fromMs: finiteNumber('fromMs', o.fromMs),
    toMs: finiteNumber('toMs', o.toMs),
    maxPoints: integerIn('maxPoints', o.maxPoints, 1, MAX_HISTORY_POINTS),
  };
  if (q.toMs < q.fromMs) throw refuse('host.query.toBeforeFrom', { to: String(q.toMs), from: String(q.fromMs) });
  return q;
}

const EXPORT_FIELDS: readonly string[] = ['kind', 'format', 'sockets', 'fromMs', 'toMs', 'resolution'];

/** A fresh ExportRequest: a known kind and format; sockets carry a socket filter (its paging is
 *  ignored: every matching row is exported); history carries a range. */
export function checkExportRequest(v: unknown): ExportRequest {
  const o = plainObject(msg('host.query.what.exportRequest'), v, EXPORT_FIELDS);
  if (typeof o.kind !== 'string' || !(EXPORT_KINDS as readonly string[]).includes(o.kind)) {
    throw refuse('host.query.kind', { kinds: EXPORT_KINDS.join(', ') }, o.kind);
  }
  if (typeof o.format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw refuse('host.query.format', {}, o.format);
  }
  const r: ExportRequest = { kind: o.kind as ExportKind, format: o.format as ExportFormat };
  if (r.kind === 'sockets') {
    const q = checkSocketQuery(o.sockets ?? {});
    delete q.offset;
    delete q.limit;
    r.sockets = q;
  }
  if (r.kind === 'history') {
    r.fromMs = finiteNumber('fromMs', o.fromMs);
    r.toMs = finiteNumber('toMs', o.toMs);
    if (r.toMs < r.fromMs) throw refuse('host.query.toBeforeFrom', { to: String(r.toMs), from: String(r.fromMs) });
    if (o.resolution !== undefined) {
      if (o.resolution !== '1s' && o.resolution !== '1m') throw refuse('host.query.resolution', {}, o.resolution);
      r.resolution = o.resolution;
    }
  }
  return r;
}

const CONN_KEY_FIELDS: readonly string[] = ['family', 'localAddr', 'localPort', 'remoteAddr', 'remotePort', 'cookie'];

/** Connection keys for the details of a few connections (shared/conn-info.ts): 1 … CONN_INFO_MAX_KEYS
 *  keys, each with a family, two IP literals of that family's table form, two ports 0 … 65535 and an
 *  optional decimal cookie. Fresh objects holding only the known fields. */
export function checkConnKeys(v: unknown): ConnKey[] {
  if (!Array.isArray(v)) throw refuse('host.query.keysArray', {}, v);
  if (v.length === 0 || v.length > CONN_INFO_MAX_KEYS) throw refuse('host.query.keysCount', { max: String(CONN_INFO_MAX_KEYS), given: String(v.length) });
  return v.map((item, i) => {
    const o = plainObject(msg('host.query.what.connKey', { i: String(i) }), item, CONN_KEY_FIELDS);
    if (o.family !== 'ipv4' && o.family !== 'ipv6') throw refuse('host.query.family', {}, o.family);
    const addr = (field: string, a: unknown): string => {
      if (typeof a !== 'string' || a.length > 45) throw refuse('host.query.notIp', { field }, a);
      const ok = o.family === 'ipv4' ? isIPv4(a) : parseIPv6(a) !== null;
      if (!ok) throw refuse('host.query.notFamilyIp', { field, fam: o.family === 'ipv4' ? 'IPv4' : 'IPv6' }, a);
      return a;
    };
    const key: ConnKey = {
      family: o.family,
      localAddr: addr('localAddr', o.localAddr),
      localPort: integerIn('localPort', o.localPort, 0, 65535),
      remoteAddr: addr('remoteAddr', o.remoteAddr),
      remotePort: integerIn('remotePort', o.remotePort, 0, 65535),
    };
    if (o.cookie !== undefined) {
      if (typeof o.cookie !== 'string' || !/^\d{1,20}$/.test(o.cookie)) throw refuse('host.query.cookie', {}, o.cookie);
      key.cookie = o.cookie;
    }
    return key;
  });
}

const KILL_FIELDS: readonly string[] = ['local', 'remote'];

/** A kill request: the two ends as text (ADDR:PORT, [v6]:PORT), validated strictly by parseTuple
 *  (shared/socket-tuple.ts) — the helper validates them again. */
export function checkKillRequest(v: unknown): KillRequest {
  const o = plainObject(msg('host.query.what.killRequest'), v, KILL_FIELDS);
  const t = parseTuple(o.local, o.remote);
  if (!t.ok) throw new QueryError(t.msg);
  return { local: o.local as string, remote: o.remote as string };
}

const PROBE_FIELDS: readonly string[] = ['target', 'count', 'concurrency', 'timeoutS', 'closeFirst'];

/** A probe request's shape and numbers within PROBE_LIMITS (shared/probe.ts). The target text is only
 *  length-checked here: main parses it strictly (electron/probe/options.ts parseTarget) and answers
 *  { ok: false, code: 'invalid' } with the CLI's message. */
export function checkProbeRequest(v: unknown): ProbeRequest {
  const o = plainObject(msg('host.query.what.probeRequest'), v, PROBE_FIELDS);
  const L = PROBE_LIMITS;
  if (typeof o.target !== 'string' || o.target.length === 0 || o.target.length > 300) {
    throw refuse('host.query.target', {}, o.target);
  }
  const timeoutS = finiteNumber('timeoutS', o.timeoutS);
  if (timeoutS < L.minTimeoutS || timeoutS > L.maxTimeoutS) throw refuse('host.query.timeoutS', { min: String(L.minTimeoutS), max: String(L.maxTimeoutS) }, o.timeoutS);
  if (o.closeFirst !== 'client' && o.closeFirst !== 'server') throw refuse('host.query.closeFirst', {}, o.closeFirst);
  return {
    target: o.target,
    count: integerIn('count', o.count, 1, L.maxCount),
    concurrency: integerIn('concurrency', o.concurrency, 1, L.maxConcurrency),
    timeoutS,
    closeFirst: o.closeFirst,
  };
}
