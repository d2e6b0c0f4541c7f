// The dashboard store: one zustand store, actions at module level (the bridge wiring calls them
// without hooks), exactly one `set` per snapshot tick. Components always select narrowly.
import { create } from 'zustand';
import type { AppInfo, CollectorStatus, HistoryRateSeries, HistoryResult, ViewName } from '../../shared/api';
import type { Snapshot } from '../../shared/snapshot';
import type { TcpState } from '../../shared/tcp';
import { measureRender } from '../perf';
import { liveHistory } from './live-history';
import { loadSetting, saveSetting } from './settings';

export type WindowKey = '1m' | '5m' | '1h' | '24h';

export const CHART_WINDOWS: Record<WindowKey, { label: string; ms: number; source: 'local' | 'host' }> = {
  '1m': { label: '1 min', ms: 60_000, source: 'local' },
  '5m': { label: '5 min', ms: 300_000, source: 'local' },
  '1h': { label: '1 h', ms: 3_600_000, source: 'local' },
  '24h': { label: '24 h', ms: 86_400_000, source: 'host' },
};
export const WINDOW_KEYS = Object.keys(CHART_WINDOWS) as WindowKey[];

export const VIEWS: readonly { name: ViewName; label: string; key: string }[] = [
  { name: 'overview', label: 'Overview', key: '1' },
  { name: 'timewait', label: 'TIME_WAIT', key: '2' },
  { name: 'connections', label: 'Connections', key: '3' },
  { name: 'tuning', label: 'Tuning', key: '4' },
];

/** What the charts draw: parallel arrays, already downsampled to ≈ the chart's pixel width. */
export interface ChartData {
  times: number[];
  states: Record<TcpState, number[]>;
  rates: Record<HistoryRateSeries, number[]>;
  markers: { time: number; label: string }[];
  fromMs: number;
  toMs: number;
}

export interface DashboardState {
  transport: 'electron' | 'serve' | 'none';
  info: AppInfo | null;
  status: CollectorStatus | null;
  /** the dashboard cannot work at all (no API, token refused …): shown instead of the views */
  fatal: string | null;
  /** a recoverable problem (a failed history fetch …) shown as a banner */
  notice: string | null;
  snapshot: Snapshot | null;
  view: ViewName;
  windowKey: WindowKey;
  paused: boolean;
  chart: ChartData | null;
  /** points the charts are downsampled to (≈ their pixel width) */
  chartPoints: number;
}

const isWindowKey = (v: unknown): v is WindowKey => typeof v === 'string' && v in CHART_WINDOWS;
const isView = (v: unknown): v is ViewName => typeof v === 'string' && VIEWS.some((x) => x.name === v);

export const useDashboard = create<DashboardState>(() => ({
  transport: 'none',
  info: null,
  status: null,
  fatal: null,
  notice: null,
  snapshot: null,
  view: loadSetting<ViewName>('view', 'overview', isView),
  windowKey: loadSetting<WindowKey>('chartWindow', '1m', isWindowKey),
  paused: false,
  chart: null,
  chartPoints: 600,
}));

function chartFromResult(r: HistoryResult, fromMs: number, toMs: number): ChartData {
  return { times: r.times, states: r.states, rates: r.rates, markers: r.markers, fromMs, toMs };
}

/** Chart data for a local window ending at `nowMs`, from the renderer's own history. */
export function localChart(windowKey: WindowKey, nowMs: number, points: number): ChartData {
  const fromMs = nowMs - CHART_WINDOWS[windowKey].ms;
  const r = liveHistory.query({ fromMs, toMs: nowMs, maxPoints: Math.max(2, Math.min(points, 4000)) });
  return chartFromResult(r, fromMs, nowMs);
}

// ---- actions -----------------------------------------------------------------------------------

/** Markers (tuning applies) arrive with host history; keep them for local windows too. */
let knownMarkers: { time: number; label: string }[] = [];

/** Hook for the host-history fetch (set by the bridge wiring; tests may replace it). */
let fetchHostHistory: ((fromMs: number, toMs: number, maxPoints: number) => Promise<HistoryResult>) | null = null;
export function setHostHistoryFetcher(f: typeof fetchHostHistory): void {
  fetchHostHistory = f;
}

/** Redraw a chart only when the newest sample moves it by at least one pixel: a 1 min window at
 *  1,200 px moves 24 px per second (redraw every tick), 1 h moves one pixel per 3 s, 24 h one per
 *  72 s. Nothing visible is lost, and recharts (the expensive part) runs far less often. */
export function ticksPerRedraw(windowKey: WindowKey, chartPoints: number, tickMs = 1000): number {
  const msPerPixel = CHART_WINDOWS[windowKey].ms / Math.max(1, chartPoints * 2);
  return Math.max(1, Math.floor(msPerPixel / tickMs));
}
let ticksSinceRedraw = 0;

/** One snapshot tick: record it, and update snapshot (+ chart when due) in a single `set`. */
export function ingestSnapshot(snapshot: Snapshot): void {
  const newest = liveHistory.newestMs;
  if (newest === null || snapshot.time > newest) liveHistory.push(snapshot);
  const s = useDashboard.getState();
  const patch: Partial<DashboardState> = { snapshot };
  if (s.status && s.status.state !== 'running') patch.status = { ...s.status, state: 'running', message: null };
  if (!s.paused && ++ticksSinceRedraw >= ticksPerRedraw(s.windowKey, s.chartPoints)) {
    ticksSinceRedraw = 0;
    if (CHART_WINDOWS[s.windowKey].source === 'local') {
      const chart = localChart(s.windowKey, snapshot.time, s.chartPoints);
      chart.markers = knownMarkers.filter((m) => m.time >= chart.fromMs && m.time <= chart.toMs);
      patch.chart = chart;
    } else {
      void refreshHostChart(snapshot.time);
    }
  }
  useDashboard.setState(patch);
}

export async function refreshHostChart(nowMs: number = Date.now()): Promise<void> {
  const s = useDashboard.getState();
  if (!fetchHostHistory) return;
  const fromMs = nowMs - CHART_WINDOWS[s.windowKey].ms;
  try {
    const r = await fetchHostHistory(fromMs, nowMs, Math.max(2, Math.min(s.chartPoints, 4000)));
    knownMarkers = mergeMarkers(knownMarkers, r.markers);
    const now = useDashboard.getState();
    // a window switch or pause while the request was in flight wins
    if (now.windowKey !== s.windowKey || now.paused) return;
    measureRender('history', () => useDashboard.setState({ chart: chartFromResult(r, fromMs, nowMs), notice: null }));
  } catch (e) {
    useDashboard.setState({ notice: `Could not load history: ${(e as Error).message}` });
  }
}

function mergeMarkers(a: ChartData['markers'], b: ChartData['markers']): ChartData['markers'] {
  const seen = new Set(a.map((m) => `${m.time}|${m.label}`));
  const out = [...a];
  for (const m of b) if (!seen.has(`${m.time}|${m.label}`)) out.push(m);
  return out.sort((x, y) => x.time - y.time).slice(-200);
}

export function setMarkers(markers: ChartData['markers']): void {
  knownMarkers = mergeMarkers(knownMarkers, markers);
}

function nowForChart(): number {
  return useDashboard.getState().snapshot?.time ?? liveHistory.newestMs ?? Date.now();
}

export function setChartWindow(windowKey: WindowKey): void {
  saveSetting('chartWindow', windowKey);
  const s = useDashboard.getState();
  if (CHART_WINDOWS[windowKey].source === 'local') {
    useDashboard.setState({ windowKey, chart: s.paused ? s.chart : localChart(windowKey, nowForChart(), s.chartPoints) });
  } else {
    ticksSinceRedraw = 0;
    useDashboard.setState({ windowKey });
    if (!s.paused) void refreshHostChart(nowForChart());
  }
}

/** Pause freezes the charts; collection and the live counts continue. Resume catches up at once. */
export function setPaused(paused: boolean): void {
  const s = useDashboard.getState();
  if (paused === s.paused) return;
  if (paused) {
    useDashboard.setState({ paused: true });
    return;
  }
  if (CHART_WINDOWS[s.windowKey].source === 'local') {
    useDashboard.setState({ paused: false, chart: localChart(s.windowKey, nowForChart(), s.chartPoints) });
  } else {
    useDashboard.setState({ paused: false });
    void refreshHostChart(nowForChart());
  }
}

export function setView(view: ViewName): void {
  saveSetting('view', view);
  useDashboard.setState({ view });
}

/** Set from the chart's pixel width: one min/max bucket (two points) per two pixels. */
export function setChartPoints(widthPx: number): void {
  const p = Math.max(60, Math.min(Math.round(widthPx / 2), 2000));
  if (p !== useDashboard.getState().chartPoints) useDashboard.setState({ chartPoints: p });
}

export function setStatus(status: CollectorStatus): void {
  useDashboard.setState({ status });
}

export function setInfo(info: AppInfo): void {
  useDashboard.setState({ info });
}

export function setFatal(fatal: string | null): void {
  useDashboard.setState({ fatal });
}

export function setTransport(transport: DashboardState['transport']): void {
  useDashboard.setState({ transport });
}

export function setNotice(notice: string | null): void {
  useDashboard.setState({ notice });
}

/** Back-fill the local history from the host (the last hour), so charts start full. */
export function backfill(r: HistoryResult): void {
  for (let i = 0; i < r.times.length; i++) {
    const newest = liveHistory.newestMs;
    if (newest !== null && r.times[i] <= newest) continue;
    const states: Partial<Record<TcpState, number>> = {};
    for (const k of Object.keys(r.states) as TcpState[]) states[k] = r.states[k][i];
    const rates: Partial<Record<HistoryRateSeries, number>> = {};
    for (const k of Object.keys(r.rates) as HistoryRateSeries[]) rates[k] = r.rates[k][i];
    liveHistory.pushSample(r.times[i], states, rates);
  }
  setMarkers(r.markers);
}

/** For tests: forget everything. */
export function resetDashboard(): void {
  liveHistory.clear();
  knownMarkers = [];
  ticksSinceRedraw = 0;
  fetchHostHistory = null;
  useDashboard.setState({
    transport: 'none',
    info: null,
    status: null,
    fatal: null,
    notice: null,
    snapshot: null,
    view: 'overview',
    windowKey: '1m',
    paused: false,
    chart: null,
    chartPoints: 600,
  });
}
