// Parser for /proc/net/tcp and /proc/net/tcp6 (the format of get_tcp4_sock / get_tcp6_sock in net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c). Pure: it takes bytes in chunks and
// never holds the whole file, so a million-line table costs the columnar table plus one chunk.
// Bad lines are skipped and counted; unknown state codes are kept (state 0) and counted.
//
//   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode …
//    2: 0100007F:97B0 0100007F:9791 06 00000000:00000000 03:0000173E 00000000     0        0 0 3 …

import { formatAddressBytes } from '../../../shared/address';
import type { SocketTable } from '../types';
import { SocketTableBuilder } from './socket-table';

export interface ProcNetTcpOptions {
  family: 4 | 6;
  /** USER_HZ (`getconf CLK_TCK`): the unit of tm->when. 100 on every mainstream Linux ABI. */
  userHz?: number;
  /** the kernel printed native u32 words; true on x86/arm little-endian machines */
  littleEndian?: boolean;
  /** rows beyond this are counted but not stored (the table stays memory-bounded) */
  maxRows?: number;
  /** address text cache shared across ticks (hex → formatted) */
  addressCache?: Map<string | number, string>;
}

export interface ProcNetTcpResult {
  table: SocketTable;
  /** lines that were not a socket line (truncated, wrong field shapes) */
  skipped: number;
  /** socket lines whose state code is outside 1..13 (kept with state 0) */
  unknownStates: number;
  /** lines not stored because maxRows was reached */
  truncated: number;
  /** first malformed line, for the error message */
  firstBadLine: string | null;
}

const MAX_LINE = 4096;
const SPACE = 0x20;
const TAB = 0x09;
const NL = 0x0a;
const COLON = 0x3a;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Hex number in b[s, e); -1 if empty, invalid or longer than 13 digits (beyond exact doubles). */
function parseHex(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 13) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = hexDigit(b[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Unsigned decimal in b[s, e); -1 if invalid. A leading '-' (the timeout column is %d) gives -1 too. */
function parseDec(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export class ProcNetTcpParser {
  private readonly family: 4 | 6;
  private readonly msPerTick: number;
  private readonly littleEndian: boolean;
  private readonly maxRows: number;
  private readonly cache: Map<string | number, string>;
  // addresses as indices into the table's distinct addresses, as the netlink source gives them: no
  // per-row string column is built (docs/performance.md, "Half a million sockets")
  private readonly builder = new SocketTableBuilder(4096, false, true);
  /** this table's address indices by the hex the kernel printed (a number for IPv4) */
  private readonly ids = new Map<string | number, number>();
  private carry: Uint8Array | null = null;
  private discardingLongLine = false;
  private skipped = 0;
  private unknownStates = 0;
  private truncated = 0;
  private firstBadLine: string | null = null;
  private readonly fieldStart = new Int32Array(12);
  private readonly fieldEnd = new Int32Array(12);
  private readonly addrBytes4 = new Uint8Array(4);
  private readonly addrBytes16 = new Uint8Array(16);

  constructor(opts: ProcNetTcpOptions) {
    this.family = opts.family;
    this.msPerTick = 1000 / (opts.userHz ?? 100);
    this.littleEndian = opts.littleEndian ?? true;
    this.maxRows = opts.maxRows ?? 2_000_000;
    this.cache = opts.addressCache ?? new Map();
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.carry || this.discardingLongLine) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        if (!this.discardingLongLine) {
          const merged = concat(this.carry!, chunk);
          if (merged.length > MAX_LINE) this.startDiscarding(merged);
          else this.carry = merged;
        }
        return;
      }
      if (this.discardingLongLine) {
        this.discardingLongLine = false;
      } else {
        const line = concat(this.carry!, chunk.subarray(0, nl));
        this.parseLine(line, 0, line.length);
      }
      this.carry = null;
      start = nl + 1;
    }
    let nl = chunk.indexOf(NL, start);
    while (nl >= 0) {
      this.parseLine(chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf(NL, start);
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      if (rest.length > MAX_LINE) this.startDiscarding(rest);
      else this.carry = rest;
    }
  }

  end(): ProcNetTcpResult {
    if (this.carry && this.carry.length > 0) this.parseLine(this.carry, 0, this.carry.length);
    else if (this.discardingLongLine) this.discardingLongLine = false;
    this.carry = null;
    return {
      table: this.builder.finish(),
      skipped: this.skipped,
      unknownStates: this.unknownStates,
      truncated: this.truncated,
      firstBadLine: this.firstBadLine,
    };
  }

  private startDiscarding(bytes: Uint8Array): void {
    this.bad(bytes, 0, Math.min(bytes.length, 200));
    this.carry = null;
    this.discardingLongLine = true;
  }

  private bad(b: Uint8Array, s: number, e: number): void {
    this.skipped++;
    if (this.firstBadLine === null) {
      this.firstBadLine = Buffer.from(b.buffer, b.byteOffset + s, Math.min(e - s, 200)).toString('latin1');
    }
  }

  private parseLine(b: Uint8Array, s: number, e: number): void {
    // tokenize up to 12 fields
    const fs = this.fieldStart;
    const fe = this.fieldEnd;
    let n = 0;
    let i = s;
    while (i < e && n < 12) {
      while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
      if (i >= e) break;
      fs[n] = i;
      while (i < e && b[i] !== SPACE && b[i] !== TAB) i++;
      fe[n] = i;
      n++;
    }
    if (n === 0) return; // blank line
    // the header: "sl  local_address …"
    if (fe[0] - fs[0] === 2 && b[fs[0]] === 0x73 && b[fs[0] + 1] === 0x6c) return;
    if (n < 10 || b[fe[0] - 1] !== COLON) return this.bad(b, s, e);

    const addrHex = this.family === 4 ? 8 : 32;
    // local and remote endpoints: HEX:PORT
    for (const f of [1, 2]) {
      if (fe[f] - fs[f] !== addrHex + 5 || b[fs[f] + addrHex] !== COLON) return this.bad(b, s, e);
    }
    const localPort = parseHex(b, fs[1] + addrHex + 1, fe[1]);
    const remotePort = parseHex(b, fs[2] + addrHex + 1, fe[2]);
    if (localPort < 0 || remotePort < 0) return this.bad(b, s, e);
    if (fe[3] - fs[3] !== 2) return this.bad(b, s, e);
    const st = parseHex(b, fs[3], fe[3]);
    // tx_queue:rx_queue
    const q = fs[4] + 8;
    if (fe[4] - fs[4] !== 17 || b[q] !== COLON) return this.bad(b, s, e);
    const tx = parseHex(b, fs[4], q);
    const rx = parseHex(b, q + 1, fe[4]);
    // tr:tm->when
    const t = fs[5] + 2;
    if (fe[5] - fs[5] < 4 || b[t] !== COLON) return this.bad(b, s, e);
    const tr = parseHex(b, fs[5], t);
    const when = parseHex(b, t + 1, fe[5]);
    const retr = parseHex(b, fs[6], fe[6]);
    const uid = parseDec(b, fs[7], fe[7]);
    const inode = parseDec(b, fs[9], fe[9]);
    if (st < 0 || tx < 0 || rx < 0 || tr < 0 || when < 0 || retr < 0 || uid < 0 || inode < 0) {
      return this.bad(b, s, e);
    }
    const localKey = this.addressKey(b, fs[1]);
    const remoteKey = this.addressKey(b, fs[2]);
    if (localKey === null || remoteKey === null) return this.bad(b, s, e);

    let state = st;
    if (st < 1 || st > 13) {
      this.unknownStates++;
      state = 0;
    }
    if (this.builder.length >= this.maxRows) {
      this.truncated++;
      return;
    }
    // interned only for a row that is stored: a bad line or a row over maxRows adds no address
    const localAddr = this.address(b, fs[1], localKey);
    const remoteAddr = this.address(b, fs[2], remoteKey);
    const r = this.builder.reserve();
    const bl = this.builder;
    bl.family[r] = this.family;
    bl.state[r] = state;
    bl.localIdx[r] = localAddr;
    bl.localPort[r] = localPort;
    bl.remoteIdx[r] = remoteAddr;
    bl.remotePort[r] = remotePort;
    bl.txQueue[r] = Math.min(tx, 0xffffffff);
    bl.rxQueue[r] = Math.min(rx, 0xffffffff);
    bl.timer[r] = tr > 4 ? 0 : tr;
    bl.timerLeftMs[r] = Math.min(Math.round(when * this.msPerTick), 0xffffffff);
    bl.retransmits[r] = Math.min(retr, 0xffffffff);
    bl.uid[r] = Math.min(uid, 0xffffffff);
    bl.inode[r] = inode;
  }

  /** The key of the address whose hex is at b[s …] (a number for IPv4, the hex text for IPv6), or
   *  null if the hex is not valid. */
  private addressKey(b: Uint8Array, s: number): string | number | null {
    if (this.family === 4) {
      const v = parseHex(b, s, s + 8);
      return v < 0 ? null : v;
    }
    const key = Buffer.from(b.buffer, b.byteOffset + s, 32).toString('latin1');
    if (this.ids.has(key) || this.cache.has(key)) return key;
    for (let w = 0; w < 4; w++) if (parseHex(b, s + w * 8, s + w * 8 + 8) < 0) return null;
    return key;
  }

  /** The index, among this table's distinct addresses, of the address with this (valid) key. Its text
   *  comes from the cache shared across reads, or is formatted once. */
  private address(b: Uint8Array, s: number, key: string | number): number {
    const id = this.ids.get(key);
    if (id !== undefined) return id;
    let text = this.cache.get(key);
    if (text === undefined) this.cache.set(key, (text = this.format(b, s, key)));
    const k = this.builder.intern(text);
    this.ids.set(key, k);
    return k;
  }

  private format(b: Uint8Array, s: number, key: string | number): string {
    if (typeof key === 'number') {
      wordToBytes(key, this.addrBytes4, 0, this.littleEndian);
      return formatAddressBytes(this.addrBytes4);
    }
    const a = this.addrBytes16;
    for (let w = 0; w < 4; w++) wordToBytes(parseHex(b, s + w * 8, s + w * 8 + 8), a, w * 4, this.littleEndian);
    return formatAddressBytes(a);
  }
}

/** The kernel printed four network-order bytes as one native u32 (%08X of a __be32 in get_tcp4_sock). */
function wordToBytes(v: number, out: Uint8Array, off: number, littleEndian: boolean): void {
  const b0 = v & 0xff;
  const b1 = (v >>> 8) & 0xff;
  const b2 = (v >>> 16) & 0xff;
  const b3 = (v >>> 24) & 0xff;
  if (littleEndian) {
    out[off] = b0;
    out[off + 1] = b1;
    out[off + 2] = b2;
    out[off + 3] = b3;
  } else {
    out[off] = b3;
    out[off + 1] = b2;
    out[off + 2] = b1;
    out[off + 3] = b0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parses a whole file given as text or bytes (fixtures, tests). */
export function parseProcNetTcp(input: string | Uint8Array, opts: ProcNetTcpOptions): ProcNetTcpResult {
  const p = new ProcNetTcpParser(opts);
  p.push(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  return p.end();
}
