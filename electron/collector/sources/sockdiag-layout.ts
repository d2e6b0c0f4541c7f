// Decodes the packed dump the sock_diag addon returns (native/sockdiag.c documents the layout; the
// two must agree). The columns are viewed in place — no copy, no object per socket — and each
// distinct address is formatted once, so the per-row work left in JavaScript is two array fills.

import { formatAddressBytes } from '../../../shared/address';
import type { SocketTable } from '../types';

export const SOCKDIAG_MAGIC = 0x44534c57; // "WLSD"
export const SOCKDIAG_LAYOUT_VERSION = 1;
export const SOCKDIAG_HEADER_WORDS = 16;
export const SOCKDIAG_ADDR_ENTRY_BYTES = 20;

/** idiag_states bit of each kernel state code: bit n = state n (KERNEL.md §5). */
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
}

const align8 = (x: number): number => (x + 7) & ~7;

/** Byte offsets of each column for `n` rows, and the total size for `addrs` addresses. */
export function sockDiagLayout(n: number, addrs: number) {
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
  return { cookie, inode, u32, u16, u8, addrTable, size: addrTable + addrs * SOCKDIAG_ADDR_ENTRY_BYTES };
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
  const L = sockDiagLayout(n, naddrs);
  if (buf.byteLength !== L.size) {
    throw new SockDiagLayoutError(`sock_diag dump is ${buf.byteLength} bytes; ${n} rows and ${naddrs} addresses need ${L.size}`);
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
  const localAddr: string[] = new Array(n);
  const remoteAddr: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const l = localIdx[i];
    const r = remoteIdx[i];
    if (l >= naddrs || r >= naddrs) throw new SockDiagLayoutError(`sock_diag dump: row ${i} points past the address table`);
    localAddr[i] = addrs[l];
    remoteAddr[i] = addrs[r];
  }

  const table: SocketTable = {
    length: n,
    family: new Uint8Array(buf, L.u8, n),
    state: new Uint8Array(buf, L.u8 + n, n),
    localAddr,
    localPort: new Uint16Array(buf, L.u16, n),
    remoteAddr,
    remotePort: new Uint16Array(buf, L.u16 + 2 * n, n),
    txQueue: new Uint32Array(buf, L.u32, n),
    rxQueue: new Uint32Array(buf, L.u32 + 4 * n, n),
    timer: new Uint8Array(buf, L.u8 + 2 * n, n),
    timerLeftMs: new Uint32Array(buf, L.u32 + 2 * 4 * n, n),
    retransmits: new Uint32Array(buf, L.u32 + 3 * 4 * n, n),
    uid: new Uint32Array(buf, L.u32 + 4 * 4 * n, n),
    inode: new Float64Array(buf, L.inode, n),
    cookie: new BigUint64Array(buf, L.cookie, n),
  };
  return { table, skipped: h[4], unknownStates: h[5], interrupted: (h[6] & 1) !== 0, ipv4Rows: h[7] };
}
