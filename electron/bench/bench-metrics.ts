// The Prometheus exposition of `waitline serve` (electron/serve/metrics.ts, issue 13), measured against
// the collector tick that makes its snapshot:
//   node --import tsx electron/bench/bench-metrics.ts [--json]      (alone; no root needed)
//   npm run bench -- --metrics-only [--json]                        (the same, through bench.ts)
// and as one section of a full `npm run bench`.
//
// For 20, 1,000 and 10,000 destinations (top K = 20, serve's default): a synthetic socket table (three
// heavy destinations, then destinations of 1–3 TIME_WAIT entries and every fifth with one ESTABLISHED,
// as test/unit/electron/serve/metrics.test.ts builds them) is served by a SocketSource to the real
// Collector, configured as serve configures it (listLimit = K, the default alert settings) and made
// to read and aggregate the table at every tick. The rest of each tick (sockstat, snmp, netstat,
// sysctls) reads this machine's real /proc. The table is built once and handed over as is at every
// read: a tick here costs no socket read, so it is cheaper than a real one and the render ÷ tick ratio
// errs high.
//
// Per repetition (median of RUNS after WARMUPS): the tick; then update + the first render of each
// format, in alternating order (prom-client fills its registry and writes the text); then the same
// render again, which MetricsExporter answers from its cache (what a second scraper of the same
// snapshot costs). The first render is also split into its two halves on the exporter's own
// MetricSet: the fill (gauge set calls) and prom-client's registry.metrics() (the text). MetricSet is
// private to metrics.ts; it is reached by its field name, and the split is left out (null) if that
// shape changes. In serve the tick runs in the collector's worker thread and the render on the HTTP
// thread; here both share one thread, so a render may also pay for the tick's garbage.
//
// Targets: at 10,000 destinations the first render (the slower format) ≤ RENDER_TICK_TARGET × the
// tick; beyond K destinations the exposition has the same series, and its size in bytes moves only with
// the label and value text (≤ SIZE_SPREAD_TARGET), not with the destination count.

import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Collector } from '../collector/index';
import { SocketTableBuilder } from '../collector/parse/socket-table';
import type { SocketSource, SocketTable } from '../collector/types';
import { MetricsExporter, type MetricsFormat } from '../serve/metrics';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts';
import type { Snapshot } from '../../shared/snapshot';

export const METRICS_DESTINATIONS = [20, 1000, 10_000] as const;
export const METRICS_BENCH_TOP_K = 20;
/** first render ≤ this × the collector tick, at 10,000 destinations */
export const RENDER_TICK_TARGET = 0.25;
/** beyond K destinations: same series count, and bytes within this fraction of each other */
export const SIZE_SPREAD_TARGET = 0.02;

const WARMUPS = 3;
const RUNS = 21;
const FORMATS: readonly MetricsFormat[] = ['prometheus', 'openmetrics'];
const VERSION = '0.0.0-bench';

export interface FormatResult {
  /** update + render of a fresh snapshot (median, ms) */
  first_render_ms: number;
  /** render of the same snapshot again: the cache (median, µs) */
  cached_render_us: number;
  /** first render ÷ tick (medians) */
  render_over_tick: number;
  /** the fill alone, gauge set calls on the registry (median, ms; null: MetricSet not reachable) */
  fill_ms: number | null;
  /** prom-client's registry.metrics() alone (median, ms) */
  registry_metrics_ms: number | null;
  /** registry_metrics_ms ÷ (fill_ms + registry_metrics_ms) */
  prom_client_share: number | null;
  bytes: number;
  /** sample lines */
  series: number;
  /** of which waitline_destination_* */
  destination_series: number;
  families: number;
}

export interface MetricsSizeResult {
  destinations: number;
  sockets: number;
  /** destinations the snapshot lists / sums in portBudgetRest */
  listed: number;
  rest: number;
  /** Collector.tick() with the table read and aggregated (median, ms) */
  tick_ms: number;
  tick_min_ms: number;
  tick_max_ms: number;
  formats: Record<MetricsFormat, FormatResult>;
}

export interface MetricsBenchResult {
  top_k: number;
  runs: number;
  warmups: number;
  sizes: MetricsSizeResult[];
  /** at the largest count, the slower format's first render ÷ tick */
  render_over_tick_10k: number;
  render_ms_10k: number;
  tick_ms_10k: number;
  /** beyond K: max bytes / min bytes − 1, over the counts > K, per format (the larger one) */
  size_spread_beyond_k: number;
  series_equal_beyond_k: boolean;
  total_s: number;
  targets: {
    metrics_render_le_quarter_tick_10k: boolean;
    metrics_size_flat_beyond_k: boolean;
  };
}

const round = (x: number, d = 2): number => Number(x.toFixed(d));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Dest {
  remote: string;
  port: number;
  timeWait: number;
  established: number;
}

/** Three heavy destinations that rank first, then n − 3 with 1–3 TIME_WAIT entries each. */
function destinations(n: number): Dest[] {
  const out: Dest[] = [
    { remote: '192.0.2.1', port: 443, timeWait: 900, established: 40 },
    { remote: '192.0.2.2', port: 5432, timeWait: 700, established: 0 },
    { remote: '192.0.2.3', port: 80, timeWait: 500, established: 5 },
  ];
  for (let i = 3; i < n; i++) out.push({ remote: `10.${(i >> 8) & 255}.${i & 255}.9`, port: 8000 + (i % 7), timeWait: 1 + (i % 3), established: i % 5 === 0 ? 1 : 0 });
  return out;
}

function table(dests: Dest[], firstPort: number): SocketTable {
  const b = new SocketTableBuilder(1024);
  for (const d of dests) {
    let lp = firstPort;
    for (let i = 0; i < d.timeWait; i++) {
      b.push({ family: 4, state: 6, localAddr: '10.0.0.1', localPort: lp++, remoteAddr: d.remote, remotePort: d.port, txQueue: 0, rxQueue: 0, timer: 3, timerLeftMs: 30_000, retransmits: 0, uid: 0, inode: 0 });
    }
    for (let i = 0; i < d.established; i++) {
      b.push({ family: 4, state: 1, localAddr: '10.0.0.1', localPort: lp++, remoteAddr: d.remote, remotePort: d.port, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode: 1000 + lp });
    }
  }
  return b.finish();
}

function sourceOver(t: SocketTable): SocketSource {
  return {
    name: 'netlink',
    read: () => Promise.resolve({ table: t, source: 'netlink', skipped: {}, unknownStates: 0, peerClosed: null }),
  };
}

/** metrics.ts's private MetricSet, reached by shape (null when it changed). */
interface MetricSetShape {
  registry: { metrics(): Promise<string> };
  fill(s: Snapshot, extra: { failures: number }, topK: number, version: string): void;
}

function metricSet(e: MetricsExporter, format: MetricsFormat): MetricSetShape | null {
  const sets = (e as unknown as { sets?: Partial<Record<MetricsFormat, unknown>> }).sets;
  const set = sets?.[format] as Partial<MetricSetShape> | undefined;
  if (!set || typeof set.fill !== 'function' || typeof set.registry?.metrics !== 'function') return null;
  return set as MetricSetShape;
}

function shape(body: string): { bytes: number; series: number; destination_series: number; families: number } {
  let series = 0;
  let dest = 0;
  let families = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith('# TYPE ')) families++;
    if (line === '' || line.startsWith('#')) continue;
    series++;
    if (line.startsWith('waitline_destination_')) dest++;
  }
  return { bytes: Buffer.byteLength(body, 'utf8'), series, destination_series: dest, families };
}

async function measureSize(n: number, topK: number, firstPort: number): Promise<MetricsSizeResult> {
  const dests = destinations(n);
  const t = table(dests, firstPort);
  // as serve runs it, with the table read at every tick (the bench's own cadence bounds)
  const collector = new Collector({ socketSource: sourceOver(t), listLimit: topK, alerts: DEFAULT_ALERT_SETTINGS, minTableIntervalMs: 0, maxTableIntervalMs: 0 });
  const exporter = new MetricsExporter({ topK, version: VERSION });
  const ticks: number[] = [];
  const per = Object.fromEntries(FORMATS.map((f) => [f, { first: [] as number[], cached: [] as number[], fill: [] as number[], text: [] as number[], body: '' }])) as Record<
    MetricsFormat,
    { first: number[]; cached: number[]; fill: number[]; text: number[]; body: string }
  >;
  let snap: Snapshot | null = null;
  let split = true;

  for (let r = 0; r < WARMUPS + RUNS; r++) {
    const keep = r >= WARMUPS;
    let t0 = performance.now();
    snap = await collector.tick();
    const tick = performance.now() - t0;
    if (keep) ticks.push(tick);
    // update clears both formats' cache: each format's next render is a first one. The format that
    // follows the tick also meets the tick's garbage; the order alternates so neither always does.
    const order = r % 2 ? [...FORMATS].reverse() : FORMATS;
    for (const f of order) {
      const p = per[f];
      t0 = performance.now();
      if (f === order[0]) exporter.update(snap, { failures: 0 });
      const { body } = await exporter.render(f);
      const first = performance.now() - t0;
      t0 = performance.now();
      const again = await exporter.render(f);
      const cached = performance.now() - t0;
      if (again.body !== body) throw new Error(`the second ${f} render of one snapshot differs from the first`);
      p.body = body;
      if (keep) {
        p.first.push(first);
        p.cached.push(cached * 1000);
      }
    }
    // the two halves of a first render, on the exporter's own registries (its cache keeps its text)
    for (const f of FORMATS) {
      const set = metricSet(exporter, f);
      if (!set) {
        split = false;
        continue;
      }
      t0 = performance.now();
      set.fill(snap, { failures: 0 }, topK, VERSION);
      const fill = performance.now() - t0;
      t0 = performance.now();
      const text = await set.registry.metrics();
      const metrics = performance.now() - t0;
      if (text !== per[f].body) throw new Error(`MetricSet.fill + registry.metrics() (${f}) did not give the exporter's text`);
      if (keep) {
        per[f].fill.push(fill);
        per[f].text.push(metrics);
      }
    }
  }

  const tickMs = median(ticks);
  const formats = Object.fromEntries(
    FORMATS.map((f) => {
      const p = per[f];
      const first = median(p.first);
      const fill = split ? median(p.fill) : null;
      const text = split ? median(p.text) : null;
      const result: FormatResult = {
        first_render_ms: round(first, 3),
        cached_render_us: round(median(p.cached), 1),
        render_over_tick: round(first / tickMs, 4),
        fill_ms: fill === null ? null : round(fill, 3),
        registry_metrics_ms: text === null ? null : round(text, 3),
        prom_client_share: fill === null || text === null ? null : round(text / (fill + text), 3),
        ...shape(p.body),
      };
      return [f, result];
    }),
  ) as Record<MetricsFormat, FormatResult>;
  return {
    destinations: n,
    sockets: t.length,
    listed: snap?.portBudgets.length ?? 0,
    rest: snap?.portBudgetRest?.destinations ?? 0,
    tick_ms: round(tickMs, 3),
    tick_min_ms: round(Math.min(...ticks), 3),
    tick_max_ms: round(Math.max(...ticks), 3),
    formats,
  };
}

async function firstEphemeralPort(): Promise<number> {
  const low = Number((await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/)[0]);
  return Number.isInteger(low) && low > 0 ? low : 32768;
}

export async function benchMetrics(opts: { log?: (line: string) => void; topK?: number } = {}): Promise<MetricsBenchResult> {
  const log = opts.log ?? (() => undefined);
  const topK = opts.topK ?? METRICS_BENCH_TOP_K;
  const start = performance.now();
  const firstPort = await firstEphemeralPort();
  const sizes: MetricsSizeResult[] = [];
  for (const n of METRICS_DESTINATIONS) {
    log(`metrics: ${n.toLocaleString('en')} destinations, top K ${topK}: tick and exposition, median of ${RUNS} after ${WARMUPS} warmups…`);
    sizes.push(await measureSize(n, topK, firstPort));
  }
  const largest = sizes[sizes.length - 1];
  const slower = FORMATS.map((f) => largest.formats[f]).reduce((a, b) => (b.first_render_ms > a.first_render_ms ? b : a));
  const beyond = sizes.filter((s) => s.destinations > topK);
  let spread = 0;
  let seriesEqual = true;
  for (const f of FORMATS) {
    const bytes = beyond.map((s) => s.formats[f].bytes);
    spread = Math.max(spread, Math.max(...bytes) / Math.min(...bytes) - 1);
    if (new Set(beyond.map((s) => s.formats[f].series)).size !== 1) seriesEqual = false;
  }
  return {
    top_k: topK,
    runs: RUNS,
    warmups: WARMUPS,
    sizes,
    render_over_tick_10k: slower.render_over_tick,
    render_ms_10k: slower.first_render_ms,
    tick_ms_10k: largest.tick_ms,
    size_spread_beyond_k: round(spread, 4),
    series_equal_beyond_k: seriesEqual,
    total_s: round((performance.now() - start) / 1000, 1),
    targets: {
      metrics_render_le_quarter_tick_10k: slower.render_over_tick <= RENDER_TICK_TARGET,
      metrics_size_flat_beyond_k: seriesEqual && spread <= SIZE_SPREAD_TARGET,
    },
  };
}

/** The section's lines for bench.ts's report. */
export function metricsReport(r: MetricsBenchResult): string[] {
  const head = ['destinations', 'sockets', 'tick ms', 'format', 'first render ms', 'render/tick', 'fill ms', 'metrics() ms', 'prom-client %', 'cached µs', 'bytes', 'series', 'dest series'];
  const body: string[][] = [];
  for (const s of r.sizes) {
    for (const f of FORMATS) {
      const x = s.formats[f];
      const first = f === FORMATS[0];
      body.push([
        first ? s.destinations.toLocaleString('en') : '',
        first ? String(s.sockets) : '',
        first ? s.tick_ms.toFixed(2) : '',
        f,
        x.first_render_ms.toFixed(3),
        x.render_over_tick.toFixed(3),
        x.fill_ms === null ? '–' : x.fill_ms.toFixed(3),
        x.registry_metrics_ms === null ? '–' : x.registry_metrics_ms.toFixed(3),
        x.prom_client_share === null ? '–' : (x.prom_client_share * 100).toFixed(0),
        x.cached_render_us.toFixed(1),
        String(x.bytes),
        String(x.series),
        String(x.destination_series),
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const lines = [head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i])).join('  '));
  const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
  return [
    `Prometheus exposition (top K ${r.top_k}; real Collector over a synthetic table, read and aggregated every tick; medians of ${r.runs} after ${r.warmups} warmups; first render = update + fill + registry.metrics(), cached = the same snapshot scraped again):`,
    ...lines,
    `metrics targets: first render ≤ ${RENDER_TICK_TARGET} × tick at 10,000 destinations ${verdict(r.targets.metrics_render_le_quarter_tick_10k)} ` +
      `(${r.render_ms_10k} ms / ${r.tick_ms_10k} ms = ${r.render_over_tick_10k}); size flat beyond K ${verdict(r.targets.metrics_size_flat_beyond_k)} ` +
      `(series ${r.series_equal_beyond_k ? 'equal' : 'DIFFER'}, bytes spread ${(r.size_spread_beyond_k * 100).toFixed(2)} % ≤ ${SIZE_SPREAD_TARGET * 100} %); section took ${r.total_s} s`,
  ];
}

// alone: node --import tsx electron/bench/bench-metrics.ts [--json]
if (/bench-metrics\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  benchMetrics({ log: (l) => void process.stderr.write(`bench: ${l}\n`) }).then(
    (r) => {
      console.log(metricsReport(r).join('\n'));
      if (process.argv.includes('--json')) console.log(JSON.stringify(r));
    },
    (e) => {
      console.error(`bench: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
