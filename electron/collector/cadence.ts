// Adaptive cadence: when the collector re-reads the full socket table and re-scans process owners.
// The headline numbers (sockstat, counters, sysctls) are cheap and read every tick; the table costs
// time in proportion to the number of sockets, and the owner scan in proportion to the number of
// processes × open files. Each expensive job is spaced by its own last cost so that its average share
// of a core stays within a budget — tighter while no view needs its detail — and a tick never runs
// both when together they would exceed the per-tick budget (the owner scan waits one tick).

import type { Demand } from '../../shared/api';

export type { Demand };

export interface CadencePolicy {
  /** average share of one core the table work may take: while a view shows the table / otherwise */
  tableBudget: { demanded: number; idle: number };
  /** bounds on the time between table reads (ms): never more often than min, never staler than max
   *  — except while the process is over tableCeiling of a core, when a read waits up to
   *  tableShareWaitFactor × its interval (planTick) */
  tableMinMs: number;
  tableMaxMs: { demanded: number; idle: number };
  /** past tableMaxMs too: a table so costly (the /proc fallback at half a million sockets: seconds
   *  per read) is re-read no more often than keeps it under this share of a core */
  tableCeiling: number;
  /** a due read also waits while the process has used more than tableCeiling of a core since the last
   *  read began — at most this many times its interval (planTick) */
  tableShareWaitFactor: number;
  ownersBudget: { demanded: number; idle: number };
  ownersMinMs: { demanded: number; idle: number };
  ownersMaxMs: { demanded: number; idle: number };
  /** one tick's expensive work (table + owners) should stay under this (ms) */
  tickBudgetMs: number;
  /** a job due within this much of now counts as due (ticks jitter around 1 s) */
  slackMs: number;
}

export const DEFAULT_CADENCE: CadencePolicy = {
  tableBudget: { demanded: 0.2, idle: 0.1 },
  tableMinMs: 1000,
  tableMaxMs: { demanded: 5000, idle: 10_000 },
  tableCeiling: 0.2,
  tableShareWaitFactor: 3,
  ownersBudget: { demanded: 0.05, idle: 0.003 },
  ownersMinMs: { demanded: 2000, idle: 10_000 },
  ownersMaxMs: { demanded: 10_000, idle: 60_000 },
  tickBudgetMs: 250,
  slackMs: 50,
};

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Time between table reads after one that cost `lastCostMs`. */
export function tableIntervalMs(lastCostMs: number, demand: Demand, p: CadencePolicy = DEFAULT_CADENCE): number {
  const d = demand.table ? 'demanded' : 'idle';
  const max = Math.max(p.tableMinMs, p.tableMaxMs[d]);
  const cost = Math.max(0, lastCostMs);
  return Math.max(clamp(cost / p.tableBudget[d], p.tableMinMs, max), p.tableCeiling > 0 ? Math.round(cost / p.tableCeiling) : 0);
}

/** Time between owner scans after one that cost `lastCostMs`. */
export function ownersIntervalMs(lastCostMs: number, demand: Demand, p: CadencePolicy = DEFAULT_CADENCE): number {
  const d = demand.owners ? 'demanded' : 'idle';
  const max = Math.max(p.ownersMinMs[d], p.ownersMaxMs[d]);
  return clamp(Math.max(0, lastCostMs) / p.ownersBudget[d], p.ownersMinMs[d], max);
}

export interface CadenceState {
  /** monotonic ms of the last table read / owner scan (-Infinity: never) */
  tableAt: number;
  tableCostMs: number;
  ownersAt: number;
  ownersCostMs: number;
  /** share of a core the process has used since the last table read began (its CPU over the wall
   *  time), or null when unknown (no CPU clock, no read yet) */
  cpuShareSinceTable?: number | null;
}

export interface TickPlan {
  readTable: boolean;
  scanOwners: boolean;
  tableIntervalMs: number;
  ownersIntervalMs: number;
}

/** Decides this tick's expensive work. `haveTable`: whether any table was read yet (owners are
 *  matched against it, so the first table comes before the first scan). */
export function planTick(now: number, s: CadenceState, demand: Demand, haveTable: boolean, p: CadencePolicy = DEFAULT_CADENCE): TickPlan {
  const ti = tableIntervalMs(s.tableCostMs, demand, p);
  const oi = ownersIntervalMs(s.ownersCostMs, demand, p);
  let readTable = !haveTable || now - s.tableAt >= ti - p.slackMs;
  // A read costs more CPU than is measured while it runs: its garbage is collected afterwards, on
  // later ticks and on V8's helper threads (at half a million /proc rows about a third more). So a
  // due read also waits while the process's share of a core since the last read began is over the
  // ceiling; that holds the long-run share at the ceiling whatever the read leaves behind. Other work
  // in the process counts too (serve's HTTP, owner scans): the wait is bounded, so it cannot starve
  // the table (docs/performance.md, "Half a million sockets").
  const share = s.cpuShareSinceTable;
  if (readTable && haveTable && p.tableCeiling > 0 && share != null && share > p.tableCeiling && now - s.tableAt < p.tableShareWaitFactor * ti - p.slackMs) {
    readTable = false;
  }
  let scanOwners = now - s.ownersAt >= oi - p.slackMs;
  // never both in one tick when together they blow the tick budget — unless owners are overdue
  // (twice their interval), so a huge table cannot starve them
  if (readTable && scanOwners && s.tableCostMs + s.ownersCostMs > p.tickBudgetMs && now - s.ownersAt < 2 * oi && s.ownersAt !== -Infinity) {
    scanOwners = false;
  }
  return { readTable, scanOwners, tableIntervalMs: ti, ownersIntervalMs: oi };
}

/** The default policy with the collector's table bounds applied (CollectorOptions.minTableIntervalMs /
 *  maxTableIntervalMs; the bench sets both to 0 to read the table at every tick). */
export function cadenceWithBounds(minMs?: number, maxMs?: number, base: CadencePolicy = DEFAULT_CADENCE): CadencePolicy {
  const tableMinMs = minMs ?? base.tableMinMs;
  const cap = (x: number) => (maxMs === undefined ? x : Math.min(x, maxMs));
  // an explicit maxMs is a promise on staleness (the bench's 0: every tick, however costly): no ceiling
  return { ...base, tableMinMs, tableMaxMs: { demanded: cap(base.tableMaxMs.demanded), idle: cap(base.tableMaxMs.idle) }, tableCeiling: maxMs === undefined ? base.tableCeiling : 0 };
}
