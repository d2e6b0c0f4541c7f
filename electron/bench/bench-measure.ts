// The measurements of `npm run bench`, run inside a throwaway network namespace (bench.ts starts this
// process with `ip netns exec`). Everything here is real: sockets made by native/sockmaker.c, the
// collector as the app runs it, `ss` from iproute2, the kernel's /proc files.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createCollector } from '../collector/index';
import { createNetlinkSource } from '../collector/sources/netlink';
import { nodeFileReader } from '../collector/sources/node-fs';
import { createProcfsSource } from '../collector/sources/procfs';
import type { Snapshot } from '../../shared/snapshot';
import { cachingReader, churningSource, SteppingClock } from './bench-replay';

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
  /** first tick, which also scans /proc/PID/fd for owners */
  first_tick_ms: number;
  payload_bytes_max: number;
}

export interface SteadyResult {
  sockets: number;
  cpu_seconds: number;
  ticks_1hz: number;
  /** CPU (user+sys) of the collector process over the run / wall time, % of one core */
  cpu_pct_1hz: number;
  cpu_ms_per_tick: number;
  /** CPU of one tick itself (median), without the idle process around it */
  tick_cpu_ms_median: number;
  /** /proc/PID/fd owner scans that fell inside the window (their cost is in cpu_pct_1hz) */
  owner_scans_in_window: number;
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
  report: { timeWait: number; timeWait6: number; established: number; closeWait: number; listen: number; errors: string[] };
}

/** Makes about `n` sockets: mostly TIME_WAIT, plus IPv6 TIME_WAIT, ESTABLISHED pairs and
 *  CLOSE_WAIT/FIN_WAIT2 pairs held open by the maker until stopMaker(). `longLived`: no TIME_WAIT
 *  (it would expire within 60 s), only held ESTABLISHED and CLOSE_WAIT/FIN_WAIT2 pairs, so a
 *  minute-long measurement sees `n` sockets from start to end. */
async function makeSockets(n: number, longLived = false): Promise<Maker> {
  const ports = 8;
  const tw6 = longLived ? 0 : Math.round(n * 0.02);
  const est = longLived ? Math.round((n - 2 * ports) * 0.45) : Math.round(n * 0.01);
  const cw = longLived ? Math.round((n - 2 * ports) * 0.05) : Math.round(n * 0.005);
  const tw = longLived ? 0 : Math.max(0, n - tw6 - 2 * est - 2 * cw - 2 * ports);
  const args = ['--time-wait', tw, '--time-wait6', tw6, '--established', est, '--close-wait', cw, '--ports', ports].map(String);
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

async function stopMaker(m: Maker): Promise<void> {
  if (m.child.exitCode !== null) return;
  const exited = new Promise((r) => m.child.once('exit', r));
  m.child.stdin!.end();
  m.child.kill('SIGTERM');
  await exited;
}

function timeSs(devnull: number): number {
  const t0 = performance.now();
  const r = spawnSync('ss', ['-tan'], { stdio: ['ignore', devnull, 'ignore'] });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`ss -tan failed (exit ${r.status})`);
  return dt;
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
  try {
    const ssOut = spawnSync('ss', ['-tanH'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ssRows = ssOut.stdout.split('\n').filter((l) => l.trim()).length;
    // the table is due at every tick: the bench measures a full snapshot each time
    const collector = createCollector({ socketSource: 'auto', minTableIntervalMs: 0, maxTableIntervalMs: 0 });
    const t1 = performance.now();
    const first = await collector.tick();
    const firstTickMs = performance.now() - t1;
    let payloadMax = payloadBytes(first);
    const source = first.health.socketSource === 'netlink' ? createNetlinkSource() : createProcfsSource(nodeFileReader);
    const procSource = createProcfsSource(nodeFileReader);
    const devnull = openSync('/dev/null', 'w');
    const w: number[] = [];
    const s: number[] = [];
    const p: number[] = [];
    const pt: number[] = [];
    const src: number[] = [];
    let last = first;
    try {
      for (let r = 0; r < repeats; r++) {
        const a = performance.now();
        const snap = await collector.tick();
        w.push(performance.now() - a);
        if (!snap.health.tableRead) throw new Error('a timed tick did not read the table');
        payloadMax = Math.max(payloadMax, payloadBytes(snap));
        last = snap;
        s.push(timeSs(devnull));
        p.push(timeProcRead());
        const b = performance.now();
        await source.read();
        src.push(performance.now() - b);
        const c = performance.now();
        await procSource.read();
        pt.push(performance.now() - c);
      }
    } finally {
      closeSync(devnull);
    }
    const waitlineMs = median(w);
    const ssMs = median(s);
    return {
      sockets_requested: n,
      sockets: last.totalSockets,
      ss_rows: ssRows,
      time_wait: last.states.TIME_WAIT,
      socket_source: last.health.socketSource,
      fallback_reason: last.health.fallbackReason,
      make_s: round(makeS),
      repeats,
      waitline_ms: round(waitlineMs),
      source_ms: round(median(src)),
      ss_ms: round(ssMs),
      procfs_ms: round(median(p)),
      procfs_table_ms: round(median(pt)),
      ratio_vs_ss: round(waitlineMs / ssMs, 3),
      first_tick_ms: round(firstTickMs),
      payload_bytes_max: payloadMax,
    };
  } finally {
    await stopMaker(maker);
  }
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (b: number): number => round(b / 1048576, 2);

export async function measureSteady(n: number, cpuSeconds: number, ticks: number): Promise<SteadyResult> {
  setupNamespace();
  const maker = await makeSockets(n, true);
  try {
    // 1) CPU at 1 Hz, the collector as the app runs it (adaptive cadence, owners on their timer),
    //    after start-up; the owner scans that fall in the window are included
    const collector = createCollector();
    // one tick before the window: loading modules and opening the netlink source is start-up cost
    let payloadMax = payloadBytes(await collector.tick());
    let ticks1hz = 0;
    const perTick: number[] = [];
    let scans = 0;
    let lastScan: number | null = null;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const t0 = process.cpuUsage();
        collector
          .tick()
          .then((snap) => {
            const d = process.cpuUsage(t0);
            perTick.push((d.user + d.system) / 1000);
            ticks1hz++;
            if (snap.owners && snap.owners.scannedAt !== lastScan) {
              if (lastScan !== null) scans++;
              lastScan = snap.owners.scannedAt;
            }
            payloadMax = Math.max(payloadMax, payloadBytes(snap));
            if (performance.now() - w0 >= cpuSeconds * 1000) {
              clearInterval(timer);
              resolve();
            }
          })
          .catch((e) => {
            clearInterval(timer);
            reject(e);
          });
      }, 1000);
    });
    const cpu = process.cpuUsage(c0);
    const wallMs = performance.now() - w0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    log(`CPU at 1 Hz: ${round(cpuMs)} ms over ${round(wallMs / 1000)} s, ${ticks1hz} ticks`);

    // 2) memory over a simulated day: 86,400 ticks, one simulated second apart
    const base = (await createNetlinkSource().read()).table;
    const clock = new SteppingClock();
    const sim = createCollector({
      clock,
      reader: cachingReader(nodeFileReader, '/proc', [maker.child.pid!, process.pid]),
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
      cpu_seconds: round(wallMs / 1000),
      ticks_1hz: ticks1hz,
      cpu_pct_1hz: round((cpuMs / wallMs) * 100, 3),
      cpu_ms_per_tick: round(cpuMs / Math.max(1, ticks1hz), 3),
      tick_cpu_ms_median: round(median(perTick), 3),
      owner_scans_in_window: scans,
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
