// The dashboard store: one update per tick, downsampled charts, pause/resume, persisted settings,
// history back-fill, and the transport choice of the bridge.
import './renderer-dom';
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pickTransport } from '../../../renderer/bridge';
import { createDashboard, type Dashboard } from '../../../renderer/store/create-dashboard';
import { HistoryStore } from '../../../shared/history';
import { makeSnapshot } from '../shared/history-fixtures';
import { FakeApi } from './renderer-fake-api';

const T0 = 1_763_700_000_000;

/** this test's dashboard instance (a fresh one per test, over an in-memory API) */
let dash: Dashboard;

function tick(i: number, tw = 100 + i) {
  dash.dashboard.ingestSnapshot(makeSnapshot({ time: T0 + i * 1000, seq: i, states: { TIME_WAIT: tw, ESTABLISHED: 5 }, rates: { 'TcpExt.TW': 3 } }));
}

describe('dashboard store', () => {
  beforeEach(() => {
    localStorage.clear();
    dash = createDashboard(new FakeApi());
  });

  it('applies exactly one store update per snapshot tick', () => {
    let updates = 0;
    const off = dash.dashboard.store.subscribe(() => updates++);
    for (let i = 0; i < 50; i++) tick(i);
    off();
    assert.equal(updates, 50);
    const s = dash.dashboard.store.getState();
    assert.equal(s.snapshot?.seq, 49);
    assert.equal(s.chart?.times.at(-1), T0 + 49_000, 'the chart has the newest point');
  });

  it('the 1 min window holds the last minute only', () => {
    for (let i = 0; i < 200; i++) tick(i);
    const c = dash.dashboard.store.getState().chart!;
    assert.equal(c.toMs - c.fromMs, 60_000);
    assert.ok(c.times.every((t) => t >= c.fromMs && t <= c.toMs));
    assert.equal(c.toMs, T0 + 199_000, 'the window ends at the newest sample');
    assert.equal(c.times.length, 61);
    assert.deepEqual(c.states.TIME_WAIT.slice(-2), [298, 299]);
  });

  it('long windows are downsampled to the chart width and keep spikes', () => {
    dash.dashboard.setChartPoints(200); // px: 100 points
    dash.dashboard.setChartWindow('1h');
    for (let i = 0; i < 3000; i++) tick(i, i === 1234 ? 99_999 : 100);
    const c = dash.dashboard.store.getState().chart!;
    assert.ok(c.times.length <= 100, `${c.times.length} points for a 100 px chart`);
    assert.ok(c.times.length >= 90);
    assert.equal(Math.max(...c.states.TIME_WAIT), 99_999, 'the one-second spike survived');
    assert.equal(Math.max(...c.rates.timeWaitArrivals), 3);
  });

  it('pause freezes the chart while snapshots keep arriving; resume catches up', () => {
    for (let i = 0; i < 10; i++) tick(i);
    dash.dashboard.setPaused(true);
    const frozen = dash.dashboard.store.getState().chart;
    for (let i = 10; i < 20; i++) tick(i);
    const s = dash.dashboard.store.getState();
    assert.equal(s.chart, frozen, 'chart unchanged while paused');
    assert.equal(s.snapshot?.seq, 19, 'live counts continue');
    dash.dashboard.setPaused(false);
    assert.equal(dash.dashboard.store.getState().chart?.times.at(-1), T0 + 19_000, 'caught up on resume');
  });

  it('the chart window persists across launches; junk in storage is ignored', () => {
    dash.dashboard.setChartWindow('5m');
    assert.equal(localStorage.getItem('waitline.chartWindow'), '"5m"');
    localStorage.setItem('waitline.view', '"<script>"');
    dash = createDashboard(new FakeApi()); // the next launch
    assert.equal(dash.dashboard.store.getState().view, 'overview');
  });

  it('the 24 h window asks the host for downsampled history, at the chart width', async () => {
    const api = new FakeApi();
    for (let i = 0; i < 5000; i++) api.history.push(makeSnapshot({ time: T0 + i * 1000, states: { TIME_WAIT: i } }));
    dash = createDashboard(api); // host history comes from this API
    dash.dashboard.setChartPoints(600); // px: 300 points
    tick(5000);
    dash.dashboard.setChartWindow('24h');
    await new Promise((r) => setTimeout(r, 10));
    const q = api.historyQueries.at(-1)!;
    assert.equal(q.maxPoints, 300);
    assert.equal(q.toMs - q.fromMs, 86_400_000);
    const c = dash.dashboard.store.getState().chart!;
    assert.ok(c.times.length <= 300 && c.times.length > 250);
    assert.equal(Math.max(...c.states.TIME_WAIT), 4999);
  });

  it('back-fill from host history fills the local charts before the first tick', () => {
    const host = new HistoryStore(100);
    for (let i = 0; i < 30; i++) host.push(makeSnapshot({ time: T0 + i * 1000, states: { TIME_WAIT: 7 } }));
    host.addMarker(T0 + 5000, 'tcp_tw_reuse=1');
    dash.dashboard.backfill(host.query({ fromMs: 0, toMs: T0 * 2, maxPoints: 4000 }));
    assert.equal(dash.dashboard.liveHistory.size, 30);
    tick(30);
    const c = dash.dashboard.store.getState().chart!;
    assert.equal(c.times.length, 31);
    assert.deepEqual(c.markers, [{ time: T0 + 5000, label: 'tcp_tw_reuse=1' }], 'tuning markers reach the chart');
  });
});

describe('bridge transport choice', () => {
  it('prefers the Electron preload API when present', () => {
    const api = new FakeApi();
    const c = pickTransport({ location: new URL('file:///app/index.html') as unknown as Location, waitline: api });
    assert.equal(c.kind, 'electron');
    assert.equal(c.kind === 'electron' && c.api, api);
  });

  it('uses waitline serve with the token from the URL', () => {
    const c = pickTransport({ location: new URL('http://127.0.0.1:7780/?token=abc') as unknown as Location });
    assert.equal(c.kind, 'serve');
  });

  it('explains what to do without a token, or outside app and serve', () => {
    const a = pickTransport({ location: new URL('http://127.0.0.1:7780/') as unknown as Location });
    assert.equal(a.kind, 'none');
    assert.match(a.kind === 'none' ? a.reason : '', /open the full URL that `waitline serve` printed/);
    const b = pickTransport({ location: new URL('file:///tmp/index.html') as unknown as Location });
    assert.equal(b.kind, 'none');
  });
});
