// The collector: one Snapshot per tick. Plain Node, never imports `electron`; its inputs (file reader,
// clock, socket source) are injected. A failing source leaves its field empty (null) and adds an entry
// to health.degraded — a tick never throws because one file is missing or malformed.
//
// Cadence: sockstat, counters and sysctls every tick (a few small files, well under a millisecond);
// the full socket table and the process owners adaptively, each spaced by its own last cost within a
// CPU budget, tighter while no view needs the detail (setDemand) — see cadence.ts.

import {
  COUNTER_NAMES,
  SNAPSHOT_LIMITS,
  SNAPSHOT_SCHEMA,
  type CollectorError,
  type CounterName,
  type Counters,
  type Owners,
  type ProcessSockets,
  type Snapshot,
  type SocketPage,
  type SocketRow,
  type SocketQuery,
  type Sockstat,
  type SysctlValue,
} from '../../shared/snapshot';
import { SYSCTL_CATALOG, sysctlPath, sysctlRead } from '../../shared/sysctl-catalog';
import { CLOSE_WAIT_CODE, emptyStateCounts, STATE_BY_CODE } from '../../shared/tcp';
import { aggregate, type Aggregates, type EphemeralRange } from './derive/aggregate';
import { emptyBudgetRest, type ReuseSettings } from '../../shared/port-budget';
import { AlertEngine, type AlertSettings } from '../../shared/alerts';
import { BudgetTrends } from './derive/budget-trends';
import { counterRates } from './derive/rates';
import { parsePortRange, parseReservedPorts, parseSnmpTable, parseSockstat, reservedInside } from './parse/kv-files';
import { CloseWaitTracker, OwnerTracker, type CloseWaitSocket, type OwnerInfo, type OwnerScan } from './owners';
import { cadenceWithBounds, planTick, type Demand } from './cadence';
import { loadNetlinkSource } from './sources/netlink-loader';
import { nodeFileReader, systemClock } from './sources/node-fs';
import { createProcfsSource } from './sources/procfs';
import { defaultFilterNames, matchingOrder, matchingRows, querySocketTable } from './table-query';
import type { HostNameHints } from '../../shared/names';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import { connInfoUnavailable, connRequests } from './conn-info';
import type { Clock, FileReader, PeerClosedTiming, SocketSource, SocketTable } from './types';

import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

export type { Clock, FileReader, SocketSource, SocketTable } from './types';

/** Lowers the calling thread's scheduling priority by `by` nice steps (Linux: per thread; threads it
 *  starts later — the addon's dump threads — inherit it), so that on a busy machine the threads
 *  serving the UI or HTTP win the CPU over collection: a 500,000-socket read then delays them less.
 *  Best effort: returns whether it applied. */
export function lowerCollectorPriority(by = 10): boolean {
  try {
    const now = getPriority(0);
    if (now >= 19) return true;
    setPriority(0, Math.min(19, now + by));
    return true;
  } catch {
    return false;
  }
}
export type { Demand } from './cadence';
export { ConnInfoRequestError, CONN_INFO_MAX_KEYS } from './conn-info';

export interface CollectorOptions {
  reader?: FileReader;
  clock?: Clock;
  /** default "/proc" */
  procRoot?: string;
  /** 'auto' tries netlink sock_diag, then falls back to /proc/net/tcp{,6} and says why */
  socketSource?: 'auto' | 'netlink' | 'procfs' | SocketSource;
  /** the full table is re-read at least this often (ms); default 1000 */
  minTableIntervalMs?: number;
  /** the table is never older than this (ms), however costly; default: 10 s (5 s while a view shows
   *  it), stretched for a table so costly it would take more than 20 % of a core (cadence.ts) */
  maxTableIntervalMs?: number;
  /** run the alert engine with these settings and attach its state to every snapshot (desktop app,
   *  serve); absent: no alerts (one-shot CLI) */
  alerts?: AlertSettings;
  /** how many port budgets and CLOSE_WAIT processes each snapshot lists (default SNAPSHOT_LIMITS: 10);
   *  `waitline serve` raises it to its metrics' top K (docs/metrics.md). The rest are summed. */
  listLimit?: number;
  /** sum every destination beyond the listed budgets into `portBudgetRest` (default true: serve's
   *  API and /metrics, the CLI). The desktop app, which never shows it, turns it off: with many
   *  destinations it is the larger part of the aggregation (a budget per destination). */
  budgetRest?: boolean;
  /** lower this thread's priority (lowerCollectorPriority); default: when constructed off the main
   *  thread (serve's collector worker), never on a main thread (the CLI) */
  lowerPriority?: boolean;
  /** CPU ms the process has used so far. A table read's cost, which spaces the next one (cadence.ts),
   *  is the larger of its wall time and the CPU used meanwhile (V8's helper threads collect garbage
   *  beside it, so its CPU can exceed its wall time); and a due read waits while the process's share
   *  of a core since the last read began is over the cadence's ceiling. Default: process.cpuUsage()
   *  with the system clock; none (wall time only) with an injected clock. */
  cpuMs?: (() => number) | null;
}

const processCpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Remembered owners an idle owner scan re-validates at most (one readlink each), in rotation: a socket
 *  handed from one process to another (rare: SCM_RIGHTS, or a fork whose parent closed it) is
 *  re-attributed within ⌈owners / this⌉ idle scans, and at once when owners are demanded (the
 *  connections view), which validates up to 5,000 per scan. A closed socket or an exited process is dropped at
 *  every scan. docs/performance.md, "Idle CPU". */
export const IDLE_OWNER_VALIDATE_MAX = 128;

/** The columns of /proc/net/snmp and netstat a tick keeps (parseSnmpTable stores only these). */
const COUNTERS_READ: ReadonlySet<string> = new Set<string>([...COUNTER_NAMES, 'Tcp.CurrEstab']);

const SYSCTL_KEYS_FOR_BUDGET = {
  range: 'net.ipv4.ip_local_port_range',
  reserved: 'net.ipv4.ip_local_reserved_ports',
  reuse: 'net.ipv4.tcp_tw_reuse',
  reuseDelay: 'net.ipv4.tcp_tw_reuse_delay',
  timestamps: 'net.ipv4.tcp_timestamps',
};

export class Collector {
  private readonly reader: FileReader;
  private readonly clock: Clock;
  private readonly procRoot: string;
  private readonly sourceChoice: 'auto' | 'netlink' | 'procfs' | SocketSource;
  private source: SocketSource | null = null;
  private fallbackReason: string | null = null;
  private readonly minTableMs: number;
  private readonly maxTableMs: number | undefined;
  private demand: Required<Demand> = { table: false, owners: false };

  private seq = 0;
  private lastTickMono: number | null = null;
  private prevCounters: Partial<Record<CounterName, number>> | null = null;
  private table: SocketTable | null = null;
  private tableAt: number | null = null;
  private tableMono = -Infinity;
  private tableCostMs = 0;
  /** the process's CPU ms when the last table read began */
  private tableCpuMs = 0;
  private readonly cpuMs: (() => number) | null;
  private agg: Aggregates | null = null;
  private tableSkipped: Record<string, number> = {};
  private unknownStates = 0;
  private tableInterrupted = false;
  private owners: OwnerScan | null = null;
  private ownersAt: number | null = null;
  private ownersMono = -Infinity;
  private ownerSummary: Owners | null = null;
  /** kernel timing of the table's CLOSE_WAIT sockets (same read); undefined from /proc */
  private peerClosed: PeerClosedTiming | null | undefined = undefined;
  private readonly closeWait = new CloseWaitTracker();
  /** the last read of each sysctl (sameRead) */
  private readonly sysctlReads = new Map<string, { outcome: string; value: SysctlValue }>();
  /** owners kept across scans: a scan re-reads only what can have changed (owners.ts) */
  private readonly ownerTracker: OwnerTracker;
  private readonly budgetTrends = new BudgetTrends();
  private readonly alertEngine: AlertEngine | null;
  private readonly listLimit: number | undefined;
  private readonly budgetRest: boolean;

  constructor(opts: CollectorOptions = {}) {
    this.reader = opts.reader ?? nodeFileReader;
    this.clock = opts.clock ?? systemClock;
    this.cpuMs = opts.cpuMs !== undefined ? opts.cpuMs : opts.clock ? null : processCpuMs;
    this.procRoot = opts.procRoot ?? '/proc';
    this.sourceChoice = opts.socketSource ?? 'auto';
    this.minTableMs = opts.minTableIntervalMs ?? 1000;
    // unset: the cadence's own bounds (10 s idle, 5 s shown) and its ceiling on a very costly table
    this.maxTableMs = opts.maxTableIntervalMs;
    this.alertEngine = opts.alerts ? new AlertEngine(opts.alerts) : null;
    this.listLimit = opts.listLimit;
    this.budgetRest = opts.budgetRest ?? true;
    this.ownerTracker = new OwnerTracker(this.reader, this.procRoot);
    if (opts.lowerPriority ?? !isMainThread) lowerCollectorPriority();
  }

  /** Replaces the alert settings (validated by the caller with validateAlertSettings). */
  setAlertSettings(settings: AlertSettings): void {
    this.alertEngine?.setSettings(settings);
  }

  setDemand(d: Demand): void {
    const wantedOwners = !this.demand.owners && d.owners;
    this.demand = { table: d.table ?? this.demand.table, owners: d.owners ?? this.demand.owners };
    if (wantedOwners) this.ownersMono = -Infinity; // scan at the next tick
  }

  /** The last full table (for the connection view and the bench). Valid until the table after next is
   *  read: the netlink source then writes into its buffer (reuseBuffers). */
  get lastTable(): SocketTable | null {
    return this.table;
  }

  async tick(): Promise<Snapshot> {
    const t0 = this.clock.monotonic();
    const now = this.clock.now();
    const degraded: CollectorError[] = [];
    const skipped: Record<string, number> = {};
    const fail = (source: string, e: unknown) => {
      if (degraded.length < SNAPSHOT_LIMITS.errors) degraded.push({ source, message: (e as Error).message ?? String(e) });
    };
    const intervalMs = this.lastTickMono === null ? null : t0 - this.lastTickMono;
    this.lastTickMono = t0;

    const [sockstat, counters, sysctls] = await Promise.all([
      this.readSockstat(skipped).catch((e) => (fail(`${this.procRoot}/net/sockstat`, e), null)),
      this.readCounters(intervalMs, skipped, fail),
      this.readSysctls(),
    ]);

    const ephemeral = this.ephemeralRange(sysctls, fail);
    const reuse = this.reuseSettings(sysctls);

    // the full table, adaptively
    // the CPU and the wall time read at the same moment (after this tick's small files)
    const sinceRead = this.clock.monotonic() - this.tableMono;
    const cpuShareSinceTable = this.cpuMs && Number.isFinite(sinceRead) && sinceRead > 0 ? (this.cpuMs() - this.tableCpuMs) / sinceRead : null;
    const plan = planTick(
      t0,
      { tableAt: this.tableMono, tableCostMs: this.tableCostMs, ownersAt: this.ownersMono, ownersCostMs: this.owners?.durationMs ?? 0, cpuShareSinceTable },
      this.demand,
      this.table !== null,
      cadenceWithBounds(this.minTableMs, this.maxTableMs),
    );
    const tableDue = plan.readTable;
    let tableRead = false;
    if (tableDue || this.table === null) {
      try {
        const ts = this.clock.monotonic();
        const cpu0 = this.cpuMs?.() ?? 0;
        const source = await this.pickSource();
        const r = await source.read();
        this.table = r.table;
        this.tableAt = now;
        this.tableMono = ts;
        this.tableCpuMs = cpu0;
        this.tableSkipped = r.skipped;
        this.unknownStates = r.unknownStates;
        this.tableInterrupted = r.interrupted === true;
        this.peerClosed = r.peerClosed;
        if (r.peerClosed?.error) fail('CLOSE_WAIT ages (tcp_info)', new Error(r.peerClosed.error));
        this.budgetTrends.beginRead(now);
        this.agg = aggregate(r.table, { ephemeral, reuse, trends: this.budgetTrends, budgetLimit: this.listLimit, budgetRest: this.budgetRest });
        this.tableCostMs = Math.max(this.clock.monotonic() - ts, this.cpuMs ? this.cpuMs() - cpu0 : 0);
        tableRead = true;
      } catch (e) {
        fail('socket table', e);
        // a failing netlink source falls back to /proc at the next tick
        if (this.sourceChoice === 'auto' && this.source?.name === 'netlink') {
          this.fallbackReason = `netlink failed: ${(e as Error).message}`;
          this.source = createProcfsSource(this.reader, { procRoot: this.procRoot });
        }
      }
    }
    Object.assign(skipped, this.tableSkipped);

    // owners, on a slower cadence
    let scanned = false;
    if (this.table && plan.scanOwners) {
      try {
        // nobody looking at owners: a scan re-validates a slice of the remembered owners, in rotation
        const validateMax = this.demand.owners ? undefined : IDLE_OWNER_VALIDATE_MAX;
        this.owners = await this.ownerTracker.scan(this.table.inode, () => this.clock.monotonic(), validateMax);
        scanned = true;
        this.ownersAt = now;
        this.ownersMono = t0;
      } catch (e) {
        fail(`${this.procRoot}/*/fd`, e);
      }
    }
    // rows and totals always come from one table: the current one, attributed with the last scan
    if (this.table && (tableRead || scanned || this.ownerSummary === null) && this.owners) {
      this.ownerSummary = this.summarizeOwners(this.table, this.owners, now);
    }

    const agg = this.agg;
    const snapshot: Snapshot = {
      schema: SNAPSHOT_SCHEMA,
      time: now,
      seq: this.seq++,
      intervalMs,
      states: agg?.states ?? emptyStateCounts(),
      statesByFamily: agg?.statesByFamily ?? { ipv4: emptyStateCounts(), ipv6: emptyStateCounts() },
      totalSockets: agg?.total ?? 0,
      sockstat,
      counters,
      timeWaitTimers: agg?.timeWaitTimers ?? null,
      topTimeWait: agg?.topTimeWait ?? [],
      topCloseWait: agg?.topCloseWait ?? [],
      portBudgets: agg?.portBudgets ?? [],
      ...(this.budgetRest ? { portBudgetRest: agg?.portBudgetRest ?? emptyBudgetRest() } : {}),
      ephemeral: ephemeral
        ? {
            low: ephemeral.low,
            high: ephemeral.high,
            reserved: ephemeral.high - ephemeral.low + 1 - ephemeral.usable,
            usable: ephemeral.usable,
            bound: agg?.boundInRange ?? 0,
          }
        : null,
      sysctls,
      owners: this.ownerSummary,
      health: {
        socketSource: this.source?.name ?? 'none',
        fallbackReason: this.fallbackReason,
        durationMs: 0,
        tableRead,
        tableAt: this.tableAt,
        skippedLines: skipped,
        unknownStates: this.unknownStates,
        ...(this.tableInterrupted ? { tableInterrupted: true } : {}),
        degraded,
      },
    };
    if (this.alertEngine) snapshot.alerts = this.alertEngine.evaluate(snapshot);
    snapshot.health.durationMs = this.clock.monotonic() - t0;
    return snapshot;
  }

  /** Every row of the last table matching `q` (offset and limit ignored), for exports. */
  matchingSockets(q: SocketQuery): { tableAt: number | null; total: number; rows: Iterable<SocketRow> } {
    const owners = this.owners?.byInode ?? null;
    const total = this.table ? matchingOrder(this.table, q, owners).length : 0;
    return { tableAt: this.tableAt, total, rows: matchingRows(this.table, q, owners) };
  }

  /** A page of the table. `hosts`: resolved host names the address filter may match too (the resolver
   *  lives where the API is answered; shared/names.ts HostNameHints). */
  querySockets(q: SocketQuery, hosts?: HostNameHints | null): SocketPage {
    const names = hosts ? { ...defaultFilterNames(), hosts: { version: hosts.version, name: (a: string) => hosts.names[a] ?? null } } : undefined;
    return querySocketTable(this.table, this.tableAt, q, this.owners?.byInode ?? null, names);
  }

  /** tcp_info (RTT, retransmits, bytes, cwnd, last send/receive age) of a few connections — the
   *  visible page or the selected row, at most CONN_INFO_MAX_KEYS — by exact netlink lookups, never a
   *  dump of the table (conn-info.ts, docs/conn-info.md). Unavailable, with the reason, from /proc.
   *  Throws ConnInfoRequestError for too many or malformed keys. */
  async connInfo(keys: readonly ConnKey[]): Promise<ConnInfoReply> {
    connRequests(keys); // a bad request is refused whatever the source
    let source: SocketSource;
    try {
      source = await this.pickSource();
    } catch (e) {
      return { available: false, reason: (e as Error).message };
    }
    const lookup = (source as Partial<{ connInfo: (k: readonly ConnKey[]) => ConnInfoReply }>).connInfo;
    if (typeof lookup === 'function') return lookup.call(source, keys);
    return connInfoUnavailable(source.name, this.fallbackReason);
  }

  // ------------------------------------------------------------------ sources

  private async pickSource(): Promise<SocketSource> {
    if (this.source) return this.source;
    const choice = this.sourceChoice;
    if (typeof choice === 'object') return (this.source = choice);
    if (choice === 'procfs') return (this.source = createProcfsSource(this.reader, { procRoot: this.procRoot }));
    // the collector keeps only its latest table: each read may reuse the buffer of the one before last
    const nl = await loadNetlinkSource({ reuseBuffers: true });
    if (nl.source) return (this.source = nl.source);
    if (choice === 'netlink') throw new Error(`netlink sock_diag is unavailable: ${nl.reason}`);
    this.fallbackReason = `netlink sock_diag unavailable (${nl.reason}); reading /proc/net/tcp{,6}`;
    return (this.source = createProcfsSource(this.reader, { procRoot: this.procRoot }));
  }

  private async readSockstat(skipped: Record<string, number>): Promise<Sockstat> {
    const text = await this.reader.readText(`${this.procRoot}/net/sockstat`);
    const text6 = await this.reader.readText(`${this.procRoot}/net/sockstat6`).catch(() => null);
    const r = parseSockstat(text, text6);
    if (r.skipped) skipped[`${this.procRoot}/net/sockstat`] = r.skipped;
    return r.value;
  }

  private async readCounters(
    intervalMs: number | null,
    skipped: Record<string, number>,
    fail: (source: string, e: unknown) => void,
  ): Promise<Counters | null> {
    const totals: Partial<Record<CounterName, number>> = {};
    let currEstab: number | null = null;
    let any = false;
    for (const file of ['snmp', 'netstat']) {
      const path = `${this.procRoot}/net/${file}`;
      try {
        const r = parseSnmpTable(await this.reader.readText(path), COUNTERS_READ);
        if (r.skipped) skipped[path] = r.skipped;
        for (const name of COUNTER_NAMES) if (r.value[name] !== undefined) totals[name] = r.value[name];
        if (r.value['Tcp.CurrEstab'] !== undefined) currEstab = r.value['Tcp.CurrEstab'];
        any = true;
      } catch (e) {
        fail(path, e);
      }
    }
    if (!any) return null;
    const prev = this.prevCounters;
    this.prevCounters = totals;
    const rates = prev && intervalMs !== null ? counterRates(prev, totals, intervalMs) : null;
    return { totals, rates, currEstab };
  }

  private async readSysctls(): Promise<Record<string, SysctlValue>> {
    const values = await Promise.all(
      SYSCTL_CATALOG.map(async (entry): Promise<SysctlValue> => {
        if (entry.kind === 'removed') return this.sameRead(entry.key, 'removed', () => sysctlRead(entry, 'removed'));
        let text: string;
        try {
          text = await this.reader.readText(sysctlPath(entry.key, `${this.procRoot}/sys`));
        } catch (error) {
          const code = (error as { code?: unknown } | null)?.code;
          // a key missing (or unreadable) tick after tick gets the same value object, worded once
          if (typeof code === 'string') return this.sameRead(entry.key, `error:${code}`, () => sysctlRead(entry, { error }));
          return sysctlRead(entry, { error });
        }
        return this.sameRead(entry.key, `text:${text}`, () => sysctlRead(entry, { text }));
      }),
    );
    const out: Record<string, SysctlValue> = {};
    SYSCTL_CATALOG.forEach((entry, i) => (out[entry.key] = values[i]));
    return out;
  }

  /** The previous tick's value of `key` when what was read is the same (`outcome`), else a new one:
   *  most sysctls never change, and their value (normalized text, or an English reason) needs no
   *  rebuilding each second. */
  private sameRead(key: string, outcome: string, read: () => SysctlValue): SysctlValue {
    const last = this.sysctlReads.get(key);
    if (last !== undefined && last.outcome === outcome) return last.value;
    const value = read();
    this.sysctlReads.set(key, { outcome, value });
    return value;
  }

  private ephemeralRange(sysctls: Record<string, SysctlValue>, fail: (s: string, e: unknown) => void): EphemeralRange | null {
    const range = sysctls[SYSCTL_KEYS_FOR_BUDGET.range];
    if (!range?.available) return null;
    try {
      const { low, high } = parsePortRange(range.raw);
      const res = sysctls[SYSCTL_KEYS_FOR_BUDGET.reserved];
      const reserved = res?.available ? parseReservedPorts(res.raw) : [];
      return { low, high, reserved, usable: high - low + 1 - reservedInside(reserved, low, high) };
    } catch (e) {
      fail(SYSCTL_KEYS_FOR_BUDGET.range, e);
      return null;
    }
  }

  private reuseSettings(sysctls: Record<string, SysctlValue>): ReuseSettings {
    const num = (key: string): number | null => {
      const v = sysctls[key];
      return v?.available && /^\d+$/.test(v.raw) ? Number(v.raw) : null;
    };
    return {
      reuse: num(SYSCTL_KEYS_FOR_BUDGET.reuse),
      // absent before ~6.14: reuse then waited about 1 s (docs/kernel.md, "Sysctls Waitline reads and
      // tunes")
      delayMs: num(SYSCTL_KEYS_FOR_BUDGET.reuseDelay) ?? 1000,
      timestamps: num(SYSCTL_KEYS_FOR_BUDGET.timestamps),
    };
  }

  // ------------------------------------------------------------------ owners

  private summarizeOwners(t: SocketTable, scan: OwnerScan, now: number): Owners {
    // per process: a count per state code, named only for the listed processes, instead of a
    // string-keyed count per row. Rows of one process tend to come together, and a process's sockets
    // share one OwnerInfo (owners.ts): the last one found is kept at hand. At half a million owned
    // sockets the loop's cost is mostly the owner map's lookups (~46 ms of ~140 ms, measured).
    type PidCounts = { pid: number; comm: string; total: number; byCode: Uint32Array };
    const perPid = new Map<number, PidCounts>();
    let lastOwner: OwnerInfo | undefined;
    let last: PidCounts | undefined;
    let withInode = 0;
    let attributed = 0;
    let kernelOwned = 0;
    const closeWaitSockets: CloseWaitSocket[] = [];
    const byInode = scan.byInode;
    const { inode: inodes, state: codes } = t;
    for (let i = 0; i < t.length; i++) {
      const inode = inodes[i];
      const code = codes[i];
      if (inode === 0) {
        kernelOwned++;
        // an ownerless CLOSE_WAIT is still one of states.CLOSE_WAIT: counted as unattributed
        if (code === CLOSE_WAIT_CODE) closeWaitSockets.push({ inode, owner: null });
        continue;
      }
      withInode++;
      const o = byInode.get(inode);
      if (code === CLOSE_WAIT_CODE) closeWaitSockets.push({ inode, owner: o ?? null });
      if (!o) continue;
      attributed++;
      if (o !== lastOwner) {
        last = perPid.get(o.pid);
        if (!last) perPid.set(o.pid, (last = { pid: o.pid, comm: o.comm, total: 0, byCode: new Uint32Array(STATE_BY_CODE.length) }));
        lastOwner = o;
      }
      last!.total++;
      last!.byCode[code]++;
    }
    const cw = this.closeWait.summarize({
      sockets: closeWaitSockets,
      peerClosed: this.peerClosed,
      tableAt: this.tableAt ?? now,
      scannedAt: this.ownersAt,
      now,
      limit: this.listLimit ?? SNAPSHOT_LIMITS.closeWaitProcesses,
    });
    // only the listed processes get their states named
    const top = [...perPid.values()].sort((a, b) => b.total - a.total || a.pid - b.pid).slice(0, SNAPSHOT_LIMITS.processes);
    const topProcesses = top.map((p): ProcessSockets => {
      const states: ProcessSockets['states'] = {};
      for (let c = 1; c < p.byCode.length; c++) {
        const name = STATE_BY_CODE[c];
        if (p.byCode[c] > 0 && name) states[name] = p.byCode[c];
      }
      return { pid: p.pid, comm: p.comm, total: p.total, states };
    });
    return {
      scannedAt: this.ownersAt ?? now,
      attributed,
      withInode,
      kernelOwned,
      unreadablePids: scan.unreadablePids,
      topProcesses,
      closeWait: cw.processes,
      closeWaitAccounting: cw.accounting,
    };
  }
}

export function createCollector(opts?: CollectorOptions): Collector {
  return new Collector(opts);
}

