// The measurements of `npm run bench`, run inside a throwaway network namespace (bench.ts starts this
// process with `ip netns exec`). Everything here is real: sockets made by native/sockmaker.c, the
// collector as the app runs it, `ss` from iproute2, the kernel's /proc files.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createCollector } from '../collector/index';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createNetlinkSource, loadSockDiagAddon } from '../collector/sources/netlink';
import { ALL_TCP_STATES_MASK } from '../collector/sources/sockdiag-layout';
import { WorkerCollector } from '../serve/worker-collector';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts';
import { nodeFileReader } from '../collector/sources/node-fs';
import { createProcfsSource } from '../collector/sources/procfs';
import type { Snapshot } from '../../shared/snapshot';
import { cachingReader, churningSource, SteppingClock } from './bench-replay';
import { COLLECTOR_HOST_BUNDLE, measureHostCpu } from './bench-host';
import { CommandTimer } from './command-timer';

export const SOCKMAKER = 'build/Release/wl-sockmaker';

export interface SizeResult {
  sockets_requested: number;
  /** rows in the collector's table (netlink or /proc) */
  sockets: number;
  /** rows `ss -tan` printed */
  ss_rows: number;
  time_wait: number;
  socket_source: string;
  fallback_reason: string | null;
  make_s: number;
  repeats: number;
  /** full collector tick with the table read and aggregated (median) */
  waitline_ms: number;
  /** of which the socket source read alone (median) */
  source_ms: number;
  /** `ss -tan` wall, output to /dev/null (median) */
  ss_ms: number;
  /** reading /proc/net/tcp + tcp6 into memory, no parsing (median) */
  procfs_ms: number;
  /** the /proc fallback source: read and parse into the table (median) */
  procfs_table_ms: number;
  ratio_vs_ss: number;
  /** the floor: the addon's countStates() — the same netlink dumps, each record only counted (median) */
  floor_ms: number;
  floor_ratio_vs_ss: number;
  /** waitline_ms / floor_ms */
  ratio_vs_floor: number;
  /** first tick, which also scans /proc/PID/fd for owners */
  first_tick_ms: number;
  payload_bytes_max: number;
}

export interface SteadyResult {
  sockets: number;
  /** what was measured: the built collector process, in plain Node (bench-host.ts) */
  cpu_process: string;
  cpu_seconds: number;
  ticks_1hz: number;
  /** CPU (user+sys) of the collector process over the window at rest / wall time, % of one core */
  cpu_pct_1hz: number;
  cpu_ms_per_tick: number;
  /** seconds the collector process ran before the window at rest (V8 compiles the tick's functions
   *  over the first ~2 minutes at 1 Hz: bench-host.ts) */
  cpu_warmup_s: number;
  /** the same measure from 5 s after start, JIT warm-up included (null: the warm-up was too short) */
  cpu_pct_1hz_start: number | null;
  cpu_ms_per_tick_start: number | null;
  cpu_start_seconds: number | null;
  /** /proc/PID/fd owner scans that fell inside the window (their cost is in cpu_pct_1hz) */
  owner_scans_in_window: number;
  /** largest snapshot as serialized for the renderer's MessagePort (v8.serialize), bytes */
  serialized_bytes_max: number;
  /** the collector process's resident memory at the end of the window */
  host_rss_mb: number;
  /** the collector process's CPU over the window by thread name, ms */
  host_threads_ms: Record<string, number>;
  payload_bytes_max: number;
  ticks_simulated: number;
  sim_wall_s: number;
  /** JS heap + ArrayBuffers (socket tables live in typed arrays), after a forced GC */
  heap_mb_after_warmup: number;
  heap_mb_end: number;
  heap_mb_max: number;
  rss_mb_after_warmup: number;
  rss_mb_end: number;
  heap_growth_mb: number;
  memory_flat: boolean;
  heap_samples_mb: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const log = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);

/** Refuses to touch sysctls unless this process is in another network namespace than the one that
 *  started it (bench.ts, in the host's namespace, runs us under `ip netns exec`, which execs node). */
export function assertPrivateNetns(): void {
  const mine = readlinkSync('/proc/self/ns/net');
  let parent: string;
  try {
    parent = readlinkSync(`/proc/${process.ppid}/ns/net`);
  } catch (e) {
    throw new Error(`refusing to change sysctls: cannot tell whether this is a private network namespace (${(e as Error).message})`);
  }
  if (mine === parent) throw new Error(`refusing to change sysctls: this process shares its parent's network namespace (${mine})`);
}

function setupNamespace(): void {
  assertPrivateNetns();
  const lo = spawnSync('ip', ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (lo.status !== 0) throw new Error(`cannot bring lo up: ${lo.stderr}`);
  // Only inside the private namespace (checked above): room for 100k TIME_WAIT entries — the widest port
  // range, a bucket cap above them, and no reuse of TIME_WAIT tuples on loopback (README.md, "Performance").
  writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', '1024 65535');
  writeFileSync('/proc/sys/net/ipv4/tcp_max_tw_buckets', '1048576');
  writeFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', '0');
}

interface Maker {
  child: ChildProcess;
  /** more makers, when the sockets held open need more fds than one process may have */
  more: ChildProcess[];
  report: { timeWait: number; timeWait6: number; established: number; closeWait: number; listen: number; errors: string[] };
}

/** fds one maker may hold: the hard RLIMIT_NOFILE (raising it needs CAP_SYS_RESOURCE), with room */
function fdsPerMaker(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' });
  const hard = Number(r.stdout.trim());
  return Number.isFinite(hard) && hard > 0 ? Math.min(1_000_000, hard) - 200 : 1_000_000;
}

async function startMaker(args: string[]): Promise<{ child: ChildProcess; report: Maker['report'] }> {
  const child = spawn(SOCKMAKER, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${SOCKMAKER} exited with ${code} before it was ready`)));
  });
  const report = JSON.parse(line) as Maker['report'];
  if (report.errors.length) log(`socket maker: ${report.errors.join('; ')}`);
  return { child, report };
}

/** Server ports for `n` sockets: at most ~16,000 connections per port. connect() looks for a local
 *  port whose 4-tuple is free for that destination, and near the ~64,500 ports of the range each
 *  search walks most of it. With 8 ports, 500,000 sockets took 70 s to make, and half of the
 *  TIME_WAIT entries had expired before they were measured. */
export const serverPortsFor = (n: number): number => Math.max(8, Math.ceil(n / 16_000));

/** Makes about `n` sockets: mostly TIME_WAIT, plus IPv6 TIME_WAIT, ESTABLISHED pairs and
 *  CLOSE_WAIT/FIN_WAIT2 pairs held open by the maker until stopMaker(). `longLived`: no TIME_WAIT
 *  (it would expire within 60 s), only held ESTABLISHED and CLOSE_WAIT/FIN_WAIT2 pairs, both ends
 *  held (--hold-half-closed), so a measurement of minutes sees `n` sockets from start to end. Held
 *  sockets are one fd each: beyond what one process may open they are spread over several makers
 *  (their own listening ports). */
async function makeSockets(n: number, longLived = false): Promise<Maker> {
  const ports = serverPortsFor(n);
  const tw6 = longLived ? 0 : Math.round(n * 0.02);
  const est = longLived ? Math.round((n - 2 * ports) * 0.45) : Math.round(n * 0.01);
  const cw = longLived ? Math.round((n - 2 * ports) * 0.05) : Math.round(n * 0.005);
  const tw = longLived ? 0 : Math.max(0, n - tw6 - 2 * est - 2 * cw - 2 * ports);
  const perMaker = fdsPerMaker();
  const makers = Math.max(1, Math.ceil((2 * (est + cw)) / perMaker));
  const share = (x: number, k: number) => Math.floor(x / makers) + (k < x % makers ? 1 : 0);
  const started: { child: ChildProcess; report: Maker['report'] }[] = [];
  try {
    for (let k = 0; k < makers; k++) {
      const args = [
        '--time-wait', k === 0 ? tw : 0, '--time-wait6', k === 0 ? tw6 : 0, '--established', share(est, k), '--close-wait', share(cw, k),
        // several makers: listening ports below the ephemeral range (1024…), which the first maker's
        // clients would otherwise already hold
        '--ports', ports, '--base-port', makers === 1 ? 20000 : 100 + k * ports,
        // long-lived: the FIN_WAIT2 half of each CLOSE_WAIT pair is held too; orphaned, it would be
        // destroyed after tcp_fin_timeout (60 s), and the later runs would measure 5 % fewer sockets
        ...(longLived ? ['--hold-half-closed', 1] : []),
      ].map(String);
      started.push(await startMaker(args));
    }
  } catch (e) {
    for (const m of started) m.child.kill('SIGTERM');
    throw e;
  }
  if (makers > 1) log(`socket makers: ${makers} processes (at most ${perMaker} fds each)`);
  const report = { ...started[0].report, errors: started.flatMap((m) => m.report.errors) };
  for (const m of started.slice(1)) {
    report.established += m.report.established;
    report.closeWait += m.report.closeWait;
    report.listen += m.report.listen;
  }
  return { child: started[0].child, more: started.slice(1).map((m) => m.child), report };
}

async function stopMaker(m: Maker): Promise<void> {
  await Promise.all(
    [m.child, ...m.more].map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

function timeProcRead(): number {
  const t0 = performance.now();
  readFileSync('/proc/net/tcp');
  try {
    readFileSync('/proc/net/tcp6');
  } catch {
    // no IPv6
  }
  return performance.now() - t0;
}

const payloadBytes = (s: Snapshot): number => Buffer.byteLength(JSON.stringify(s));

export async function measureSize(n: number, repeats: number): Promise<SizeResult> {
  setupNamespace();
  const t0 = performance.now();
  const maker = await makeSockets(n);
  const makeS = (performance.now() - t0) / 1000;
  // ss runs from a small shell, not forked from this process (command-timer.ts says why); started
  // before the warm-up ticks, so its one fork's copy-on-write faults are not in a timed tick
  const ssTimer = new CommandTimer();
  try {
    const ssOut = spawnSync('ss', ['-tanH'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ssRows = ssOut.stdout.split('\n').filter((l) => l.trim()).length;
    // the table is due at every tick: the bench measures a full snapshot each time
    const collector = createCollector({ socketSource: 'auto', minTableIntervalMs: 0, maxTableIntervalMs: 0 });
    const t1 = performance.now();
    const first = await collector.tick();
    const firstTickMs = performance.now() - t1;
    // untimed warm-up ticks, so the timed ones run compiled code as a running app's do (the first
    // rounds at 10,000 sockets took 22 and 14 ms, the rest 5–7); one at half a million, where the
    // TIME_WAIT entries measured expire 60 s after they were made
    for (let k = n >= 200_000 ? 1 : 5; k > 0; k--) await collector.tick();
    let payloadMax = payloadBytes(first);
    // reusing its buffers, as the collector's source does: a fresh ~28 MB buffer per read at 500k
    // makes V8 collect garbage for "external memory pressure", and that work landed in the timed ticks
    const source = first.health.socketSource === 'netlink' ? createNetlinkSource({ reuseBuffers: true }) : createProcfsSource(nodeFileReader);
    const procSource = createProcfsSource(nodeFileReader);
    const addon = first.health.socketSource === 'netlink' ? loadSockDiagAddon() : null;
    const fl: number[] = [];
    const w: number[] = [];
    const s: number[] = [];
    const p: number[] = [];
    const pt: number[] = [];
    const src: number[] = [];
    let last = first;
    // TIME_WAIT entries live 60 s from when they were made: at half a million (made in ~12 s, a
    // round taking ~3 s) the rounds stop once the first entries are 45 s old, after at least three
    for (let r = 0; r < repeats; r++) {
      if (r >= 3 && performance.now() - t0 > 45_000) break;
      const a = performance.now();
      const snap = await collector.tick();
      w.push(performance.now() - a);
      if (process.env.WAITLINE_BENCH_TRACE) log(`tick ${round(w[w.length - 1])} ms (round ${r + 1})`);
      if (!snap.health.tableRead) throw new Error('a timed tick did not read the table');
      payloadMax = Math.max(payloadMax, payloadBytes(snap));
      last = snap;
      s.push(await ssTimer.time(['ss', '-tan']));
      p.push(timeProcRead());
      const b = performance.now();
      await source.read();
      src.push(performance.now() - b);
      if (addon?.countStates) {
        const f = performance.now();
        addon.countStates(ALL_TCP_STATES_MASK, 3);
        fl.push(performance.now() - f);
      }
      // at the largest sizes parsing /proc takes seconds: once is enough (the TIME_WAIT sockets
      // measured expire 60 s after they were made)
      if (r === 0 || n < 200_000) {
        const c = performance.now();
        await procSource.read();
        pt.push(performance.now() - c);
      }
    }
    const waitlineMs = median(w);
    const ssMs = median(s);
    const floorMs = fl.length ? median(fl) : NaN;
    return {
      sockets_requested: n,
      sockets: last.totalSockets,
      ss_rows: ssRows,
      time_wait: last.states.TIME_WAIT,
      socket_source: last.health.socketSource,
      fallback_reason: last.health.fallbackReason,
      make_s: round(makeS),
      repeats: w.length,
      waitline_ms: round(waitlineMs),
      source_ms: round(median(src)),
      ss_ms: round(ssMs),
      procfs_ms: round(median(p)),
      procfs_table_ms: round(median(pt)),
      ratio_vs_ss: round(waitlineMs / ssMs, 3),
      floor_ms: round(floorMs),
      floor_ratio_vs_ss: round(floorMs / ssMs, 3),
      ratio_vs_floor: round(waitlineMs / floorMs, 3),
      first_tick_ms: round(firstTickMs),
      payload_bytes_max: payloadMax,
    };
  } finally {
    await ssTimer.close();
    await stopMaker(maker);
  }
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (b: number): number => round(b / 1048576, 2);

export async function measureSteady(n: number, cpuSeconds: number, ticks: number, cpuWarmupS: number): Promise<SteadyResult> {
  setupNamespace();
  const maker = await makeSockets(n, true);
  try {
    // 1) CPU at 1 Hz, the collector as the app runs it: the built collector process (bench-host.ts),
    //    adaptive cadence, owners on their timer; the owner scans that fall in the window are included.
    //    At rest (after the warm-up), and right after start-up
    const host = await measureHostCpu(cpuSeconds, cpuWarmupS);
    log(
      `CPU at 1 Hz (the collector process): ${host.cpu_pct} % of a core over ${host.seconds} s at rest, ${host.ticks} ticks, ${host.owner_scans_in_window} owner scans` +
        (host.start ? `; ${host.start.cpu_pct} % over ${host.start.seconds} s from ${host.start.from_s} s after start` : ''),
    );
    const collector = createCollector();
    let payloadMax = payloadBytes(await collector.tick());

    // 2) memory over a simulated day: 86,400 ticks, one simulated second apart
    const base = (await createNetlinkSource().read()).table;
    const clock = new SteppingClock();
    const sim = createCollector({
      clock,
      reader: cachingReader(nodeFileReader, '/proc', [maker.child.pid!, ...maker.more.map((c) => c.pid!), process.pid]),
      socketSource: churningSource(base),
    });
    // owners on the idle cadence: a demanded scan of every host process every ~2 simulated seconds would
    // make the simulated day take an hour of real /proc/PID/fd walking; the owner maps still churn
    sim.setDemand({ table: true, owners: false });
    const warmup = Math.min(1000, Math.floor(ticks / 10));
    const samples: number[] = [];
    let heapWarm = 0;
    let rssWarm = 0;
    const s0 = performance.now();
    const every = Math.max(1, Math.floor(ticks / 20));
    for (let k = 1; k <= ticks; k++) {
      clock.step(1000);
      const snap = await sim.tick();
      if (k === 1 || k % 997 === 0) payloadMax = Math.max(payloadMax, payloadBytes(snap));
      if (k === warmup || k % every === 0 || k === ticks) {
        gc();
        const m = process.memoryUsage();
        if (k === warmup) {
          heapWarm = m.heapUsed + m.arrayBuffers;
          rssWarm = m.rss;
        }
        if (k >= warmup) samples.push(m.heapUsed + m.arrayBuffers);
      }
    }
    const simWall = (performance.now() - s0) / 1000;
    gc();
    const end = process.memoryUsage();
    const endHeap = end.heapUsed + end.arrayBuffers;
    const growth = endHeap - heapWarm;
    log(`memory: ${ticks} simulated ticks in ${round(simWall)} s`);
    return {
      sockets: base.length,
      cpu_process: COLLECTOR_HOST_BUNDLE,
      cpu_seconds: host.seconds,
      ticks_1hz: host.ticks,
      cpu_pct_1hz: host.cpu_pct,
      cpu_ms_per_tick: host.cpu_ms_per_tick,
      cpu_warmup_s: host.warmup_s,
      cpu_pct_1hz_start: host.start?.cpu_pct ?? null,
      cpu_ms_per_tick_start: host.start?.cpu_ms_per_tick ?? null,
      cpu_start_seconds: host.start?.seconds ?? null,
      owner_scans_in_window: host.owner_scans_in_window,
      serialized_bytes_max: host.serialized_bytes_max,
      host_rss_mb: host.rss_mb,
      host_threads_ms: host.threads_ms,
      payload_bytes_max: payloadMax,
      ticks_simulated: ticks,
      sim_wall_s: round(simWall),
      heap_mb_after_warmup: mb(heapWarm),
      heap_mb_end: mb(endHeap),
      heap_mb_max: mb(Math.max(...samples, endHeap)),
      rss_mb_after_warmup: mb(rssWarm),
      rss_mb_end: mb(end.rss),
      heap_growth_mb: mb(growth),
      // flat: the heap after a simulated day is within 2 MB (or 5 %) of the heap after warm-up
      memory_flat: growth <= Math.max(2 * 1048576, heapWarm * 0.05),
      heap_samples_mb: samples.map(mb),
    };
  } finally {
    await stopMaker(maker);
  }
}

export interface LargeRun {
  source: string;
  seconds: number;
  ticks: number;
  table_reads: number;
  /** median cost of a tick that read the table (in the worker), ms */
  table_tick_ms: number;
  /** mean time between table reads (the cadence), s */
  table_interval_s: number | null;
  owner_scans: number;
  /** CPU of the whole process (the collector worker; the main thread only receives snapshots) / wall */
  cpu_pct: number;
  /** the same over whole cadence cycles only: from the start of the first table read in the window
   *  to the start of the last (each cycle holds one read and what it left behind); null with fewer
   *  than two reads. A fixed window holds a varying share of a cycle at its ends. */
  cpu_pct_cycles: number | null;
  /** the serving thread's event-loop delay while the worker collects (monitorEventLoopDelay), ms */
  loop_delay_max_ms: number;
  loop_delay_p99_ms: number;
  /** the largest lateness of a 10 ms timer on the serving thread, ms */
  timer_lag_max_ms: number;
  rss_mb_max: number;
  heap_mb_max: number;
  first_tick_ms: number;
  sockets_in_table: number;
  payload_bytes_max: number;
}

export interface LargeResult {
  sockets_requested: number;
  make_s: number;
  /** the same measurement of the serving thread with nothing collecting: what the machine's own
   *  load (other processes on its cores) delays a 10 ms timer by */
  baseline_loop_delay_max_ms: number;
  baseline_loop_delay_p99_ms: number;
  baseline_timer_lag_max_ms: number;
  runs: LargeRun[];
}

/** Half a million long-lived sockets: the collector as `waitline serve` runs it (a worker thread, the
 *  default adaptive cadence, alerts on), ticked at 1 Hz for `seconds` from the main thread — the
 *  thread that serves HTTP — whose event-loop delay is measured meanwhile; then the same with the
 *  /proc fallback. */
export async function measureLarge(n: number, seconds: number): Promise<LargeResult> {
  setupNamespace();
  const t0 = performance.now();
  const maker = await makeSockets(n, true);
  const makeS = (performance.now() - t0) / 1000;
  log(`large: ${n} long-lived sockets made in ${round(makeS)} s`);
  const runs: LargeRun[] = [];
  const lagProbe = () => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    let timerLag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      timerLag = Math.max(timerLag, now - last - 10);
      last = now;
    }, 10);
    h.enable();
    return {
      stop: () => {
        h.disable();
        clearInterval(timer);
        return { max: round(h.max / 1e6), p99: round(h.percentile(99) / 1e6), timerLag: round(timerLag) };
      },
    };
  };
  const baseProbe = lagProbe();
  await new Promise((r) => setTimeout(r, Math.min(10, seconds) * 1000));
  const baseline = baseProbe.stop();
  log(`large: baseline (nothing collecting) ${JSON.stringify(baseline)}`);
  try {
    for (const source of ['netlink', 'procfs'] as const) {
      const wc = new WorkerCollector({ socketSource: source, alerts: DEFAULT_ALERT_SETTINGS, tickTimeoutMs: 300_000 });
      const f0 = performance.now();
      let payloadMax = 0;
      const firstSnap = await wc.tick();
      const firstTickMs = performance.now() - f0;
      if (firstSnap.health.socketSource !== source) throw new Error(`the worker read ${firstSnap.health.socketSource}, not ${source}: ${JSON.stringify(firstSnap.health.degraded)}`);
      payloadMax = Buffer.byteLength(JSON.stringify(firstSnap));
      const h = monitorEventLoopDelay({ resolution: 10 });
      let timerLag = 0;
      let last = performance.now();
      const lagTimer = setInterval(() => {
        const now = performance.now();
        timerLag = Math.max(timerLag, now - last - 10);
        last = now;
      }, 10);
      h.enable();
      let rssMax = 0;
      let heapMax = 0;
      let ticks = 0;
      let reads = 0;
      const tableTicks: number[] = [];
      /** [wall ms, process CPU ms] when each tick that read the table began */
      const readStart: [number, number][] = [];
      let scans = 0;
      let lastScan: number | null = firstSnap.owners?.scannedAt ?? null;
      let rows = firstSnap.totalSockets;
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      while (performance.now() - w0 < seconds * 1000) {
        const due = w0 + (ticks + 1) * 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const before = process.cpuUsage();
        const beforeAt = performance.now();
        const snap = await wc.tick();
        ticks++;
        if (snap.health.tableRead) {
          readStart.push([beforeAt, (before.user + before.system) / 1000]);
          reads++;
          tableTicks.push(snap.health.durationMs);
          rows = snap.totalSockets;
        }
        if (snap.owners && snap.owners.scannedAt !== lastScan) {
          scans++;
          lastScan = snap.owners.scannedAt;
        }
        payloadMax = Math.max(payloadMax, Buffer.byteLength(JSON.stringify(snap)));
        const m = process.memoryUsage();
        rssMax = Math.max(rssMax, m.rss);
        heapMax = Math.max(heapMax, m.heapUsed + m.arrayBuffers);
      }
      const wall = performance.now() - w0;
      const cpu = process.cpuUsage(c0);
      h.disable();
      clearInterval(lagTimer);
      await wc.close();
      const gaps = readStart.slice(1).map(([t], i) => t - readStart[i][0]);
      const run: LargeRun = {
        source,
        seconds: round(wall / 1000),
        ticks,
        table_reads: reads,
        table_tick_ms: tableTicks.length ? round(median(tableTicks)) : 0,
        table_interval_s: gaps.length ? round(gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000) : null,
        owner_scans: scans,
        cpu_pct: round(((cpu.user + cpu.system) / 1000 / wall) * 100, 2),
        cpu_pct_cycles: readStart.length >= 2 ? round(((readStart.at(-1)![1] - readStart[0][1]) / (readStart.at(-1)![0] - readStart[0][0])) * 100, 2) : null,
        loop_delay_max_ms: round(h.max / 1e6),
        loop_delay_p99_ms: round(h.percentile(99) / 1e6),
        timer_lag_max_ms: round(timerLag),
        rss_mb_max: mb(rssMax),
        heap_mb_max: mb(heapMax),
        first_tick_ms: round(firstTickMs),
        sockets_in_table: rows,
        payload_bytes_max: payloadMax,
      };
      log(`large ${source}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
  } finally {
    await stopMaker(maker);
  }
  return {
    sockets_requested: n,
    make_s: round(makeS),
    baseline_loop_delay_max_ms: baseline.max,
    baseline_loop_delay_p99_ms: baseline.p99,
    baseline_timer_lag_max_ms: baseline.timerLag,
    runs,
  };
}
