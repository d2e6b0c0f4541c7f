import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryStore, MAX_HISTORY_MARKERS, rateSeriesOf } from '../../../shared/history';
import { makeSnapshot } from './history-fixtures';

const T0 = 1_763_700_000_000;

test('an empty store answers with empty arrays and null oldestMs', () => {
  const h = new HistoryStore(10);
  assert.equal(h.size, 0);
  assert.equal(h.oldestMs, null);
  const r = h.query({ fromMs: 0, toMs: T0, maxPoints: 100 });
  assert.deepEqual(r.times, []);
  assert.deepEqual(r.states.TIME_WAIT, []);
  assert.deepEqual(r.rates.timeWaitArrivals, []);
  assert.equal(r.oldestMs, null);
});

test('push keeps states and rates per tick; query range is inclusive on both ends', () => {
  const h = new HistoryStore(100);
  for (let i = 0; i < 10; i++) {
    h.push(
      makeSnapshot({
        time: T0 + i * 1000,
        states: { TIME_WAIT: i * 10, ESTABLISHED: 3 },
        rates: { 'TcpExt.TW': i, 'TcpExt.TWKilled': 1, 'Tcp.EstabResets': 2, 'Tcp.OutRsts': 3, 'Tcp.ActiveOpens': 7 },
      }),
    );
  }
  const r = h.query({ fromMs: T0 + 2000, toMs: T0 + 5000, maxPoints: 100 });
  assert.deepEqual(r.times, [T0 + 2000, T0 + 3000, T0 + 4000, T0 + 5000]);
  assert.deepEqual(r.states.TIME_WAIT, [20, 30, 40, 50]);
  assert.deepEqual(r.states.ESTABLISHED, [3, 3, 3, 3]);
  assert.deepEqual(r.states.CLOSE_WAIT, [0, 0, 0, 0]);
  assert.deepEqual(r.rates.timeWaitArrivals, [3, 4, 5, 6]);
  assert.deepEqual(r.rates.resets, [5, 5, 5, 5]);
  assert.deepEqual(r.rates.activeOpens, [7, 7, 7, 7]);
  assert.deepEqual(r.rates.twOverflow, [0, 0, 0, 0]);
  assert.equal(r.oldestMs, T0);
});

test('the first tick (no rates yet) stores rates as 0', () => {
  const r = rateSeriesOf(makeSnapshot({ time: T0, rates: null }));
  assert.deepEqual(Object.values(r), [0, 0, 0, 0, 0, 0]);
});

test('the ring buffer is bounded: the oldest samples are overwritten, memory does not grow', () => {
  const h = new HistoryStore(1000);
  const bytes = h.byteLength;
  for (let i = 0; i < 2500; i++) h.push(makeSnapshot({ time: T0 + i * 1000, states: { TIME_WAIT: i } }));
  assert.equal(h.size, 1000);
  assert.equal(h.oldestMs, T0 + 1500 * 1000);
  assert.equal(h.byteLength, bytes);
  const r = h.query({ fromMs: 0, toMs: T0 + 10_000_000, maxPoints: 4000 });
  assert.equal(r.times.length, 1000);
  assert.equal(r.states.TIME_WAIT[0], 1500);
  assert.equal(r.states.TIME_WAIT[999], 2499);
  for (let i = 1; i < r.times.length; i++) assert.equal(r.times[i] - r.times[i - 1], 1000);
});

test('24 h of history downsamples to maxPoints and keeps a one-second spike', () => {
  const h = new HistoryStore();
  assert.equal(h.capacity, 86_400);
  const spikeAt = 40_000;
  for (let i = 0; i < 86_400; i++) {
    h.push(
      makeSnapshot({
        time: T0 + i * 1000,
        states: { TIME_WAIT: i === spikeAt ? 50_000 : 200 + (i % 13), CLOSE_WAIT: i === 12_345 ? 0 : 9 },
        rates: { 'TcpExt.TCPTimeWaitOverflow': i === 80_000 ? 123 : 0 },
      }),
    );
  }
  const r = h.query({ fromMs: T0, toMs: T0 + 86_400_000, maxPoints: 800 });
  assert.ok(r.times.length <= 800 && r.times.length >= 799, `points: ${r.times.length}`);
  assert.equal(Math.max(...r.states.TIME_WAIT), 50_000);
  assert.equal(Math.min(...r.states.TIME_WAIT), 200);
  assert.equal(Math.min(...r.states.CLOSE_WAIT), 0);
  assert.equal(Math.max(...r.rates.twOverflow), 123);
  assert.equal(r.times[0], T0);
  assert.equal(r.times[r.times.length - 1], T0 + 86_399_000);
});

test('a wall clock stepping back is clamped so queries stay ordered', () => {
  const h = new HistoryStore(10);
  h.push(makeSnapshot({ time: T0 + 5000, states: { TIME_WAIT: 1 } }));
  h.push(makeSnapshot({ time: T0 + 1000, states: { TIME_WAIT: 2 } }));
  h.push(makeSnapshot({ time: T0 + 6000, states: { TIME_WAIT: 3 } }));
  const r = h.query({ fromMs: T0, toMs: T0 + 10_000, maxPoints: 10 });
  assert.deepEqual(r.times, [T0 + 5000, T0 + 5000, T0 + 6000]);
  assert.deepEqual(r.states.TIME_WAIT, [1, 2, 3]);
});

test('markers inside the range come back sorted; the list is bounded', () => {
  const h = new HistoryStore(10);
  h.addMarker(T0 + 3000, 'tcp_tw_reuse=1');
  h.addMarker(T0 + 1000, 'ip_local_port_range=1024 65535');
  h.addMarker(T0 + 9000, 'outside');
  const r = h.query({ fromMs: T0, toMs: T0 + 5000, maxPoints: 10 });
  assert.deepEqual(r.markers, [
    { time: T0 + 1000, label: 'ip_local_port_range=1024 65535' },
    { time: T0 + 3000, label: 'tcp_tw_reuse=1' },
  ]);
  for (let i = 0; i < MAX_HISTORY_MARKERS + 50; i++) h.addMarker(T0 + 10_000 + i, `m${i}`);
  const all = h.query({ fromMs: 0, toMs: T0 * 2, maxPoints: 10 }).markers;
  assert.equal(all.length, MAX_HISTORY_MARKERS);
  assert.equal(all[all.length - 1].label, `m${MAX_HISTORY_MARKERS + 49}`);
});

test('bad queries and capacities get specific errors', () => {
  const h = new HistoryStore(10);
  assert.throws(() => h.query({ fromMs: 10, toMs: 5, maxPoints: 10 }), /toMs \(5\) is before fromMs \(10\)/);
  assert.throws(() => h.query({ fromMs: 0, toMs: 5, maxPoints: 0 }), /maxPoints must be an integer from 1 to 4000, got 0/);
  assert.throws(() => h.query({ fromMs: 0, toMs: 5, maxPoints: 5000 }), /got 5000/);
  assert.throws(() => h.query({ fromMs: Number.NaN, toMs: 5, maxPoints: 5 }), /fromMs must be a finite number/);
  assert.throws(() => h.query(null as never), /history query must be an object/);
  assert.throws(() => new HistoryStore(0), /capacity must be a positive integer, got 0/);
  assert.throws(() => h.addMarker(Number.POSITIVE_INFINITY, 'x'), /marker time must be a finite number/);
});
