// One TCP socket's exact 4-tuple, as `waitline kill LOCAL REMOTE` takes it: A.B.C.D:PORT or
// [IPV6]:PORT. The same rules as the root helper (electron/helper/waitline-kill-helper), which
// validates on its own: a test runs one hostile list through both. Pure: used by the CLI and the UI.
//
// Accepted: dotted-decimal IPv4 without leading zeros; bracketed IPv6 in hex groups (at most one
// "::"), or the v4-mapped form [::ffff:A.B.C.D] (which names the same socket as A.B.C.D, as it does
// to the kernel); ports 1–65535, plain decimal, no leading zero. Refused: the unspecified addresses
// (0.0.0.0, ::), zone ids (%eth0), host names, prefixes (/24), wildcards, whitespace, IPv6 without
// brackets, any other character, a local and a remote of different families.

import { msg, msgText, type Msg, type MsgKey } from './i18n';
import { nestParams } from './host-msg';

export type Family = 4 | 6;

export interface Endpoint {
  family: Family;
  /** the address as the helper uses it: IPv4 dotted, IPv6 as given (lower-case), v4-mapped → IPv4 */
  address: string;
  port: number;
  /** what the user typed */
  text: string;
}

/** A refusal: `error` in English (API bodies, the helper's words), `msg` the same for any reader. */
export type EndpointResult = { ok: true; endpoint: Endpoint } | { ok: false; error: string; msg: Msg };

export interface SocketTuple {
  local: Endpoint;
  remote: Endpoint;
}

export type TupleResult = { ok: true; tuple: SocketTuple } | { ok: false; error: string; msg: Msg };

/** Longest argument the helper accepts (the longest valid endpoint is 53 characters). */
export const ENDPOINT_MAX_LENGTH = 64;

const ALLOWED = /^[0-9a-fA-F.:[\]]+$/;

/** Printable ASCII shown as is (shortened); anything else described, never echoed. A
 *  host.tuple.shown.* Msg, nested by the refusals as `vk` (and `v`). */
function show(s: string): Msg {
  if (s === '') return msg('host.tuple.shown.empty');
  if (/[^ -~]/.test(s)) return msg('host.tuple.shown.binary');
  return msg('host.tuple.shown.text', { v: s.length > 40 ? `${s.slice(0, 40)}...` : s });
}

function decIn(s: string, min: number, max: number): boolean {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(s)) return false;
  const n = Number(s);
  return n >= min && n <= max;
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => decIn(p, 0, 255));
}

function hexGroups(s: string): number | null {
  if (s === '') return 0;
  const groups = s.split(':');
  return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups.length : null;
}

/** IPv6 text (no brackets) → the address the helper uses, or null. */
export function parseIPv6(s: string): { family: Family; address: string } | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const low = s.toLowerCase();
  if (low.includes('.')) {
    const m = /^(?:::ffff:|0:0:0:0:0:ffff:)([0-9.]+)$/.exec(low);
    return m && isIPv4(m[1]!) ? { family: 4, address: m[1]! } : null;
  }
  if (/::.*::|:::/.test(low)) return null;
  const dc = low.indexOf('::');
  if (dc >= 0) {
    const left = hexGroups(low.slice(0, dc));
    const right = hexGroups(low.slice(dc + 2));
    if (left === null || right === null || left + right > 7) return null;
  } else if (hexGroups(low) !== 8) return null;
  return { family: 6, address: low };
}

/** Which end a refusal names, nested into it as `what`. */
export type EndpointRole = 'local' | 'remote' | 'endpoint';
/** The words for each role (the catalog text nests them as $t(host.tuple.what.{{what}})). */
export const ENDPOINT_ROLE_KEYS = {
  local: 'host.tuple.what.local',
  remote: 'host.tuple.what.remote',
  endpoint: 'host.tuple.what.endpoint',
} as const satisfies Record<EndpointRole, MsgKey>;

export function parseEndpoint(text: unknown, what: EndpointRole = 'endpoint'): EndpointResult {
  const fail = (m: Msg): EndpointResult => ({ ok: false, error: msgText(m), msg: m });
  // every refusal names the end; most show the offending value (nested: host.tuple.shown.*)
  const at = (key: `host.tuple.${'badChars' | 'notIPv6' | 'notBracketed' | 'noPort' | 'needsBrackets' | 'notIPv4' | 'badPort'}`, value: string) =>
    fail(msg(key, { what, ...nestParams('vk', show(value)) }));
  if (typeof text !== 'string') return fail(msg('host.tuple.notText', { what }));
  if (text === '') return fail(msg('host.tuple.empty', { what }));
  if (text.length > ENDPOINT_MAX_LENGTH) return fail(msg('host.tuple.tooLong', { what, max: String(ENDPOINT_MAX_LENGTH) }));
  if (!ALLOWED.test(text)) return at('host.tuple.badChars', text);
  let family: Family;
  let address: string;
  let port: string;
  const br = /^\[([^[\]]*)\]:([^[\]]*)$/.exec(text);
  if (br) {
    const v6 = parseIPv6(br[1]!);
    if (!v6) return at('host.tuple.notIPv6', br[1]!);
    ({ family, address } = v6);
    port = br[2]!;
  } else if (/[[\]]/.test(text)) {
    return at('host.tuple.notBracketed', text);
  } else {
    const colons = text.split(':').length - 1;
    if (colons === 0) return at('host.tuple.noPort', text);
    if (colons > 1) return at('host.tuple.needsBrackets', text);
    const [host, p] = text.split(':') as [string, string];
    if (!isIPv4(host)) return at('host.tuple.notIPv4', host);
    family = 4;
    address = host;
    port = p;
  }
  if (!decIn(port, 1, 65535)) return at('host.tuple.badPort', port);
  if (family === 4 && address === '0.0.0.0') return fail(msg('host.tuple.unspecified4', { what }));
  if (family === 6 && /^[0:]+$/.test(address)) return fail(msg('host.tuple.unspecified6', { what }));
  return { ok: true, endpoint: { family, address, port: Number(port), text } };
}

export function parseTuple(local: unknown, remote: unknown): TupleResult {
  const l = parseEndpoint(local, 'local');
  if (!l.ok) return l;
  const r = parseEndpoint(remote, 'remote');
  if (!r.ok) return r;
  if (l.endpoint.family !== r.endpoint.family) {
    const m = msg('host.tuple.families', { local: `IPv${l.endpoint.family}`, remote: `IPv${r.endpoint.family}` });
    return { ok: false, error: msgText(m), msg: m };
  }
  return { ok: true, tuple: { local: l.endpoint, remote: r.endpoint } };
}

/** How an endpoint is written back: [v6]:port or a.b.c.d:port. */
export function formatTupleEndpoint(e: Endpoint): string {
  return e.family === 6 ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

// ------------------------------------------------------------------ results

/** What the UI asks to kill: the two ends as `ss -tan` prints them (LOCAL is the socket's own end). */
export interface KillRequest {
  local: string;
  remote: string;
}

export type KillErrorCode =
  | 'invalid'
  /** the transport cannot kill (waitline serve is read-only) */
  | 'read_only'
  | 'unavailable'
  | 'not_found'
  | 'still_present'
  | 'not_authorized'
  | 'dismissed'
  | 'not_installed'
  | 'helper_failed';

export interface KilledSocket {
  /** the state `ss` showed before the kill: ESTAB, CLOSE-WAIT, TIME-WAIT, … */
  state: string;
  local: string;
  remote: string;
  /** ss's process column (users:(("name",pid=N,fd=M))), empty for TIME_WAIT */
  process: string;
}

export type KillResult =
  | { ok: true; killed: KilledSocket[]; kernel: string | null }
  | { ok: false; code: KillErrorCode; message: string; before?: KilledSocket[] };

/** The fact a CLOSE_WAIT kill does not change, in the words the CLI and the UI show. */
export const CLOSE_WAIT_NOTE =
  'the leak is not fixed by this: the process that never closed this CLOSE_WAIT socket still holds its ' +
  'file descriptor (its next send on it fails with ECONNABORTED); only the 4-tuple is free again';
