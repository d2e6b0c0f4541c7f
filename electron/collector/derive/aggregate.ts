// Aggregates of one socket table: counts per state and family, the TIME_WAIT timer histogram, top
// destinations by TIME_WAIT / CLOSE_WAIT, and the port budget per destination. One pass over the
// columnar table plus small maps; the result is bounded (top-N) whatever the table size.

import { addToBudgetRest, compareBudgets, emptyBudgetRest, portBudget, reuseApplies, type BudgetTrend, type DestinationCounts, type ReuseSettings } from '../../../shared/port-budget';
import {
  SNAPSHOT_LIMITS,
  type DestinationCount,
  type Direction,
  type PortBudget,
  type PortBudgetRest,
  type TimeWaitTimers,
} from '../../../shared/snapshot';
import { CLOSE_WAIT_CODE, emptyStateCounts, STATE_BY_CODE, TIME_WAIT_SECONDS, type StateCounts } from '../../../shared/tcp';
import { AddressInterner } from '../parse/socket-table';
import type { AddressIndex, SocketTable } from '../types';

/** Remembers destinations across table reads (growth of open connections, exhausted since when). */
export interface BudgetTrendSource {
  trend(acc: DestinationCounts): BudgetTrend;
  settle(budgets: readonly PortBudget[]): void;
}

// kernel state codes (docs/kernel.md, "/proc/net/tcp: columns, states and timers")
const ESTABLISHED = 1;
const SYN_SENT = 2;
const FIN_WAIT1 = 4;
const FIN_WAIT2 = 5;
const TIME_WAIT = 6;
const LAST_ACK = 9;
const LISTEN = 10;
const CLOSING = 11;
const TIMER_TIMEWAIT = 3;

/** states that hold a client's ephemeral port (see PORT_HOLDING_STATES) */
const HOLDS_PORT = new Uint8Array(16);
for (const s of [ESTABLISHED, SYN_SENT, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT_CODE, LAST_ACK, CLOSING]) HOLDS_PORT[s] = 1;

export interface EphemeralRange {
  low: number;
  high: number;
  /** sorted reserved ranges (ip_local_reserved_ports) */
  reserved: [number, number][];
  /** high − low + 1 − reserved inside */
  usable: number;
}


export interface AggregateOptions {
  ephemeral: EphemeralRange | null;
  reuse: ReuseSettings;
  /** close rates are measured from TIME_WAIT entries younger than this (their timers say their age) */
  rateWindowS?: number;
  histogramBucketS?: number;
  /** the collector's memory of destinations across reads; without it each read stands alone */
  trends?: BudgetTrendSource;
  /** how many budgets to list, most pressing first (default SNAPSHOT_LIMITS.portBudgets); the rest are
   *  summed in `portBudgetRest` */
  budgetLimit?: number;
  /** false: no `portBudgetRest` (no budget is computed beyond the ranked candidates); default true */
  budgetRest?: boolean;
}

export interface Aggregates {
  states: StateCounts;
  statesByFamily: { ipv4: StateCounts; ipv6: StateCounts };
  total: number;
  timeWaitTimers: TimeWaitTimers;
  topTimeWait: DestinationCount[];
  topCloseWait: DestinationCount[];
  portBudgets: PortBudget[];
  /** absent when not asked for (AggregateOptions.budgetRest false) */
  portBudgetRest?: PortBudgetRest;
  /** ports in the ephemeral range bound by listeners: connect() skips them for every destination */
  boundInRange: number;
}

interface Group {
  direction: Direction;
  peerAddr: string;
  servicePort: number;
  localAddr: string;
  count: number;
}

interface BudgetAcc extends DestinationCounts {
  reuse: boolean;
  oldestRecentAgeMs: number;
  blockingTimeWait: number;
  firstFreeMs: number | null;
  freedWithin10s: number;
}

function isReserved(reserved: [number, number][], port: number): boolean {
  for (const [a, b] of reserved) {
    if (port < a) return false;
    if (port <= b) return true;
  }
  return false;
}

export function aggregate(t: SocketTable, opts: AggregateOptions): Aggregates {
  const n = t.length;
  const windowS = opts.rateWindowS ?? 10;
  const windowMs = windowS * 1000;
  const bucketS = opts.histogramBucketS ?? 5;
  const twLenMs = TIME_WAIT_SECONDS * 1000;
  const nBuckets = Math.ceil(TIME_WAIT_SECONDS / bucketS);

  // pass 1: listening ports (to tell inbound from outbound); each distinct one inside the usable
  // ephemeral range is counted once, when its flag is first set
  const listening = new Uint8Array(65536);
  const e = opts.ephemeral;
  let boundInRange = 0;
  for (let i = 0; i < n; i++) {
    if (t.state[i] !== LISTEN) continue;
    const p = t.localPort[i];
    if (listening[p] === 1) continue;
    listening[p] = 1;
    if (e && p >= e.low && p <= e.high && !isReserved(e.reserved, p)) boundInRange++;
  }
  const { addrs, local, remote } = addressIndex(t);

  const byCode4 = new Float64Array(16);
  const byCode6 = new Float64Array(16);
  const hist = new Array<number>(nBuckets).fill(0);
  let freedNext10s = 0;
  let fw2tw = 0;
  let twTotal = 0;
  const twGroups = new TripleMap<Group>(addrs.length, 131072);
  const cwGroups = new TripleMap<Group>(addrs.length, 131072);
  const budgets = new TripleMap<BudgetAcc>(addrs.length, 65536);
  const eph = opts.ephemeral;
  // where tcp_tw_reuse applies, a TIME_WAIT entry stops blocking connect() once older than the delay
  const reusableAfterLeftMs = twLenMs - opts.reuse.delayMs;

  for (let i = 0; i < n; i++) {
    const st = t.state[i];
    if (t.family[i] === 4) byCode4[st]++;
    else byCode6[st]++;
    if (st === LISTEN) continue;

    const lport = t.localPort[i];
    const inbound = listening[lport] === 1;
    let young = false;
    if (st === TIME_WAIT) {
      twTotal++;
      const left = t.timerLeftMs[i];
      const b = Math.min(nBuckets - 1, Math.max(0, Math.ceil(left / (bucketS * 1000)) - 1));
      hist[b]++;
      if (left <= 10_000) freedNext10s++;
      young = twLenMs - left <= windowMs;
      addGroup(twGroups, t, i, inbound, addrs, local[i], remote[i]);
    } else if (st === CLOSE_WAIT_CODE) {
      addGroup(cwGroups, t, i, inbound, addrs, local[i], remote[i]);
    } else if (st === FIN_WAIT2 && t.timer[i] === TIMER_TIMEWAIT) {
      fw2tw++;
    }

    if (!inbound && eph && HOLDS_PORT[st] && lport >= eph.low && lport <= eph.high && !isReserved(eph.reserved, lport)) {
      const l = local[i];
      const r = remote[i];
      let acc = budgets.get(l, r, t.remotePort[i]);
      if (!acc) {
        acc = {
          localAddr: addrs[l],
          remoteAddr: addrs[r],
          remotePort: t.remotePort[i],
          inUse: 0,
          timeWait: 0,
          recentTimeWait: 0,
          reuse: reuseApplies(opts.reuse, addrs[l]),
          oldestRecentAgeMs: 0,
          blockingTimeWait: 0,
          firstFreeMs: null,
          freedWithin10s: 0,
        };
        budgets.set(l, r, t.remotePort[i], acc);
      }
      acc.inUse++;
      if (st === TIME_WAIT) {
        acc.timeWait++;
        const left = t.timerLeftMs[i];
        if (young) {
          acc.recentTimeWait++;
          const age = Math.max(0, twLenMs - left);
          if (age > acc.oldestRecentAgeMs) acc.oldestRecentAgeMs = age;
        }
        // without reuse an entry blocks until its timer really fires: the kernel reports 0 ms left
        // for an entry whose nominal 60 s are up but whose timer-wheel slot has not run yet (up to a
        // few seconds at this range), and connect() still fails then (docs/exhaustion.md, "Timer slack").
        // The reuse check compares timestamps directly, so with reuse the delay is exact.
        const untilFree = Math.max(0, acc.reuse ? left - reusableAfterLeftMs : left);
        if (!acc.reuse || untilFree > 0) {
          acc.blockingTimeWait++;
          if (acc.firstFreeMs === null || untilFree < acc.firstFreeMs) acc.firstFreeMs = untilFree;
          if (untilFree <= 10_000) acc.freedWithin10s++;
        }
      }
    }
  }

  const toCounts = (arr: Float64Array): StateCounts => {
    const c = emptyStateCounts();
    for (let code = 1; code < 14; code++) {
      const name = STATE_BY_CODE[code];
      if (name) c[name] = arr[code];
    }
    return c;
  };
  const ipv4 = toCounts(byCode4);
  const ipv6 = toCounts(byCode6);
  const states = emptyStateCounts();
  for (const k of Object.keys(states) as (keyof StateCounts)[]) states[k] = ipv4[k] + ipv6[k];

  return {
    states,
    statesByFamily: { ipv4, ipv6 },
    total: n,
    timeWaitTimers: { bucketS, counts: hist, freedNext10s, finWait2Timewait: fw2tw, total: twTotal },
    topTimeWait: topGroups(twGroups),
    topCloseWait: topGroups(cwGroups),
    ...(eph ? topBudgets(budgets, eph.usable - boundInRange, opts, windowS) : { portBudgets: [], ...(opts.budgetRest === false ? {} : { portBudgetRest: emptyBudgetRest() }) }),
    boundInRange,
  };
}

/** The table's distinct addresses and each row's pair of indices into them: the source's own (netlink
 *  and /proc both give them), or numbered here in one pass (a table built from strings: tests). */
function addressIndex(t: SocketTable): AddressIndex {
  if (t.addrIndex) return t.addrIndex;
  const n = t.length;
  const ids = new AddressInterner();
  const local = new Uint32Array(n);
  const remote = new Uint32Array(n);
  const la = t.localAddr;
  const ra = t.remoteAddr;
  for (let i = 0; i < n; i++) {
    local[i] = ids.id(la[i]);
    remote[i] = ids.id(ra[i]);
  }
  return { addrs: ids.addrs, local, remote };
}

/** A map keyed by (address index, address index, small integer below `cMax`). With `addrs` distinct
 *  addresses the three fit one exact number while addrs² × cMax ≤ 2^53 — one lookup of a number per
 *  row, where the keys by address string took three (docs/performance.md, "Addresses as numbers").
 *  Beyond that (over ~260,000 distinct addresses) the pair and the integer key two nested maps. */
export class TripleMap<T> {
  private readonly flat: Map<number, T> | null;
  private readonly nested: Map<number, Map<number, T>> | null;
  constructor(
    private readonly addrs: number,
    private readonly cMax: number,
  ) {
    const fits = addrs * addrs * cMax <= Number.MAX_SAFE_INTEGER;
    this.flat = fits ? new Map() : null;
    this.nested = fits ? null : new Map();
  }
  get(a: number, b: number, c: number): T | undefined {
    const pair = a * this.addrs + b;
    return this.flat ? this.flat.get(pair * this.cMax + c) : this.nested!.get(pair)?.get(c);
  }
  set(a: number, b: number, c: number, v: T): void {
    const pair = a * this.addrs + b;
    if (this.flat) {
      this.flat.set(pair * this.cMax + c, v);
      return;
    }
    let m = this.nested!.get(pair);
    if (!m) this.nested!.set(pair, (m = new Map()));
    m.set(c, v);
  }
  *values(): IterableIterator<T> {
    if (this.flat) yield* this.flat.values();
    else for (const m of this.nested!.values()) yield* m.values();
  }
}

function addGroup(groups: TripleMap<Group>, t: SocketTable, i: number, inbound: boolean, addrs: readonly string[], localId: number, peerId: number): void {
  const servicePort = inbound ? t.localPort[i] : t.remotePort[i];
  const k = servicePort * 2 + (inbound ? 1 : 0);
  const g = groups.get(peerId, localId, k);
  if (g) g.count++;
  else groups.set(peerId, localId, k, { direction: inbound ? 'inbound' : 'outbound', peerAddr: addrs[peerId], servicePort, localAddr: addrs[localId], count: 1 });
}

function topGroups(groups: TripleMap<Group>): DestinationCount[] {
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.peerAddr.localeCompare(b.peerAddr) || a.servicePort - b.servicePort)
    .slice(0, SNAPSHOT_LIMITS.topDestinations);
}

function topBudgets(
  budgets: TripleMap<BudgetAcc>,
  usable: number,
  opts: AggregateOptions,
  windowS: number,
): { portBudgets: PortBudget[]; portBudgetRest?: PortBudgetRest } {
  const limit = opts.budgetLimit ?? SNAPSHOT_LIMITS.portBudgets;
  // rank cheaply by occupancy first, then build full records (with their trends) for the top
  // candidates only; the others are judged on this read alone, for the summed rest
  const load = (a: BudgetAcc) => Math.max(a.inUse - a.timeWait + a.blockingTimeWait, a.recentTimeWait * 6);
  const all = [...budgets.values()];
  const want = limit * 3;
  let candidates: BudgetAcc[];
  const rest: BudgetAcc[] = [];
  if (all.length <= want) {
    candidates = all.sort((a, b) => load(b) - load(a));
  } else {
    // the `want` largest loads without sorting every destination (10,000 destinations: a sort and a
    // closure call per comparison were most of the aggregation): the threshold load, then those above
    // it and, in table order, as many at it as fit — the same choice as a stable sort by load
    const loads = new Float64Array(all.length);
    for (let i = 0; i < all.length; i++) loads[i] = load(all[i]);
    const threshold = Float64Array.from(loads).sort()[all.length - want];
    let atThreshold = want;
    for (let i = 0; i < all.length; i++) if (loads[i] > threshold) atThreshold--;
    candidates = [];
    for (let i = 0; i < all.length; i++) {
      const l = loads[i];
      if (l > threshold || (l === threshold && atThreshold-- > 0)) candidates.push(all[i]);
      else rest.push(all[i]);
    }
  }
  const built = candidates.map((acc) => portBudget(acc, usable, opts.reuse, windowS, opts.trends?.trend(acc) ?? null));
  opts.trends?.settle(built);
  built.sort(compareBudgets);
  const portBudgets = built.slice(0, limit);
  if (opts.budgetRest === false) return { portBudgets };
  const others = built.slice(limit);
  for (const acc of rest) others.push(portBudget(acc, usable, opts.reuse, windowS, null));
  return { portBudgets, portBudgetRest: addToBudgetRest(emptyBudgetRest(), others) };
}
