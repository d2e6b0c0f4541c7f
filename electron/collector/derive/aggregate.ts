// Aggregates of one socket table: counts per state and family, the TIME_WAIT timer histogram, top
// destinations by TIME_WAIT / CLOSE_WAIT, and the port budget per destination. One pass over the
// columnar table plus small maps; the result is bounded (top-N) whatever the table size.

import { portBudget, type ReuseSettings } from '../../../shared/port-budget';
import {
  SNAPSHOT_LIMITS,
  type DestinationCount,
  type Direction,
  type PortBudget,
  type TimeWaitTimers,
} from '../../../shared/snapshot';
import { emptyStateCounts, STATE_BY_CODE, TIME_WAIT_SECONDS, type StateCounts } from '../../../shared/tcp';

export { portBudget, reuseApplies, verdictFor, type ReuseSettings } from '../../../shared/port-budget';
import type { SocketTable } from '../types';

// kernel state codes (KERNEL.md §3)
const ESTABLISHED = 1;
const SYN_SENT = 2;
const FIN_WAIT1 = 4;
const FIN_WAIT2 = 5;
const TIME_WAIT = 6;
const CLOSE_WAIT = 8;
const LAST_ACK = 9;
const LISTEN = 10;
const CLOSING = 11;
const TIMER_TIMEWAIT = 3;

/** states that hold a client's ephemeral port (see PORT_HOLDING_STATES) */
const HOLDS_PORT = new Uint8Array(16);
for (const s of [ESTABLISHED, SYN_SENT, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING]) HOLDS_PORT[s] = 1;

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
}

export interface Aggregates {
  states: StateCounts;
  statesByFamily: { ipv4: StateCounts; ipv6: StateCounts };
  total: number;
  timeWait: TimeWaitTimers;
  topTimeWait: DestinationCount[];
  topCloseWait: DestinationCount[];
  portBudgets: PortBudget[];
  /** distinct local ports with a LISTEN socket */
  listeningPorts: Set<number>;
}

interface Group {
  direction: Direction;
  peerAddr: string;
  servicePort: number;
  localAddr: string;
  count: number;
}

interface BudgetAcc {
  localAddr: string;
  remoteAddr: string;
  remotePort: number;
  inUse: number;
  timeWait: number;
  recentTimeWait: number;
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

  // pass 1: listening ports (to tell inbound from outbound)
  const listeningPorts = new Set<number>();
  for (let i = 0; i < n; i++) if (t.state[i] === LISTEN) listeningPorts.add(t.localPort[i]);

  const byCode4 = new Float64Array(16);
  const byCode6 = new Float64Array(16);
  const hist = new Array<number>(nBuckets).fill(0);
  let freedNext10s = 0;
  let fw2tw = 0;
  let twTotal = 0;
  const twGroups = new Map<string, Group>();
  const cwGroups = new Map<string, Group>();
  const budgets = new Map<string, BudgetAcc>();
  const eph = opts.ephemeral;

  for (let i = 0; i < n; i++) {
    const st = t.state[i];
    if (t.family[i] === 4) byCode4[st]++;
    else byCode6[st]++;
    if (st === LISTEN) continue;

    const lport = t.localPort[i];
    const inbound = listeningPorts.has(lport);
    let young = false;
    if (st === TIME_WAIT) {
      twTotal++;
      const left = t.timerLeftMs[i];
      const b = Math.min(nBuckets - 1, Math.max(0, Math.ceil(left / (bucketS * 1000)) - 1));
      hist[b]++;
      if (left <= 10_000) freedNext10s++;
      young = twLenMs - left <= windowMs;
      addGroup(twGroups, t, i, inbound);
    } else if (st === CLOSE_WAIT) {
      addGroup(cwGroups, t, i, inbound);
    } else if (st === FIN_WAIT2 && t.timer[i] === TIMER_TIMEWAIT) {
      fw2tw++;
    }

    if (!inbound && eph && HOLDS_PORT[st] && lport >= eph.low && lport <= eph.high && !isReserved(eph.reserved, lport)) {
      const key = `${t.localAddr[i]}|${t.remoteAddr[i]}|${t.remotePort[i]}`;
      let acc = budgets.get(key);
      if (!acc) {
        acc = {
          localAddr: t.localAddr[i],
          remoteAddr: t.remoteAddr[i],
          remotePort: t.remotePort[i],
          inUse: 0,
          timeWait: 0,
          recentTimeWait: 0,
        };
        budgets.set(key, acc);
      }
      acc.inUse++;
      if (st === TIME_WAIT) {
        acc.timeWait++;
        if (young) acc.recentTimeWait++;
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
    timeWait: { bucketS, counts: hist, freedNext10s, finWait2Timewait: fw2tw, total: twTotal },
    topTimeWait: topGroups(twGroups),
    topCloseWait: topGroups(cwGroups),
    portBudgets: eph ? topBudgets(budgets, eph, opts.reuse, windowS) : [],
    listeningPorts,
  };
}

function addGroup(groups: Map<string, Group>, t: SocketTable, i: number, inbound: boolean): void {
  const peerAddr = t.remoteAddr[i];
  const servicePort = inbound ? t.localPort[i] : t.remotePort[i];
  const localAddr = t.localAddr[i];
  const key = `${inbound ? 'i' : 'o'}|${peerAddr}|${servicePort}|${localAddr}`;
  const g = groups.get(key);
  if (g) g.count++;
  else groups.set(key, { direction: inbound ? 'inbound' : 'outbound', peerAddr, servicePort, localAddr, count: 1 });
}

function topGroups(groups: Map<string, Group>): DestinationCount[] {
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.peerAddr.localeCompare(b.peerAddr) || a.servicePort - b.servicePort)
    .slice(0, SNAPSHOT_LIMITS.topDestinations);
}

function topBudgets(budgets: Map<string, BudgetAcc>, eph: EphemeralRange, reuse: ReuseSettings, windowS: number): PortBudget[] {
  // rank cheaply by occupancy first, then build full records for the top candidates only
  const candidates = [...budgets.values()]
    .sort((a, b) => Math.max(b.inUse, b.recentTimeWait * 6) - Math.max(a.inUse, a.recentTimeWait * 6))
    .slice(0, SNAPSHOT_LIMITS.portBudgets * 3);
  return candidates
    .map((acc) => portBudget(acc, eph.usable, reuse, windowS))
    .sort(
      (a, b) =>
        Math.max(b.steadyStatePercent, b.percentUsed) - Math.max(a.steadyStatePercent, a.percentUsed) ||
        b.inUse - a.inUse,
    )
    .slice(0, SNAPSHOT_LIMITS.portBudgets);
}
