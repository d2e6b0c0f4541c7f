// Decodes the packed dump the sock_diag addon returns (native/sockdiag.c documents the layout; the
// two must agree). The columns are viewed in place — no copy, no object per socket — and each
// distinct address is formatted once, so the per-row work left in JavaScript is two array fills.

import { formatAddressBytes } from '../../../shared/address';
import { CLOSE_WAIT_CODE } from '../../../shared/tcp';
import { indexedTable } from '../parse/socket-table';
import type { PeerClosedAge, PeerClosedTiming, SocketTable } from '../types';

export const SOCKDIAG_MAGIC = 0x44534c57; // "WLSD"
export const SOCKDIAG_LAYOUT_VERSION = 3;
export const SOCKDIAG_HEADER_WORDS = 16;
export const SOCKDIAG_ADDR_ENTRY_BYTES = 20;
/** one tcp_info entry: u64 cookie, u32 inode, u32 payload length, the first 64 bytes of tcp_info */
export const SOCKDIAG_INFO_ENTRY_BYTES = 80;
export const SOCKDIAG_INFO_PREFIX_BYTES = 64;

/** idiag_states bit of each kernel state code: bit n = state n (docs/kernel.md, "Reading sockets through
 *  sock_diag"). */
export function stateBit(code: number): number {
  return 2 ** code;
}
/** States 1..12 — everything /proc/net/tcp can show. Bit 13 (BOUND_INACTIVE, Linux ≥ 6.8) is left
 *  out: /proc never lists those sockets, and asking for them makes the kernel walk the bind hash too. */
export const ALL_TCP_STATES_MASK = 0x1ffe;

export interface DecodedDump {
  table: SocketTable;
  /** records the addon skipped as malformed */
  skipped: number;
  /** rows whose state code was outside 1..13 (kept with state 0) */
  unknownStates: number;
  /** the kernel flagged the dump as interrupted (the table changed while it was walked) */
  interrupted: boolean;
  /** IPv4 rows come first */
  ipv4Rows: number;
  /** peer-close bounds of the sockets whose tcp_info was asked for (infoStates); null when no such
   *  read ran (none was asked for, or the main dump found no socket in those states) */
  peerClosed: PeerClosedTiming | null;
}

/** The fields of struct tcp_info (include/uapi/linux/tcp.h) Waitline reads. Offsets are fixed since
 *  the struct's first version: the kernel only ever appends fields. */
export const TCP_INFO_OFFSETS = { state: 0, lastDataRecv: 52, lastAckRecv: 56 } as const;
/** bytes of tcp_info needed for the fields above */
export const TCP_INFO_MIN_BYTES = 60;

export interface TcpInfoTimes {
  /** tcpi_state: the kernel state code */
  state: number;
  /** tcpi_last_data_recv: ms since the last segment carrying data arrived (icsk_ack.lrcvtime; the
   *  connection's start when the peer never sent data). A FIN without data does not move it. */
  lastDataRecvMs: number;
  /** tcpi_last_ack_recv: ms since the last acceptable ACK arrived (tp->rcv_tstamp) — every segment
   *  of an established peer carries one, its FIN included */
  lastAckRecvMs: number;
}

/** Reads the timing fields of a struct tcp_info payload of `len` bytes (only the first `bytes.length`
 *  may be present); null when the kernel sent too little. */
export function decodeTcpInfoTimes(bytes: Uint8Array, len: number = bytes.length): TcpInfoTimes | null {
  if (len < TCP_INFO_MIN_BYTES || bytes.length < TCP_INFO_MIN_BYTES) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, TCP_INFO_MIN_BYTES);
  return {
    state: dv.getUint8(TCP_INFO_OFFSETS.state),
    lastDataRecvMs: dv.getUint32(TCP_INFO_OFFSETS.lastDataRecv, true),
    lastAckRecvMs: dv.getUint32(TCP_INFO_OFFSETS.lastAckRecv, true),
  };
}

/** Bounds on how long ago the peer of a CLOSE_WAIT socket closed, from its tcp_info (docs/kernel.md,
 *  "CLOSE_WAIT age"): the FIN carried an ACK, so tcpi_last_ack_recv ≤ time since the FIN arrived
 *  (a later segment — an ACK of data we sent, a keepalive answer — only makes it smaller); the FIN
 *  came with or after the last data, so tcpi_last_data_recv ≥ it. Null when the socket was not in
 *  CLOSE_WAIT when asked. */
export function peerClosedBounds(t: TcpInfoTimes): PeerClosedAge | null {
  if (t.state !== CLOSE_WAIT_CODE) return null;
  return { minMs: t.lastAckRecvMs, maxMs: Math.max(t.lastAckRecvMs, t.lastDataRecvMs) };
}

const align8 = (x: number): number => (x + 7) & ~7;

/** Byte offsets of each column for `n` rows, and the total size for `addrs` addresses, `infos` tcp_info
 *  entries and `errBytes` of error text. */
export function sockDiagLayout(n: number, addrs: number, infos = 0, errBytes = 0) {
  let off = SOCKDIAG_HEADER_WORDS * 4;
  const cookie = off;
  off = align8(off + 8 * n);
  const inode = off;
  off = align8(off + 8 * n);
  const u32 = off;
  off = align8(off + 4 * n * 7);
  const u16 = off;
  off = align8(off + 2 * n * 2);
  const u8 = off;
  off = align8(off + 3 * n);
  const addrTable = off;
  const infoTable = align8(addrTable + addrs * SOCKDIAG_ADDR_ENTRY_BYTES);
  const errText = infoTable + infos * SOCKDIAG_INFO_ENTRY_BYTES;
  return { cookie, inode, u32, u16, u8, addrTable, infoTable, errText, size: errText + errBytes };
}

export class SockDiagLayoutError extends Error {
  override name = 'SockDiagLayoutError';
}

export function decodeSockDiagDump(buf: ArrayBuffer): DecodedDump {
  if (buf.byteLength < SOCKDIAG_HEADER_WORDS * 4) {
    throw new SockDiagLayoutError(`sock_diag dump too short: ${buf.byteLength} bytes, the header alone is 64`);
  }
  const h = new Uint32Array(buf, 0, SOCKDIAG_HEADER_WORDS);
  if (h[0] !== SOCKDIAG_MAGIC) throw new SockDiagLayoutError('sock_diag dump has a bad magic number (not a Waitline addon buffer)');
  if (h[1] !== SOCKDIAG_LAYOUT_VERSION) {
    throw new SockDiagLayoutError(
      `sock_diag addon layout version ${h[1]} does not match ${SOCKDIAG_LAYOUT_VERSION}: rebuild it with \`npm run build:native\``,
    );
  }
  const n = h[2];
  const naddrs = h[3];
  const ninfos = h[8];
  const errBytes = h[10];
  const L = sockDiagLayout(n, naddrs, ninfos, errBytes);
  // header [12]: the bytes this result uses (the buffer may have room to spare); 0 from an addon
  // that always sized the buffer exactly
  const used = h[12] || buf.byteLength;
  if (used !== L.size || used > buf.byteLength) {
    throw new SockDiagLayoutError(
      `sock_diag dump uses ${used} of ${buf.byteLength} bytes; ${n} rows, ${naddrs} addresses, ${ninfos} tcp_info entries and ${errBytes} bytes of error text need ${L.size}`,
    );
  }
  if (h[7] > n) throw new SockDiagLayoutError(`sock_diag dump claims ${h[7]} IPv4 rows of ${n}`);

  // Distinct addresses, formatted once each.
  const entries = new Uint8Array(buf, L.addrTable, naddrs * SOCKDIAG_ADDR_ENTRY_BYTES);
  const addrs: string[] = new Array(naddrs);
  for (let a = 0; a < naddrs; a++) {
    const at = a * SOCKDIAG_ADDR_ENTRY_BYTES;
    const fam = entries[at];
    if (fam === 4) addrs[a] = `${entries[at + 4]}.${entries[at + 5]}.${entries[at + 6]}.${entries[at + 7]}`;
    else if (fam === 6) addrs[a] = formatAddressBytes(entries.subarray(at + 4, at + 20));
    else throw new SockDiagLayoutError(`sock_diag dump: address ${a} has family ${fam}, expected 4 or 6`);
  }

  const localIdx = new Uint32Array(buf, L.u32 + 5 * 4 * n, n);
  const remoteIdx = new Uint32Array(buf, L.u32 + 6 * 4 * n, n);
  for (let i = 0; i < n; i++) {
    if (localIdx[i] >= naddrs || remoteIdx[i] >= naddrs) throw new SockDiagLayoutError(`sock_diag dump: row ${i} points past the address table`);
  }

  // localAddr/remoteAddr are built on first use (indexedTable). The indices live in the read's
  // buffer, as valid as the other columns.
  const table = indexedTable(
    {
      length: n,
      family: new Uint8Array(buf, L.u8, n),
      state: new Uint8Array(buf, L.u8 + n, n),
      localPort: new Uint16Array(buf, L.u16, n),
      remotePort: new Uint16Array(buf, L.u16 + 2 * n, n),
      txQueue: new Uint32Array(buf, L.u32, n),
      rxQueue: new Uint32Array(buf, L.u32 + 4 * n, n),
      timer: new Uint8Array(buf, L.u8 + 2 * n, n),
      timerLeftMs: new Uint32Array(buf, L.u32 + 2 * 4 * n, n),
      retransmits: new Uint32Array(buf, L.u32 + 3 * 4 * n, n),
      uid: new Uint32Array(buf, L.u32 + 4 * 4 * n, n),
      inode: new Float64Array(buf, L.inode, n),
      cookie: new BigUint64Array(buf, L.cookie, n),
    },
    { addrs, local: localIdx, remote: remoteIdx },
  );
  return {
    table,
    skipped: h[4],
    unknownStates: h[5],
    interrupted: (h[6] & 1) !== 0,
    ipv4Rows: h[7],
    peerClosed: decodeInfoEntries(buf, L.infoTable, ninfos, h[9], L.errText, errBytes),
  };
}

function decodeInfoEntries(buf: ArrayBuffer, at: number, count: number, flags: number, errAt: number, errBytes: number): PeerClosedTiming | null {
  if ((flags & 1) === 0) return null;
  if ((flags & 2) !== 0) {
    const text = String.fromCharCode(...new Uint8Array(buf, errAt, errBytes));
    return { byInode: new Map(), error: `the CLOSE_WAIT tcp_info read failed: ${text || 'no reason given'}` };
  }
  const byInode = new Map<number, PeerClosedAge>();
  const dv = new DataView(buf, at, count * SOCKDIAG_INFO_ENTRY_BYTES);
  for (let e = 0; e < count; e++) {
    const o = e * SOCKDIAG_INFO_ENTRY_BYTES;
    const inode = dv.getUint32(o + 8, true);
    const len = dv.getUint32(o + 12, true);
    const times = decodeTcpInfoTimes(new Uint8Array(buf, at + o + 16, SOCKDIAG_INFO_PREFIX_BYTES), len);
    const bounds = times && peerClosedBounds(times);
    if (bounds && inode !== 0) byInode.set(inode, bounds);
  }
  return { byInode, error: null };
}
