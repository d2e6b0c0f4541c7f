// `waitline probe` inputs: the target (HOST:PORT), the caps on count, concurrency, rate and timeout,
// and what kind of address a target is. Pure (no sockets, no DNS): the CLI and, later, the app's
// probe panel validate with the same code, and the engine re-checks its options against the same caps.
//
// Bounds (docs/probe.md): the probe only ever connects to the one address the user gave. Loopback and
// private addresses are reached only when typed as an IP literal — a host name that resolves to one
// is refused (resolve.ts) — and addresses that are not a host at all (unspecified, multicast,
// broadcast, reserved) are always refused.

import { formatAddressBytes } from '../../shared/address';
import { PROBE_LIMITS } from '../../shared/probe';
import { msg, msgText, type Msg, type MsgKey } from '../../shared/i18n';
import { keyLeaf } from '../../shared/host-msg';

/** Hard caps and defaults: one source, shared/probe.ts (the app's IPC check uses them too). */
export { PROBE_DEFAULTS, PROBE_LIMITS } from '../../shared/probe';

export type CloseFirst = 'client' | 'server';

/** A bad input: the message says what is allowed and echoes (safely) what was given. `message` is
 *  English (the app's IPC answer, --json); `msg` the same sentence for a reader in any language. */
export class ProbeInputError extends Error {
  readonly msg: Msg;
  constructor(m: Msg) {
    super(msgText(m));
    this.msg = m;
  }
}

/** A ProbeInputError worded by the catalog (host.probe.*). */
function refuse(key: MsgKey, params?: Record<string, string | number>): ProbeInputError {
  return new ProbeInputError(msg(key, params));
}

export type TargetKind = 'ipv4' | 'ipv6' | 'name';

/** HOST:PORT as typed, split and checked (a name is not resolved here). */
export interface ProbeTarget {
  /** the address or name without brackets */
  host: string;
  port: number;
  kind: TargetKind;
}

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** Classes a probe may reach only when the user typed the address itself. */
export const TYPED_ONLY: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'shared', 'link-local']);
/** Classes that are not a TCP host: never probed. */
export const NEVER: ReadonlySet<AddressClass> = new Set(['unspecified', 'multicast', 'broadcast', 'reserved']);

const CLASS_KEYS = {
  public: 'host.probe.class.public',
  loopback: 'host.probe.class.loopback',
  private: 'host.probe.class.private',
  shared: 'host.probe.class.shared',
  'link-local': 'host.probe.class.link-local',
  unspecified: 'host.probe.class.unspecified',
  multicast: 'host.probe.class.multicast',
  broadcast: 'host.probe.class.broadcast',
  reserved: 'host.probe.class.reserved',
} as const satisfies Record<AddressClass, MsgKey>;

/** "a loopback address" … (English). */
export function describeClass(c: AddressClass): string {
  return msgText(msg(CLASS_KEYS[c]));
}

/** The nesting variable of a class phrase in a refusal: `$t(host.probe.class.{{cls}})`. */
export function classParam(c: AddressClass): string {
  return keyLeaf(CLASS_KEYS[c]);
}

/** Echoes user input safely: printable ASCII only, at most 60 characters. */
export function printable(s: string): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > 60 ? `${t.slice(0, 60)}…` : t;
}

/** Strict dotted-quad IPv4: four decimal parts 0–255 without leading zeros (no octal, hex or short
 *  forms such as "127.1" or "2130706433", which inet_aton would quietly accept). */
export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Strict IPv6 (RFC 4291 text forms, optionally ending in a dotted quad; no zone id) → 8 groups. */
export function parseIPv6(s: string): number[] | null {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return null;
  let tail: number[] = [];
  let text = s;
  if (s.includes('.')) {
    // a trailing dotted quad stands for the last two groups ("::ffff:10.0.0.1", "64:ff9b::1.2.3.4")
    const lastColon = s.lastIndexOf(':');
    const v4 = lastColon < 0 ? null : parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    const prefix = s.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (g: string): number | null => (/^[0-9A-Fa-f]{1,4}$/.test(g) ? parseInt(g, 16) : null);
  const side = (h: string): number[] | null => {
    if (h === '') return [];
    const gs = h.split(':').map(group);
    return gs.some((g) => g === null) ? null : (gs as number[]);
  };
  const want = 8 - tail.length;
  if (halves.length === 1) {
    const gs = side(halves[0]);
    if (!gs || gs.length !== want) return null;
    return [...gs, ...tail];
  }
  const head = side(halves[0]);
  const rest = side(halves[1]);
  if (!head || !rest || head.length + rest.length > want - 1) return null;
  return [...head, ...new Array<number>(want - head.length - rest.length).fill(0), ...rest, ...tail];
}

/** RFC 5952 text of 8 groups (v4-mapped as ::ffff:a.b.c.d), the form ss and the collector print. */
export function canonicalIPv6(g: readonly number[]): string {
  const bytes: number[] = [];
  for (const x of g) bytes.push(x >> 8, x & 255);
  return formatAddressBytes(bytes);
}

export function classifyIPv4(b: readonly number[]): AddressClass {
  const [a, c] = b;
  if (a === 0) return 'unspecified'; // 0.0.0.0/8: "this network"; connect() to it reaches this host
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return 'private';
  if (a === 100 && c >= 64 && c <= 127) return 'shared';
  if (a === 169 && c === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (b.every((x) => x === 255)) return 'broadcast';
  if (a >= 240) return 'reserved';
  return 'public';
}

export function classifyIPv6(g: readonly number[]): AddressClass {
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return classifyIPv4([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255]);
  }
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  if ((g[0] & 0xfe00) === 0xfc00) return 'private';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** The class of an IP literal (IPv4 or IPv6 text); null when it is neither. */
export function classifyAddress(addr: string): AddressClass | null {
  const v4 = parseIPv4(addr);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(addr);
  return v6 ? classifyIPv6(v6) : null;
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS host name: letters, digits and hyphens in dot-separated labels, ≤ 253 characters, and a last
 *  label that is not all digits (so "127.1" or "2130706433" never reach the resolver as a "name"). */
export function isHostName(s: string): boolean {
  const t = s.endsWith('.') ? s.slice(0, -1) : s;
  if (t.length === 0 || t.length > 253) return false;
  const labels = t.split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]);
}

/** Parses a port: decimal 1–65535, digits only. */
export function parsePort(s: string): number {
  if (!/^[1-9]\d{0,4}$/.test(s) || Number(s) > 65535) {
    throw refuse('host.probe.port', { what: keyLeaf('host.probe.what.port'), given: printable(s) });
  }
  return Number(s);
}

/**
 * HOST:PORT → target. HOST is an IPv4 literal (dotted quad), an IPv6 literal in brackets
 * ("[::1]:8080") or a host name. Refuses, with the allowed form: a missing or bad port, an IPv6
 * address without brackets, zone ids, short/octal/hex IPv4 forms, and addresses that are not a host
 * (0.0.0.0, ::, multicast, broadcast, 240/4).
 */
export function parseTarget(text: string): ProbeTarget {
  const bad = () => refuse('host.probe.badTarget', { given: printable(text) });
  if (text.length === 0 || text.length > 300) throw bad();
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') throw bad();
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (host.includes('%')) throw refuse('host.probe.zoneId', { given: printable(text) });
    const g = parseIPv6(host);
    if (!g) throw refuse('host.probe.notIPv6', { given: printable(host) });
    const port = parsePort(portText);
    refuseNonHost(classifyIPv6(g), host);
    // canonical text (as the kernel's socket table is printed), so "[0:0::1]" matches "::1" there
    return { host: canonicalIPv6(g), port, kind: 'ipv6' };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw refuse('host.probe.noPort', { given: printable(text) });
  host = text.slice(0, colon);
  portText = text.slice(colon + 1);
  if (host.includes(':')) {
    throw refuse('host.probe.brackets', { host: printable(host), port: printable(portText) });
  }
  const port = parsePort(portText);
  if (/^[\d.]+$/.test(host)) {
    const b = parseIPv4(host);
    if (!b) throw refuse('host.probe.notIPv4', { given: printable(host) });
    refuseNonHost(classifyIPv4(b), host);
    return { host, port, kind: 'ipv4' };
  }
  if (!isHostName(host)) throw refuse('host.probe.notHostName', { given: printable(host) });
  return { host: host.toLowerCase(), port, kind: 'name' };
}

function refuseNonHost(c: AddressClass, host: string): void {
  if (NEVER.has(c)) throw refuse('host.probe.nonHost', { host, cls: classParam(c) });
}

/** A whole number written in decimal digits within [min, max] ("1,000" and "1e3" are refused). */
export function intOption(v: string, name: string, min: number, max: number): number {
  const p = { name, min: String(min), max: max.toLocaleString('en-US') };
  if (!/^\d{1,7}$/.test(v)) throw refuse('host.probe.intText', { ...p, given: printable(v) });
  const n = Number(v);
  if (n < min || n > max) throw refuse(n > max ? 'host.probe.intCap' : 'host.probe.intRange', { ...p, given: v });
  return n;
}

export function closeFirstOption(v: string): CloseFirst {
  if (v === 'client' || v === 'server') return v;
  throw refuse('host.probe.closeFirst', { given: printable(v) });
}

/** The run's numbers, validated against PROBE_LIMITS (the engine calls this too). */
export interface ProbeSettings {
  count: number;
  concurrency: number;
  ratePerS: number;
  timeoutS: number;
  closeFirst: CloseFirst;
}

export function checkSettings(s: ProbeSettings): void {
  const L = PROBE_LIMITS;
  const whole = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  if (!whole(s.count, 1, L.maxCount)) throw refuse('host.probe.count', { max: String(L.maxCount), given: String(s.count) });
  if (!whole(s.concurrency, 1, L.maxConcurrency)) throw refuse('host.probe.concurrency', { max: String(L.maxConcurrency), given: String(s.concurrency) });
  if (!whole(s.ratePerS, 1, L.maxRatePerS)) throw refuse('host.probe.rate', { max: String(L.maxRatePerS), given: String(s.ratePerS) });
  if (!(s.timeoutS >= L.minTimeoutS && s.timeoutS <= L.maxTimeoutS)) {
    throw refuse('host.probe.timeout', { min: String(L.minTimeoutS), max: String(L.maxTimeoutS), given: String(s.timeoutS) });
  }
  if (s.closeFirst !== 'client' && s.closeFirst !== 'server') throw refuse('host.probe.closeFirstSetting');
}
