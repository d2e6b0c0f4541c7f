// Validation of what arrives over HTTP: the URL's parameters and JSON are unwrapped here, and the
// query itself is judged by the checks the IPC handlers use too (shared/query-checks.ts). A bad one
// gets a specific message (HTTP 400), never a stack trace.
import type { HistoryQuery } from '../../shared/api';
import type { ExportRequest } from '../../shared/export-format';
import { checkNameRequest, MAX_ADDRESS_TEXT, MAX_NAME_REQUEST, parseNameRequestParam } from '../../shared/names';
import type { ConnKey } from '../../shared/conn-info';
import { checkConnKeys, checkExportRequest, checkHistoryQuery, checkSocketQuery, QueryError } from '../../shared/query-checks';
import type { SocketQuery } from '../../shared/snapshot';

export class BadRequest extends Error {}

/** The longest `q` parameter of /api/sockets (JSON text). */
const MAX_SOCKET_QUERY_TEXT = 4096;

function intParam(v: string | null, name: string): number {
  if (v === null || v === '') throw new BadRequest(`missing parameter "${name}"`);
  if (!/^-?\d{1,16}$/.test(v)) throw new BadRequest(`"${name}" must be a whole number, got "${v.slice(0, 40)}"`);
  return Number(v);
}

function judged<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof QueryError) throw new BadRequest(e.message);
    throw e;
  }
}

/** from, to (epoch ms) and maxPoints: whole numbers; the ranges are checkHistoryQuery's. */
export function parseHistoryQuery(params: URLSearchParams): HistoryQuery {
  const q = { fromMs: intParam(params.get('from'), 'from'), toMs: intParam(params.get('to'), 'to'), maxPoints: intParam(params.get('maxPoints'), 'maxPoints') };
  return judged(() => checkHistoryQuery(q));
}

/** A JSON parameter of at most MAX_SOCKET_QUERY_TEXT characters. */
function jsonParam(raw: string, name: string, what: string): unknown {
  if (raw.length > MAX_SOCKET_QUERY_TEXT) throw new BadRequest(`${what} is too long (at most ${MAX_SOCKET_QUERY_TEXT} characters)`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new BadRequest(`${what} "${name}" is not valid JSON`);
  }
}

/** `q`: a SocketQuery as JSON (absent or empty: the default page). */
export function parseSocketQuery(raw: string | null): SocketQuery {
  if (raw === null || raw === '') return {};
  const v = jsonParam(raw, 'q', 'socket query');
  return judged(() => checkSocketQuery(v));
}

/** `k`: the connection keys of /api/connection-details, as JSON (shared/conn-info.ts). */
export function parseConnKeys(raw: string | null): ConnKey[] {
  if (raw === null || raw === '') throw new BadRequest('missing parameter "k" (the connections, as JSON)');
  const v = jsonParam(raw, 'k', 'connection list');
  return judged(() => checkConnKeys(v));
}

/** `r`: an ExportRequest as JSON (/api/export). */
export function parseExportRequest(raw: string | null): ExportRequest {
  if (raw === null || raw === '') throw new BadRequest('missing parameter "r" (the export request, as JSON)');
  const v = jsonParam(raw, 'r', 'export request');
  return judged(() => checkExportRequest(v));
}

/** `a`: the addresses of GET /api/names, comma-separated (shared/names.ts); absent or empty: none. */
export function parseNameRequest(raw: string | null): string[] {
  if (raw === null || raw === '') return [];
  const max = MAX_NAME_REQUEST * (MAX_ADDRESS_TEXT + 1);
  if (raw.length > max) throw new BadRequest(`the address list is too long (at most ${max} characters)`);
  return judged(() => checkNameRequest(parseNameRequestParam(raw)));
}
