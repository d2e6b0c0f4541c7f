// Decodes what the addon's connInfo() returns (native/sockdiag.c documents the layout; the two must
// agree) and the struct tcp_info bytes inside it (include/uapi/linux/tcp.h). Pure: no kernel needed.
//
// struct tcp_info only ever grows at its end, so each field has one fixed offset on every kernel; a
// field whose end lies past the length the kernel sent is unavailable (null), never read from the
// zero fill.

import type { TcpCaState, TcpDetails, TcpInfoOption } from '../../../shared/conn-info';
import { STATE_BY_CODE } from '../../../shared/tcp';

export const CONN_INFO_MAGIC = 0x49434c57; // "WLCI"
export const CONN_INFO_LAYOUT_VERSION = 1;
export const CONN_INFO_HEADER_BYTES = 16;
/** bytes of struct tcp_info the addon keeps per answer (the kernel's may be longer: later fields) */
export const CONN_INFO_TCP_INFO_MAX = 320;
export const CONN_INFO_ENTRY_BYTES = 56 + CONN_INFO_TCP_INFO_MAX;

export class ConnInfoLayoutError extends Error {
  override name = 'ConnInfoLayoutError';
}

/** One answer as the addon packed it. */
export interface RawConnInfo {
  /** 0: found; else the errno of the lookup (ENOENT: no such socket) */
  status: number;
  cookie: bigint;
  inode: number;
  uid: number;
  rxQueue: number;
  txQueue: number;
  /** kernel state code */
  state: number;
  timer: number;
  timerLeftMs: number;
  /** the kernel sent INET_DIAG_INFO (struct tcp_info) */
  hasInfo: boolean;
  /** length of the kernel's tcp_info (may exceed info.length) */
  infoBytes: number;
  /** its first min(infoBytes, CONN_INFO_TCP_INFO_MAX) bytes */
  info: Uint8Array;
  congestion: string | null;
}

export function decodeConnInfoBuffer(buf: ArrayBuffer): RawConnInfo[] {
  if (buf.byteLength < CONN_INFO_HEADER_BYTES) {
    throw new ConnInfoLayoutError(`connInfo answer too short: ${buf.byteLength} bytes, the header alone is ${CONN_INFO_HEADER_BYTES}`);
  }
  const h = new Uint32Array(buf, 0, 4);
  if (h[0] !== CONN_INFO_MAGIC) throw new ConnInfoLayoutError('connInfo answer has a bad magic number (not a Waitline addon buffer)');
  if (h[1] !== CONN_INFO_LAYOUT_VERSION) {
    throw new ConnInfoLayoutError(`connInfo layout version ${h[1]} does not match ${CONN_INFO_LAYOUT_VERSION}: rebuild the addon with \`npm run build:native\``);
  }
  const n = h[2];
  const size = CONN_INFO_HEADER_BYTES + n * CONN_INFO_ENTRY_BYTES;
  if (buf.byteLength !== size) throw new ConnInfoLayoutError(`connInfo answer is ${buf.byteLength} bytes; ${n} entries need ${size}`);
  const out: RawConnInfo[] = [];
  for (let i = 0; i < n; i++) {
    const at = CONN_INFO_HEADER_BYTES + i * CONN_INFO_ENTRY_BYTES;
    const dv = new DataView(buf, at, CONN_INFO_ENTRY_BYTES);
    const flags = dv.getUint8(30);
    const infoBytes = dv.getUint32(32, true);
    const congBytes = new Uint8Array(buf, at + 40, 16);
    const end = congBytes.indexOf(0);
    const congestion = (flags & 2) !== 0 ? String.fromCharCode(...congBytes.subarray(0, end < 0 ? 16 : end)) : null;
    out.push({
      cookie: dv.getBigUint64(0, true),
      status: dv.getInt32(8, true),
      inode: dv.getUint32(12, true),
      uid: dv.getUint32(16, true),
      rxQueue: dv.getUint32(20, true),
      txQueue: dv.getUint32(24, true),
      state: dv.getUint8(28),
      timer: dv.getUint8(29),
      timerLeftMs: dv.getUint32(36, true),
      hasInfo: (flags & 1) !== 0,
      infoBytes,
      info: new Uint8Array(buf, at + 56, Math.min(infoBytes, CONN_INFO_TCP_INFO_MAX)),
      congestion: congestion || null,
    });
  }
  return out;
}

type Kind = 'u8' | 'u16' | 'u32' | 'u64';
const SIZE: Record<Kind, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** Offsets in struct tcp_info (checked against /usr/include/linux/tcp.h with offsetof; the fields
 *  after tcpi_snd_wnd from the upstream header of 6.2 and 6.7). */
export const TCP_INFO_FIELDS = {
  rtoRetransmits: [2, 'u8'],
  probes: [3, 'u8'],
  backoff: [4, 'u8'],
  rtoUs: [8, 'u32'],
  atoUs: [12, 'u32'],
  sndMssBytes: [16, 'u32'],
  rcvMssBytes: [20, 'u32'],
  unackedSegs: [24, 'u32'],
  sackedSegs: [28, 'u32'],
  lostSegs: [32, 'u32'],
  retransOutSegs: [36, 'u32'],
  lastDataSentMs: [44, 'u32'],
  lastDataRecvMs: [52, 'u32'],
  lastAckRecvMs: [56, 'u32'],
  pmtuBytes: [60, 'u32'],
  rcvSsthreshBytes: [64, 'u32'],
  rttUs: [68, 'u32'],
  rttVarUs: [72, 'u32'],
  sndSsthreshSegs: [76, 'u32'],
  sndCwndSegs: [80, 'u32'],
  advMssBytes: [84, 'u32'],
  reordering: [88, 'u32'],
  rcvRttUs: [92, 'u32'],
  rcvSpaceBytes: [96, 'u32'],
  totalRetransSegs: [100, 'u32'],
  pacingRateBytesPerS: [104, 'u64'],
  maxPacingRateBytesPerS: [112, 'u64'],
  bytesAcked: [120, 'u64'],
  bytesReceived: [128, 'u64'],
  segsOut: [136, 'u32'],
  segsIn: [140, 'u32'],
  notsentBytes: [144, 'u32'],
  minRttUs: [148, 'u32'],
  dataSegsIn: [152, 'u32'],
  dataSegsOut: [156, 'u32'],
  deliveryRateBytesPerS: [160, 'u64'],
  busyTimeUs: [168, 'u64'],
  rwndLimitedUs: [176, 'u64'],
  sndbufLimitedUs: [184, 'u64'],
  deliveredSegs: [192, 'u32'],
  deliveredCeSegs: [196, 'u32'],
  bytesSent: [200, 'u64'],
  bytesRetrans: [208, 'u64'],
  dsackDups: [216, 'u32'],
  reordSeen: [220, 'u32'],
  rcvOooPackets: [224, 'u32'],
  sndWndBytes: [228, 'u32'],
  rcvWndBytes: [232, 'u32'],
  rehash: [236, 'u32'],
  totalRto: [240, 'u16'],
  totalRtoRecoveries: [242, 'u16'],
  totalRtoTimeMs: [244, 'u32'],
} as const satisfies Record<string, readonly [number, Kind]>;

export type TcpInfoNumericField = keyof typeof TCP_INFO_FIELDS;

/** Bytes of tcp_info the decoder knows (the end of tcpi_total_rto_time). */
export const TCP_INFO_KNOWN_BYTES = 248;

const CA_STATES: readonly TcpCaState[] = ['open', 'disorder', 'cwr', 'recovery', 'loss'];
const OPTION_BITS: readonly [number, TcpInfoOption][] = [
  [1, 'timestamps'],
  [2, 'sack'],
  [4, 'window_scale'],
  [8, 'ecn'],
  [16, 'ecn_seen'],
  [32, 'syn_data'],
  [64, 'usec_ts'],
];
/** TCP_INFINITE_SSTHRESH: no threshold yet (slow start) */
const INFINITE_SSTHRESH = 0x7fffffff;
const U64_MAX = 0xffffffffffffffffn;

const FIELD_LIST = Object.entries(TCP_INFO_FIELDS) as [TcpInfoNumericField, readonly [number, Kind]][];

/** Decodes struct tcp_info: `bytes` holds its first bytes, `len` is the length the kernel sent (may
 *  be more than bytes.length). A field is read only when it lies wholly inside both. */
export function decodeTcpInfo(bytes: Uint8Array, len: number = bytes.length): TcpDetails {
  const avail = Math.min(len, bytes.length);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, avail);
  const state = avail >= 1 ? (STATE_BY_CODE[dv.getUint8(0)] ?? null) : null;
  const ca = avail >= 2 ? (CA_STATES[dv.getUint8(1)] ?? null) : null;
  const optionBits = avail >= 6 ? dv.getUint8(5) : 0;
  const options = OPTION_BITS.filter(([bit]) => (optionBits & bit) !== 0).map(([, name]) => name);
  // tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4 — bit-fields in one byte, the first in the low nibble
  // (GCC's order on little-endian targets, which are the ones Waitline runs on)
  const wscale = avail >= 7 && (optionBits & 4) !== 0 ? dv.getUint8(6) : null;
  const out = {
    infoBytes: len,
    state,
    caState: ca,
    options,
    sndWscale: wscale === null ? null : wscale & 0x0f,
    rcvWscale: wscale === null ? null : wscale >> 4,
  } as TcpDetails;
  for (const [name, [off, kind]] of FIELD_LIST) {
    let v: number | null = null;
    if (off + SIZE[kind] <= avail) {
      if (kind === 'u32') v = dv.getUint32(off, true);
      else if (kind === 'u8') v = dv.getUint8(off);
      else if (kind === 'u16') v = dv.getUint16(off, true);
      else {
        const big = dv.getBigUint64(off, true);
        v = big === U64_MAX ? null : Number(big);
      }
    }
    out[name] = v;
  }
  if (out.sndSsthreshSegs !== null && out.sndSsthreshSegs >= INFINITE_SSTHRESH) out.sndSsthreshSegs = null;
  return out;
}
