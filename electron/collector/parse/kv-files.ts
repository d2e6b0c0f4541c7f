// Parsers for the small kernel files: /proc/net/sockstat{,6}, /proc/net/snmp and /proc/net/netstat,
// and the sysctl values the collector derives from. Pure; bad lines are skipped and counted.

import type { Sockstat } from '../../../shared/snapshot';

export interface Parsed<T> {
  value: T;
  skipped: number;
}

/** A record keyed by input: no prototype, so a key such as "__proto__" or "constructor" is an
 *  ordinary own entry — it can neither reach Object.prototype nor read an inherited value. */
function keyedByInput<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** "PREFIX: key value key value …" lines → { PREFIX: { key: value } }. Extra fields are kept, so a
 *  newer kernel's additions never break parsing. Both levels are null-prototype records. */
export function parseKeyValueLines(text: string): Parsed<Record<string, Record<string, number>>> {
  const out = keyedByInput<Record<string, number>>();
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      skipped++;
      continue;
    }
    const prefix = line.slice(0, colon).trim();
    const words = line.slice(colon + 1).trim().split(/\s+/);
    if (words.length % 2 !== 0) {
      skipped++;
      continue;
    }
    const rec: Record<string, number> = (out[prefix] ??= keyedByInput<number>());
    for (let i = 0; i < words.length; i += 2) {
      const v = Number(words[i + 1]);
      if (!/^-?\d+$/.test(words[i + 1]) || !Number.isFinite(v)) {
        skipped++;
        continue;
      }
      rec[words[i]] = v;
    }
  }
  return { value: out, skipped };
}

/** sockstat + sockstat6 (docs/kernel.md, "sockstat scopes"). Throws with the reason when the TCP line is missing. */
export function parseSockstat(sockstat: string, sockstat6: string | null): Parsed<Sockstat> {
  const a = parseKeyValueLines(sockstat);
  const b = sockstat6 === null ? { value: keyedByInput<Record<string, number>>(), skipped: 0 } : parseKeyValueLines(sockstat6);
  const tcp = a.value['TCP'];
  if (!tcp || tcp.inuse === undefined) throw new Error('no "TCP: inuse …" line in /proc/net/sockstat');
  const tcp6 = b.value['TCP6'];
  return {
    value: {
      inuse4: tcp.inuse,
      inuse6: tcp6?.inuse ?? 0,
      orphan: tcp.orphan ?? 0,
      tw: tcp.tw ?? 0,
      alloc: tcp.alloc ?? 0,
      memPages: tcp.mem ?? 0,
      socketsUsed: a.value['sockets']?.used ?? null,
    },
    skipped: a.skipped + b.skipped,
  };
}

/** A header line of /proc/net/snmp or netstat, split once: the same few lines come back every tick. */
interface SnmpHeader {
  prefix: string;
  /** "Prefix.Name" per column; null when a name is a number (the line is not a header) */
  keys: string[] | null;
  /** the columns kept for the `only` set named (the last one asked with), by column */
  wanted: { only: ReadonlySet<string>; keep: boolean[] } | null;
}
const snmpHeaders = new Map<string, SnmpHeader>();

function snmpHeader(head: string, colon: number): SnmpHeader {
  let h = snmpHeaders.get(head);
  if (h === undefined) {
    const prefix = head.slice(0, colon);
    const names = head.slice(colon + 1).trim().split(/[ \t\n\v\f\r]+/);
    h = { prefix, keys: names.some((n) => /^-?\d+$/.test(n)) ? null : names.map((n) => `${prefix}.${n}`), wanted: null };
    if (snmpHeaders.size >= 64) snmpHeaders.clear(); // bounded: a kernel has a dozen such lines
    snmpHeaders.set(head, h);
  }
  return h;
}

const isBlank = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** The blank-separated tokens of `line` from `from` on, into `out`: each token that is an integer
 *  (/^-?\d+$/) as its Number, any other token as NaN. Returns how many tokens there were. One pass
 *  over the characters, no string per token: netstat's value line has ~120 of them, every tick. */
function integerTokens(line: string, from: number, out: number[]): number {
  const len = line.length;
  let n = 0;
  let i = from;
  for (;;) {
    while (i < len && isBlank(line.charCodeAt(i))) i++;
    if (i >= len) return n;
    const start = i;
    const neg = line.charCodeAt(i) === 45; // '-'
    if (neg) i++;
    let v = 0;
    let digits = 0;
    let bad = false;
    for (; i < len; i++) {
      const c = line.charCodeAt(i);
      if (isBlank(c)) break;
      if (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        digits++;
      } else bad = true;
    }
    // beyond 15 digits the running sum may round differently from Number(): read those as Number does
    out[n++] = bad || digits === 0 ? NaN : digits > 15 ? Number(line.slice(start, i)) : neg ? -v : v;
  }
}
const tokenScratch: number[] = [];

/** /proc/net/snmp and /proc/net/netstat: pairs of lines "Tcp: Name1 Name2 …" / "Tcp: 1 2 …".
 *  Returns "Prefix.Name" → value (a null-prototype record): every column, or only those named in
 *  `only` (the collector keeps 21 of the ~150 columns every tick; every value is still checked).
 *  `only` is remembered per header line by identity: pass a set that is not changed afterwards.
 *  Columns are separated by ASCII blanks, as the kernel writes them. A header/value pair whose
 *  lengths differ is skipped (a value line with no values too); a value that is not an integer is
 *  skipped and counted, in any column. */
export function parseSnmpTable(text: string, only?: ReadonlySet<string>): Parsed<Record<string, number>> {
  const out = keyedByInput<number>();
  let skipped = 0;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i];
    const colon = head.indexOf(':');
    if (colon <= 0) {
      skipped++;
      continue;
    }
    const h = snmpHeader(head, colon);
    const { prefix, keys } = h;
    const next = lines[i + 1];
    if (next === undefined || !next.startsWith(prefix + ':')) {
      skipped++;
      continue;
    }
    const values = tokenScratch;
    // the scratch does not keep a malformed line's size (a kernel's longest line has ~120 values)
    if (values.length > 4096) values.length = 0;
    const count = integerTokens(next, colon + 1, values);
    i++;
    if (keys === null || count !== keys.length) {
      skipped += 2;
      continue;
    }
    let keep: boolean[] | null = null;
    if (only !== undefined) {
      if (h.wanted === null || h.wanted.only !== only) h.wanted = { only, keep: keys.map((k) => only.has(k)) };
      keep = h.wanted.keep;
    }
    for (let k = 0; k < count; k++) {
      const v = values[k];
      if (Number.isNaN(v)) skipped++;
      else if (keep === null || keep[k]) out[keys[k]] = v;
    }
  }
  return { value: out, skipped };
}

/** net.ipv4.ip_local_port_range, read back as "low<TAB>high". */
export function parsePortRange(raw: string): { low: number; high: number } {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(raw);
  if (!m) throw new Error(`ip_local_port_range "${raw.trim()}" is not two port numbers`);
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (low < 1 || high > 65535 || low > high) {
    throw new Error(`ip_local_port_range ${low}–${high} is not a valid range`);
  }
  return { low, high };
}

/** net.ipv4.ip_local_reserved_ports: "1,2-4,10" (empty = none) → sorted list of [from, to] ranges. */
export function parseReservedPorts(raw: string): [number, number][] {
  const text = raw.trim();
  if (text === '') return [];
  const out: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`ip_local_reserved_ports: "${part}" is not a port or a range`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to || to > 65535) throw new Error(`ip_local_reserved_ports: "${part}" is out of range`);
    out.push([from, to]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Number of reserved ports inside [low, high]. */
export function reservedInside(reserved: [number, number][], low: number, high: number): number {
  let n = 0;
  let coveredTo = low - 1;
  for (const [from, to] of reserved) {
    const a = Math.max(from, coveredTo + 1, low);
    const b = Math.min(to, high);
    if (b >= a) {
      n += b - a + 1;
      coveredTo = b;
    }
  }
  return n;
}
