import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lttbIndices, minMaxBuckets } from '../../../shared/downsample';

function seq(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

test('minMaxBuckets returns the window unchanged when it already fits', () => {
  const times = seq(10, (i) => i * 1000);
  const values = seq(10, (i) => i * i);
  const d = minMaxBuckets(times, [values], { start: 0, count: 10, capacity: 10 }, 10);
  assert.deepEqual(d.times, times);
  assert.deepEqual(d.series[0], values);
});

test('minMaxBuckets keeps at most maxPoints points and every series keeps its extremes', () => {
  const n = 86_400;
  const times = seq(n, (i) => 1_700_000_000_000 + i * 1000);
  // a quiet line with one one-sample spike and one one-sample dip
  const a = seq(n, (i) => (i === 54_321 ? 9_999 : i === 777 ? -5 : 100 + (i % 7)));
  // a ramp: its first and last value must survive
  const b = seq(n, (i) => i);
  for (const maxPoints of [2, 3, 800, 801, 4000]) {
    const d = minMaxBuckets(times, [a, b], { start: 0, count: n, capacity: n }, maxPoints);
    assert.ok(d.times.length <= maxPoints, `${d.times.length} > ${maxPoints}`);
    assert.ok(d.times.length >= maxPoints - 1, `too few points: ${d.times.length} for ${maxPoints}`);
    assert.equal(d.series[0].length, d.times.length);
    assert.equal(Math.max(...d.series[0]), 9_999, 'spike lost');
    assert.equal(Math.min(...d.series[0]), -5, 'dip lost');
    assert.equal(Math.min(...d.series[1]), 0);
    assert.equal(Math.max(...d.series[1]), n - 1);
    // the time axis stays sorted and inside the input range
    for (let i = 1; i < d.times.length; i++) assert.ok(d.times[i] >= d.times[i - 1]);
    assert.equal(d.times[0], times[0]);
    assert.equal(d.times[d.times.length - 1], times[n - 1]);
  }
});

test('minMaxBuckets keeps each bucket\'s extremes in the order they happened', () => {
  const times = seq(8, (i) => i);
  const values = [5, 1, 3, 2, 0, 4, 9, 6]; // bucket 1: max 5 then min 1; bucket 2: min 0 then max 9
  const d = minMaxBuckets(times, [values], { start: 0, count: 8, capacity: 8 }, 4);
  assert.deepEqual(d.series[0], [5, 1, 0, 9]);
  assert.deepEqual(d.times, [0, 3, 4, 7]);
});

test('minMaxBuckets reads a wrapped ring window in logical order', () => {
  // physical layout of a ring of capacity 6 whose oldest sample sits at index 4
  const times = [30, 40, 50, 60, 10, 20];
  const values = [3, 4, 5, 6, 1, 2];
  const d = minMaxBuckets(times, [values], { start: 4, count: 6, capacity: 6 }, 6);
  assert.deepEqual(d.times, [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(d.series[0], [1, 2, 3, 4, 5, 6]);
  const small = minMaxBuckets(times, [values], { start: 4, count: 6, capacity: 6 }, 2);
  assert.deepEqual(small.series[0], [1, 6]);
  assert.deepEqual(small.times, [10, 60]);
});

test('minMaxBuckets with one point keeps the maximum; empty windows give empty output', () => {
  const d = minMaxBuckets([1, 2, 3], [[4, 8, 2]], { start: 0, count: 3, capacity: 3 }, 1);
  assert.deepEqual(d.series[0], [8]);
  assert.deepEqual(minMaxBuckets([], [[]], { start: 0, count: 0, capacity: 0 }, 10), { times: [], series: [[]] });
});

test('minMaxBuckets rejects a bad maxPoints with a clear error', () => {
  assert.throws(() => minMaxBuckets([1], [[1]], { start: 0, count: 1, capacity: 1 }, 0), /maxPoints must be a positive integer, got 0/);
  assert.throws(() => minMaxBuckets([1], [[1]], { start: 0, count: 1, capacity: 1 }, 2.5), /got 2.5/);
});

test('lttbIndices keeps first, last and the peak, at most threshold points', () => {
  const n = 10_000;
  const xs = seq(n, (i) => i);
  const ys = seq(n, (i) => (i === 4321 ? 1000 : Math.sin(i / 100)));
  const kept = lttbIndices(xs, ys, 500);
  assert.equal(kept.length, 500);
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], n - 1);
  assert.ok(kept.includes(4321), 'the peak was dropped');
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1]);
  assert.deepEqual(lttbIndices([1, 2, 3], [1, 2, 3], 10), [0, 1, 2]);
  assert.throws(() => lttbIndices(xs, ys, 0), /threshold must be a positive integer/);
});
