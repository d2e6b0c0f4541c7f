// The TIME_WAIT histogram's y-axis (renderer/features/timewait/histogramAxis.ts) must be exactly the
// one recharts' YAxis would pick, or the axis would jump when the pointer hands the chart to recharts.
// recharts' own getNiceTickValues is the oracle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNiceTickValues } from 'recharts';
import { histogramAxis } from '../../../renderer/features/timewait/histogramAxis';

const recharts = (max: number) => getNiceTickValues([0, Math.max(0, max)], 5, false) as number[];

describe('histogramAxis', () => {
  it('equals recharts for every count from 0 to 20,000', () => {
    for (let m = 0; m <= 20_000; m++) assert.deepEqual(histogramAxis(m), recharts(m), `max ${m}`);
  });

  it('equals recharts around every power of ten and its multiples up to 10^15, and for random counts up to 2^53', () => {
    const cases: number[] = [];
    for (let p = 10; p <= 1e15; p *= 10) {
      for (const k of [1, 2, 2.5, 4, 5, 8]) for (const d of [-2, -1, 0, 1, 2]) cases.push(Math.round(k * p) + d);
    }
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 3000; i++) cases.push(Math.floor(rnd() ** 4 * Number.MAX_SAFE_INTEGER));
    for (const m of cases) assert.deepEqual(histogramAxis(m), recharts(m), `max ${m}`);
  });

  it('hands what it does not compute to recharts: fractions, negatives, beyond 2^53', () => {
    for (const m of [0.5, 3.7, 12.25, -5, 2 ** 60]) assert.deepEqual(histogramAxis(m), recharts(m), `max ${m}`);
  });

  it('always covers the largest bar with five ticks', () => {
    for (const m of [5, 17, 999, 1001, 123_456, 9_999_999]) {
      const t = histogramAxis(m);
      assert.equal(t.length, 5);
      assert.ok(t[4]! >= m && t[3]! < m + t[1]!, `max ${m}: ${t}`);
    }
  });
});
