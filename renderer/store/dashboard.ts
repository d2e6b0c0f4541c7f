// The dashboard slice: one zustand store per dashboard instance (createDashboardSlice, called by
// createDashboard), its actions as plain functions closing over it (start() calls them without
// hooks), exactly one `set` per snapshot tick. Components always select narrowly. What the slice
// remembers besides the store — the renderer's live history, the chart markers, the redraw counter —
// lives in the closure, one copy per instance; this module holds only constants and pure helpers.
import { createStore, type StoreApi } from 'zustand';
import type { AppInfo, CollectorStatus, HistoryRateSeries, HistoryResult, HistoryStorage, ViewName } from '../../shared/api';
import { alertMarkerLabel } from '../../shared/alert-text';
import { mergeMarkers, type HistoryStore } from '../../shared/history';
import { msg, type Msg } from '../../shared/i18n';
import type { Snapshot } from '../../shared/snapshot';
import type { TcpState } from '../../shared/tcp';
import { measureRender } from '../perf';
import { createLiveHistory } from './live-history';
import { loadSetting, saveSetting } from './settings';

export type WindowKey = '1m' | '5m' | '1h' | '24h';

/** Labels: t(`overview.window.${key}`) (RangeBar). */
export const CHART_WINDOWS: Record<WindowKey, { ms: number; source: 'local' | 'host' }> = {
  '1m': { ms: 60_000, source: 'local' },
  '5m': { ms: 300_000, source: 'local' },
  '1h': { ms: 3_600_000, source: 'local' },
  '24h': { ms: 86_400_000, source: 'host' },
};
export const WINDOW_KEYS = Object.keys(CHART_WINDOWS) as WindowKey[];

/** Fixed ranges ending now, beyond the live windows: read from the host's history file. */
export type RangePresetKey = '7d' | '30d' | '90d';
/** Fixed ranges ending now; labels: t(`overview.window.${key}`). */
export const RANGE_PRESETS: readonly { key: RangePresetKey; ms: number }[] = [
  { key: '7d', ms: 7 * 86_400_000 },
  { key: '30d', ms: 30 * 86_400_000 },
  { key: '90d', ms: 90 * 86_400_000 },
];

/** What the charts show: a live window that follows now, or a fixed range of history. */
export type ChartView = { kind: 'live'; windowKey: WindowKey } | { kind: 'range'; fromMs: number; toMs: number };

/** The shortest range one can zoom to. */
export const MIN_RANGE_MS = 2000;
/** Back/forward remember this many views each way. */
export const MAX_NAV_HISTORY = 50;

/** A view's label is a catalog key: t(v.label). */
export type ViewLabelKey = `app.views.${ViewName}`;
export const VIEWS: readonly { name: ViewName; label: ViewLabelKey; key: string }[] = [
  { name: 'overview', label: 'app.views.overview', key: '1' },
  { name: 'timewait', label: 'app.views.timewait', key: '2' },
  { name: 'connections', label: 'app.views.connections', key: '3' },
  { name: 'tuning', label: 'app.views.tuning', key: '4' },
  { name: 'alerts', label: 'app.views.alerts', key: '5' },
];

/** Text the store shows to people: a catalog message, or a sentence from outside Waitline as is. */
export type UiText = string | Msg;

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
  fatal: UiText | null;
  /** a recoverable problem (a failed history fetch …) shown as a banner */
  notice: UiText | null;
  snapshot: Snapshot | null;
  view: ViewName;
  windowKey: WindowKey;
  /** a fixed range of history on the charts (date picker, preset, zoom), or null: the live window */
  range: { fromMs: number; toMs: number } | null;
  /** the views back and forward step through (most recent last in navBack) */
  navBack: ChartView[];
  navForward: ChartView[];
  /** where the host keeps history (from its last answer), for the status line */
  storage: HistoryStorage | null;
  /** a history range is being fetched */
  loadingRange: boolean;
  paused: boolean;
  chart: ChartData | null;
  /** points the charts are downsampled to (≈ their pixel width) */
  chartPoints: number;
}

const isWindowKey = (v: unknown): v is WindowKey => typeof v === 'string' && v in CHART_WINDOWS;
const isView = (v: unknown): v is ViewName => typeof v === 'string' && VIEWS.some((x) => x.name === v);

type Marker = ChartData['markers'][number];

/** Fetches downsampled host history for [fromMs, toMs] (the 24 h window). */
export type HostHistoryFetcher = (fromMs: number, toMs: number, maxPoints: number) => Promise<HistoryResult>;

/** Redraw a chart only when the newest sample moves it by at least one pixel: a 1 min window at
 *  1,200 px moves 24 px per second (redraw every tick), 1 h moves one pixel per 3 s, 24 h one per
 *  72 s. Nothing visible is lost, and recharts (the expensive part) runs far less often. */
export function ticksPerRedraw(windowKey: WindowKey, chartPoints: number, tickMs = 1000): number {
  const msPerPixel = CHART_WINDOWS[windowKey].ms / Math.max(1, chartPoints * 2);
  return Math.max(1, Math.floor(msPerPixel / tickMs));
}

/** The markers the renderer keeps for every window: the newest 200. */
const MAX_KNOWN_MARKERS = 200;

/** Chart markers for this tick's alert events (the same labels main adds to its history). */
export function alertMarkersOf(snapshot: Snapshot): ChartData['markers'] {
  const out: ChartData['markers'] = [];
  for (const e of snapshot.alerts?.events ?? []) {
    const label = alertMarkerLabel(e);
    if (label !== null) out.push({ time: e.time, label });
  }
  return out;
}

function chartFromResult(r: HistoryResult, fromMs: number, toMs: number): ChartData {
  return { times: r.times, states: r.states, rates: r.rates, markers: r.markers, fromMs, toMs };
}

/** The state a new dashboard starts with: the view and chart window persisted by the last launch. */
export function initialDashboardState(): DashboardState {
  return {
    transport: 'none',
    info: null,
    status: null,
    fatal: null,
    notice: null,
    snapshot: null,
    view: loadSetting<ViewName>('view', 'overview', isView),
    windowKey: loadSetting<WindowKey>('chartWindow', '1m', isWindowKey),
    range: null,
    navBack: [],
    navForward: [],
    storage: null,
    loadingRange: false,
    paused: false,
    chart: null,
    chartPoints: 600,
  };
}

/** The dashboard store and its actions (see createDashboardSlice). */
export interface DashboardSlice {
  readonly store: StoreApi<DashboardState>;
  /** the renderer's own history (last hour at 1 s) the local chart windows are drawn from */
  readonly liveHistory: HistoryStore;
  /** One snapshot tick: record it, and update snapshot (+ chart when due) in a single `set`. */
  ingestSnapshot(snapshot: Snapshot): void;
  /** Fetch the host-history window ending at `nowMs` (the 24 h window) and draw it. */
  refreshHostChart(nowMs?: number): Promise<void>;
  /** Chart data for a local window ending at `nowMs`, from the renderer's own history. */
  localChart(windowKey: WindowKey, nowMs: number, points: number): ChartData;
  /** Live window (a navigation step: back returns to what was shown). */
  setChartWindow(windowKey: WindowKey): void;
  /** A fixed range of history (a navigation step); from < to, at least MIN_RANGE_MS apart. */
  showRange(fromMs: number, toMs: number): void;
  goBack(): void;
  goForward(): void;
  /** Pause freezes the charts; collection and the live counts continue. Resume catches up at once. */
  setPaused(paused: boolean): void;
  setView(view: ViewName): void;
  /** Set from the chart's pixel width: one min/max bucket (two points) per two pixels. */
  setChartPoints(widthPx: number): void;
  setStatus(status: CollectorStatus): void;
  setInfo(info: AppInfo): void;
  setFatal(fatal: UiText | null): void;
  setTransport(transport: DashboardState['transport']): void;
  setNotice(notice: UiText | null): void;
  /** Back-fill the local history from the host (the last hour), so charts start full. */
  backfill(r: HistoryResult): void;
  /** Add chart markers (tuning applies, alerts): merged one per (time, label). */
  addMarkers(markers: ChartData['markers']): void;
  /** The markers the charts draw from, every window (a copy). */
  markers(): ChartData['markers'];
}

/** Creates the dashboard store. `fetchHostHistory` serves the 24 h window (the host's downsampled
 *  history, e.g. through WaitlineApi.getHistory). */
export function createDashboardSlice(fetchHostHistory: HostHistoryFetcher): DashboardSlice {
  const store = createStore<DashboardState>(initialDashboardState);
  const liveHistory = createLiveHistory();
  /** Markers (tuning applies, alerts raised and cleared) arrive with host history and, for alerts, live
   *  with each snapshot's events; kept here for every window, one per (time, label). */
  let knownMarkers: Marker[] = [];
  /** ticks since the chart was last redrawn (see ticksPerRedraw) */
  let ticksSinceRedraw = 0;

  function localChart(windowKey: WindowKey, nowMs: number, points: number): ChartData {
    const fromMs = nowMs - CHART_WINDOWS[windowKey].ms;
    const r = liveHistory.query({ fromMs, toMs: nowMs, maxPoints: Math.max(2, Math.min(points, 4000)) });
    const chart = chartFromResult(r, fromMs, nowMs);
    chart.markers = knownMarkers.filter((m) => m.time >= fromMs && m.time <= nowMs);
    return chart;
  }

  function ingestSnapshot(snapshot: Snapshot): void {
    const newest = liveHistory.newestMs;
    if (newest === null || snapshot.time > newest) liveHistory.push(snapshot);
    const live = alertMarkersOf(snapshot);
    if (live.length > 0) knownMarkers = mergeMarkers(knownMarkers, live, MAX_KNOWN_MARKERS);
    const s = store.getState();
    const patch: Partial<DashboardState> = { snapshot };
    if (s.status && s.status.state !== 'running') patch.status = { ...s.status, state: 'running', message: null };
    if (!s.paused && s.range === null && ++ticksSinceRedraw >= ticksPerRedraw(s.windowKey, s.chartPoints)) {
      ticksSinceRedraw = 0;
      if (CHART_WINDOWS[s.windowKey].source === 'local') {
        patch.chart = localChart(s.windowKey, snapshot.time, s.chartPoints);
      } else {
        void refreshHostChart(snapshot.time);
      }
    }
    store.setState(patch);
  }

  async function refreshHostChart(nowMs: number = Date.now()): Promise<void> {
    const s = store.getState();
    const range = s.range;
    const fromMs = range ? range.fromMs : nowMs - CHART_WINDOWS[s.windowKey].ms;
    const toMs = range ? range.toMs : nowMs;
    try {
      const r = await fetchHostHistory(fromMs, toMs, Math.max(2, Math.min(s.chartPoints, 4000)));
      knownMarkers = mergeMarkers(knownMarkers, r.markers, MAX_KNOWN_MARKERS);
      const now = store.getState();
      // a window or range switch, or a pause, while the request was in flight wins
      if (now.windowKey !== s.windowKey || now.range !== range || (now.paused && range === null)) return;
      const chart = chartFromResult(r, fromMs, toMs);
      // the host's markers plus live ones it may not have yet, one per (time, label)
      chart.markers = knownMarkers.filter((m) => m.time >= fromMs && m.time <= toMs);
      measureRender('history', () => store.setState({ chart, notice: null, storage: r.storage ?? now.storage, loadingRange: false }));
    } catch (e) {
      store.setState({ notice: msg('app.notice.historyFailed', { error: (e as Error).message }), loadingRange: false });
    }
  }

  function addMarkers(markers: ChartData['markers']): void {
    knownMarkers = mergeMarkers(knownMarkers, markers, MAX_KNOWN_MARKERS);
  }

  function nowForChart(): number {
    return store.getState().snapshot?.time ?? liveHistory.newestMs ?? Date.now();
  }

  function currentView(): ChartView {
    const s = store.getState();
    return s.range ? { kind: 'range', ...s.range } : { kind: 'live', windowKey: s.windowKey };
  }

  function sameView(a: ChartView, b: ChartView): boolean {
    return a.kind === 'live' ? b.kind === 'live' && a.windowKey === b.windowKey : b.kind === 'range' && a.fromMs === b.fromMs && a.toMs === b.toMs;
  }

  /** Shows `view` without touching back/forward. */
  function applyView(view: ChartView): void {
    const s = store.getState();
    if (view.kind === 'range') {
      store.setState({ range: { fromMs: view.fromMs, toMs: view.toMs }, loadingRange: true });
      void refreshHostChart();
      return;
    }
    const windowKey = view.windowKey;
    saveSetting('chartWindow', windowKey);
    if (CHART_WINDOWS[windowKey].source === 'local') {
      store.setState({ windowKey, range: null, chart: s.paused ? s.chart : localChart(windowKey, nowForChart(), s.chartPoints) });
    } else {
      ticksSinceRedraw = 0;
      store.setState({ windowKey, range: null });
      if (!s.paused) void refreshHostChart(nowForChart());
    }
  }

  /** A navigation step: the view shown now goes on the back list; forward is forgotten. */
  function navigate(view: ChartView): void {
    const here = currentView();
    if (sameView(here, view)) return applyView(view);
    const s = store.getState();
    store.setState({ navBack: [...s.navBack, here].slice(-MAX_NAV_HISTORY), navForward: [] });
    applyView(view);
  }

  function setChartWindow(windowKey: WindowKey): void {
    navigate({ kind: 'live', windowKey });
  }

  function showRange(fromMs: number, toMs: number): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return;
    let from = Math.round(Math.min(fromMs, toMs));
    let to = Math.round(Math.max(fromMs, toMs));
    if (to - from < MIN_RANGE_MS) {
      const mid = (from + to) / 2;
      from = Math.round(mid - MIN_RANGE_MS / 2);
      to = from + MIN_RANGE_MS;
    }
    navigate({ kind: 'range', fromMs: from, toMs: to });
  }

  function goBack(): void {
    const s = store.getState();
    const prev = s.navBack.at(-1);
    if (!prev) return;
    store.setState({ navBack: s.navBack.slice(0, -1), navForward: [currentView(), ...s.navForward].slice(0, MAX_NAV_HISTORY) });
    applyView(prev);
  }

  function goForward(): void {
    const s = store.getState();
    const next = s.navForward[0];
    if (!next) return;
    store.setState({ navForward: s.navForward.slice(1), navBack: [...s.navBack, currentView()].slice(-MAX_NAV_HISTORY) });
    applyView(next);
  }

  function setPaused(paused: boolean): void {
    const s = store.getState();
    if (paused === s.paused) return;
    if (paused) {
      store.setState({ paused: true });
      return;
    }
    // a fixed range does not move: resuming only resumes the live window when it is shown again
    if (s.range !== null) return void store.setState({ paused: false });
    if (CHART_WINDOWS[s.windowKey].source === 'local') {
      store.setState({ paused: false, chart: localChart(s.windowKey, nowForChart(), s.chartPoints) });
    } else {
      store.setState({ paused: false });
      void refreshHostChart(nowForChart());
    }
  }

  function setView(view: ViewName): void {
    saveSetting('view', view);
    store.setState({ view });
  }

  function setChartPoints(widthPx: number): void {
    const p = Math.max(60, Math.min(Math.round(widthPx / 2), 2000));
    if (p !== store.getState().chartPoints) store.setState({ chartPoints: p });
  }

  function backfill(r: HistoryResult): void {
    for (let i = 0; i < r.times.length; i++) {
      const newest = liveHistory.newestMs;
      if (newest !== null && r.times[i] <= newest) continue;
      const states: Partial<Record<TcpState, number>> = {};
      for (const k of Object.keys(r.states) as TcpState[]) states[k] = r.states[k][i];
      const rates: Partial<Record<HistoryRateSeries, number>> = {};
      for (const k of Object.keys(r.rates) as HistoryRateSeries[]) rates[k] = r.rates[k][i];
      liveHistory.pushSample(r.times[i], states, rates);
    }
    addMarkers(r.markers);
    // where the host keeps history, so a problem with the file shows from the start
    if (r.storage) store.setState({ storage: r.storage });
  }

  return {
    store,
    liveHistory,
    ingestSnapshot,
    refreshHostChart,
    localChart,
    setChartWindow,
    showRange,
    goBack,
    goForward,
    setPaused,
    setView,
    setChartPoints,
    setStatus: (status) => store.setState({ status }),
    setInfo: (info) => store.setState({ info }),
    setFatal: (fatal) => store.setState({ fatal }),
    setTransport: (transport) => store.setState({ transport }),
    setNotice: (notice) => store.setState({ notice }),
    backfill,
    addMarkers,
    markers: () => [...knownMarkers],
  };
}
