// Port budget of one destination (KERNEL.md §7): pure, shared by the collector (live budgets) and the
// tuning panel (the same figures previewed under proposed sysctl values).

import { isLoopbackAddress } from './address';
import type { BudgetVerdict, PortBudget } from './snapshot';
import { TIME_WAIT_SECONDS } from './tcp';

export interface ReuseSettings {
  /** net.ipv4.tcp_tw_reuse: 0 off, 1 any, 2 loopback only; null if unknown */
  reuse: number | null;
  /** net.ipv4.tcp_tw_reuse_delay in ms (1000 default; absent before ~6.14) */
  delayMs: number;
  /** net.ipv4.tcp_timestamps: reuse needs timestamps */
  timestamps: number | null;
}

/** What the collector counted toward one destination. */
export interface DestinationCounts {
  localAddr: string;
  remoteAddr: string;
  remotePort: number;
  inUse: number;
  timeWait: number;
  /** TIME_WAIT entries younger than the rate window */
  recentTimeWait: number;
}

/** Whether tcp_tw_reuse lets connect() take over this destination's TIME_WAIT tuples (KERNEL.md §1):
 *  mode 1 for any, mode 2 only for loopback; never without timestamps. */
export function reuseApplies(reuse: ReuseSettings, localAddr: string): boolean {
  if (reuse.timestamps === 0 || reuse.reuse === null) return false;
  if (reuse.reuse === 1) return true;
  if (reuse.reuse === 2) return isLoopbackAddress(localAddr);
  return false;
}

export function verdictFor(riskPercent: number): BudgetVerdict {
  if (riskPercent >= 95) return 'will_exhaust';
  if (riskPercent >= 50) return 'at_risk';
  return 'fine';
}

/** Port budget of one destination from its counts (KERNEL.md §7, Little's law). */
export function portBudget(
  acc: DestinationCounts,
  usable: number,
  reuse: ReuseSettings,
  rateWindowS: number,
): PortBudget {
  const applies = reuseApplies(reuse, acc.localAddr);
  const holdSeconds = applies ? reuse.delayMs / 1000 : TIME_WAIT_SECONDS;
  const closeRatePerS = acc.recentTimeWait / rateWindowS;
  const active = acc.inUse - acc.timeWait;
  const steadyState = active + closeRatePerS * holdSeconds;
  // ports that block a new connect() right now: with reuse, TIME_WAIT tuples can be taken over
  const blocking = applies ? active : acc.inUse;
  const pct = (x: number) => (usable > 0 ? (x / usable) * 100 : 100);
  const steadyStatePercent = pct(steadyState);
  const secondsToExhaustion =
    steadyState > usable && closeRatePerS > 0 ? Math.max(0, (usable - blocking) / closeRatePerS) : null;
  return {
    localAddr: acc.localAddr,
    remoteAddr: acc.remoteAddr,
    remotePort: acc.remotePort,
    inUse: acc.inUse,
    timeWait: acc.timeWait,
    usable,
    percentUsed: pct(acc.inUse),
    closeRatePerS,
    rateWindowS,
    holdSeconds,
    reuseApplies: applies,
    steadyState,
    steadyStatePercent,
    secondsToExhaustion,
    verdict: verdictFor(Math.max(steadyStatePercent, pct(blocking))),
  };
}

