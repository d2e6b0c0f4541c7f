// TCP state and timer codes as the kernel prints them (docs/kernel.md, "/proc/net/tcp: columns, states
// and timers"; include/net/tcp_states.h).

/** States a user can see, in kernel code order. NEW_SYN_RECV (0x0C) is folded into SYN_RECV by the
 *  kernel in both /proc and sock_diag, and BOUND_INACTIVE (0x0D) exists only in sock_diag; both are
 *  kept so that a count per code never loses a socket. */
export const TCP_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
] as const;

export type TcpState = (typeof TCP_STATES)[number];

/** Kernel state code (1..13) → name. Index 0 is unused. */
export const STATE_BY_CODE: readonly (TcpState | undefined)[] = [undefined, ...TCP_STATES];

/** The kernel's code of CLOSE_WAIT (include/net/tcp_states.h: TCP_CLOSE_WAIT), the one code the
 *  collector tests per row in several places. */
export const CLOSE_WAIT_CODE = 8;

export function stateCode(state: TcpState): number {
  return TCP_STATES.indexOf(state) + 1;
}

export type StateCounts = Record<TcpState, number>;

export function emptyStateCounts(): StateCounts {
  const counts = {} as StateCounts;
  for (const s of TCP_STATES) counts[s] = 0;
  return counts;
}

/** Timer codes of the `tr` column (docs/kernel.md, "/proc/net/tcp: columns, states and timers"). */
export const TIMER_KINDS = ['none', 'retransmit', 'keepalive', 'timewait', 'probe'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** TIME_WAIT lasts TCP_TIMEWAIT_LEN = 60 s, a compile-time constant (docs/kernel.md, "TIME_WAIT lasts
 *  60 s"). */
export const TIME_WAIT_SECONDS = 60;

/** States in which a client socket holds its local (ephemeral) port. LISTEN and CLOSE are not
 *  connections; SYN_RECV/NEW_SYN_RECV are server-side request sockets. */
export const PORT_HOLDING_STATES: readonly TcpState[] = [
  'ESTABLISHED',
  'SYN_SENT',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSING',
];
