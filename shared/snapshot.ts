// The Snapshot model: one plain, serializable, size-bounded record per collector tick.
// Everything here crosses IPC / HTTP as JSON: epoch-ms numbers, arrays, records — no Date, Map or
// class instances. Lists are top-N (see SNAPSHOT_LIMITS), never the whole socket table.

import type { AlertsState } from './alerts';
import type { Msg } from './i18n';
import type { StateCounts, TcpState, TimerKind } from './tcp';

/** Bumped when a field of the Snapshot changes meaning or name (2: `timeWait`, the timer histogram,
 *  became `timeWaitTimers`, so it is not mistaken for PortBudget.timeWait, a count). */
export const SNAPSHOT_SCHEMA = 2;

/** Bounds that keep a snapshot small whatever the socket count (payload target ≤ 16 KB). */
export const SNAPSHOT_LIMITS = {
  topDestinations: 10,
  portBudgets: 10,
  processes: 10,
  closeWaitProcesses: 10,
  errors: 10,
} as const;

export type Family = 'ipv4' | 'ipv6';

/** /proc/net/sockstat + sockstat6 (docs/kernel.md, "sockstat scopes"). Scope matters: some fields are
 *  per network namespace, others global — node_exporter users get confused when they are mixed. */
export interface Sockstat {
  /** hashed IPv4 TCP sockets excluding timewait (per netns) */
  inuse4: number;
  /** TCP6 inuse (per netns) */
  inuse6: number;
  /** orphaned full sockets (global; timewait-form FIN_WAIT2 not included) */
  orphan: number;
  /** timewait objects, IPv4+IPv6, including orphaned FIN_WAIT2 (per netns) */
  tw: number;
  /** allocated TCP sockets (global) */
  alloc: number;
  /** TCP memory in pages (global) */
  memPages: number;
  /** socket count over all protocols ("sockets: used N", global) */
  socketsUsed: number | null;
}

/** Names of the counters Waitline turns into rates. `Tcp.*` from /proc/net/snmp, `TcpExt.*` from
 *  /proc/net/netstat (docs/kernel.md, "TIME_WAIT and TCP counters"). */
export const COUNTER_NAMES = [
  'TcpExt.TW',
  'TcpExt.TWKilled',
  'TcpExt.TWRecycled',
  'TcpExt.TCPTimeWaitOverflow',
  'Tcp.ActiveOpens',
  'Tcp.PassiveOpens',
  'Tcp.AttemptFails',
  'Tcp.EstabResets',
  'Tcp.OutRsts',
  'Tcp.InErrs',
  'Tcp.RetransSegs',
  'TcpExt.ListenOverflows',
  'TcpExt.ListenDrops',
  'TcpExt.TCPAbortOnClose',
  'TcpExt.TCPAbortOnData',
  'TcpExt.TCPAbortOnMemory',
  'TcpExt.TCPAbortOnTimeout',
  'TcpExt.PAWSTimewait',
  'TcpExt.TCPReqQFullDrop',
  'TcpExt.SyncookiesSent',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

export interface Counters {
  /** Raw monotonic totals since boot (per netns). A name missing on this kernel is absent. */
  totals: Partial<Record<CounterName, number>>;
  /** Per-second rates since the previous tick; null on the first tick. Never negative: a counter that
   *  went backwards (reset) yields 0 for that interval. */
  rates: Partial<Record<CounterName, number>> | null;
  /** `Tcp.CurrEstab` gauge (newer kernels also count CLOSE_WAIT). */
  currEstab: number | null;
}

/** Which end of a connection we are, judged from the local port: a local port that has a LISTEN
 *  socket means we are the server ('inbound'); otherwise we opened it ('outbound'). TIME_WAIT lands
 *  on the side that closed first (docs/kernel.md, "TIME_WAIT lands on the side that closed first"). */
export type Direction = 'outbound' | 'inbound';

/** A group of sockets toward one peer service. For outbound: remote address and port. For inbound:
 *  our service port, grouped by peer address. */
export interface DestinationCount {
  direction: Direction;
  /** the other end's address */
  peerAddr: string;
  /** the service port: the remote port if outbound, our listening port if inbound */
  servicePort: number;
  /** our address */
  localAddr: string;
  count: number;
}

/** exhausted: no usable port left toward the destination now (connect() fails with EADDRNOTAVAIL);
 *  will_exhaust: a forecast runs out (secondsToExhaustion is set); at_risk: ≥ 50 % of the budget held
 *  now or in steady state; fine: below. */
export type BudgetVerdict = 'fine' | 'at_risk' | 'will_exhaust' | 'exhausted';

/** Port budget of one (local IP, remote IP, remote port): each connection needs a unique 4-tuple, so
 *  toward one destination at most `usable` ephemeral ports can be in use or held in TIME_WAIT
 *  (docs/exhaustion.md). Computed by shared/port-budget.ts. */
export interface PortBudget {
  localAddr: string;
  remoteAddr: string;
  remotePort: number;
  /** sockets holding an ephemeral local port toward this destination, all states */
  inUse: number;
  /** of which TIME_WAIT */
  timeWait: number;
  /** ports a new connect() toward it cannot use now: all held ones, or — where tcp_tw_reuse applies —
   *  all but the TIME_WAIT entries older than tcp_tw_reuse_delay */
  blocking: number;
  /** ports connect() may pick: ip_local_port_range minus reserved ports and ports bound by listeners */
  usable: number;
  /** blocking / usable × 100 */
  percentUsed: number;
  /** TIME_WAIT entries created per second toward this destination, measured from the ages of the
   *  TIME_WAIT timers over `rateWindowS` seconds (the span observed: shorter for a young flow) */
  closeRatePerS: number;
  rateWindowS: number;
  /** growth per second of the ports held by open (non-TIME_WAIT) connections across table reads;
   *  null until there are enough reads */
  activeGrowthPerS: number | null;
  /** seconds of data behind the forecast ("based on 4 s") */
  forecastBasisS: number;
  /** seconds a closed tuple stays unusable: 60 s, or the tcp_tw_reuse delay when reuse applies */
  holdSeconds: number;
  /** whether tcp_tw_reuse lets connect() take over TIME_WAIT tuples toward this destination
   *  (1 = any, 2 = loopback only; needs timestamps) */
  reuseApplies: boolean;
  /** Little's law: ports held in steady state = open connections + close rate × holdSeconds */
  steadyState: number;
  steadyStatePercent: number;
  /** seconds until the budget runs out, when a forecast says it will (never for an exhausted one) */
  secondsToExhaustion: number | null;
  /** seconds until the first blocking TIME_WAIT entry frees its port; null when none is in TIME_WAIT */
  firstFreeS: number | null;
  /** blocking TIME_WAIT entries that free their port within 10 s */
  freedWithin10s: number;
  /** epoch ms since when the destination has been exhausted (while verdict is 'exhausted') */
  exhaustedSince: number | null;
  verdict: BudgetVerdict;
}

/** The destinations beyond the listed `portBudgets`, summed (for `dst="other"` in the Prometheus
 *  metrics, docs/metrics.md): how many, the ports they hold and block, their close rates, and how many
 *  have each verdict. */
export interface PortBudgetRest {
  destinations: number;
  inUse: number;
  timeWait: number;
  blocking: number;
  closeRatePerS: number;
  verdicts: Record<BudgetVerdict, number>;
}

/** Histogram of TIME_WAIT time left: bucket i covers (i×bucketS, (i+1)×bucketS] seconds. Entries
 *  whose timer was restarted past 60 s land in the last bucket. */
export interface TimeWaitTimers {
  bucketS: number;
  counts: number[];
  /** TIME_WAIT entries whose timer ends within the next 10 s: ports that free up */
  freedNext10s: number;
  /** orphaned FIN_WAIT2 held as timewait objects (state 05, timer 3) — counted in sockstat tw */
  finWait2Timewait: number;
  total: number;
}

/** A process that owns sockets (from /proc/PID/fd). */
export interface ProcessSockets {
  pid: number;
  comm: string;
  total: number;
  states: Partial<Record<TcpState, number>>;
}

/** CLOSE_WAIT leak detector: the peer closed, this process has not called close(). */
/** What a CLOSE_WAIT age is a lower bound of (docs/kernel.md, "CLOSE_WAIT age"):
 *  'kernel' — the peer closed (its FIN arrived) at least this long ago: tcpi_last_ack_recv from the
 *  kernel's tcp_info (netlink source);
 *  'observed' — Waitline has seen the socket in CLOSE_WAIT at least this long (the /proc source has no
 *  tcp_info). The peer closed before that too, but possibly long before. */
export type CloseWaitAgeSource = 'kernel' | 'observed';

export interface CloseWaitProcess {
  pid: number;
  comm: string;
  count: number;
  /** lower bound, in seconds, on how long ago the peer closed its oldest CLOSE_WAIT socket — the
   *  larger of the kernel's figure and Waitline's own observation; `oldestAgeSource` says which */
  oldestAgeS: number;
  /** always set by the collector; absent only in snapshots made before it existed (read as 'observed') */
  oldestAgeSource?: CloseWaitAgeSource;
  /** upper bound on the same (tcpi_last_data_recv: the FIN came with or after the last data), when
   *  every one of its CLOSE_WAIT sockets has kernel timing; else null */
  oldestAgeMaxS?: number | null;
  /** change of `count` per minute over the collector's recent history */
  growthPerMin: number;
}

/** Where all CLOSE_WAIT sockets of the table went: the `closeWait` rows plus `otherProcesses.count`
 *  plus `unattributed` equal `total`, which is `states.CLOSE_WAIT` of the same snapshot (one table). */
export interface CloseWaitAccounting {
  total: number;
  /** 'kernel' when the socket source gives kernel timing (netlink), 'observed' otherwise (/proc) */
  ageSource: CloseWaitAgeSource;
  /** attributed to processes beyond the listed ones (SNAPSHOT_LIMITS.closeWaitProcesses) */
  otherProcesses: { processes: number; count: number };
  /** held by no process the owner scan found: newSinceScan + notVisible */
  unattributed: number;
  /** first seen after the owner scan (`scannedAt`): the next scan may attribute them */
  newSinceScan: number;
  /** present at the scan but in no /proc/PID/fd it could read: another user's process without
   *  privileges (`unreadablePids`), or a process outside Waitline's PID namespace */
  notVisible: number;
  /** the oldest unattributed socket's age, as in CloseWaitProcess; null when none */
  unattributedOldestAgeS: number | null;
  unattributedOldestAgeSource: CloseWaitAgeSource | null;
}

export interface Owners {
  /** epoch ms of the /proc/PID/fd scan these figures come from (slower cadence than the table) */
  scannedAt: number;
  /** sockets with an inode that were attributed to a process */
  attributed: number;
  /** sockets with an inode (full sockets) — the rest belong to the kernel */
  withInode: number;
  /** sockets with no owner by nature: TIME_WAIT and timewait-form FIN_WAIT2 (uid 0, inode 0) */
  kernelOwned: number;
  /** processes whose fds could not be read (another user's without privileges) */
  unreadablePids: number;
  topProcesses: ProcessSockets[];
  closeWait: CloseWaitProcess[];
  /** always set by the collector; absent only in snapshots made before it existed */
  closeWaitAccounting?: CloseWaitAccounting;
}

export type SysctlValue =
  | { available: true; raw: string; scope: 'netns' | 'global' | 'unknown' }
  /** reason: English; msg: the same as a catalog message for the UI's language (absent in snapshots
   *  made before it existed: show the reason as is) */
  | { available: false; reason: string; msg?: Msg };

export type SocketSourceName = 'netlink' | 'procfs';

export interface CollectorError {
  /** the source that failed, e.g. "/proc/net/snmp" */
  source: string;
  message: string;
}

export interface CollectorHealth {
  /** where the socket table came from this tick */
  socketSource: SocketSourceName | 'none';
  /** why a preferred source was not used, if so */
  fallbackReason: string | null;
  /** wall time of this tick's collection, ms */
  durationMs: number;
  /** whether this tick read the full table (adaptive cadence may skip it) */
  tableRead: boolean;
  /** epoch ms of the last full table read */
  tableAt: number | null;
  /** lines/records skipped as malformed this tick, per source */
  skippedLines: Record<string, number>;
  /** sockets whose state code is outside the known 1..13 (kept in totalSockets, in no state count) */
  unknownStates?: number;
  /** the kernel flagged the last netlink dump as interrupted: the table changed while it was read,
   *  so a socket may be missing or counted twice in this table (the next read is a fresh walk) */
  tableInterrupted?: boolean;
  /** a field that could not be filled this tick, with the reason */
  degraded: CollectorError[];
}

export interface Snapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  /** epoch ms */
  time: number;
  seq: number;
  /** ms since the previous tick; null on the first */
  intervalMs: number | null;
  /** combined IPv4 + IPv6 count per state (v4-mapped IPv6 sockets count as IPv6, like /proc/net/tcp6) */
  states: StateCounts;
  statesByFamily: Record<Family, StateCounts>;
  totalSockets: number;
  sockstat: Sockstat | null;
  counters: Counters | null;
  timeWaitTimers: TimeWaitTimers | null;
  topTimeWait: DestinationCount[];
  topCloseWait: DestinationCount[];
  portBudgets: PortBudget[];
  /** every destination not in `portBudgets`, summed; absent in snapshots made before it existed */
  portBudgetRest?: PortBudgetRest;
  /** the ephemeral range and reserved ports the budgets were computed against */
  ephemeral: { low: number; high: number; reserved: number; usable: number; /** ports in the range bound by listeners (skipped by connect() for every destination) */ bound?: number } | null;
  sysctls: Record<string, SysctlValue>;
  owners: Owners | null;
  health: CollectorHealth;
  /** alerts after this tick (shared/alerts.ts); absent where no engine runs (e.g. a one-shot CLI) */
  alerts?: AlertsState;
}

/** One socket of the full table, for the connection table view (paged, never in a Snapshot). */
export interface SocketRow {
  family: Family;
  state: TcpState;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  txQueue: number;
  rxQueue: number;
  timer: TimerKind;
  /** time left on the timer, ms (0 if none) */
  timerLeftMs: number;
  retransmits: number;
  uid: number;
  /** 0 for TIME_WAIT / timewait FIN_WAIT2 / request sockets: no file, no owner */
  inode: number;
  pid: number | null;
  comm: string | null;
}

export type SocketSortKey =
  | 'state'
  | 'local'
  | 'remote'
  | 'localPort'
  | 'remotePort'
  | 'timerLeftMs'
  | 'txQueue'
  | 'rxQueue'
  | 'uid'
  | 'process';

export interface SocketQuery {
  states?: TcpState[];
  /** substring matched against "addr:port" of either end */
  address?: string;
  /** matches local or remote port */
  port?: number;
  /** substring of the process name, or a pid */
  process?: string;
  sort?: SocketSortKey;
  descending?: boolean;
  offset?: number;
  /** 1 … MAX_SOCKET_PAGE (shared/query-checks.ts) */
  limit?: number;
}

export interface SocketPage {
  /** epoch ms of the table these rows come from */
  tableAt: number | null;
  /** rows matching the filter */
  total: number;
  /** all rows in the table */
  tableSize: number;
  offset: number;
  rows: SocketRow[];
}
