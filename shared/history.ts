// History of per-tick samples in a memory-bounded ring buffer: one Float64Array of times plus one typed
// array per series (parallel arrays, no object per sample). 24 h at 1 s = 86,400 samples ≈ 7 MB.
// Long ranges leave here already downsampled (min/max buckets, spikes kept) to ≈ the chart's width.
// Pure code: no DOM, no Node.

import type { HistoryQuery, HistoryRateSeries, HistoryResult } from './api';
import { minMaxBuckets } from './downsample';
import type { Snapshot } from './snapshot';
import { TCP_STATES, type TcpState } from './tcp';

export const HISTORY_RATE_SERIES: readonly HistoryRateSeries[] = [
  'timeWaitArrivals',
  'activeOpens',
  'passiveOpens',
  'resets',
  'twOverflow',
  'twRecycled',
];

/** 24 h at one sample per second. */
export const DEFAULT_HISTORY_CAPACITY = 86_400;
/** Most points one query may return (HistoryQuery.maxPoints contract). */
export const MAX_HISTORY_POINTS = 4000;
/** Markers kept (tuning applies); the oldest are dropped beyond this. */
export const MAX_HISTORY_MARKERS = 500;

/** The rate series of one snapshot (per second); 0 where the kernel counter is missing or on the first
 *  tick, when no rate exists yet. */
export function rateSeriesOf(snapshot: Snapshot): Record<HistoryRateSeries, number> {
  const r = snapshot.counters?.rates ?? null;
  const v = (name: keyof NonNullable<typeof r>): number => {
    const x = r?.[name];
    return typeof x === 'number' && Number.isFinite(x) ? x : 0;
  };
  return {
    // TcpExt.TW counts timewait objects armed > 4 s, TWKilled those armed ≤ 4 s: together every
    // TIME_WAIT entry created (docs/kernel.md, "TIME_WAIT and TCP counters").
    timeWaitArrivals: v('TcpExt.TW') + v('TcpExt.TWKilled'),
    activeOpens: v('Tcp.ActiveOpens'),
    passiveOpens: v('Tcp.PassiveOpens'),
    resets: v('Tcp.EstabResets') + v('Tcp.OutRsts'),
    twOverflow: v('TcpExt.TCPTimeWaitOverflow'),
    twRecycled: v('TcpExt.TWRecycled'),
  };
}

export type HistoryMarker = HistoryResult['markers'][number];

/** The union of two marker lists, one per (time, label) — also within each list — oldest first, at
 *  most the newest `limit`. */
export function mergeMarkers(a: readonly HistoryMarker[], b: readonly HistoryMarker[], limit = Infinity): HistoryMarker[] {
  const seen = new Set<string>();
  const out: HistoryMarker[] = [];
  for (const m of [...a, ...b]) {
    const key = `${m.time}|${m.label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ time: m.time, label: m.label });
  }
  out.sort((x, y) => x.time - y.time);
  return Number.isFinite(limit) ? out.slice(-limit) : out;
}

export class HistoryError extends Error {
  override name = 'HistoryError';
}

/** Throws a HistoryError saying what is wrong with a query. */
export function assertHistoryQuery(q: HistoryQuery): void {
  if (q === null || typeof q !== 'object') throw new HistoryError('history query must be an object');
  if (typeof q.fromMs !== 'number' || !Number.isFinite(q.fromMs)) {
    throw new HistoryError(`history query fromMs must be a finite number (epoch ms), got ${String(q.fromMs)}`);
  }
  if (typeof q.toMs !== 'number' || !Number.isFinite(q.toMs)) {
    throw new HistoryError(`history query toMs must be a finite number (epoch ms), got ${String(q.toMs)}`);
  }
  if (q.toMs < q.fromMs) throw new HistoryError(`history query toMs (${q.toMs}) is before fromMs (${q.fromMs})`);
  if (!Number.isInteger(q.maxPoints) || q.maxPoints < 1 || q.maxPoints > MAX_HISTORY_POINTS) {
    throw new HistoryError(
      `history query maxPoints must be an integer from 1 to ${MAX_HISTORY_POINTS}, got ${String(q.maxPoints)}`,
    );
  }
}

export class HistoryStore {
  readonly capacity: number;
  private readonly times: Float64Array;
  /** counts per state; Uint32 is plenty (a netns holds at most a few million sockets) */
  private readonly stateSeries: Uint32Array[];
  private readonly rateSeries: Float32Array[];
  /** physical index of the oldest sample */
  private head = 0;
  private count = 0;
  private markers: { time: number; label: string }[] = [];

  constructor(capacity: number = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new HistoryError(`history capacity must be a positive integer, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.stateSeries = TCP_STATES.map(() => new Uint32Array(capacity));
    this.rateSeries = HISTORY_RATE_SERIES.map(() => new Float32Array(capacity));
  }

  get size(): number {
    return this.count;
  }

  get oldestMs(): number | null {
    return this.count === 0 ? null : this.times[this.head];
  }

  get newestMs(): number | null {
    return this.count === 0 ? null : this.times[this.physical(this.count - 1)];
  }

  /** Bytes held by the sample arrays (fixed at construction: the memory bound). */
  get byteLength(): number {
    let n = this.times.byteLength;
    for (const a of this.stateSeries) n += a.byteLength;
    for (const a of this.rateSeries) n += a.byteLength;
    return n;
  }

  private physical(i: number): number {
    const p = this.head + i;
    return p >= this.capacity ? p - this.capacity : p;
  }

  push(snapshot: Snapshot): void {
    this.pushSample(snapshot.time, snapshot.states, rateSeriesOf(snapshot));
  }

  /** Append one sample given as series values (e.g. history fetched from another store). */
  /** Returns the time stored (see the clamp below). */
  pushSample(
    time: number,
    states: Partial<Record<TcpState, number>>,
    rates: Partial<Record<HistoryRateSeries, number>>,
  ): number {
    // Queries binary-search the time axis, so it must not go backwards. A wall clock stepped back
    // (NTP) is clamped to the newest sample's time rather than reordering history.
    const newest = this.newestMs;
    if (newest !== null && time < newest) time = newest;
    let p: number;
    if (this.count < this.capacity) {
      p = this.physical(this.count);
      this.count++;
    } else {
      p = this.head;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.times[p] = time;
    for (let s = 0; s < TCP_STATES.length; s++) {
      const c = states[TCP_STATES[s]];
      this.stateSeries[s][p] = typeof c === 'number' && c > 0 ? c : 0;
    }
    for (let r = 0; r < HISTORY_RATE_SERIES.length; r++) {
      const v = rates[HISTORY_RATE_SERIES[r]];
      this.rateSeries[r][p] = typeof v === 'number' && Number.isFinite(v) ? v : 0;
    }
    return time;
  }

  /** Drop every sample (markers too). */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.markers = [];
  }

  addMarker(time: number, label: string): void {
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new HistoryError(`marker time must be a finite number (epoch ms), got ${String(time)}`);
    }
    const entry = { time, label: String(label).slice(0, 200) };
    // keep sorted by time (appends are the normal case)
    let i = this.markers.length;
    while (i > 0 && this.markers[i - 1].time > time) i--;
    this.markers.splice(i, 0, entry);
    if (this.markers.length > MAX_HISTORY_MARKERS) this.markers.splice(0, this.markers.length - MAX_HISTORY_MARKERS);
  }

  /** first logical index whose time is ≥ t (inclusive = false) or > t (inclusive = true) */
  private bound(t: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.times[this.physical(mid)];
      if (v < t || (inclusive && v === t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every marker held, oldest first (a copy). */
  allMarkers(): { time: number; label: string }[] {
    return this.markers.map((m) => ({ ...m }));
  }

  /** The samples in [fromMs, toMs], oldest first: values are the states (TCP_STATES order), then the
   *  rates (HISTORY_RATE_SERIES order). For exports: one sample at a time, nothing copied. */
  *samplesBetween(fromMs: number, toMs: number): Generator<{ time: number; values: number[] }> {
    const from = this.bound(fromMs, false);
    const to = this.bound(toMs, true);
    for (let i = from; i < to; i++) {
      const p = this.physical(i);
      yield { time: this.times[p], values: [...this.stateSeries.map((a) => a[p]), ...this.rateSeries.map((a) => a[p])] };
    }
  }

  query(q: HistoryQuery): HistoryResult {
    assertHistoryQuery(q);
    const from = this.bound(q.fromMs, false);
    const to = this.bound(q.toMs, true); // toMs is inclusive
    const window = { start: this.physical(from), count: Math.max(0, to - from), capacity: this.capacity };
    const all = [...this.stateSeries, ...this.rateSeries];
    const d = minMaxBuckets(this.times, all, window, q.maxPoints);
    const states = {} as Record<TcpState, number[]>;
    TCP_STATES.forEach((s, i) => (states[s] = d.series[i]));
    const rates = {} as Record<HistoryRateSeries, number[]>;
    HISTORY_RATE_SERIES.forEach((r, i) => (rates[r] = d.series[TCP_STATES.length + i]));
    const markers = this.markers.filter((m) => m.time >= q.fromMs && m.time <= q.toMs).map((m) => ({ ...m }));
    return { times: d.times, states, rates, markers, oldestMs: this.oldestMs };
  }
}
