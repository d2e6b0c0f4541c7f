// The dashboard slice's time navigation: a fixed range asks the host for exactly that range (with
// about the chart's width of points), ranges are ordered and never shorter than MIN_RANGE_MS,
// back/forward step through views (live windows included) and are capped, live ticks do not move a
// fixed range, and the host's storage status reaches the state.
import './renderer-dom';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryResult } from '../../../shared/api';
import { HistoryStore } from '../../../shared/history';
import { createDashboardSlice, MAX_NAV_HISTORY, MIN_RANGE_MS } from '../../../renderer/store/dashboard';
import { makeSnapshot } from '../shared/history-fixtures';

function setup() {
  const asked: [number, number, number][] = [];
  const mem = new HistoryStore(100);
  const slice = createDashboardSlice(async (from, to, points): Promise<HistoryResult> => {
    asked.push([from, to, points]);
    return { ...mem.query({ fromMs: from, toMs: to, maxPoints: points }), storage: { mode: 'read-only', path: '/x/history.sqlite', message: 'Another Waitline (pid 7) is recording' } };
  });
  return { slice, asked };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('dashboard: time navigation', () => {
  it('a range is fetched as given, ordered, at the chart’s width; the storage status is kept', async () => {
    const { slice, asked } = setup();
    slice.setChartPoints(1000);
    slice.showRange(5_000_000, 1_000_000);
    await settle();
    assert.deepEqual(asked.at(-1), [1_000_000, 5_000_000, 500]);
    const s = slice.store.getState();
    assert.deepEqual(s.range, { fromMs: 1_000_000, toMs: 5_000_000 });
    assert.deepEqual([s.chart?.fromMs, s.chart?.toMs], [1_000_000, 5_000_000]);
    assert.equal(s.storage?.mode, 'read-only');
    assert.equal(s.loadingRange, false);
  });

  it('the back-fill at start brings the host’s storage status (a damaged file moved aside shows at once)', () => {
    const { slice } = setup();
    const r = new HistoryStore(10).query({ fromMs: 0, toMs: 1, maxPoints: 10 });
    slice.backfill({ ...r, storage: { mode: 'disk', path: '/h/history.sqlite', message: 'The history file was unusable (…); it was moved to /h/x' } });
    assert.match(String(slice.store.getState().storage?.message), /moved to/);
  });

  it('a span shorter than MIN_RANGE_MS is widened around its middle', async () => {
    const { slice } = setup();
    slice.showRange(10_000, 10_400);
    assert.deepEqual(slice.store.getState().range, { fromMs: 10_200 - MIN_RANGE_MS / 2, toMs: 10_200 + MIN_RANGE_MS / 2 });
  });

  it('back and forward step through ranges and live windows; a new step forgets forward', async () => {
    const { slice } = setup();
    const st = () => slice.store.getState();
    slice.setChartWindow('5m');
    slice.showRange(0, 100_000);
    slice.showRange(20_000, 40_000);
    assert.equal(st().navBack.length, 3);
    slice.goBack();
    assert.deepEqual(st().range, { fromMs: 0, toMs: 100_000 });
    slice.goBack();
    assert.equal(st().range, null);
    assert.equal(st().windowKey, '5m');
    slice.goForward();
    assert.deepEqual(st().range, { fromMs: 0, toMs: 100_000 });
    assert.equal(st().navForward.length, 1);
    slice.showRange(50_000, 60_000);
    assert.equal(st().navForward.length, 0, 'a new step forgets forward');
    // the same view again is not a step
    const n = st().navBack.length;
    slice.showRange(50_000, 60_000);
    assert.equal(st().navBack.length, n);
    for (let i = 0; i < MAX_NAV_HISTORY + 10; i++) slice.showRange(i * 10_000, i * 10_000 + 5000);
    assert.equal(st().navBack.length, MAX_NAV_HISTORY, 'back is capped');
    slice.goForward();
    assert.equal(st().navForward.length, 0, 'forward with nothing there does nothing');
  });

  it('live ticks do not move a fixed range; the live window resumes where it was', async () => {
    const { slice, asked } = setup();
    slice.showRange(0, 100_000);
    await settle();
    const chart = slice.store.getState().chart;
    const before = asked.length;
    for (let i = 1; i <= 5; i++) slice.ingestSnapshot(makeSnapshot({ time: 1_000_000 + i * 1000, seq: i, states: { TIME_WAIT: i } }));
    await settle();
    assert.equal(slice.store.getState().chart, chart, 'the range stays as drawn');
    assert.equal(asked.length, before, 'and is not fetched again');
    slice.setChartWindow('1m');
    const live = slice.store.getState();
    assert.equal(live.range, null);
    assert.equal(live.chart?.toMs, 1_005_000, 'the live window ends at the newest snapshot');
  });
});
