// History on disk and export, measured on real files (the issue "history on disk + export"):
//   node --import tsx electron/bench/bench-history.ts [--json]      (alone; no root needed)
//   npm run bench -- --history-only [--json]                        (the same, through bench.ts)
// and as one section of a full `npm run bench`.
//
// 1. Queries over 30 days. A real history file is built in a temp folder: 28 days of minute rollups
//    written straight into `rollup_1m` (one SQL insert per 2,000 minutes, the columns ROLLUP_SQL fills),
//    then the last 48 h as 172,800 one-second samples through PersistentHistory.pushSample with a fast
//    clock, flushed every 3,600 samples (the app's own INSERT, rollup and prune). The file is closed and
//    opened again by a fresh PersistentHistory (empty memory ring, so every query reaches the file), and
//    each query is timed: median of 21 after 2 warmups.
// 2. Bytes per day: dbstat (the pages each table occupies) of that file after its close (which
//    checkpoints the WAL), divided by the days each table covers; cross-checked by the file's growth
//    while the 48 h of seconds were written.
// 3. Export: exportSockets writes 1,000,000 synthetic rows, made one at a time by a generator, as CSV to
//    a file; RSS and heap are sampled every 50 ms and every 10,000 rows. The peak above the level
//    before is set against the file's size: what holding the CSV as one string would take at least.
//
// The rollups are inserted through the history file's own sqlite3 connection (HistoryDb keeps it in a
// private field): the bench layer may not import the sqlite3 package itself (eslint.config.mjs), and
// reusing the writer's connection needs no second lock. The same handle runs dbstat and EXPLAIN.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rng } from './rng';
import { HISTORY_RATE_SERIES } from '../../shared/history';
import type { HistoryRateSeries } from '../../shared/api';
import type { SocketRow } from '../../shared/snapshot';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import { exportSockets } from '../history/export';
import { HISTORY_FILE, type HistoryDb } from '../history/history-db';
import { PersistentHistory } from '../history/persistent-history';
import { bucketQuerySql, HOUR_ROLLUP_MS, HOUR_ROLLUP_SQL, ROLLUP_MS, SAMPLE_RETENTION_MS, ROLLUP_RETENTION_MS, SERIES_COLUMNS } from '../history/schema';

/** The issue's target for a 30-day chart (1000 points) answered from the file. */
export const QUERY_30D_TARGET_MS = 50;

const DAY_MS = 86_400_000;
const WARMUPS = 2;
const RUNS = 21;
const DENSE_SAMPLES = SAMPLE_RETENTION_MS / 1000; // 172,800: the whole 1 s tier
const FLUSH_EVERY = 3600;
const ROLLUP_DAYS = 28; // before the 48 h of seconds: 30 days in all
const EXPORT_ROWS = 1_000_000;

export interface QueryTiming {
  span: string;
  maxPoints: number;
  /** the tier HistoryDb.query picked for this range */
  tier: string;
  points: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
}

export interface HistoryBenchResult {
  /** building the 30-day file */
  build: {
    rollup_rows_inserted: number;
    rollup_insert_s: number;
    samples_pushed: number;
    flushes: number;
    /** pushSample + flush, all in, per sample */
    write_us_per_sample: number;
    flush_ms_median: number;
    build_s: number;
  };
  /** opening the finished file (lock, quick_check, WAL) in a fresh PersistentHistory */
  open_ms: number;
  queries: QueryTiming[];
  query_30d_ms_median: number;
  query_30d_plan: string[];
  /** the 30-day bucket SQL run on the file's connection, medians (ms): its aggregates without the
   *  GROUP BY (so no sorter), as is with a 16 MB page cache (default 2 MB), and over hourly rollups */
  query_30d_diagnosis: { sql_without_group_by_ms: number; sql_cache_16mb_ms: number; sql_hourly_rollups_ms: number };
  disk: {
    file_bytes_after_close: number;
    wal_bytes_after_close: number;
    samples_rows: number;
    samples_bytes: number;
    rollup_rows: number;
    rollup_bytes: number;
    other_bytes: number;
    samples_bytes_per_day: number;
    rollup_bytes_per_day: number;
    /** growth of the file (page_count × page_size) while the 48 h of seconds were written, per day:
     *  1 s rows plus their minute rollups */
    growth_bytes_per_day_first_48h: number;
    /** 48 h of 1 s samples + 90 days of rollups (+ the rest as measured), MB (10^6 bytes) */
    projected_bounded_mb: number;
  };
  export: {
    rows: number;
    bytes: number;
    file_bytes: number;
    seconds: number;
    rows_per_s: number;
    rss_mb_before: number;
    rss_mb_peak: number;
    rss_delta_mb: number;
    heap_mb_before: number;
    heap_mb_peak: number;
    heap_delta_mb: number;
    /** external + arrayBuffers (stream buffers live there) */
    external_delta_mb: number;
    memory_samples: number;
    /** peak RSS delta as a share of the file: holding the CSV as one string needs ≥ 1 byte per byte */
    rss_delta_vs_file: number;
  };
  gc_available: boolean;
  total_s: number;
  targets: { history_30d_query_le_50ms: boolean };
}

type Row = Record<string, number | string | null>;
interface RawDb {
  run(sql: string, params?: unknown[]): Promise<void>;
  all(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** The sqlite3 connection a HistoryDb writes through (its private `db`). */
function rawOf(file: HistoryDb | null): RawDb {
  const db = (file as unknown as { db?: Partial<RawDb> } | null)?.db;
  if (!db || typeof db.run !== 'function' || typeof db.all !== 'function') {
    throw new Error('no history file, or HistoryDb no longer keeps its connection in `db` (update electron/bench/bench-history.ts)');
  }
  return db as RawDb;
}

const round = (x: number, d = 2): number => Number(x.toFixed(d));
const mb = (bytes: number): number => round(bytes / 1e6, 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** global.gc when node runs with --expose-gc, else enabled now (the flag can be set at run time). */
function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}


/** A busy host's load at time t: a daily wave, an hourly ripple, and a burst of TIME_WAIT lasting a
 *  few minutes in about one hour in five. Returns TIME_WAIT's level (before per-second noise). */
function timeWaitLevel(tMs: number): number {
  const day = (2 * Math.PI * (tMs % DAY_MS)) / DAY_MS;
  const hour = (2 * Math.PI * (tMs % 3600_000)) / 3600_000;
  let level = 2600 + 1700 * Math.sin(day - Math.PI / 2) + 300 * Math.sin(hour * 3);
  const h = Math.floor(tMs / 3600_000);
  const hash = Math.imul(h ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  if (hash % 5 === 0) {
    const startMin = hash % 50;
    const lenMin = 2 + (hash % 7);
    const min = Math.floor((tMs % 3600_000) / 60_000);
    if (min >= startMin && min < startMin + lenMin) level += 12_000 + (hash % 14_000);
  }
  return Math.max(0, level);
}

/** One second's states and rates (the collector's rates are counter deltas over a measured interval,
 *  so they are fractional). */
function sampleAt(tMs: number, rnd: () => number): { states: Partial<Record<TcpState, number>>; rates: Partial<Record<HistoryRateSeries, number>> } {
  const tw = Math.round(timeWaitLevel(tMs) * (0.97 + 0.06 * rnd()));
  const estab = Math.round(420 + tw * 0.08 + 40 * rnd());
  const dt = 0.995 + 0.01 * rnd();
  const arrivals = Math.round((tw / 60) * (0.9 + 0.2 * rnd()));
  return {
    states: {
      ESTABLISHED: estab,
      SYN_SENT: Math.floor(rnd() * 4),
      FIN_WAIT1: Math.floor(rnd() * 3),
      FIN_WAIT2: Math.floor(rnd() * 25),
      TIME_WAIT: tw,
      CLOSE_WAIT: 12 + Math.floor(rnd() * 30),
      LAST_ACK: rnd() < 0.3 ? 1 : 0,
      LISTEN: 14,
      NEW_SYN_RECV: Math.floor(rnd() * 3),
    },
    rates: {
      timeWaitArrivals: arrivals / dt,
      activeOpens: Math.round(arrivals * 0.8) / dt,
      passiveOpens: Math.round(arrivals * 0.3) / dt,
      resets: Math.floor(rnd() * 6) / dt,
      twOverflow: tw > 10_000 ? Math.floor(rnd() * 40) / dt : 0,
      twRecycled: 0,
    },
  };
}

/** One minute's rollup row (t, n, then min/max/avg of every series in SERIES_COLUMNS order), from six
 *  seconds drawn across the minute (cheaper than sixty; the values have the same kind of fractions). */
function rollupRow(tMs: number, rnd: () => number): number[] {
  const n = SERIES_COLUMNS.length;
  const min = new Array<number>(n).fill(Infinity);
  const max = new Array<number>(n).fill(-Infinity);
  const sum = new Array<number>(n).fill(0);
  const draws = 6;
  for (let k = 0; k < draws; k++) {
    const { states, rates } = sampleAt(tMs + k * 10_000 + Math.floor(rnd() * 10_000), rnd);
    const values = [...TCP_STATES.map((s) => states[s] ?? 0), ...HISTORY_RATE_SERIES.map((r) => rates[r] ?? 0)];
    values.forEach((v, i) => {
      if (v < min[i]) min[i] = v;
      if (v > max[i]) max[i] = v;
      sum[i] += v;
    });
  }
  const row: number[] = [tMs, 60];
  for (let i = 0; i < n; i++) row.push(min[i], max[i], sum[i] / draws);
  return row;
}

const INSERT_ROLLUPS_SQL = `INSERT INTO rollup_1m (t, n, ${SERIES_COLUMNS.map((c) => `${c}_min, ${c}_max, ${c}_avg`).join(', ')})
  SELECT value ->> 0, value ->> 1, ${SERIES_COLUMNS.flatMap((_, i) => [0, 1, 2].map((k) => `value ->> ${2 + i * 3 + k}`)).join(', ')} FROM json_each(?1)`;

async function buildFile(dir: string, now: number, log: (l: string) => void): Promise<{ build: HistoryBenchResult['build']; sizeBeforeDense: number; sizeAfterDense: number }> {
  const t0 = performance.now();
  const h = await PersistentHistory.open({ dir, capacity: 3600, flushIntervalMs: 3_600_000 });
  if (h.storage.mode !== 'disk' || !h.file) throw new Error(`the history file did not open for writing: ${h.storage.message ?? h.storage.mode}`);
  try {
    return await fill(h, h.file, now, log, t0);
  } finally {
    await h.close();
  }
}

async function fill(h: PersistentHistory, file: HistoryDb, now: number, log: (l: string) => void, t0: number): Promise<{ build: HistoryBenchResult['build']; sizeBeforeDense: number; sizeAfterDense: number }> {
  const raw = rawOf(file);
  const rnd = rng(20261202);

  // 28 days of minute rollups, ending where the 1 s tier begins
  const denseStart = now - SAMPLE_RETENTION_MS; // first 1 s sample at denseStart + 1 s
  const rollupStart = Math.floor((denseStart - ROLLUP_DAYS * DAY_MS) / ROLLUP_MS) * ROLLUP_MS;
  const rollupEnd = Math.floor(denseStart / ROLLUP_MS) * ROLLUP_MS; // exclusive: that minute comes from samples
  const r0 = performance.now();
  let inserted = 0;
  await raw.run('BEGIN IMMEDIATE');
  let batch: number[][] = [];
  for (let t = rollupStart; t < rollupEnd; t += ROLLUP_MS) {
    batch.push(rollupRow(t, rnd));
    if (batch.length === 2000) {
      await raw.run(INSERT_ROLLUPS_SQL, [JSON.stringify(batch)]);
      inserted += batch.length;
      batch = [];
    }
  }
  if (batch.length) await raw.run(INSERT_ROLLUPS_SQL, [JSON.stringify(batch)]);
  inserted += batch.length;
  // and their hour rollups, as a flush makes them from the minute rows it touched
  await raw.run(HOUR_ROLLUP_SQL, [Math.floor(rollupStart / HOUR_ROLLUP_MS) * HOUR_ROLLUP_MS]);
  await raw.run('COMMIT');
  const rollupS = (performance.now() - r0) / 1000;
  const sizeBeforeDense = await file.sizeBytes();
  log(`history: ${inserted} minute rollups (${ROLLUP_DAYS} days) inserted in ${rollupS.toFixed(1)} s; writing 48 h of 1 s samples…`);

  // 48 h of seconds through the real intake, flushed every hour of samples
  const w0 = performance.now();
  const flushMs: number[] = [];
  for (let i = 1; i <= DENSE_SAMPLES; i++) {
    const t = denseStart + i * 1000;
    const s = sampleAt(t, rnd);
    h.pushSample(t, s.states, s.rates);
    if (i % FLUSH_EVERY === 0) {
      const f0 = performance.now();
      await h.flush();
      flushMs.push(performance.now() - f0);
      if (h.storage.mode !== 'disk') throw new Error(`a flush failed: ${h.storage.message}`);
    }
  }
  await h.flush();
  const writeS = (performance.now() - w0) / 1000;
  const sizeAfterDense = await file.sizeBytes();
  return {
    build: {
      rollup_rows_inserted: inserted,
      rollup_insert_s: round(rollupS),
      samples_pushed: DENSE_SAMPLES,
      flushes: flushMs.length,
      write_us_per_sample: round((writeS * 1e6) / DENSE_SAMPLES),
      flush_ms_median: round(median(flushMs)),
      build_s: round((performance.now() - t0) / 1000),
    },
    sizeBeforeDense,
    sizeAfterDense,
  };
}

async function timeQueries(dir: string, now: number): Promise<{ open_ms: number; queries: QueryTiming[]; plan: string[]; diagnosis: HistoryBenchResult['query_30d_diagnosis']; disk: Omit<HistoryBenchResult['disk'], 'file_bytes_after_close' | 'wal_bytes_after_close' | 'growth_bytes_per_day_first_48h'> }> {
  const o0 = performance.now();
  // a fresh process's view: nothing in memory, every query reaches the file
  const h = await PersistentHistory.open({ dir, capacity: 60, flushIntervalMs: 3_600_000 });
  const openMs = performance.now() - o0;
  try {
    const file = h.file;
    if (!file) throw new Error(`the history file did not open: ${h.storage.message ?? h.storage.mode}`);
    const raw = rawOf(file);
    const spans: [string, number, number][] = [
      ['30 d', 30 * DAY_MS, 1000],
      ['48 h', 48 * 3600_000, 1000],
      ['8 h', 8 * 3600_000, 1000],
      ['1 h', 3600_000, 1000],
    ];
    const queries: QueryTiming[] = [];
    for (const [span, ms, maxPoints] of spans) {
      const q = { fromMs: now - ms, toMs: now, maxPoints };
      const times: number[] = [];
      let points = 0;
      for (let k = 0; k < WARMUPS + RUNS; k++) {
        const q0 = performance.now();
        const r = await h.query(q);
        const dt = performance.now() - q0;
        if (k >= WARMUPS) times.push(dt);
        points = r.times.length;
        if (points > maxPoints) throw new Error(`${span}: ${points} points for maxPoints ${maxPoints}`);
      }
      const { tier } = await file.query(q.fromMs, q.toMs, maxPoints, false);
      queries.push({ span, maxPoints, tier, points, median_ms: round(median(times)), min_ms: round(Math.min(...times)), max_ms: round(Math.max(...times)) });
    }

    // how SQLite runs the 30-day query (the rollup tier, buckets rounded up to whole minutes), and what
    // its parts cost: the same aggregates without GROUP BY (no sorter), the same query with a 16 MB page
    // cache, and over hourly rollups made from the minute rows (a TEMP table: the file is not changed)
    const from30 = now - 30 * DAY_MS;
    const bucket = Math.max(ROLLUP_MS, Math.ceil(Math.ceil((30 * DAY_MS + 1) / 500) / ROLLUP_MS) * ROLLUP_MS);
    const sql30 = bucketQuerySql('rollup_1m');
    const plan = (await raw.all(`EXPLAIN QUERY PLAN ${sql30}`, [from30, now, bucket])).map((r) => String(r.detail));
    const timeSql = async (sql: string, params: unknown[]) => {
      const times: number[] = [];
      for (let k = 0; k < WARMUPS + RUNS; k++) {
        const q0 = performance.now();
        await raw.all(sql, params);
        if (k >= WARMUPS) times.push(performance.now() - q0);
      }
      return round(median(times));
    };
    const noGroupMs = await timeSql(sql30.replace(/GROUP BY[^]*$/, ''), [from30, now]);
    const hourly = `temp.bench_rollup_1h`;
    await raw.run(
      `CREATE TEMP TABLE bench_rollup_1h (t INTEGER PRIMARY KEY, n INTEGER NOT NULL, ${SERIES_COLUMNS.map((c) => `${c}_min REAL, ${c}_max REAL, ${c}_avg REAL`).join(', ')})`,
    );
    await raw.run(
      `INSERT INTO ${hourly} SELECT (t / 3600000) * 3600000, sum(n), ${SERIES_COLUMNS.map((c) => `min(${c}_min), max(${c}_max), sum(${c}_avg * n) / sum(n)`).join(', ')} FROM rollup_1m GROUP BY 1`,
    );
    const hourlyMs = await timeSql(sql30.replace('FROM rollup_1m', `FROM ${hourly}`), [from30, now, Math.ceil(bucket / 3600_000) * 3600_000]);
    await raw.run(`DROP TABLE ${hourly}`);
    await raw.run('PRAGMA cache_size = -16000');
    const bigCacheMs = await timeSql(sql30, [from30, now, bucket]);
    await raw.run('PRAGMA cache_size = -2000');

    const pages = await raw.all('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name');
    const bytesOf = (name: string) => Number(pages.find((p) => p.name === name)?.bytes ?? 0);
    const allBytes = pages.reduce((a, p) => a + Number(p.bytes), 0);
    const counts = (await raw.all('SELECT (SELECT count(*) FROM samples) AS s, (SELECT count(*) FROM rollup_1m) AS r'))[0];
    const samplesRows = Number(counts.s);
    const rollupRows = Number(counts.r);
    const samplesBytes = bytesOf('samples');
    const rollupBytes = bytesOf('rollup_1m');
    const samplesPerDay = samplesBytes / (samplesRows / 86_400);
    const rollupPerDay = rollupBytes / (rollupRows / 1440);
    const other = allBytes - samplesBytes - rollupBytes;
    return {
      open_ms: round(openMs),
      queries,
      plan,
      diagnosis: { sql_without_group_by_ms: noGroupMs, sql_cache_16mb_ms: bigCacheMs, sql_hourly_rollups_ms: hourlyMs },
      disk: {
        samples_rows: samplesRows,
        samples_bytes: samplesBytes,
        rollup_rows: rollupRows,
        rollup_bytes: rollupBytes,
        other_bytes: other,
        samples_bytes_per_day: Math.round(samplesPerDay),
        rollup_bytes_per_day: Math.round(rollupPerDay),
        projected_bounded_mb: mb((SAMPLE_RETENTION_MS / DAY_MS) * samplesPerDay + (ROLLUP_RETENTION_MS / DAY_MS) * rollupPerDay + other),
      },
    };
  } finally {
    await h.close();
  }
}

/** 1,000,000 connection-table rows, one at a time: mostly TIME_WAIT, some ESTABLISHED with an owner,
 *  some IPv6, CLOSE_WAIT and FIN_WAIT2. */
function* syntheticRows(count: number, onEvery10k: () => void): Generator<SocketRow> {
  const rnd = rng(7);
  for (let i = 0; i < count; i++) {
    if (i % 10_000 === 0) onEvery10k();
    const v6 = i % 10 === 9;
    const pick = rnd();
    const state: TcpState = pick < 0.82 ? 'TIME_WAIT' : pick < 0.95 ? 'ESTABLISHED' : pick < 0.98 ? 'CLOSE_WAIT' : 'FIN_WAIT2';
    const owned = state === 'ESTABLISHED' || state === 'CLOSE_WAIT';
    const a = i & 0xff;
    const b = (i >>> 8) & 0xff;
    yield {
      family: v6 ? 'ipv6' : 'ipv4',
      state,
      localAddr: v6 ? `2001:db8::${(i % 4) + 1}` : `10.0.${i % 4}.${(i % 200) + 1}`,
      localPort: 32768 + (i % 28232),
      remoteAddr: v6 ? `2001:db8:1::${b.toString(16)}:${a.toString(16)}` : `10.1.${b}.${a}`,
      remotePort: [443, 80, 5432, 6379, 8080][i % 5],
      txQueue: owned && rnd() < 0.05 ? Math.floor(rnd() * 65536) : 0,
      rxQueue: state === 'CLOSE_WAIT' ? Math.floor(rnd() * 1000) : 0,
      timer: state === 'TIME_WAIT' ? 'timewait' : state === 'ESTABLISHED' ? 'keepalive' : 'none',
      timerLeftMs: state === 'TIME_WAIT' ? Math.floor(rnd() * 60_000) : state === 'ESTABLISHED' ? Math.floor(rnd() * 7_200_000) : 0,
      retransmits: rnd() < 0.01 ? 1 : 0,
      uid: owned ? 1000 + (i % 3) : 0,
      inode: owned ? 1_000_000 + i : 0,
      pid: owned ? 4000 + (i % 17) : null,
      comm: owned ? ['nginx', 'postgres', 'java', 'node, "worker"'][i % 4] : null,
    };
  }
}

async function benchExport(dir: string, gc: (() => void) | null): Promise<HistoryBenchResult['export']> {
  const path = join(dir, 'sockets.csv');
  const out = createWriteStream(path);
  await once(out, 'open');
  gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let peakExternal = before.external + before.arrayBuffers;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.external + m.arrayBuffers > peakExternal) peakExternal = m.external + m.arrayBuffers;
  };
  const timer = setInterval(sample, 50);
  const e0 = performance.now();
  let count;
  try {
    count = await exportSockets(out, 'csv', Date.now(), syntheticRows(EXPORT_ROWS, sample));
    out.end();
    await once(out, 'finish');
  } finally {
    clearInterval(timer);
    out.destroy();
  }
  const seconds = (performance.now() - e0) / 1000;
  sample();
  const fileBytes = (await stat(path)).size;
  const rssDelta = peakRss - before.rss;
  return {
    rows: count.rows,
    bytes: count.bytes,
    file_bytes: fileBytes,
    seconds: round(seconds),
    rows_per_s: Math.round(count.rows / seconds),
    rss_mb_before: mb(before.rss),
    rss_mb_peak: mb(peakRss),
    rss_delta_mb: mb(rssDelta),
    heap_mb_before: mb(before.heapUsed),
    heap_mb_peak: mb(peakHeap),
    heap_delta_mb: mb(peakHeap - before.heapUsed),
    external_delta_mb: mb(peakExternal - before.external - before.arrayBuffers),
    memory_samples: samples,
    rss_delta_vs_file: round(rssDelta / fileBytes, 3),
  };
}

/** Runs the three measurements in fresh temp folders (removed at the end). */
export async function benchHistory(opts: { log?: (line: string) => void } = {}): Promise<HistoryBenchResult> {
  const log = opts.log ?? (() => undefined);
  const start = performance.now();
  const gc = getGc();
  const dirs: string[] = [];
  const tempDir = async (tag: string) => {
    const d = await mkdtemp(join(tmpdir(), `wl-bench-${tag}-`));
    dirs.push(d);
    return d;
  };
  try {
    // the export first, while the process holds nothing freed by the other measurements
    log(`history: exporting ${EXPORT_ROWS.toLocaleString('en')} socket rows as CSV…`);
    const exp = await benchExport(await tempDir('export'), gc);

    const dir = await tempDir('history');
    const now = Math.floor(Date.now() / 1000) * 1000;
    log('history: building a 30-day history file…');
    const built = await buildFile(dir, now, log);
    const file = join(dir, HISTORY_FILE);
    const fileBytes = (await stat(file)).size;
    const walBytes = await stat(`${file}-wal`).then((s) => s.size, () => 0);
    log(`history: timing queries (${WARMUPS} warmups, median of ${RUNS})…`);
    const q = await timeQueries(dir, now);
    const q30 = q.queries[0].median_ms;
    return {
      build: built.build,
      open_ms: q.open_ms,
      queries: q.queries,
      query_30d_ms_median: q30,
      query_30d_plan: q.plan,
      query_30d_diagnosis: q.diagnosis,
      disk: {
        file_bytes_after_close: fileBytes,
        wal_bytes_after_close: walBytes,
        ...q.disk,
        growth_bytes_per_day_first_48h: Math.round((built.sizeAfterDense - built.sizeBeforeDense) / (SAMPLE_RETENTION_MS / DAY_MS)),
      },
      export: exp,
      gc_available: gc !== null,
      total_s: round((performance.now() - start) / 1000, 1),
      targets: { history_30d_query_le_50ms: q30 <= QUERY_30D_TARGET_MS },
    };
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

/** The section's lines for bench.ts's report. */
export function historyReport(r: HistoryBenchResult): string[] {
  const d = r.disk;
  const e = r.export;
  const kb = (n: number) => `${(n / 1e3).toFixed(1)} kB`;
  return [
    `history file, 30 days (${d.rollup_rows} minute rollups, ${d.samples_rows} 1 s samples; ${r.build.rollup_rows_inserted} rollups inserted in ${r.build.rollup_insert_s} s, ` +
      `then ${r.build.samples_pushed} pushSample in ${r.build.flushes} flushes: ${r.build.write_us_per_sample} µs per sample all in, a flush of ${FLUSH_EVERY} ${r.build.flush_ms_median} ms median; built in ${r.build.build_s} s)`,
    `opening it (fresh PersistentHistory, empty memory): ${r.open_ms} ms`,
    ...r.queries.map((q) => `query ${q.span.padEnd(4)} → ≤${q.maxPoints} points from the file (${q.tier}, ${q.points} points): ${q.median_ms} ms median of ${RUNS} (min ${q.min_ms}, max ${q.max_ms})`),
    `30 days over the minute rollups instead (why the hour tier exists), plan: ${r.query_30d_plan.join(' | ')}; its SQL alone: without GROUP BY ${r.query_30d_diagnosis.sql_without_group_by_ms} ms, ` +
      `with a 16 MB page cache ${r.query_30d_diagnosis.sql_cache_16mb_ms} ms, over hourly rollups (TEMP table) ${r.query_30d_diagnosis.sql_hourly_rollups_ms} ms`,
    `on disk after close: ${mb(d.file_bytes_after_close)} MB (WAL ${d.wal_bytes_after_close} B); dbstat: samples ${mb(d.samples_bytes)} MB for ${d.samples_rows} rows → ${mb(d.samples_bytes_per_day)} MB/day (${(d.samples_bytes / d.samples_rows).toFixed(1)} B/row), ` +
      `rollup_1m ${mb(d.rollup_bytes)} MB for ${d.rollup_rows} rows → ${kb(d.rollup_bytes_per_day)}/day (${(d.rollup_bytes / d.rollup_rows).toFixed(1)} B/row), other ${kb(d.other_bytes)}`,
    `file growth while writing the 48 h of seconds: ${mb(d.growth_bytes_per_day_first_48h)} MB/day (1 s rows + their rollups); bounded total, 48 h of seconds + 90 days of rollups: ${d.projected_bounded_mb} MB`,
    `export of ${e.rows.toLocaleString('en')} socket rows as CSV: ${mb(e.bytes)} MB in ${e.seconds} s (${e.rows_per_s.toLocaleString('en')} rows/s); peak RSS ${e.rss_mb_before} → ${e.rss_mb_peak} MB (+${e.rss_delta_mb} MB, ` +
      `${(e.rss_delta_vs_file * 100).toFixed(1)} % of the file), heap +${e.heap_delta_mb} MB, buffers +${e.external_delta_mb} MB (${e.memory_samples} samples)${r.gc_available ? '' : ' (no gc: baseline less exact)'}`,
    `history target: 30-day query ≤ ${QUERY_30D_TARGET_MS} ms ${r.targets.history_30d_query_le_50ms ? 'MET' : 'MISSED'} (${r.query_30d_ms_median} ms); section took ${r.total_s} s`,
  ];
}

// alone: node --import tsx electron/bench/bench-history.ts [--json]
if (/bench-history\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  benchHistory({ log: (l) => void process.stderr.write(`bench: ${l}\n`) }).then(
    (r) => {
      console.log(historyReport(r).join('\n'));
      if (process.argv.includes('--json')) console.log(JSON.stringify(r));
    },
    (e) => {
      console.error(`bench: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
