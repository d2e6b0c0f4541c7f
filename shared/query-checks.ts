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

/** A query that is not acceptable; the message names the field and says what is allowed. */
export class QueryError extends Error {}

/** A value as an error message shows it: short, never an object dump. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

function plainObject(what: string, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new QueryError(`${what} must be an object, got ${showValue(v)}`);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new QueryError(`${what} must be a plain object`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new QueryError(`${what} has an unknown field ${showValue(k)}`);
  }
  return v as Record<string, unknown>;
}

function integerIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new QueryError(`${field} must be an integer from ${min} to ${max}, got ${showValue(v)}`);
  }
  return v;
}

function finiteNumber(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new QueryError(`${field} must be a finite number, got ${showValue(v)}`);
  return v;
}

function shortText(field: string, v: unknown): string {
  if (typeof v !== 'string') throw new QueryError(`${field} must be a string, got ${showValue(v)}`);
  if (v.length > MAX_FILTER_TEXT) throw new QueryError(`${field} is longer than ${MAX_FILTER_TEXT} characters`);
  return v;
}

/** A fresh SocketQuery holding only the known fields; states de-duplicated in their given order. */
export function checkSocketQuery(v: unknown): SocketQuery {
  const o = plainObject('the socket query', v, SOCKET_QUERY_FIELDS);
  const q: SocketQuery = {};
  if (o.states !== undefined) {
    if (!Array.isArray(o.states)) throw new QueryError(`states must be an array of TCP state names, got ${showValue(o.states)}`);
    if (o.states.length > TCP_STATES.length) throw new QueryError(`states lists more than ${TCP_STATES.length} entries`);
    const states: TcpState[] = [];
    for (const s of o.states as unknown[]) {
      if (typeof s !== 'string' || !(TCP_STATES as readonly string[]).includes(s)) {
        throw new QueryError(`states contains ${showValue(s)}, which is not a TCP state (expected one of ${TCP_STATES.join(', ')})`);
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
      throw new QueryError(`sort must be one of ${SOCKET_SORT_KEYS.join(', ')}, got ${showValue(o.sort)}`);
    }
    q.sort = o.sort as SocketSortKey;
  }
  if (o.descending !== undefined) {
    if (typeof o.descending !== 'boolean') throw new QueryError(`descending must be true or false, got ${showValue(o.descending)}`);
    q.descending = o.descending;
  }
  if (o.offset !== undefined) q.offset = integerIn('offset', o.offset, 0, Number.MAX_SAFE_INTEGER);
  if (o.limit !== undefined) q.limit = integerIn('limit', o.limit, 1, MAX_SOCKET_PAGE);
  return q;
}

/** A fresh HistoryQuery: finite times, to ≥ from, 1 … MAX_HISTORY_POINTS points. */
export function checkHistoryQuery(v: unknown): HistoryQuery {
  const o = plainObject('the history query', v, HISTORY_QUERY_FIELDS);
  const q: HistoryQuery = {
    fromMs: finiteNumber('fromMs', o.fromMs),
    toMs: finiteNumber('toMs', o.toMs),
    maxPoints: integerIn('maxPoints', o.maxPoints, 1, MAX_HISTORY_POINTS),
  };
  if (q.toMs < q.fromMs) throw new QueryError(`toMs (${q.toMs}) is before fromMs (${q.fromMs})`);
  return q;
}

const EXPORT_FIELDS: readonly string[] = ['kind', 'format', 'sockets', 'fromMs', 'toMs', 'resolution'];

/** A fresh ExportRequest: a known kind and format; sockets carry a socket filter (its paging is
 *  ignored: every matching row is exported); history carries a range. */
export function checkExportRequest(v: unknown): ExportRequest {
  const o = plainObject('the export request', v, EXPORT_FIELDS);
  if (typeof o.kind !== 'string' || !(EXPORT_KINDS as readonly string[]).includes(o.kind)) {
    throw new QueryError(`kind must be one of ${EXPORT_KINDS.join(', ')}, got ${showValue(o.kind)}`);
  }
  if (typeof o.format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new QueryError(`format must be csv or jsonl, got ${showValue(o.format)}`);
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
    if (r.toMs < r.fromMs) throw new QueryError(`toMs (${r.toMs}) is before fromMs (${r.fromMs})`);
    if (o.resolution !== undefined) {
      if (o.resolution !== '1s' && o.resolution !== '1m') throw new QueryError(`resolution must be 1s or 1m, got ${showValue(o.resolution)}`);
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
  if (!Array.isArray(v)) throw new QueryError(`the connection keys must be an array, got ${showValue(v)}`);
  if (v.length === 0 || v.length > CONN_INFO_MAX_KEYS) throw new QueryError(`ask for 1 to ${CONN_INFO_MAX_KEYS} connections, not ${v.length}`);
  return v.map((item, i) => {
    const o = plainObject(`connection key ${i}`, item, CONN_KEY_FIELDS);
    if (o.family !== 'ipv4' && o.family !== 'ipv6') throw new QueryError(`family must be "ipv4" or "ipv6", got ${showValue(o.family)}`);
    const addr = (field: string, a: unknown): string => {
      if (typeof a !== 'string' || a.length > 45) throw new QueryError(`${field} must be an IP address, got ${showValue(a)}`);
      const ok = o.family === 'ipv4' ? isIPv4(a) : parseIPv6(a) !== null;
      if (!ok) throw new QueryError(`${field} must be an ${o.family === 'ipv4' ? 'IPv4' : 'IPv6'} address, got ${showValue(a)}`);
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
      if (typeof o.cookie !== 'string' || !/^\d{1,20}$/.test(o.cookie)) throw new QueryError(`cookie must be a decimal number as text, got ${showValue(o.cookie)}`);
      key.cookie = o.cookie;
    }
    return key;
  });
}

const KILL_FIELDS: readonly string[] = ['local', 'remote'];

/** A kill request: the two ends as text (ADDR:PORT, [v6]:PORT), validated strictly by parseTuple
 *  (shared/socket-tuple.ts) — the helper validates them again. */
export function checkKillRequest(v: unknown): KillRequest {
  const o = plainObject('the kill request', v, KILL_FIELDS);
  const t = parseTuple(o.local, o.remote);
  if (!t.ok) throw new QueryError(t.error);
  return { local: o.local as string, remote: o.remote as string };
}

const PROBE_FIELDS: readonly string[] = ['target', 'count', 'concurrency', 'timeoutS', 'closeFirst'];

/** A probe request's shape and numbers within PROBE_LIMITS (shared/probe.ts). The target text is only
 *  length-checked here: main parses it strictly (electron/probe/options.ts parseTarget) and answers
 *  { ok: false, code: 'invalid' } with the CLI's message. */
export function checkProbeRequest(v: unknown): ProbeRequest {
  const o = plainObject('the probe request', v, PROBE_FIELDS);
  const L = PROBE_LIMITS;
  if (typeof o.target !== 'string' || o.target.length === 0 || o.target.length > 300) {
    throw new QueryError(`target must be HOST:PORT text of 1 to 300 characters, got ${showValue(o.target)}`);
  }
  const timeoutS = finiteNumber('timeoutS', o.timeoutS);
  if (timeoutS < L.minTimeoutS || timeoutS > L.maxTimeoutS) throw new QueryError(`timeoutS must be ${L.minTimeoutS} to ${L.maxTimeoutS}, got ${showValue(o.timeoutS)}`);
  if (o.closeFirst !== 'client' && o.closeFirst !== 'server') throw new QueryError(`closeFirst must be "client" or "server", got ${showValue(o.closeFirst)}`);
  return {
    target: o.target,
    count: integerIn('count', o.count, 1, L.maxCount),
    concurrency: integerIn('concurrency', o.concurrency, 1, L.maxConcurrency),
    timeoutS,
    closeFirst: o.closeFirst,
  };
}
