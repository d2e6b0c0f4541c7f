// The sysctl catalog: every kernel knob Waitline reads or tunes, with what it really does, what goes
// wrong when it is set badly (docs/kernel.md, "Sysctls Waitline reads and tunes"), the myths about it
// (docs/kernel.md, "Myths Waitline corrects"), its scope and history, and pure validation used by the
// renderer, the CLI and the privileged client. The root helper (electron/helper/waitline-helper)
// re-validates on its own with the same rules; a privileged test
// checks that its `list` output agrees with this file.

import type { SysctlValue } from './snapshot';
import type { TuningKnobState } from './tuning';

export type SysctlScope = 'netns' | 'global';

export type SysctlKind =
  | 'int' // one decimal integer in [min, max]
  | 'enum' // one of `values`
  | 'port_range' // "LOW HIGH"
  | 'port_list' // "1,2-4,10" or empty
  | 'removed'; // no longer in the kernel; shown, never written

export type SysctlUnit = 'seconds' | 'milliseconds' | 'count' | 'retries' | 'mode' | 'ports' | 'probes' | 'pages';

export interface Myth {
  myth: string;
  truth: string;
}

export interface EnumValue {
  value: number;
  meaning: string;
}

export type PortBudgetEffect = 'range' | 'reserved' | 'reuse' | 'reuse_delay' | 'timestamps';

export interface CatalogEntry {
  /** dotted sysctl key */
  key: string;
  /** short name for the UI */
  title: string;
  kind: SysctlKind;
  unit: SysctlUnit | null;
  /** whether Waitline may write it (read-only/structural keys are read for validation and display) */
  writable: boolean;
  /** inclusive bounds Waitline accepts for 'int' (and each port of 'port_range' / 'port_list') */
  min?: number;
  max?: number;
  values?: EnumValue[];
  /** what the kernel itself enforces, in words (Waitline's bounds may be tighter) */
  kernelRange: string;
  /** mainline default as the kernel prints it (tabs as one space); null when it depends on memory */
  default: string | null;
  defaultNote?: string;
  scope: SysctlScope;
  /** what it really does */
  summary: string;
  /** what goes wrong when it is set badly */
  risks: string[];
  myths: Myth[];
  /** kernel history; UNCONFIRMED versions are said to vary */
  history: string;
  /** for kind 'removed' */
  removedIn?: string;
  /** which part of the port budget it changes, for the preview */
  portBudget?: PortBudgetEffect;
}

const MYTH_FIN_TIMEOUT: Myth = {
  myth: 'tcp_fin_timeout sets how long sockets stay in TIME_WAIT.',
  truth:
    'It limits orphaned FIN_WAIT2 sockets. TIME_WAIT is a fixed 60 s (TCP_TIMEWAIT_LEN, compile time). ' +
    'Lowering it can shrink sockstat "tw" only because FIN_WAIT2 orphans are counted there.',
};
const MYTH_TIME_WAIT_TUNABLE: Myth = {
  myth: 'TIME_WAIT is 2×MSL = 2–4 minutes and tunable on Linux.',
  truth: 'On mainline Linux TIME_WAIT lasts 60 s, a compile-time constant; no sysctl changes it.',
};

export const SYSCTL_CATALOG: readonly CatalogEntry[] = [
  {
    key: 'net.ipv4.tcp_tw_reuse',
    title: 'Reuse TIME_WAIT for outgoing connections',
    kind: 'enum',
    unit: 'mode',
    writable: true,
    values: [
      { value: 0, meaning: 'off' },
      { value: 1, meaning: 'reuse for any outgoing connection' },
      { value: 2, meaning: 'reuse for loopback connections only' },
    ],
    kernelRange: '0–2',
    default: '2',
    scope: 'netns',
    summary:
      'Lets connect() take over a 4-tuple still held by a TIME_WAIT entry, when the peer sent TCP ' +
      'timestamps and the entry is older than tcp_tw_reuse_delay. Only outgoing connections benefit; ' +
      'each reuse counts in TcpExt:TWRecycled.',
    risks: [
      'Does nothing for a server accepting connections.',
      'Needs tcp_timestamps: with timestamps off no entry is ever reused.',
      'Middleboxes (NAT, firewalls) may still track the old tuple and drop the new SYN.',
    ],
    myths: [
      { myth: 'tcp_tw_reuse is off by default / a boolean.', truth: 'It has three values and defaults to 2 (loopback only).' },
      { myth: 'tcp_tw_reuse helps a busy server accept connections.', truth: 'It only affects outgoing connect().' },
      {
        myth: 'tcp_tw_reuse works without timestamps, immediately.',
        truth: 'It needs timestamps recorded from the peer and waits tcp_tw_reuse_delay (1 s by default).',
      },
    ],
    history:
      'Value 2 and the default of 2 arrived in mid-2018 (around 4.18/4.19; exact release varies); before, a boolean defaulting to 0.',
    portBudget: 'reuse',
  },
  {
    key: 'net.ipv4.tcp_tw_reuse_delay',
    title: 'TIME_WAIT reuse delay',
    kind: 'int',
    unit: 'milliseconds',
    writable: true,
    min: 1,
    max: 60000,
    kernelRange: '1–60000 ms',
    default: '1000',
    scope: 'netns',
    summary: 'Minimum age of a TIME_WAIT entry before tcp_tw_reuse may take it over. In milliseconds.',
    risks: ['Too low: PAWS may miss old duplicate segments from peers with slow timestamp clocks.'],
    myths: [],
    history: 'Added in December 2024 (first release probably 6.14; detect it rather than assume).',
    portBudget: 'reuse_delay',
  },
  {
    key: 'net.ipv4.tcp_fin_timeout',
    title: 'Orphaned FIN_WAIT2 lifetime',
    kind: 'int',
    unit: 'seconds',
    writable: true,
    min: 1,
    max: 600,
    kernelRange: 'no bound in the table; at run time at least 3.5 × RTO',
    default: '60',
    scope: 'netns',
    summary:
      'How long an orphaned socket (closed by its program) may stay in FIN_WAIT2 waiting for the peer\'s ' +
      'FIN. A per-socket TCP_LINGER2 overrides it. It does not change TIME_WAIT.',
    risks: [
      'Too low: orphans in FIN_WAIT2 are dropped sooner and a late FIN or data from the peer gets a RST.',
      'Above 60 s: the orphan first stays a full socket on the keepalive timer.',
      'TIME_WAIT is unaffected either way.',
    ],
    myths: [MYTH_FIN_TIMEOUT, MYTH_TIME_WAIT_TUNABLE],
    history: 'Long-standing; per network namespace on current kernels.',
  },
  {
    key: 'net.ipv4.tcp_max_tw_buckets',
    title: 'Maximum TIME_WAIT entries',
    kind: 'int',
    unit: 'count',
    writable: true,
    min: 1024,
    max: 16777216,
    kernelRange: 'no bound',
    default: null,
    defaultNote: 'half the established hash size (131072 on a machine with 262144 buckets)',
    scope: 'netns',
    summary:
      'Cap on timewait objects. When it is reached, a closing socket skips TIME_WAIT and is simply ' +
      'destroyed; TcpExt:TCPTimeWaitOverflow counts each time.',
    risks: [
      'Too low: TIME_WAIT protection is discarded (old duplicates may corrupt new connections); the kernel docs say never lower it.',
    ],
    myths: [
      {
        myth: 'Lower tcp_max_tw_buckets to fix TIME_WAIT.',
        truth: 'It discards TIME_WAIT\'s protection instead; it shows as TCPTimeWaitOverflow.',
      },
    ],
    history: 'Long-standing; per network namespace on current kernels.',
  },
  {
    key: 'net.ipv4.ip_local_port_range',
    title: 'Ephemeral port range',
    kind: 'port_range',
    unit: 'ports',
    writable: true,
    min: 1,
    max: 65535,
    kernelRange: 'each 1–65535, high ≥ low, low ≥ ip_unprivileged_port_start',
    default: '32768 60999',
    scope: 'netns',
    summary:
      'Local ports chosen automatically by connect() and bind(0), shared by IPv4/IPv6 and TCP/UDP. ' +
      'Each (source IP, destination IP, destination port) can use at most this many ports at once, ' +
      'TIME_WAIT included. connect() prefers ports of the same parity as the low end, bind(0) the other.',
    risks: [
      'Too narrow: connect() fails with EADDRNOTAVAIL ("Cannot assign requested address").',
      'Overlapping a listening service\'s port lets a client grab it first (reserve it in ip_local_reserved_ports).',
      'A low end below ip_unprivileged_port_start is refused by the kernel.',
      'Ends of the same parity make the kernel log "prefer different parity for start/end values".',
    ],
    myths: [
      {
        myth: 'A client can make only 65535 connections.',
        truth: 'The limit is per (source IP, destination IP, destination port): about 28,232 by default, toward each destination.',
      },
    ],
    history: 'Default changed from 32768–61000 to 32768–60999 in Linux 4.2. Per-socket IP_LOCAL_PORT_RANGE (6.3+) can only narrow it.',
    portBudget: 'range',
  },
  {
    key: 'net.ipv4.ip_local_reserved_ports',
    title: 'Reserved ports',
    kind: 'port_list',
    unit: 'ports',
    writable: true,
    min: 1,
    max: 65535,
    kernelRange: 'a comma-separated list of ports and ranges, e.g. 1,2-4,10',
    default: '',
    scope: 'netns',
    summary:
      'Ports excluded from automatic selection (they stay usable by explicit bind()). A write replaces the ' +
      'whole list; an empty value clears it.',
    risks: ['Reserving much of the ephemeral range shrinks every destination\'s port budget.'],
    myths: [],
    history: 'Long-standing; per network namespace.',
    portBudget: 'reserved',
  },
  {
    key: 'net.ipv4.tcp_timestamps',
    title: 'TCP timestamps',
    kind: 'enum',
    unit: 'mode',
    writable: true,
    values: [
      { value: 0, meaning: 'off' },
      { value: 1, meaning: 'on, with a random per-connection offset' },
      { value: 2, meaning: 'on, without offsets' },
    ],
    kernelRange: 'documented 0/1/2, not checked',
    default: '1',
    scope: 'netns',
    summary: 'RFC 7323 timestamps: RTT measurement and PAWS (protection against wrapped sequence numbers).',
    risks: ['0: PAWS is off and tcp_tw_reuse stops working entirely.'],
    myths: [],
    history: 'Value 2 (no offsets) came with randomized offsets in 4.10/4.11; exact release varies.',
    portBudget: 'timestamps',
  },
  {
    key: 'net.ipv4.tcp_max_orphans',
    title: 'Maximum orphaned sockets',
    kind: 'int',
    unit: 'count',
    writable: true,
    min: 1024,
    max: 16777216,
    kernelRange: 'no bound',
    default: null,
    defaultNote: 'half the established hash size (131072 seen)',
    scope: 'global',
    summary:
      'Cap on full sockets no program holds a descriptor for (closed but still sending/finishing). ' +
      'Exists only in the initial network namespace.',
    risks: [
      'Too low: orphans are reset; the kernel logs "too many orphaned sockets"; TcpExt:TCPAbortOnMemory rises.',
      'Too high: each orphan can pin about 64 KB of memory.',
    ],
    myths: [
      {
        myth: 'tcp_max_orphans limits TIME_WAIT.',
        truth: 'It is a separate, global limit on full orphaned sockets; TIME_WAIT has tcp_max_tw_buckets.',
      },
    ],
    history: 'Global (not per namespace) on current kernels.',
  },
  {
    key: 'net.ipv4.tcp_orphan_retries',
    title: 'Orphan retransmission budget',
    kind: 'int',
    unit: 'retries',
    writable: true,
    min: 0,
    max: 255,
    kernelRange: '0–255',
    default: '0',
    defaultNote: '0 means the kernel uses 8 when the socket sent something recently',
    scope: 'netns',
    summary: 'How many times an orphaned socket retransmits before the kernel gives up on it.',
    risks: ['Too high: orphans toward dead peers linger and hold memory.', 'Too low: orphans are killed before a slow peer acknowledges.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_syn_retries',
    title: 'SYN retries',
    kind: 'int',
    unit: 'retries',
    writable: true,
    min: 1,
    max: 127,
    kernelRange: '1–127',
    default: '6',
    defaultNote: 'about 127 s before connect() times out',
    scope: 'netns',
    summary: 'How many times connect() retransmits its SYN before giving up (exponential backoff from 1 s).',
    risks: ['Too low: connections over lossy links fail early.', 'Too high: connect() to a dead host hangs for minutes.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_synack_retries',
    title: 'SYN-ACK retries',
    kind: 'int',
    unit: 'retries',
    writable: true,
    min: 0,
    max: 255,
    kernelRange: '0–255',
    default: '5',
    defaultNote: 'about 63 s',
    scope: 'netns',
    summary: 'How many times a listener retransmits its SYN-ACK for a pending connection (SYN_RECV).',
    risks: ['Too high: half-open connections from a SYN flood occupy the queue longer.', 'Too low: clients on lossy links fail to connect.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_max_syn_backlog',
    title: 'SYN backlog',
    kind: 'int',
    unit: 'count',
    writable: true,
    min: 16,
    max: 16777216,
    kernelRange: 'no bound',
    default: null,
    defaultNote: 'max(128, established hash size / 128) (2048 seen)',
    scope: 'netns',
    summary: 'Per-listener cap on pending connection requests (SYN_RECV).',
    risks: ['Too low: TcpExt:ListenDrops and TCPReqQFullDrop rise under bursts.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.core.somaxconn',
    title: 'Maximum listen() backlog',
    kind: 'int',
    unit: 'count',
    writable: true,
    min: 1,
    max: 4194304,
    kernelRange: '≥ 0',
    default: '4096',
    defaultNote: '128 before Linux 5.4',
    scope: 'netns',
    summary: 'Upper bound on a listener\'s accept queue: the backlog passed to listen() is silently clamped to it.',
    risks: ['Too low: TcpExt:ListenOverflows and ListenDrops rise; clients see timeouts or resets under bursts.'],
    myths: [],
    history: 'Default raised from 128 to 4096 in Linux 5.4.',
  },
  {
    key: 'net.ipv4.tcp_syncookies',
    title: 'SYN cookies',
    kind: 'enum',
    unit: 'mode',
    writable: true,
    values: [
      { value: 0, meaning: 'off' },
      { value: 1, meaning: 'send cookies when the SYN queue overflows' },
      { value: 2, meaning: 'always send cookies' },
    ],
    kernelRange: '0–2',
    default: '1',
    scope: 'netns',
    summary: 'Answers SYNs with a cookie instead of queueing them, so a SYN flood cannot fill the queue.',
    risks: ['0: a SYN flood fills the SYN queue and real clients cannot connect.', '2: some TCP options are lost for every connection.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_keepalive_time',
    title: 'Keepalive idle time',
    kind: 'int',
    unit: 'seconds',
    writable: true,
    min: 1,
    max: 32767,
    kernelRange: 'no bound (per-socket TCP_KEEPIDLE allows 1–32767)',
    default: '7200',
    scope: 'netns',
    summary: 'Idle time before the first keepalive probe, only for sockets with SO_KEEPALIVE; per-socket options override it.',
    risks: ['Too low: extra traffic and wakeups for idle connections.', 'It does nothing for sockets without SO_KEEPALIVE.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_keepalive_intvl',
    title: 'Keepalive probe interval',
    kind: 'int',
    unit: 'seconds',
    writable: true,
    min: 1,
    max: 32767,
    kernelRange: 'no bound (per-socket TCP_KEEPINTVL allows 1–32767)',
    default: '75',
    scope: 'netns',
    summary: 'Time between keepalive probes (SO_KEEPALIVE sockets only).',
    risks: ['Too low: a briefly unreachable peer is declared dead.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_keepalive_probes',
    title: 'Keepalive probes',
    kind: 'int',
    unit: 'probes',
    writable: true,
    min: 1,
    max: 127,
    kernelRange: 'u8 (per-socket TCP_KEEPCNT allows 1–127)',
    default: '9',
    scope: 'netns',
    summary: 'Unanswered keepalive probes before the connection is dropped (SO_KEEPALIVE sockets only).',
    risks: ['Too low: a briefly unreachable peer is declared dead.'],
    myths: [],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_rfc1337',
    title: 'RFC 1337 TIME_WAIT assassination protection',
    kind: 'enum',
    unit: 'mode',
    writable: true,
    values: [
      { value: 0, meaning: 'an in-window RST ends a TIME_WAIT entry early' },
      { value: 1, meaning: 'ignore RSTs in TIME_WAIT; its 60 s timer restarts' },
    ],
    kernelRange: '0–255, used as a boolean',
    default: '0',
    scope: 'netns',
    summary:
      'Whether a RST arriving for a TIME_WAIT entry kills it early ("TIME_WAIT assassination", RFC 1337). ' +
      'With 1 the RST is ignored and the 60 s timer restarts.',
    risks: ['1: TIME_WAIT entries can live longer than 60 s when peers keep sending RSTs.'],
    myths: [MYTH_TIME_WAIT_TUNABLE],
    history: 'Long-standing.',
  },
  {
    key: 'net.ipv4.tcp_tw_recycle',
    title: 'TIME_WAIT recycling (removed)',
    kind: 'removed',
    unit: null,
    writable: false,
    kernelRange: 'gone',
    default: null,
    scope: 'netns',
    summary:
      'Removed in Linux 4.12 (commit 4396e46187ca). It used per-host timestamps to drop TIME_WAIT early and ' +
      'silently dropped SYNs from clients behind NAT, whose timestamps are not monotonic.',
    risks: ['Cannot be set on any current kernel; advice that recommends it is outdated.'],
    myths: [
      {
        myth: 'Enable tcp_tw_recycle to get rid of TIME_WAIT.',
        truth: 'It was removed in Linux 4.12; before that it broke clients behind NAT.',
      },
    ],
    history: 'Removed in Linux 4.12.',
    removedIn: '4.12',
  },
  {
    key: 'net.ipv4.ip_unprivileged_port_start',
    title: 'First unprivileged port',
    kind: 'int',
    unit: 'ports',
    writable: false,
    min: 0,
    max: 65536,
    kernelRange: '0–65536',
    default: '1024',
    scope: 'netns',
    summary: 'Ports below it need CAP_NET_BIND_SERVICE. The ephemeral range must start at or above it.',
    risks: [],
    myths: [],
    history: 'Added in 4.11. Waitline reads it to validate the port range and does not change it.',
  },
  {
    key: 'net.ipv4.tcp_ehash_entries',
    title: 'Established hash size',
    kind: 'int',
    unit: 'count',
    writable: false,
    kernelRange: 'read-only',
    default: null,
    scope: 'netns',
    summary:
      'Buckets of the established-connection hash table. Negative (e.g. -262144) inside a network ' +
      'namespace means it has no table of its own and shares the host\'s, whose size is the absolute ' +
      'value: net.ipv4.tcp_child_ehash_entries was 0 (the default) in the namespace that created it.',
    risks: [],
    myths: [],
    history: 'Added in 6.1. Several defaults (tcp_max_tw_buckets, tcp_max_orphans) derive from it.',
  },
];

/** Every catalog key, dotted: the collector reads exactly these into Snapshot.sysctls. */
export const CATALOG_KEYS: string[] = SYSCTL_CATALOG.map((e) => e.key);

/** Keys the helper may write. */
export const WRITABLE_KEYS: string[] = SYSCTL_CATALOG.filter((e) => e.writable && e.kind !== 'removed').map((e) => e.key);

const BY_KEY = new Map(SYSCTL_CATALOG.map((e) => [e.key, e]));

export function catalogEntry(key: string): CatalogEntry | undefined {
  return BY_KEY.get(key);
}

/** /proc/sys path of a catalog key (dots → slashes). Only ever called with catalog keys. */
export function sysctlPath(key: string, procSysRoot = '/proc/sys'): string {
  if (!BY_KEY.has(key)) throw new Error(`${describe(key)} is not a Waitline sysctl`);
  return `${procSysRoot}/${key.split('.').join('/')}`;
}

/** The kernel prints ip_local_port_range with a tab; values are compared with single spaces. */
export function normalizeSysctlValue(raw: string): string {
  return raw.replace(/\n$/, '').replace(/[ \t]+/g, ' ').trim();
}

// ---------------------------------------------------------------- reading

/** A catalog key read from /proc/sys: its value, or why there is none. The one wording the collector
 *  (electron/collector/index.ts), the privileged client and `waitline serve` use; each reader only does
 *  its own file access. Pass the file's text, or the error reading it threw (anything with a `code`). */
export function sysctlRead(entry: CatalogEntry, outcome: { text: string } | { error: unknown } | 'removed'): SysctlValue {
  if (outcome === 'removed' || entry.kind === 'removed') {
    return { available: false, reason: `removed in Linux ${entry.removedIn ?? 'an earlier release'}` };
  }
  if ('text' in outcome) return { available: true, raw: normalizeSysctlValue(outcome.text), scope: entry.scope };
  const err = outcome.error as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === 'ENOENT') {
    return {
      available: false,
      reason:
        entry.scope === 'global'
          ? 'not present here: it is global, so only the initial network namespace has it (or this kernel lacks it)'
          : 'not present on this kernel',
    };
  }
  return { available: false, reason: `cannot be read (${code ?? (typeof err?.message === 'string' ? err.message : String(outcome.error))})` };
}

/** The tuning panel's view of a key from what was read (undefined: the reader did not read it). */
export function knobState(key: string, v: SysctlValue | undefined): TuningKnobState {
  if (!v) return { key, available: false, unavailableReason: 'not read by this collector', value: null };
  return v.available ? { key, available: true, unavailableReason: null, value: v.raw } : { key, available: false, unavailableReason: v.reason, value: null };
}

// ---------------------------------------------------------------- validation

/** Context the validation needs from the running system. */
export interface ValidationContext {
  /** current net.ipv4.ip_unprivileged_port_start (the port range must start at or above it) */
  unprivilegedPortStart?: number;
}

export type ValueCheck = { ok: true; value: string } | { ok: false; message: string };

/** A string shown in an error message: printable ASCII only, shortened. Anything else is described. */
export function describe(s: string): string {
  if (s === '') return '(empty)';
  if (!/^[\x20-\x7e]*$/.test(s)) return 'a value with control or non-ASCII characters';
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;

function parseDecimal(s: string): number | null {
  return DECIMAL.test(s) ? Number(s) : null;
}

function decimalProblem(s: string): string {
  if (s === '') return 'is empty';
  if (/^-[0-9]+$/.test(s)) return 'is negative';
  if (/^0[xX]/.test(s)) return 'is hexadecimal; write a plain decimal number';
  if (/^[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+$/.test(s) || /^[0-9]*\.[0-9]+$/.test(s)) return 'is not a whole decimal number';
  if (/^0[0-9]+$/.test(s)) return 'has a leading zero';
  if (/^[0-9]{11,}$/.test(s)) return 'is too long';
  if (/\s/.test(s)) return 'contains whitespace';
  return 'is not a decimal integer';
}

function checkInt(key: string, v: string, min: number, max: number): ValueCheck {
  const n = parseDecimal(v);
  if (n === null) return { ok: false, message: `${key}: ${describe(v)} ${decimalProblem(v)}` };
  if (n < min || n > max) return { ok: false, message: `${key}: ${v} is outside ${min}–${max}` };
  return { ok: true, value: String(n) };
}

/** Validates one value for one key. Pure: same rules as the helper. */
export function validateSysctlValue(key: string, value: string, ctx: ValidationContext = {}): ValueCheck {
  const e = BY_KEY.get(key);
  if (!e) return { ok: false, message: `${describe(key)}: not a sysctl Waitline may change` };
  if (e.kind === 'removed') {
    return { ok: false, message: `${key}: removed in Linux ${e.removedIn}, cannot be set` };
  }
  if (!e.writable) return { ok: false, message: `${key}: read-only, Waitline does not change it` };
  if (value.length > MAX_SYSCTL_VALUE_LENGTH) return { ok: false, message: `${key}: value is too long` };
  switch (e.kind) {
    case 'int':
      return checkInt(key, value, e.min ?? 0, e.max ?? 2147483647);
    case 'enum': {
      const allowed = (e.values ?? []).map((x) => x.value);
      const n = parseDecimal(value);
      if (n === null || !allowed.includes(n)) {
        return { ok: false, message: `${key}: ${describe(value)} is not one of ${allowed.join(', ')}` };
      }
      return { ok: true, value: String(n) };
    }
    case 'port_range': {
      const m = /^([0-9]+)[ \t]([0-9]+)$/.exec(value);
      if (!m) return { ok: false, message: `${key}: ${describe(value)} is not two port numbers separated by one space, e.g. "32768 60999"` };
      const low = parseDecimal(m[1]!);
      const high = parseDecimal(m[2]!);
      if (low === null || high === null) return { ok: false, message: `${key}: ${describe(value)} has a port with a leading zero or too many digits` };
      const lo = e.min ?? 1;
      const hi = e.max ?? 65535;
      if (low < lo || low > hi) return { ok: false, message: `${key}: low port ${low} is outside ${lo}–${hi}` };
      if (high < lo || high > hi) return { ok: false, message: `${key}: high port ${high} is outside ${lo}–${hi}` };
      if (low >= high) return { ok: false, message: `${key}: low port ${low} must be below high port ${high}` };
      const start = ctx.unprivilegedPortStart;
      if (start !== undefined && low < start) {
        return { ok: false, message: `${key}: low port ${low} is below net.ipv4.ip_unprivileged_port_start (${start})` };
      }
      return { ok: true, value: `${low} ${high}` };
    }
    case 'port_list': {
      if (value === '') return { ok: true, value: '' };
      const items = value.split(',');
      if (items.length > 64) return { ok: false, message: `${key}: more than 64 entries` };
      const lo = e.min ?? 1;
      const hi = e.max ?? 65535;
      for (const item of items) {
        const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
        if (!m) return { ok: false, message: `${key}: ${describe(item)} is not a port or a range like 2-4` };
        const a = parseDecimal(m[1]!);
        const b = m[2] === undefined ? a : parseDecimal(m[2]);
        if (a === null || b === null) return { ok: false, message: `${key}: ${describe(item)} has a leading zero or too many digits` };
        if (a < lo || a > hi || b < lo || b > hi) return { ok: false, message: `${key}: ${item} is outside ${lo}–${hi}` };
        if (b < a) return { ok: false, message: `${key}: range ${item} ends before it starts` };
      }
      return { ok: true, value };
    }
  }
  return { ok: false, message: `${key}: cannot be set` };
}

/** At most this many keys per request (the helper enforces the same; so does the IPC shape check). */
export const MAX_CHANGES_PER_REQUEST = 24;

/** The longest value text any request may carry (ip_local_reserved_ports lists are the long ones). */
export const MAX_SYSCTL_VALUE_LENGTH = 512;

export interface ChangeSetCheck {
  ok: boolean;
  /** normalized values of the valid changes */
  values: Record<string, string>;
  /** one message per problem; empty when ok */
  errors: string[];
  /** per key, for inline validation */
  byKey: Record<string, string>;
}

/** Stores `value` under a key that came from input as an own data property, so a key such as
 *  "__proto__" is kept like any other instead of hitting Object.prototype's setter. */
function putOwn(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Validates a whole request: all-or-nothing, so any error means nothing may be written. */
export function validateChanges(changes: Record<string, string>, ctx: ValidationContext = {}): ChangeSetCheck {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  const byKey: Record<string, string> = {};
  const keys = Object.keys(changes);
  if (keys.length === 0) errors.push('no changes given');
  if (keys.length > MAX_CHANGES_PER_REQUEST) errors.push(`too many changes (${keys.length}; at most ${MAX_CHANGES_PER_REQUEST})`);
  for (const key of keys) {
    const value = changes[key];
    if (typeof value !== 'string') {
      errors.push(`${describe(key)}: value must be a string`);
      putOwn(byKey, key, 'value must be a string');
      continue;
    }
    const r = validateSysctlValue(key, value, ctx);
    if (r.ok) values[key] = r.value;
    else {
      errors.push(r.message);
      putOwn(byKey, key, r.message);
    }
  }
  return { ok: errors.length === 0, values, errors, byKey };
}

/** Parses CLI-style "KEY=VALUE" arguments (the value may contain spaces: one argument). */
export function parseAssignments(args: string[]): { changes: Record<string, string>; errors: string[] } {
  const changes: Record<string, string> = {};
  const errors: string[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) {
      errors.push(`${describe(a)}: expected KEY=VALUE`);
      continue;
    }
    const key = a.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(changes, key)) {
      errors.push(`${describe(key)}: given more than once`);
      continue;
    }
    putOwn(changes, key, a.slice(eq + 1));
  }
  return { changes, errors };
}

// ---------------------------------------------------------------- port budget preview

/** Usable ephemeral ports for a range and a reserved list: high − low + 1 − reserved ports inside the
 *  range (docs/exhaustion.md, "What runs out"). */
export function usablePorts(range: string, reserved: string): number | null {
  const m = /^([0-9]+)[ \t]+([0-9]+)$/.exec(range.trim());
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (!(high >= low)) return null;
  let excluded = 0;
  const seen = new Set<number>();
  for (const item of reserved.split(',').map((s) => s.trim()).filter(Boolean)) {
    const r = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
    if (!r) continue;
    const a = Number(r[1]);
    const b = r[2] === undefined ? a : Number(r[2]);
    for (let p = Math.max(a, low); p <= Math.min(b, high); p++) {
      if (!seen.has(p)) {
        seen.add(p);
        excluded++;
      }
    }
  }
  return high - low + 1 - excluded;
}
