// The collector's idle CPU measured as the app runs it: the built collector process
// (dist/electron/collector-host.cjs, what Electron's utilityProcess runs) in a plain Node process, its
// tick loop on its own 1 s timer, each snapshot serialized for the renderer as a MessagePort would
// (v8.serialize), each history sample posted to "main". Measured from outside over the whole window,
// so owner scans, garbage collection and the serialization all count. No TypeScript loader in the
// measured process: under tsx an idle Node process alone costs about 1 % of a core here.
//
// Two windows of one run: right after start-up, and at rest. At one tick a second V8 takes about two
// minutes to find the tick's functions hot and compile them (TurboFan, on its own threads: ~250 ms of
// CPU once, spread over that time); a window in those minutes read about 30 % more than the same
// collector later (docs/performance.md, "Idle CPU"). The target is judged at rest, and both are shown.
// The bench's default warm-up (150 s) also lets the 1,000-socket run's CLOSE_WAIT alert come up
// first (its hold is 120 s): the window at rest has it up, the window after start-up does not.

import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const COLLECTOR_HOST_BUNDLE = 'dist/electron/collector-host.cjs';

/** Stands in for Electron's process.parentPort and the renderer's MessagePort, then loads the bundle. */
const SHIM = `
const v8 = require('node:v8');
const listeners = [];
let samples = 0, snapshots = 0, serializedMax = 0, scans = 0, lastScan = null;
const renderer = {
  postMessage(m) {
    serializedMax = Math.max(serializedMax, v8.serialize(m).length);
    snapshots++;
    const o = m && m.snapshot && m.snapshot.owners;
    if (o && o.scannedAt !== lastScan) { if (lastScan !== null) scans++; lastScan = o.scannedAt; }
  },
  start() {}, close() {}, on() {},
};
process.parentPort = {
  on(event, listener) { if (event === 'message') listeners.push(listener); },
  postMessage(m) { if (m && m.type === 'sample') samples++; if (m && m.type === 'ready') process.send({ ready: true }); },
};
const deliver = (data, ports) => { for (const l of listeners) l({ data, ports }); };
process.on('message', (m) => {
  if (m === 'attach') deliver({ type: 'attachRenderer' }, [renderer]);
  else if (m === 'mark') process.send({ cpu: process.cpuUsage(), samples, snapshots, scans, serializedMax, rss: process.memoryUsage().rss });
  else if (m === 'stop') deliver({ type: 'stop' }, []);
});
require(process.argv[2]);
`;

/** The window right after start-up (from START_S on): the same measure, JIT warm-up included. */
export interface HostCpuStart {
  cpu_pct: number;
  cpu_ms_per_tick: number;
  ticks: number;
  seconds: number;
  /** where the window began, seconds after the collector attached */
  from_s: number;
}

export interface HostCpuResult {
  /** CPU (user + sys) of the collector process over the window at rest / wall time, % of one core */
  cpu_pct: number;
  cpu_ms_per_tick: number;
  ticks: number;
  seconds: number;
  owner_scans_in_window: number;
  /** largest snapshot as the renderer's MessagePort would carry it (v8.serialize), bytes */
  serialized_bytes_max: number;
  rss_mb: number;
  /** CPU ms over the window per thread of the collector process, by thread name (10 ms resolution) */
  threads_ms: Record<string, number>;
  /** seconds the collector ran before the window at rest began */
  warmup_s: number;
  /** the window right after start-up; null when the warm-up is too short to hold one */
  start: HostCpuStart | null;
}

/** utime + stime (ms) of each thread of `pid`, keyed "name" (several of one name are summed). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields 14 and 15 (utime, stime) in clock ticks of 10 ms; f[0] is field 3
      const ms = (Number(f[11]) + Number(f[12])) * 10;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch {
      // the thread ended
    }
  }
  return out;
}

interface Mark {
  cpu: NodeJS.CpuUsage;
  samples: number;
  snapshots: number;
  scans: number;
  serializedMax: number;
  rss: number;
}

/** CPU % and ms per tick between two marks. */
function between(a: Mark, b: Mark, wallMs: number): { cpu_pct: number; cpu_ms_per_tick: number; ticks: number } {
  const cpuMs = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
  const ticks = b.samples - a.samples;
  return {
    cpu_pct: Math.round((cpuMs / wallMs) * 100_000) / 1000,
    cpu_ms_per_tick: Math.round((cpuMs / Math.max(1, ticks)) * 1000) / 1000,
    ticks,
  };
}

/** Where the window right after start-up begins, seconds after the collector attached. */
const START_S = 5;

/** Runs the built collector process for `warmupS` + `seconds` and measures the window after the
 *  warm-up (at rest), and also the window from START_S on (at most `seconds` long, ending before the
 *  warm-up does) when it fits. */
export async function measureHostCpu(seconds: number, warmupS: number): Promise<HostCpuResult> {
  const bundle = resolve(COLLECTOR_HOST_BUNDLE);
  if (!existsSync(bundle)) throw new Error(`${COLLECTOR_HOST_BUNDLE} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-host-'));
  const shim = join(dir, 'shim.cjs');
  writeFileSync(shim, SHIM);
  // plain node: no --import tsx inherited from this process (WAITLINE_BENCH_HOST_NODE_OPTIONS: e.g.
  // "--cpu-prof --cpu-prof-dir=DIR" to see where the time goes)
  const execArgv = (process.env.WAITLINE_BENCH_HOST_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = fork(shim, [bundle], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const replies: ((m: unknown) => void)[] = [];
  child.on('message', (m) => replies.shift()?.(m));
  const next = (): Promise<unknown> =>
    new Promise((res, rej) => {
      replies.push(res);
      child.once('exit', (code) => rej(new Error(`the collector process exited (code ${code}) during the CPU measurement`)));
    });
  const ask = async (cmd: string): Promise<Mark> => {
    const p = next();
    child.send(cmd);
    return (await p) as Mark;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    await next(); // ready
    child.send('attach');
    const attached = performance.now();
    const until = (s: number) => sleep(Math.max(0, attached + s * 1000 - performance.now()));
    // the window right after start-up, when at least 3 s of it fit before the warm-up ends
    const startSeconds = Math.min(seconds, warmupS - START_S);
    let start: HostCpuStart | null = null;
    if (startSeconds >= 3) {
      await until(START_S);
      const s0 = await ask('mark');
      const w0 = performance.now();
      await until(START_S + startSeconds);
      const s1 = await ask('mark');
      const wallMs = performance.now() - w0;
      const r = between(s0, s1, wallMs);
      if (r.ticks < startSeconds / 2) throw new Error(`the collector process ticked ${r.ticks} times in the ${startSeconds} s after start-up`);
      start = { cpu_pct: r.cpu_pct, cpu_ms_per_tick: r.cpu_ms_per_tick, ticks: r.ticks, seconds: Math.round(wallMs / 10) / 100, from_s: START_S };
    }
    await until(warmupS);
    const a = await ask('mark');
    const ta = threadCpu(child.pid!);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const b = await ask('mark');
    const tb = threadCpu(child.pid!);
    const threads: Record<string, number> = {};
    for (const [name, ms] of tb) if (ms - (ta.get(name) ?? 0) > 0) threads[name] = ms - (ta.get(name) ?? 0);
    const wallMs = performance.now() - t0;
    const r = between(a, b, wallMs);
    if (r.ticks < seconds / 2) throw new Error(`the collector process ticked ${r.ticks} times in ${seconds} s`);
    return {
      cpu_pct: r.cpu_pct,
      cpu_ms_per_tick: r.cpu_ms_per_tick,
      ticks: r.ticks,
      seconds: Math.round(wallMs / 10) / 100,
      owner_scans_in_window: b.scans - a.scans,
      serialized_bytes_max: b.serializedMax,
      rss_mb: Math.round((b.rss / 1048576) * 10) / 10,
      threads_ms: threads,
      warmup_s: Math.round((t0 - attached) / 10) / 100,
      start,
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
