// Port budgets: every verdict boundary probed on both sides, the close rate over the span observed,
// growth across reads, the one ranking, and words that stay true.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUDGET_THRESHOLDS,
  budgetSentence,
  closeRate,
  compareBudgets,
  fmtSecondsAhead,
  portBudget,
  rankBudgets,
  verdictFor,
  type BudgetTrend,
  type DestinationCounts,
} from '../../../shared/port-budget';
import { aggregate } from '../../../electron/collector/derive/aggregate';
import { BudgetTrends, leastSquares } from '../../../electron/collector/derive/budget-trends';
import { SocketTableBuilder } from '../../../electron/collector/parse/socket-table';

const OFF = { reuse: 0, delayMs: 1000, timestamps: 1 };
const dest = (p: Partial<DestinationCounts>): DestinationCounts => ({
  localAddr: '10.0.0.1',
  remoteAddr: '10.0.0.2',
  remotePort: 443,
  inUse: 0,
  timeWait: 0,
  recentTimeWait: 0,
  ...p,
});
const trend = (p: Partial<BudgetTrend>): BudgetTrend => ({ activeGrowthPerS: null, growthBasisS: 0, wasExhausted: false, exhaustedSince: null, ...p });

describe('port budget verdicts', () => {
  it('at risk from exactly 50 % (49.99 % is fine), on current use and on steady state alike', () => {
    assert.equal(BUDGET_THRESHOLDS.atRiskPercent, 50);
    assert.equal(verdictFor(49.99), 'fine');
    assert.equal(verdictFor(50), 'at_risk');
    // current use 500 / 1000 held open: 50 %
    assert.equal(portBudget(dest({ inUse: 500 }), 1000, OFF, 10).verdict, 'at_risk');
    assert.equal(portBudget(dest({ inUse: 499 }), 1000, OFF, 10).verdict, 'fine');
    // steady state: 100 open + 6.7 closes/s × 60 = 502 ≥ 500 → at risk; 6.6 × 60 + 100 = 496 → fine
    assert.equal(portBudget(dest({ inUse: 167, timeWait: 67, recentTimeWait: 67 }), 1000, OFF, 10).verdict, 'at_risk');
    assert.equal(portBudget(dest({ inUse: 166, timeWait: 66, recentTimeWait: 66 }), 1000, OFF, 10).verdict, 'fine');
  });

  it('exhausted exactly when the ports a connect() cannot use reach the budget, not one port before', () => {
    const full = portBudget(dest({ inUse: 1000, timeWait: 1000, firstFreeMs: 3000, freedWithin10s: 120 }), 1000, OFF, 10);
    assert.equal(full.verdict, 'exhausted');
    assert.equal(full.secondsToExhaustion, null, 'an exhausted destination has no "will run out in 0 s"');
    assert.equal(full.firstFreeS, 3);
    const oneLeft = portBudget(dest({ inUse: 999, timeWait: 999 }), 1000, OFF, 10);
    assert.notEqual(oneLeft.verdict, 'exhausted');
    // over-full (a budget narrowed under existing connections) is exhausted too
    assert.equal(portBudget(dest({ inUse: 1200, timeWait: 0 }), 1000, OFF, 10).verdict, 'exhausted');
    assert.equal(portBudget(dest({ inUse: 0 }), 0, OFF, 10).verdict, 'exhausted');
  });

  it('with tcp_tw_reuse, TIME_WAIT entries older than the delay do not block, so the same count is not exhausted', () => {
    const lo = { localAddr: '127.0.0.1', remoteAddr: '127.0.0.1' };
    const mode2 = { reuse: 2, delayMs: 1000, timestamps: 1 };
    const b = portBudget(dest({ ...lo, inUse: 1000, timeWait: 1000, blockingTimeWait: 40 }), 1000, mode2, 10);
    assert.equal(b.reuseApplies, true);
    assert.equal(b.blocking, 40);
    assert.notEqual(b.verdict, 'exhausted');
    const all = portBudget(dest({ ...lo, inUse: 1000, timeWait: 1000, blockingTimeWait: 1000 }), 1000, mode2, 10);
    assert.equal(all.verdict, 'exhausted');
    // without timestamps reuse never applies: every TIME_WAIT entry blocks
    assert.equal(portBudget(dest({ ...lo, inUse: 1000, timeWait: 1000 }), 1000, { ...mode2, timestamps: 0 }, 10).verdict, 'exhausted');
  });

  it('recovery is reported only when ports stay free: once out, free ≤ the fill of one second is still out', () => {
    // ports freed are taken again at 50/s: 3 free now is still failing connects
    const c = dest({ inUse: 997, timeWait: 997, recentTimeWait: 500, oldestRecentAgeMs: 10_000 });
    assert.equal(portBudget(c, 1000, OFF, 10, trend({ wasExhausted: true })).verdict, 'exhausted');
    assert.equal(portBudget(c, 1000, OFF, 10, trend({ wasExhausted: false })).verdict, 'will_exhaust');
    // draining with no closes: 2 free after being out is recovery (a single free port is not)
    const drain = dest({ inUse: 998, timeWait: 998 });
    assert.equal(portBudget(drain, 1000, OFF, 10, trend({ wasExhausted: true })).verdict, 'at_risk');
    assert.equal(portBudget(dest({ inUse: 999, timeWait: 999 }), 1000, OFF, 10, trend({ wasExhausted: true })).verdict, 'exhausted');
  });

  it('will exhaust exactly when the steady state reaches the budget, with the time the free ports last', () => {
    // 10 open + 16.5/s × 60 = 1000 → reaches 1,000
    const at = portBudget(dest({ inUse: 310, timeWait: 300, recentTimeWait: 165 }), 1000, OFF, 10);
    assert.equal(at.steadyState, 1000);
    assert.equal(at.verdict, 'will_exhaust');
    assert.ok(Math.abs(at.secondsToExhaustion! - 690 / 16.5) < 1e-9);
    // 16.4/s → 994: at risk, no forecast
    const below = portBudget(dest({ inUse: 310, timeWait: 300, recentTimeWait: 164 }), 1000, OFF, 10);
    assert.equal(below.verdict, 'at_risk');
    assert.equal(below.secondsToExhaustion, null);
  });

  it('measures a young flow over its own age, not the whole window', () => {
    // 250 closes over the last 4.98 s (50/s), no older TIME_WAIT: the window is 10 s
    const r = closeRate(dest({ recentTimeWait: 250, oldestRecentAgeMs: 4980 }), 10);
    assert.ok(Math.abs(r.perS - 50) < 0.5, `rate ${r.perS}`);
    assert.ok(Math.abs(r.basisS - 5) < 0.05, `basis ${r.basisS}`);
    // a flow older than the window: the window
    assert.deepEqual(closeRate(dest({ recentTimeWait: 500, oldestRecentAgeMs: 9990 }), 10).perS > 49.9, true);
    // a burst of simultaneous closes never reads as more than N per minRateSpanS
    const burst = closeRate(dest({ recentTimeWait: 100, oldestRecentAgeMs: 5 }), 10);
    assert.equal(burst.basisS, BUDGET_THRESHOLDS.minRateSpanS);
    assert.equal(burst.perS, 100);
    // one close tells no spacing: the window
    assert.equal(closeRate(dest({ recentTimeWait: 1, oldestRecentAgeMs: 200 }), 10).perS, 0.1);
    // at +5 s of 50/s toward 1,000 ports the forecast is the real +20 s, within 20 %
    const b = portBudget(dest({ inUse: 250, timeWait: 250, recentTimeWait: 250, oldestRecentAgeMs: 4980 }), 1000, OFF, 10);
    assert.equal(b.verdict, 'will_exhaust');
    assert.ok(Math.abs(b.secondsToExhaustion! - 15) < 0.2 * 15, `${b.secondsToExhaustion}`);
    assert.ok(Math.abs(b.forecastBasisS - 5) < 0.1);
  });

  it('a pool of open connections that keeps growing is forecast from its growth, with enough evidence only', () => {
    const pool = dest({ inUse: 600 });
    const grow = (g: number, basis: number) => portBudget(pool, 1000, OFF, 10, trend({ activeGrowthPerS: g, growthBasisS: basis }));
    const b = grow(10, 8);
    assert.equal(b.verdict, 'will_exhaust');
    assert.equal(b.secondsToExhaustion, 40);
    assert.equal(b.forecastBasisS, 8);
    // too short a basis, or too few ports gained: no forecast
    assert.equal(grow(10, BUDGET_THRESHOLDS.minGrowthBasisS - 0.1).secondsToExhaustion, null);
    assert.equal(grow(0.5, 8).secondsToExhaustion, null); // 4 ports in 8 s
    assert.equal(grow(-3, 8).secondsToExhaustion, null);
    // beyond the horizon: no verdict from growth
    assert.equal(portBudget(dest({ inUse: 10 }), 100_000, OFF, 10, trend({ activeGrowthPerS: 1, growthBasisS: 10 })).secondsToExhaustion, null);
  });
});

describe('one ranking of destinations', () => {
  it('exhausted first, then by the larger of current use and steady state', () => {
    const exhausted = portBudget(dest({ remoteAddr: '10.0.0.9', inUse: 1000, timeWait: 1000 }), 1000, OFF, 10);
    const forecast = portBudget(dest({ remoteAddr: '10.0.0.3', inUse: 100, timeWait: 90, recentTimeWait: 500 }), 1000, OFF, 10);
    assert.ok(forecast.steadyStatePercent > 200, 'the forecast one has the larger percent');
    const small = portBudget(dest({ remoteAddr: '10.0.0.4', inUse: 45 }), 1000, OFF, 10);
    const mid = portBudget(dest({ remoteAddr: '10.0.0.5', inUse: 600 }), 1000, OFF, 10);
    const ranked = rankBudgets([small, forecast, mid, exhausted]);
    assert.deepEqual(ranked.map((b) => b.remoteAddr), ['10.0.0.9', '10.0.0.3', '10.0.0.5', '10.0.0.4']);
    assert.ok(compareBudgets(exhausted, forecast) < 0);
    assert.ok(compareBudgets(small, mid) > 0);
  });
});

describe('words that stay true', () => {
  it('never "in 0 s"', () => {
    assert.equal(fmtSecondsAhead(0), 'in under 1 s');
    assert.equal(fmtSecondsAhead(0.99), 'in under 1 s');
    assert.equal(fmtSecondsAhead(3.4), 'in 3 s');
    assert.equal(fmtSecondsAhead(300), 'in 5 min');
  });

  it('an exhausted destination says what fails, when ports free, and why its close rate is 0', () => {
    const b = portBudget(
      dest({ localAddr: '127.0.0.1', remoteAddr: '127.0.0.1', remotePort: 8080, inUse: 1000, timeWait: 1000, firstFreeMs: 3000, freedWithin10s: 120 }),
      1000,
      OFF,
      10,
    );
    const s = budgetSentence(b, (n) => n.toLocaleString('en-US'));
    assert.match(s, /^Exhausted: all 1,000 ports held; new connections to 127\.0\.0\.1:8080 fail with EADDRNOTAVAIL; the first ports free in 3 s, 120 within 10 s/);
    assert.match(s, /No connection can be made, so none closes/);
    assert.doesNotMatch(s, /steady/);
  });

  it('a forecast names its basis', () => {
    const b = portBudget(dest({ inUse: 250, timeWait: 250, recentTimeWait: 250, oldestRecentAgeMs: 3980 }), 1000, OFF, 10);
    assert.match(budgetSentence(b), /based on 4 s of data/);
  });
});

describe('budgets from a socket table', () => {
  const row = (b: SocketTableBuilder, state: number, lport: number, rport: number, leftMs = 0) =>
    b.push({
      family: 4,
      state,
      localAddr: '10.0.0.1',
      localPort: lport,
      remoteAddr: '10.0.0.2',
      remotePort: rport,
      txQueue: 0,
      rxQueue: 0,
      timer: state === 6 ? 3 : 0,
      timerLeftMs: leftMs,
      retransmits: 0,
      uid: 0,
      inode: state === 6 ? 0 : 1000 + lport,
    });

  it('counts per destination when ports free, reusable ones, and listeners bound inside the range', () => {
    const b = new SocketTableBuilder();
    row(b, 10, 40005, 0); // a listener inside the ephemeral range: connect() skips its port
    for (let i = 0; i < 6; i++) row(b, 6, 40010 + i, 443, [2000, 9000, 10_000, 10_001, 59_500, 59_990][i]);
    row(b, 1, 40020, 443);
    const eph = { low: 40000, high: 40099, reserved: [[40050, 40059]] as [number, number][], usable: 90 };
    const a = aggregate(b.finish(), { ephemeral: eph, reuse: OFF, rateWindowS: 10 });
    assert.equal(a.boundInRange, 1);
    const p = a.portBudgets[0];
    assert.equal(p.usable, 89);
    assert.equal(p.inUse, 7);
    assert.equal(p.firstFreeS, 2);
    assert.equal(p.freedWithin10s, 3, '2 s, 9 s and exactly 10 s free within 10 s; 10.001 s does not');
    // young (≤ 10 s old): 59.5 s and 59.99 s left → ages 0.5 s and 0.01 s, and 50 s old is not
    assert.ok(Math.abs(p.closeRatePerS - 2 / BUDGET_THRESHOLDS.minRateSpanS) < 1e-9);

    // tcp_tw_reuse=1 with a 1 s delay: only entries younger than 1 s block
    const r = aggregate(b.finish(), { ephemeral: eph, reuse: { reuse: 1, delayMs: 1000, timestamps: 1 }, rateWindowS: 10 });
    assert.equal(r.portBudgets[0].blocking, 1 + 2);
    assert.ok(Math.abs(r.portBudgets[0].firstFreeS! - 0.5) < 1e-9, 'the 0.5 s old entry becomes reusable 1 s after it was made');
  });

  it('counts each listening port inside the usable range once: both ends of the range, not reserved ones, not one port twice', () => {
    const b = new SocketTableBuilder();
    for (const p of [40000, 40099, 40005, 40005, 40055, 39999, 40100, 30000]) row(b, 10, p, 0);
    const eph = { low: 40000, high: 40099, reserved: [[40050, 40059]] as [number, number][], usable: 90 };
    // 40000, 40099 and 40005 (listening on two addresses, one port): 3; 40055 is reserved, the rest outside
    assert.equal(aggregate(b.finish(), { ephemeral: eph, reuse: OFF, rateWindowS: 10 }).boundInRange, 3);
  });

  it('an entry whose 60 s are up but whose timer has not run (0 ms left) still holds its port without reuse', () => {
    const b = new SocketTableBuilder();
    // 4 ports: two overdue TIME_WAIT entries, one with 1.5 s left, one open connection
    row(b, 6, 40000, 80, 0);
    row(b, 6, 40001, 80, 0);
    row(b, 6, 40002, 80, 1500);
    row(b, 1, 40003, 80);
    const eph = { low: 40000, high: 40003, reserved: [] as [number, number][], usable: 4 };
    const p = aggregate(b.finish(), { ephemeral: eph, reuse: OFF, rateWindowS: 10 }).portBudgets[0];
    assert.equal(p.blocking, 4, 'connect() still fails: the overdue entries are in the table');
    assert.equal(p.verdict, 'exhausted');
    assert.equal(p.firstFreeS, 0);
    assert.equal(p.freedWithin10s, 3);
    assert.match(budgetSentence(p), /the first ports are due to free now/);
    assert.doesNotMatch(budgetSentence(p), /in 0 s/);
    // with reuse (delay 1 s) the same overdue entries are long reusable
    const r = aggregate(b.finish(), { ephemeral: eph, reuse: { reuse: 1, delayMs: 1000, timestamps: 1 }, rateWindowS: 10 }).portBudgets[0];
    assert.equal(r.blocking, 1);
    assert.notEqual(r.verdict, 'exhausted');
  });

  it('remembers across reads: growth of open connections, exhausted since when, bounded memory', () => {
    const trends = new BudgetTrends(10_000, 30_000, 3);
    const counts = (active: number) => dest({ inUse: active });
    for (let s = 0; s <= 6; s++) {
      trends.beginRead(1_000_000 + s * 1000);
      const t = trends.trend(counts(100 + 10 * s));
      if (s >= 2) {
        assert.ok(Math.abs(t.activeGrowthPerS! - 10) < 1e-9);
        assert.equal(t.growthBasisS, s);
      } else assert.equal(t.activeGrowthPerS, null);
    }
    const b = portBudget(dest({ inUse: 1000 }), 1000, OFF, 10);
    trends.settle([b]);
    assert.equal(b.exhaustedSince, 1_006_000);
    trends.beginRead(1_007_000);
    assert.equal(trends.trend(counts(1000)).wasExhausted, true);
    // at most 3 destinations kept; unseen ones forgotten after 30 s
    for (let k = 0; k < 5; k++) trends.trend(dest({ remotePort: 1000 + k }));
    assert.equal(trends.size, 3);
    trends.beginRead(1_007_000 + 30_001);
    assert.equal(trends.size, 0);
    assert.deepEqual(leastSquares([{ t: 0, active: 5 }]), { slope: 0, spanS: 0 });
  });
});
