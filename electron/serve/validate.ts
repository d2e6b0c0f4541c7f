// Validation of what arrives over HTTP: every parameter is checked and a bad one gets a specific
// message (HTTP 400), never a stack trace.
import type { HistoryQuery } from '../../shared/api';
import { MAX_HISTORY_POINTS } from '../../shared/history';
import type { SocketQuery, SocketSortKey } from '../../shared/snapshot';
import { TCP_STATES, type TcpState } from '../../shared/tcp';

export class BadRequest extends Error {}

const SORT_KEYS: readonly SocketSortKey[] = ['state', 'local', 'remote', 'localPort', 'remotePort', 'timerLeftMs', 'txQueue', 'rxQueue', 'uid', 'process'];
const QUERY_KEYS = new Set(['states', 'address', 'port', 'process', 'sort', 'descending', 'offset', 'limit']);

function intParam(v: string | null, name: string, min: number, max: number): number {
  if (v === null || v === '') throw new BadRequest(`missing parameter "${name}"`);
  if (!/^-?\d+$/.test(v)) throw new BadRequest(`"${name}" must be a whole number, got "${v.slice(0, 40)}"`);
  const n = Number(v);
  if (n < min || n > max) throw new BadRequest(`"${name}" must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseHistoryQuery(params: URLSearchParams): HistoryQuery {
  const fromMs = intParam(params.get('from'), 'from', 0, 8.64e15);
  const toMs = intParam(params.get('to'), 'to', 0, 8.64e15);
  const maxPoints = intParam(params.get('maxPoints'), 'maxPoints', 1, MAX_HISTORY_POINTS);
  if (toMs < fromMs) throw new BadRequest(`"to" (${toMs}) is before "from" (${fromMs})`);
  return { fromMs, toMs, maxPoints };
}

export function parseSocketQuery(raw: string | null): SocketQuery {
  if (raw === null || raw === '') return {};
  if (raw.length > 4096) throw new BadRequest('socket query is too long (at most 4096 characters)');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new BadRequest('socket query "q" is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new BadRequest('socket query must be a JSON object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!QUERY_KEYS.has(k)) throw new BadRequest(`unknown socket query field "${k.slice(0, 40)}"`);
  const q: SocketQuery = {};
  if (o.states !== undefined) {
    if (!Array.isArray(o.states) || o.states.length > TCP_STATES.length) throw new BadRequest('"states" must be a list of TCP state names');
    for (const s of o.states) {
      if (!(TCP_STATES as readonly unknown[]).includes(s)) throw new BadRequest(`unknown TCP state "${String(s).slice(0, 40)}"; expected one of ${TCP_STATES.join(', ')}`);
    }
    q.states = o.states as TcpState[];
  }
  for (const k of ['address', 'process'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string' || (o[k] as string).length > 200) throw new BadRequest(`"${k}" must be a string of at most 200 characters`);
    q[k] = o[k] as string;
  }
  if (o.port !== undefined) {
    if (!Number.isInteger(o.port) || (o.port as number) < 0 || (o.port as number) > 65535) throw new BadRequest('"port" must be a whole number from 0 to 65535');
    q.port = o.port as number;
  }
  if (o.sort !== undefined) {
    if (!SORT_KEYS.includes(o.sort as SocketSortKey)) throw new BadRequest(`"sort" must be one of ${SORT_KEYS.join(', ')}`);
    q.sort = o.sort as SocketSortKey;
  }
  if (o.descending !== undefined) {
    if (typeof o.descending !== 'boolean') throw new BadRequest('"descending" must be true or false');
    q.descending = o.descending;
  }
  if (o.offset !== undefined) {
    if (!Number.isInteger(o.offset) || (o.offset as number) < 0) throw new BadRequest('"offset" must be a whole number ≥ 0');
    q.offset = o.offset as number;
  }
  if (o.limit !== undefined) {
    if (!Number.isInteger(o.limit) || (o.limit as number) < 0 || (o.limit as number) > 1000) throw new BadRequest('"limit" must be a whole number from 0 to 1000');
    q.limit = o.limit as number;
  }
  return q;
}
