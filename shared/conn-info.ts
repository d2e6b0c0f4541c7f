// Per-connection TCP details (issue 14): what the kernel's struct tcp_info says about a few chosen
// connections — the visible page or the selected row, never the whole table (docs/conn-info.md).
// Types only: the engine is electron/collector/conn-info.ts (netlink sock_diag exact lookups through
// the native addon); the UI asks for them through the host.
//
// Units are in the names: …Us microseconds, …Ms milliseconds, …Bytes / bytes…, …BytesPerS bytes per
// second; counts of segments say so (…Segs) where the kernel counts segments, not bytes.
// Every tcp_info field is `number | null`: null when this kernel's struct tcp_info is too short to
// carry it (older kernels send a shorter struct; a field past its end is unavailable, never garbage).

import type { SocketRow } from './snapshot';
import type { TcpState } from './tcp';

/** Most keys one request may carry: one page of the connection view. */
export const CONN_INFO_MAX_KEYS = 200;

/** One connection, by its exact 4-tuple as the socket table shows it: a SocketRow's family,
 *  addresses (dotted IPv4, IPv6 text, v4-mapped ::ffff:a.b.c.d for a dual-stack socket) and ports are
 *  a key as they are. */
export interface ConnKey extends Pick<SocketRow, 'family' | 'localAddr' | 'localPort' | 'remoteAddr' | 'remotePort'> {
  /** the socket cookie as decimal text (the netlink table has it; 0 or absent: unknown). Given, the
   *  answer is for that very socket: a newer connection that reuses the 4-tuple is "not found". */
  cookie?: string;
}

/** ok: details below · not_found: no such socket now (it closed since the table was read, or the
 *  cookie names an older socket) · no_tcp_info: the socket exists but the kernel keeps no tcp_info
 *  for it (TIME_WAIT, request sockets) · error: the kernel refused this one lookup */
export type ConnInfoStatus = 'ok' | 'not_found' | 'no_tcp_info' | 'error';

/** The congestion-avoidance state (tcpi_ca_state). */
export type TcpCaState = 'open' | 'disorder' | 'cwr' | 'recovery' | 'loss';

/** Options negotiated on the connection (tcpi_options bits). */
export type TcpInfoOption = 'timestamps' | 'sack' | 'window_scale' | 'ecn' | 'ecn_seen' | 'syn_data' | 'usec_ts';

/** struct tcp_info (include/uapi/linux/tcp.h), decoded. */
export interface TcpDetails {
  /** bytes of struct tcp_info this kernel sent (104 on 3.x … 232 on 6.1, 248 on 6.7, 280 on 6.18);
   *  fields past it are null */
  infoBytes: number;
  /** tcpi_state as a name (the kernel's view when it answered) */
  state: TcpState | null;
  caState: TcpCaState | null;
  options: TcpInfoOption[];
  /** window scale shifts, when window scaling was negotiated */
  sndWscale: number | null;
  rcvWscale: number | null;
  /** tcpi_retransmits: consecutive retransmission timeouts not yet recovered (0 on a healthy
   *  connection) */
  rtoRetransmits: number | null;
  /** tcpi_probes: unanswered zero-window / keepalive probes */
  probes: number | null;
  /** tcpi_backoff: exponential backoff of the retransmission timer */
  backoff: number | null;
  rtoUs: number | null;
  /** delayed-ACK timeout */
  atoUs: number | null;
  sndMssBytes: number | null;
  rcvMssBytes: number | null;
  /** segments sent and not yet acknowledged */
  unackedSegs: number | null;
  sackedSegs: number | null;
  lostSegs: number | null;
  /** segments retransmitted and not yet acknowledged (tcpi_retrans) */
  retransOutSegs: number | null;
  /** time since the last segment carrying data was sent / received, and since the last ACK arrived */
  lastDataSentMs: number | null;
  lastDataRecvMs: number | null;
  lastAckRecvMs: number | null;
  pmtuBytes: number | null;
  rcvSsthreshBytes: number | null;
  /** smoothed round-trip time and its mean deviation */
  rttUs: number | null;
  rttVarUs: number | null;
  /** slow-start threshold; null also while it is "infinite" (still in slow start; ss leaves it out) */
  sndSsthreshSegs: number | null;
  /** congestion window */
  sndCwndSegs: number | null;
  advMssBytes: number | null;
  reordering: number | null;
  /** receiver-side RTT estimate (0 until measured) */
  rcvRttUs: number | null;
  rcvSpaceBytes: number | null;
  /** segments retransmitted over the connection's life */
  totalRetransSegs: number | null;
  /** null also when unset / unlimited (~0) */
  pacingRateBytesPerS: number | null;
  maxPacingRateBytesPerS: number | null;
  /** bytes of sequence space acknowledged by the peer (RFC 4898 HCThruOctetsAcked). Counts the SYN
   *  (and FIN) of the side that sent them: a client that wrote N bytes shows N + 1. */
  bytesAcked: number | null;
  /** bytes received in order (RFC 4898 HCThruOctetsReceived) — exactly what the peer wrote, so far */
  bytesReceived: number | null;
  segsOut: number | null;
  segsIn: number | null;
  /** bytes written by the application not yet sent */
  notsentBytes: number | null;
  minRttUs: number | null;
  dataSegsIn: number | null;
  dataSegsOut: number | null;
  deliveryRateBytesPerS: number | null;
  /** time busy sending data, and limited by the receive window / the send buffer */
  busyTimeUs: number | null;
  rwndLimitedUs: number | null;
  sndbufLimitedUs: number | null;
  deliveredSegs: number | null;
  deliveredCeSegs: number | null;
  /** bytes of data sent, retransmissions included (RFC 4898 HCDataOctetsOut; Linux ≥ 4.19) */
  bytesSent: number | null;
  bytesRetrans: number | null;
  dsackDups: number | null;
  reordSeen: number | null;
  rcvOooPackets: number | null;
  /** the peer's advertised receive window (Linux ≥ 5.4) and ours (≥ 6.2), scaled, in bytes */
  sndWndBytes: number | null;
  rcvWndBytes: number | null;
  /** PLB or timeout-triggered rehash attempts (≥ 6.2) */
  rehash: number | null;
  /** retransmission timeouts, RTO recoveries and the time spent in them (≥ 6.7) */
  totalRto: number | null;
  totalRtoRecoveries: number | null;
  totalRtoTimeMs: number | null;
}

/** The answer for one key, in request order. */
export interface ConnInfoAnswer {
  key: ConnKey;
  status: ConnInfoStatus;
  /** why there are no details (status other than ok), in words for the UI; null when ok */
  reason: string | null;
  /** the state the kernel reports for the socket now (null when not found) */
  state: TcpState | null;
  /** the socket cookie as decimal text, the inode (0: no file — TIME_WAIT, request sockets) and the
   *  owner's uid, when found */
  cookie: string | null;
  inode: number | null;
  uid: number | null;
  /** receive and send queues (bytes) when found */
  rxQueueBytes: number | null;
  txQueueBytes: number | null;
  /** the congestion control algorithm (cubic, bbr, …), when the kernel said */
  congestion: string | null;
  /** decoded tcp_info; null unless status is ok */
  tcp: TcpDetails | null;
}

export type ConnInfoReply =
  | {
      available: true;
      /** wall clock when the kernel answered, epoch ms */
      at: number;
      /** the lookups' cost (ms) */
      durationMs: number;
      answers: ConnInfoAnswer[];
    }
  | {
      available: false;
      /** why no tcp_info can be read here: the /proc fallback has none, the addon is missing or
       *  stale, the netlink lookups failed */
      reason: string;
    };
