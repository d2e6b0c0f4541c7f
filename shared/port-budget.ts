// Port budget of one destination (docs/exhaustion.md): pure, shared by the collector
// (live budgets), the CLI, the TIME_WAIT view and the tuning panel (the same figures previewed under
// proposed sysctl values). Also the one ranking of destinations every view uses.

import { isLoopbackAddress } from './address';
import { msg, type Msg } from './i18n';
import type { BudgetVerdict, PortBudget, PortBudgetRest } from './snapshot';
import { TIME_WAIT_SECONDS } from './tcp';

export interface ReuseSettings {
  /** net.ipv4.tcp_tw_reuse: 0 off, 1 any, 2 loopback only; null if unknown */
  reuse: number | null;
  /** net.ipv4.tcp_tw_reuse_delay in ms (1000 default; absent before ~6.14) */
  delayMs: number;
  /** net.ipv4.tcp_timestamps: reuse needs timestamps */
  timestamps: number | null;
}

/** What the collector counted toward one destination (local IP, remote IP, remote port). */
export interface DestinationCounts {
  localAddr: string;
  remoteAddr: string;
  remotePort: number;
  /** sockets holding an ephemeral port toward it, every state */
  inUse: number;
  timeWait: number;
  /** TIME_WAIT entries younger than the rate window */
  recentTimeWait: number;
  /** age (ms) of the oldest of those; when absent the whole window is taken as the span */
  oldestRecentAgeMs?: number;
  /** TIME_WAIT entries a new connect() cannot take over yet: all of them without tcp_tw_reuse,
   *  those younger than tcp_tw_reuse_delay with it. Absent: all. */
  blockingTimeWait?: number;
  /** ms until the first blocking TIME_WAIT entry frees its port (expires, or becomes reusable) */
  firstFreeMs?: number | null;
  /** blocking TIME_WAIT entries that free their port within the next 10 s */
  freedWithin10s?: number;
}

/** What the collector remembers of a destination across table reads. */
export interface BudgetTrend {
  /** growth of the non-TIME_WAIT ports held, per second (least squares over recent reads); null
   *  while there is too little data */
  activeGrowthPerS: number | null;
  /** seconds of table reads behind activeGrowthPerS */
  growthBasisS: number;
  /** whether the previous read found the destination exhausted */
  wasExhausted: boolean;
  /** epoch ms since when it has been exhausted without a break, if it was */
  exhaustedSince: number | null;
}

/** Verdict bounds (percent of the usable budget). Exported so tests probe both sides of each. */
export const BUDGET_THRESHOLDS = {
  /** at risk from this share of the budget, held now or in steady state */
  atRiskPercent: 50,
  /** a forecast made only from growth of open connections is a verdict within this horizon */
  growthHorizonS: 3600,
  /** open connections must have grown by at least this many ports over ≥ minGrowthBasisS */
  minGrowthPorts: 5,
  minGrowthBasisS: 5,
  /** a close rate is never measured over less than this (a burst of simultaneous closes would
   *  otherwise read as an enormous rate) */
  minRateSpanS: 1,
} as const;

/** Whether tcp_tw_reuse lets connect() take over this destination's TIME_WAIT tuples: mode 1 for
 *  any, mode 2 only for loopback; never without timestamps (docs/exhaustion.md). */
export function reuseApplies(reuse: ReuseSettings, localAddr: string): boolean {
  if (reuse.timestamps === 0 || reuse.reuse === null) return false;
  if (reuse.reuse === 1) return true;
  if (reuse.reuse === 2) return isLoopbackAddress(localAddr);
  return false;
}

/** The close rate toward a destination from the ages of its young TIME_WAIT entries, over the span
 *  actually observed: a flow younger than the window is divided by its own age, not the window's. */
export function closeRate(acc: DestinationCounts, windowS: number): { perS: number; basisS: number } {
  const n = acc.recentTimeWait;
  if (n <= 0) return { perS: 0, basisS: windowS };
  if (acc.oldestRecentAgeMs === undefined) return { perS: n / windowS, basisS: windowS };
  // n closes observed over the oldest one's age: their spacing is age / (n − 1), so the span they
  // stand for is age × n / (n − 1) (a single close tells no spacing: the whole window)
  const age = acc.oldestRecentAgeMs / 1000;
  const span = n > 1 ? (age * n) / (n - 1) : windowS;
  const basisS = Math.min(windowS, Math.max(BUDGET_THRESHOLDS.minRateSpanS, span));
  return { perS: n / basisS, basisS };
}

/** Port budget of one destination from its counts (Little's law), its trend across reads, and the
 *  verdict: exhausted now, will exhaust (with a time), at risk, fine. */
export function portBudget(
  acc: DestinationCounts,
  usable: number,
  reuse: ReuseSettings,
  rateWindowS: number,
  trend: BudgetTrend | null = null,
): PortBudget {
  const applies = reuseApplies(reuse, acc.localAddr);
  const holdSeconds = applies ? reuse.delayMs / 1000 : TIME_WAIT_SECONDS;
  const rate = closeRate(acc, rateWindowS);
  const active = acc.inUse - acc.timeWait;
  const blockingTw = acc.blockingTimeWait ?? (applies ? 0 : acc.timeWait);
  // ports a new connect() cannot use right now
  const blocking = active + blockingTw;
  const free = usable - blocking;
  const steadyState = active + rate.perS * holdSeconds;
  const pct = (x: number) => (usable > 0 ? (x / usable) * 100 : 100);
  const steadyStatePercent = pct(steadyState);
  const percentUsed = pct(blocking);

  const growth = trend?.activeGrowthPerS ?? null;
  const growthCounts =
    growth !== null &&
    growth > 0 &&
    (trend?.growthBasisS ?? 0) >= BUDGET_THRESHOLDS.minGrowthBasisS &&
    growth * (trend?.growthBasisS ?? 0) >= BUDGET_THRESHOLDS.minGrowthPorts;
  const fillPerS = (steadyState >= usable ? rate.perS : 0) + (growthCounts ? growth : 0);

  // exhausted: every usable port blocked. Once out, a destination stays out while the ports that free
  // are taken again within a second (connects keep failing in between) — recovery is reported only
  // when ports stay free.
  const exhausted = usable <= 0 || free <= 0 || (trend?.wasExhausted === true && free <= Math.max(1, Math.ceil(fillPerS)));

  let secondsToExhaustion: number | null = null;
  let basisS = rate.basisS;
  if (!exhausted) {
    if (steadyState >= usable && fillPerS > 0) {
      secondsToExhaustion = free / fillPerS;
      if (growthCounts) basisS = Math.min(basisS, trend!.growthBasisS);
    } else if (growthCounts) {
      // open connections keep growing: they reach the budget left beside the steady TIME_WAIT share
      const t = (usable - steadyState) / growth!;
      if (t <= BUDGET_THRESHOLDS.growthHorizonS) {
        secondsToExhaustion = Math.max(free / fillPerS, t);
        basisS = trend!.growthBasisS;
      }
    }
  }

  let verdict: BudgetVerdict;
  if (exhausted) verdict = 'exhausted';
  else if (secondsToExhaustion !== null) verdict = 'will_exhaust';
  else verdict = verdictFor(Math.max(steadyStatePercent, percentUsed));

  return {
    localAddr: acc.localAddr,
    remoteAddr: acc.remoteAddr,
    remotePort: acc.remotePort,
    inUse: acc.inUse,
    timeWait: acc.timeWait,
    blocking,
    usable,
    percentUsed,
    closeRatePerS: rate.perS,
    rateWindowS: rate.basisS,
    activeGrowthPerS: growth,
    forecastBasisS: basisS,
    holdSeconds,
    reuseApplies: applies,
    steadyState,
    steadyStatePercent,
    secondsToExhaustion,
    firstFreeS: acc.firstFreeMs === undefined || acc.firstFreeMs === null ? null : acc.firstFreeMs / 1000,
    freedWithin10s: acc.freedWithin10s ?? 0,
    exhaustedSince: exhausted ? (trend?.exhaustedSince ?? null) : null,
    verdict,
  };
}

/** The verdict from a share of the budget when no forecast runs out: at risk from 50 %. */
export function verdictFor(riskPercent: number): BudgetVerdict {
  return riskPercent >= BUDGET_THRESHOLDS.atRiskPercent ? 'at_risk' : 'fine';
}

const VERDICT_ORDER: Record<BudgetVerdict, number> = { exhausted: 3, will_exhaust: 2, at_risk: 1, fine: 0 };

/** How close a destination is to running out: the larger of the share held now and in steady state. */
export function budgetRisk(b: PortBudget): number {
  return Math.max(b.percentUsed, b.steadyStatePercent);
}

/** The one ranking of destinations (collector, CLI, TIME_WAIT view, tuning preview): exhausted first,
 *  then by the larger of current use and steady state; ties by ports held, then by name. */
export function compareBudgets(a: PortBudget, b: PortBudget): number {
  const ea = a.verdict === 'exhausted' ? 1 : 0;
  const eb = b.verdict === 'exhausted' ? 1 : 0;
  return (
    eb - ea ||
    budgetRisk(b) - budgetRisk(a) ||
    VERDICT_ORDER[b.verdict] - VERDICT_ORDER[a.verdict] ||
    b.inUse - a.inUse ||
    a.remoteAddr.localeCompare(b.remoteAddr) ||
    a.remotePort - b.remotePort ||
    a.localAddr.localeCompare(b.localAddr)
  );
}

export function rankBudgets(budgets: readonly PortBudget[]): PortBudget[] {
  return [...budgets].sort(compareBudgets);
}

/** The words every view and the CLI use for a verdict. */
export const VERDICT_WORDS: Record<BudgetVerdict, string> = {
  exhausted: 'exhausted',
  will_exhaust: 'will run out',
  at_risk: 'at risk',
  fine: 'fine',
};

/** The catalog key of each verdict word (the UI's; the CLI's English is VERDICT_WORDS). */
export const VERDICT_KEYS = {
  exhausted: 'timewait.verdict.exhausted',
  will_exhaust: 'timewait.verdict.will_exhaust',
  at_risk: 'timewait.verdict.at_risk',
  fine: 'timewait.verdict.fine',
} as const satisfies Record<BudgetVerdict, string>;

type AheadUnit = 'under1s' | 's' | 'min' | 'h';

/** The unit and figure of fmtSecondsAhead, as Msg params (aheadUnit picks timewait.ahead.*). */
function aheadParams(s: number): { aheadUnit: AheadUnit; aheadN?: number; aheadH?: number } {
  if (s < 1) return { aheadUnit: 'under1s' };
  if (s < 90) return { aheadUnit: 's', aheadN: Math.round(s) };
  if (s < 5400) return { aheadUnit: 'min', aheadN: Math.round(s / 60) };
  return { aheadUnit: 'h', aheadH: s / 3600 };
}

/** fmtSecondsAhead as a Msg: "in 3 s" / "3 秒后". */
export function aheadMsg(s: number): Msg {
  const p = aheadParams(s);
  return msg(`timewait.ahead.${p.aheadUnit}`, p);
}

/** The verdict pill of a destination: "will run out in 3 s" / "3 秒后耗尽", else the verdict word. */
export function verdictMsg(b: PortBudget): Msg {
  if (b.verdict === 'will_exhaust' && b.secondsToExhaustion !== null) return msg('timewait.verdict.willExhaustIn', aheadParams(b.secondsToExhaustion));
  return msg(VERDICT_KEYS[b.verdict]);
}

/** When an exhausted destination's first ports free: none in TIME_WAIT, due now, or in some time. */
function freesParams(b: PortBudget): Record<string, string | number> {
  if (b.firstFreeS === null) return { frees: 'none' };
  if (b.firstFreeS <= 0) return { frees: 'now', freed: b.freedWithin10s };
  return { frees: 'in', freed: b.freedWithin10s, ...aheadParams(b.firstFreeS) };
}

/** The clause of budgetSentence on when an exhausted destination's first ports free, as a Msg. */
export function freesMsg(b: PortBudget): Msg {
  const p = freesParams(b);
  return msg(`timewait.budget.frees.${p.frees as 'none' | 'now' | 'in'}`, p);
}

/** budgetSentence as a Msg (the catalog's English is the very same sentence, with en-US grouping):
 *  what the UI shows in the reader's language, and what alert messages carry. */
export function budgetMsg(b: PortBudget): Msg {
  const usable = b.usable;
  const dst = dest(b);
  const steady = Math.round(b.steadyState);
  switch (b.verdict) {
    case 'exhausted':
      return msg('timewait.budget.sentence.exhausted', { usable, dest: dst, rate: b.closeRatePerS, ...freesParams(b) });
    case 'will_exhaust':
      return msg('timewait.budget.sentence.will_exhaust', {
        ...aheadParams(b.secondsToExhaustion ?? 0),
        blocking: b.blocking,
        usable,
        rate: b.closeRatePerS,
        steady,
        dest: dst,
        basis: Math.round(b.forecastBasisS),
      });
    case 'at_risk':
      return b.steadyState < b.blocking
        ? msg('timewait.budget.sentence.at_risk_draining', { blocking: b.blocking, usable, freed: b.freedWithin10s, steady })
        : msg('timewait.budget.sentence.at_risk', { blocking: b.blocking, usable, steady });
    case 'fine':
      return msg('timewait.budget.sentence.fine', { blocking: b.blocking, usable, steady });
  }
}

/** "in 3 s", "in under 1 s" — never "in 0 s". */
export function fmtSecondsAhead(s: number): string {
  if (s < 1) return 'in under 1 s';
  if (s < 90) return `in ${Math.round(s)} s`;
  if (s < 5400) return `in ${Math.round(s / 60)} min`;
  return `in ${(s / 3600).toFixed(1)} h`;
}

function dest(b: PortBudget): string {
  const host = b.remoteAddr.includes(':') ? `[${b.remoteAddr}]` : b.remoteAddr;
  return `${host}:${b.remotePort}`;
}

/** One sentence that stays true for every verdict: what is happening, and when it ends or starts.
 *  Numbers are formatted by the caller's `count` (locale grouping). */
export function budgetSentence(b: PortBudget, count: (n: number) => string = String): string {
  const usable = count(b.usable);
  switch (b.verdict) {
    case 'exhausted': {
      const frees =
        b.firstFreeS === null
          ? 'no held port is in TIME_WAIT, so none frees until a connection toward it closes'
          : b.firstFreeS <= 0
            ? `the first ports are due to free now (their 60 s are up; the kernel's timer runs a little late), ${count(b.freedWithin10s)} within 10 s`
            : `the first ports free ${fmtSecondsAhead(b.firstFreeS)}, ${count(b.freedWithin10s)} within 10 s`;
      return (
        `Exhausted: all ${usable} ports held; new connections to ${dest(b)} fail with EADDRNOTAVAIL; ${frees}. ` +
        `No connection can be made, so none closes: a close rate of ${b.closeRatePerS.toFixed(1)}/s says nothing about demand.`
      );
    }
    case 'will_exhaust':
      return (
        `Will run out ${fmtSecondsAhead(b.secondsToExhaustion ?? 0)}: ${count(b.blocking)} of ${usable} ports held, ` +
        `closing ${b.closeRatePerS.toFixed(1)}/s → ${count(Math.round(b.steadyState))} in steady state; then new connections to ${dest(b)} ` +
        `fail with EADDRNOTAVAIL (based on ${Math.round(b.forecastBasisS)} s of data).`
      );
    case 'at_risk':
      return b.steadyState < b.blocking
        ? `At risk: ${count(b.blocking)} of ${usable} ports held, draining (${count(b.freedWithin10s)} free within 10 s; steady state ${count(Math.round(b.steadyState))}).`
        : `At risk: ${count(b.blocking)} of ${usable} ports held now, ≈ ${count(Math.round(b.steadyState))} in steady state.`;
    case 'fine':
      return `Fine: ${count(b.blocking)} of ${usable} ports held now, ≈ ${count(Math.round(b.steadyState))} in steady state.`;
  }
}

/** A PortBudgetRest with nothing in it. */
export function emptyBudgetRest(): PortBudgetRest {
  return { destinations: 0, inUse: 0, timeWait: 0, blocking: 0, closeRatePerS: 0, verdicts: { fine: 0, at_risk: 0, will_exhaust: 0, exhausted: 0 } };
}

/** A copy of `rest` with `budgets` added to it (destinations leaving a listed top K for the sums). */
export function addToBudgetRest(rest: PortBudgetRest, budgets: readonly PortBudget[]): PortBudgetRest {
  const r = { ...rest, verdicts: { ...rest.verdicts } };
  for (const b of budgets) {
    r.destinations++;
    r.inUse += b.inUse;
    r.timeWait += b.timeWait;
    r.blocking += b.blocking;
    r.closeRatePerS += b.closeRatePerS;
    r.verdicts[b.verdict]++;
  }
  return r;
}
