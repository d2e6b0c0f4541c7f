// Collector seams. Plain Node — this folder never imports `electron`.
// sources (injected reader + clock) → parse (pure) → derive (rates, aggregates).

/** Reads the kernel's files. Injected so parsers run on fixtures and the collector on the real /proc. */
export interface FileReader {
  /** whole file as text (small files: sockstat, snmp, sysctls) */
  readText(path: string): Promise<string>;
  /** the file in chunks, for tables that can be large (/proc/net/tcp) */
  readChunks(path: string): AsyncIterable<Uint8Array>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
  /** the same, synchronously (optional): the owner scan's many readlinks of /proc/PID/fd/N cost a
   *  thread-pool round trip each through the promise API, ~10× the syscall */
  readlinkSync?(path: string): string;
}

export interface Clock {
  /** wall clock, epoch ms (timestamps in snapshots) */
  now(): number;
  /** monotonic ms (durations and rates; never jumps) */
  monotonic(): number;
}

/** The full socket table, columnar: row i is family[i], state[i], … . Columnar typed arrays keep a
 *  100,000-row table cheap to build and to aggregate (no object per socket). Address strings are
 *  interned (one string per distinct address), so a million rows cost a million references. */
export interface SocketTable {
  length: number;
  /** 4 or 6 (v4-mapped IPv6 sockets are 6, as in /proc/net/tcp6) */
  family: Uint8Array;
  /** kernel state code 1..13; 0 = unknown code (counted separately, never dropped silently) */
  state: Uint8Array;
  localAddr: string[];
  localPort: Uint16Array;
  remoteAddr: string[];
  remotePort: Uint16Array;
  txQueue: Uint32Array;
  rxQueue: Uint32Array;
  /** timer code 0..4 (docs/kernel.md, "/proc/net/tcp: columns, states and timers") */
  timer: Uint8Array;
  /** time left on the timer in ms */
  timerLeftMs: Uint32Array;
  retransmits: Uint32Array;
  uid: Uint32Array;
  inode: Float64Array;
  /** socket cookie (netlink only; 0 where unknown) */
  cookie: BigUint64Array | null;
  /** Each row's addresses as indices into `addrs`, the table's distinct addresses (the same strings
   *  `localAddr`/`remoteAddr` hold): present when the source interned them (netlink). Per-row work can
   *  key on these small integers instead of strings (docs/performance.md, "Addresses as numbers"). */
  addrIndex?: AddressIndex;
}

export interface AddressIndex {
  addrs: readonly string[];
  local: Uint32Array;
  remote: Uint32Array;
}

/** Bounds, in ms before the read, on when the peer of a CLOSE_WAIT socket closed (its FIN arrived),
 *  from the kernel's tcp_info (docs/kernel.md, "CLOSE_WAIT age"). */
export interface PeerClosedAge {
  /** tcpi_last_ack_recv: the peer closed at least this long ago (a lower bound) */
  minMs: number;
  /** tcpi_last_data_recv: … and at most this long ago (an upper bound) */
  maxMs: number;
}

/** Kernel timing of the CLOSE_WAIT sockets of one read (netlink only: /proc has no tcp_info). */
export interface PeerClosedTiming {
  /** socket inode → bounds; a CLOSE_WAIT socket missing here closed or appeared between the dumps */
  byInode: Map<number, PeerClosedAge>;
  /** why there is no timing for this read (the tcp_info read failed), else null */
  error: string | null;
}

export interface SocketTableResult {
  table: SocketTable;
  source: 'netlink' | 'procfs';
  /** malformed lines/records skipped, per source path */
  skipped: Record<string, number>;
  /** lines with a state code outside 1..13 (kept with state 0) */
  unknownStates: number;
  /** kernel timing of the table's CLOSE_WAIT sockets: absent from /proc (no tcp_info there); null
   *  when the table has no CLOSE_WAIT socket */
  peerClosed?: PeerClosedTiming | null;
  /** netlink only: the kernel flagged the dump as interrupted (the table changed while it was walked,
   *  so a socket may be missing or listed twice) */
  interrupted?: boolean;
}

/** Where the socket table comes from: sock_diag netlink (fast) or /proc/net/tcp{,6} (fallback). */
export interface SocketSource {
  readonly name: 'netlink' | 'procfs';
  read(): Promise<SocketTableResult>;
}
