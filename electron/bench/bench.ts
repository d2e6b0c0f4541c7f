// `npm run bench [-- --sockets N[,N…]] [--json] [--repeats R] [--ticks T] [--cpu-seconds S] [--cpu-warmup S] [--history-only | --metrics-only]`
//
// As root, builds a private network namespace per socket count, fills it with real sockets (mostly
// TIME_WAIT, plus IPv6, ESTABLISHED and CLOSE_WAIT/FIN_WAIT2 pairs, made by native/sockmaker.c) and
// measures side by side, medians over repeats: Waitline's full snapshot (table + aggregates), `ss
// -tan` (wall, output to /dev/null), and reading /proc/net/tcp. Then, with 1,000 sockets: collector
// CPU at 1 Hz, memory after 86,400 simulated ticks, and the per-tick payload; per-connection tcp_info
// for 1, 50 and 200 connections against the table read at each count (bench-conn-info.ts); and the
// renderer's per-tick cost when electron/bench/bench-render.ts exists. Before all that: history on disk and export
// (bench-history.ts; alone, without root: --history-only), then serve's Prometheus exposition against
// the collector tick that feeds it (bench-metrics.ts; alone, without root: --metrics-only). With --json
// the last line printed is one JSON object (waitline_ms, ss_ms, procfs_ms, ratio_vs_ss for the largest
// N, and everything else). Options: bench-args.ts.
//
// The host's sysctls are never touched: only the namespace's (bench-measure.ts checks it is in one).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/args';
import { parseBenchArgs, USAGE, type BenchOptions } from './bench-args';
import { benchConnInfo, connInfoReport } from './bench-conn-info';
import { benchHistory, historyReport } from './bench-history';
import { benchMetrics, metricsReport } from './bench-metrics';
import { measureLarge, measureSize, measureSteady, SOCKMAKER, type LargeResult, type LargeRun, type SizeResult, type SteadyResult } from './bench-measure';

const log = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);

/** Runs one measurement in a fresh namespace: this script again, under `ip netns exec`. */
async function inNamespace<T>(job: string, opts: BenchOptions): Promise<T> {
  const ns = `wl-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const add = await run('ip', ['netns', 'add', ns]);
  if (add.code !== 0) throw new Error(`cannot create a network namespace (ip netns add): ${add.stderr.trim()}`);
  try {
    const args = [
      'netns', 'exec', ns, process.execPath, '--expose-gc', '--import', 'tsx', join('electron', 'bench', 'bench.ts'),
      '--inner', job, '--repeats', String(opts.repeats), '--ticks', String(opts.ticks), '--cpu-seconds', String(opts.cpuSeconds), '--cpu-warmup', String(opts.cpuWarmup),
      '--large-seconds', String(opts.largeSeconds),
    ];
    const r = await run('ip', args, true);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || !line.startsWith('RESULT ')) {
      throw new Error(`the measurement "${job}" failed (exit ${r.code}): ${line || r.stderr.trim().split('\n').pop()}`);
    }
    return JSON.parse(line.slice(7)) as T;
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
}

function run(cmd: string, args: string[], passStderr = false): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (passStderr) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function renderCost(): Promise<Record<string, unknown> | { error: string } | null> {
  const file = join('electron', 'bench', 'bench-render.ts');
  if (!existsSync(file)) return null;
  try {
    // optional module written by the dashboard work; loaded by path so this file compiles without it
    const load = require as (id: string) => unknown;
    const mod = load(join(process.cwd(), file)) as { benchRender?: (o: { log: (m: string) => void }) => Promise<Record<string, unknown>> };
    if (typeof mod.benchRender !== 'function') return { error: 'bench-render.ts does not export benchRender()' };
    return await mod.benchRender({ log });
  } catch (e) {
    log(`renderer bench FAILED: ${(e as Error).message}`);
    return { error: (e as Error).message };
  }
}

function table(rows: SizeResult[]): string {
  const head = ['sockets', 'source', 'waitline ms', '(read ms)', 'floor ms', 'ss -tan ms', '/proc read ms', '/proc parse ms', 'ratio vs ss', 'floor vs ss', 'vs floor', 'payload B'];
  const body = rows.map((r) => [
    String(r.sockets), r.socket_source, r.waitline_ms.toFixed(1), r.source_ms.toFixed(1), r.floor_ms.toFixed(1), r.ss_ms.toFixed(1),
    r.procfs_ms.toFixed(1), r.procfs_table_ms.toFixed(1), r.ratio_vs_ss.toFixed(3), r.floor_ratio_vs_ss.toFixed(3), r.ratio_vs_floor.toFixed(2), String(r.payload_bytes_max),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseBenchArgs>;
  try {
    opts = parseBenchArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`bench: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (opts.inner) {
    const [kind, n] = opts.inner.split(':');
    const result =
      kind === 'size'
        ? await measureSize(Number(n), opts.repeats)
        : kind === 'large'
          ? await measureLarge(Number(n), opts.largeSeconds)
          : await measureSteady(Number(n), opts.cpuSeconds, opts.ticks, opts.cpuWarmup);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    return 0;
  }
  if (opts.historyOnly) {
    const history = await benchHistory({ log });
    console.log(historyReport(history).join('\n'));
    if (opts.json) console.log(JSON.stringify(history));
    return 0;
  }
  if (opts.metricsOnly) {
    const metrics = await benchMetrics({ log });
    console.log(metricsReport(metrics).join('\n'));
    if (opts.json) console.log(JSON.stringify(metrics));
    return 0;
  }

  if (process.getuid?.() !== 0) {
    console.error('bench: needs root — it builds private network namespaces (ip netns) and sets sysctls only inside them. Run it as root.');
    return 1;
  }
  if (!existsSync(SOCKMAKER)) {
    console.error(`bench: ${SOCKMAKER} is missing — run \`npm run build:native\` (needs g++) from the repository root.`);
    return 1;
  }

  // first, while this process is fresh: its export figure is a memory peak, its queries compete for the CPU
  log('history on disk and export…');
  const history = await benchHistory({ log });
  // then the exposition of serve's /metrics against the tick that feeds it (in this process, no namespace)
  log('Prometheus exposition…');
  const metrics = await benchMetrics({ log });

  const sizes: SizeResult[] = [];
  for (const n of opts.sockets) {
    log(`${n} sockets: making them in a fresh namespace and timing ${opts.repeats} rounds…`);
    const r = await inNamespace<SizeResult>(`size:${n}`, opts);
    log(`${n} sockets (${r.sockets} in the table, ss printed ${r.ss_rows}; made in ${r.make_s} s): waitline ${r.waitline_ms} ms, ss ${r.ss_ms} ms, /proc ${r.procfs_ms} ms`);
    sizes.push(r);
  }
  let large: LargeResult | null = null;
  if (opts.large > 0) {
    log(`${opts.large} long-lived sockets: the collector in a worker at 1 Hz, ${opts.largeSeconds} s with netlink then /proc…`);
    large = await inNamespace<LargeResult>(`large:${opts.large}`, opts);
  }
  log(`1000 sockets: CPU at 1 Hz for ${opts.cpuSeconds} s after ${opts.cpuWarmup} s of warm-up, then memory over ${opts.ticks} simulated ticks…`);
  const steady = await inNamespace<SteadyResult>('steady:1000', opts);
  // tcp_info of 1, 50 and 200 connections by exact lookup against the table read (bench-conn-info.ts)
  const connInfo = await benchConnInfo({ sockets: opts.sockets.filter((n) => n >= 500), repeats: opts.repeats, log });
  log('renderer per-tick cost…');
  const render = await renderCost();

  const largest = sizes[sizes.length - 1];
  const payloadMax = Math.max(steady.payload_bytes_max, ...sizes.map((s) => s.payload_bytes_max), ...(large?.runs ?? []).map((r) => r.payload_bytes_max));
  type Target = { value: number | string | null; limit: number | string; met: boolean | null };
  const targets: Record<string, Target> = {};
  const judge = (name: string, value: number | null, limit: number, le = true) => {
    targets[name] = { value, limit, met: value === null || Number.isNaN(value) ? null : le ? value <= limit : value >= limit };
  };
  // issue 16 judges 10k, 100k and 500k; every size measured is judged
  for (const r of sizes) judge(`snapshot_le_0.35_ss_${r.sockets_requested}`, r.ratio_vs_ss, 0.35);
  for (const r of sizes) judge(`snapshot_le_1.3_floor_${r.sockets_requested}`, r.ratio_vs_floor, 1.3);
  judge('cpu_le_1pct_at_1hz_1k', steady.cpu_pct_1hz, 1);
  targets.memory_flat = { value: steady.heap_growth_mb, limit: 'within 2 MB or 5 % of the warm heap', met: steady.memory_flat };
  judge('payload_le_16kb', payloadMax, 16 * 1024);
  const nl = large?.runs.find((r) => r.source === 'netlink') ?? null;
  const pf = large?.runs.find((r) => r.source === 'procfs') ?? null;
  judge('serving_thread_blocked_le_50ms_500k', nl ? Math.max(nl.loop_delay_max_ms, nl.timer_lag_max_ms) : null, 50);
  judge('serving_thread_blocked_le_50ms_500k_procfs', pf ? Math.max(pf.loop_delay_max_ms, pf.timer_lag_max_ms) : null, 50);
  // the larger of the window's share and the share over whole cadence cycles
  const cpuOf = (r: LargeRun | null) => (r ? Math.max(r.cpu_pct, r.cpu_pct_cycles ?? 0) : null);
  judge('collector_cpu_le_20pct_500k', cpuOf(nl), 20);
  judge('collector_cpu_le_20pct_500k_procfs', cpuOf(pf), 20);
  targets.history_30d_query_le_50ms = { value: history.query_30d_ms_median, limit: 50, met: history.targets.history_30d_query_le_50ms };
  targets.metrics_render_le_quarter_tick_10k = { value: metrics.render_over_tick_10k, limit: 0.25, met: metrics.targets.metrics_render_le_quarter_tick_10k };
  targets.metrics_size_flat_beyond_k = { value: null, limit: 'flat', met: metrics.targets.metrics_size_flat_beyond_k };
  const renderError = render !== null && 'error' in render ? String(render.error) : null;
  if (render !== null && !renderError) {
    const r = render as Record<string, unknown>;
    for (const [k, v] of Object.entries(r)) if (/^perTickMs/.test(k) && typeof v === 'number') judge(`render_${k}_le_4ms`, v, 4);
  } else if (renderError) {
    targets.render = { value: `error: ${renderError}`, limit: 4, met: false };
  }
  const summary = {
    sockets: largest.sockets,
    socket_source: largest.socket_source,
    waitline_ms: largest.waitline_ms,
    ss_ms: largest.ss_ms,
    procfs_ms: largest.procfs_ms,
    ratio_vs_ss: largest.ratio_vs_ss,
    cpu_pct_1hz_1k: steady.cpu_pct_1hz,
    cpu_pct_1hz_1k_start: steady.cpu_pct_1hz_start,
    memory_flat: steady.memory_flat,
    heap_growth_mb: steady.heap_growth_mb,
    payload_bytes_max: payloadMax,
    history_30d_query_ms: history.query_30d_ms_median,
    metrics_render_ms_10k: metrics.render_ms_10k,
    metrics_render_over_tick_10k: metrics.render_over_tick_10k,
    conn_info_200_ms: connInfo.sizes[connInfo.sizes.length - 1]?.conn_info_ms['200'] ?? null,
    targets,
    sizes,
    steady,
    large,
    render,
    history,
    metrics,
    conn_info: connInfo,
  };

  console.log('');
  console.log(table(sizes));
  console.log('');
  console.log(
    `collector CPU at 1 Hz, ${steady.sockets} sockets: ${steady.cpu_pct_1hz} % of a core over ${steady.cpu_seconds} s at rest, ` +
      `from ${steady.cpu_warmup_s} s after start (${steady.cpu_process} in plain Node, ${steady.cpu_ms_per_tick} ms per tick all in, ` +
      `${steady.owner_scans_in_window} owner scans); right after start-up, while V8 compiles the tick: ` +
      (steady.cpu_pct_1hz_start === null ? 'not measured (warm-up too short)' : `${steady.cpu_pct_1hz_start} % over ${steady.cpu_start_seconds} s`),
  );
  console.log(`memory over ${steady.ticks_simulated} simulated ticks (${steady.sim_wall_s} s): heap ${steady.heap_mb_after_warmup} → ${steady.heap_mb_end} MB (max ${steady.heap_mb_max}), rss ${steady.rss_mb_after_warmup} → ${steady.rss_mb_end} MB — ${steady.memory_flat ? 'flat' : 'GROWING'}`);
  console.log(`largest per-tick payload: ${payloadMax} bytes of JSON`);
  console.log(`renderer per-tick cost: ${render === null ? 'not measured (electron/bench/bench-render.ts is not there)' : JSON.stringify(render)}`);
  if (render !== null && !renderError && typeof (render as { floorMsPerTick?: unknown }).floorMsPerTick === 'number') {
    const r = render as { floorMsPerTick: number; aboveFloorMs: Record<string, number>; browserFloorMsPerTick: number };
    console.log(
      `renderer floor (the Tuning view, a few text nodes per tick): ${r.floorMsPerTick} ms per tick; each view above it: ` +
        Object.entries(r.aboveFloorMs).map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v}`).join(', ') + ' ms',
    );
    console.log(`the browser's own floor (a page of one text line, no app, the same measure): ${r.browserFloorMsPerTick} ms per tick`);
  }
  console.log(historyReport(history).join('\n'));
  console.log(metricsReport(metrics).join('\n'));
  console.log(connInfoReport(connInfo).join('\n'));
  if (large) console.log(`${large.sockets_requested} long-lived sockets made in ${large.make_s} s; serving thread with nothing collecting: delayed ≤ ${large.baseline_loop_delay_max_ms} ms (p99 ${large.baseline_loop_delay_p99_ms} ms, timer lag ≤ ${large.baseline_timer_lag_max_ms} ms) — the machine's own load`);
  for (const r of large?.runs ?? []) {
    console.log(
      `${large!.sockets_requested} long-lived sockets, ${r.source}, collector in a worker at 1 Hz for ${r.seconds} s: serving thread delayed ≤ ${r.loop_delay_max_ms} ms ` +
        `(p99 ${r.loop_delay_p99_ms} ms, timer lag ≤ ${r.timer_lag_max_ms} ms); CPU ${r.cpu_pct} % of a core (${r.cpu_pct_cycles ?? '–'} % over whole read cycles); ${r.table_reads} table reads ` +
        `(${r.table_tick_ms} ms each, every ${r.table_interval_s ?? '–'} s); ${r.owner_scans} owner scans; rss ≤ ${r.rss_mb_max} MB; first tick ${r.first_tick_ms} ms`,
    );
  }
  const verdict = (t: Target) => (t.met === null ? 'n/a' : t.met ? 'MET' : 'MISSED');
  console.log(`targets: ${Object.entries(targets).map(([k, t]) => `${k} ${verdict(t)} (${t.value} vs ${t.limit})`).join(', ')}`);
  if (opts.json) console.log(JSON.stringify(summary));
  if (renderError) {
    console.error(`bench: the renderer bench failed: ${renderError}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(1);
  },
);
