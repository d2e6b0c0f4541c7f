// The collector's memory of each destination across table reads: how fast the ports held by open
// connections grow (a pool that never closes makes no TIME_WAIT, so only growth across reads shows
// it), and since when a destination has been exhausted. Bounded: destinations unseen for a while
// are forgotten, and at most `maxKeys` are kept.

import type { BudgetTrend, DestinationCounts } from '../../../shared/port-budget';
import type { PortBudget } from '../../../shared/snapshot';
import type { BudgetTrendSource } from './aggregate';

interface Entry {
  /** (table time ms, open connections) per read, oldest first, within the window */
  samples: { t: number; active: number }[];
  exhaustedSince: number | null;
  lastSeen: number;
}

const key = (a: { localAddr: string; remoteAddr: string; remotePort: number }) => `${a.localAddr}|${a.remoteAddr}|${a.remotePort}`;

export class BudgetTrends implements BudgetTrendSource {
  private readonly entries = new Map<string, Entry>();
  private now = 0;

  constructor(
    private readonly windowMs = 10_000,
    private readonly forgetMs = 30_000,
    private readonly maxKeys = 500,
  ) {}

  /** Call once per table read, before aggregate(), with the read's time. */
  beginRead(nowMs: number): void {
    this.now = nowMs;
    for (const [k, e] of this.entries) if (nowMs - e.lastSeen > this.forgetMs) this.entries.delete(k);
  }

  trend(acc: DestinationCounts): BudgetTrend {
    const k = key(acc);
    let e = this.entries.get(k);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.evictOldest();
      this.entries.set(k, (e = { samples: [], exhaustedSince: null, lastSeen: this.now }));
    }
    e.lastSeen = this.now;
    const samples = e.samples;
    if (samples.length > 0 && samples[samples.length - 1].t >= this.now) samples.pop(); // same read twice
    samples.push({ t: this.now, active: acc.inUse - acc.timeWait });
    while (samples.length > 0 && this.now - samples[0].t > this.windowMs) samples.shift();
    const { slope, spanS } = leastSquares(samples);
    return {
      activeGrowthPerS: samples.length >= 3 ? slope : null,
      growthBasisS: spanS,
      wasExhausted: e.exhaustedSince !== null,
      exhaustedSince: e.exhaustedSince,
    };
  }

  settle(budgets: readonly PortBudget[]): void {
    for (const b of budgets) {
      const e = this.entries.get(key(b));
      if (!e) continue;
      if (b.verdict === 'exhausted') {
        if (e.exhaustedSince === null) e.exhaustedSince = this.now;
        b.exhaustedSince = e.exhaustedSince;
      } else {
        e.exhaustedSince = null;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    let oldestKey: string | null = null;
    let oldest = Infinity;
    for (const [k, e] of this.entries) {
      if (e.lastSeen < oldest) {
        oldest = e.lastSeen;
        oldestKey = k;
      }
    }
    if (oldestKey !== null) this.entries.delete(oldestKey);
  }
}

/** Slope (per second) of `active` over time by least squares, and the span covered (s). */
export function leastSquares(samples: readonly { t: number; active: number }[]): { slope: number; spanS: number } {
  const n = samples.length;
  if (n < 2) return { slope: 0, spanS: 0 };
  const spanS = (samples[n - 1].t - samples[0].t) / 1000;
  if (spanS <= 0) return { slope: 0, spanS: 0 };
  let mt = 0;
  let ma = 0;
  for (const s of samples) {
    mt += s.t / 1000;
    ma += s.active;
  }
  mt /= n;
  ma /= n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    const dt = s.t / 1000 - mt;
    num += dt * (s.active - ma);
    den += dt * dt;
  }
  return { slope: den > 0 ? num / den : 0, spanS };
}
