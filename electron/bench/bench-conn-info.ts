// Bench: per-connection details (issue 14; docs/conn-info.md). tcp_info for 1, 50 and 200 connections
// by exact netlink lookups (the addon's connInfo) on tables of 10,000 and 100,000 sockets, against
// reading the whole table (the collector's netlink read; `ss -tan`) and against `ss -tin` asked for one
// socket (its filter runs over a dump of the whole table). Claim: the lookups cost per tuple, not per
// socket in the table — cheap enough for the visible page on every refresh.
//
//   node --import tsx electron/bench/bench-conn-info.ts [--sockets 10000,100000] [--repeats R] [--json]
//
// Needs root: each table size is made by native/sockmaker.c in a throwaway network namespace (this
// script again, under `ip netns exec`); sysctls are set only inside it (assertPrivateNetns).
// bench.ts runs it too (benchConnInfo).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConnKey } from '../../shared/conn-info';
import { createNetlinkSource } from '../collector/sources/netlink';
import type { SocketTable } from '../collector/types';
import { assertPrivateNetns, serverPortsFor, SOCKMAKER } from './bench-measure';
import { CommandTimer } from './command-timer';

export interface ConnInfoSizeResult {
  sockets_requested: number;
  /** rows in the netlink table */
  sockets: number;
  established: number;
  repeats: number;
  /** the collector's netlink read of the whole table (median ms) */
  table_read_ms: number;
  /** `ss -tan`, output to /dev/null (median ms) */
  ss_tan_ms: number;
  /** `ss -tin src A dst B` for one socket: ss dumps the table and filters (median ms) */
  ss_one_socket_ms: number;
  /** connInfo of N ESTABLISHED connections (median ms), N = 1, 50, 200 */
  conn_info_ms: Record<string, number>;
  /** connInfo of the table's first 200 rows, whatever their state (mostly TIME_WAIT: no tcp_info) */
  conn_info_page200_mixed_ms: number;
  /** answers with tcp_info in the 200-connection call (should be 200) */
  found_200: number;
}

export interface ConnInfoBenchResult {
  sizes: ConnInfoSizeResult[];
  /** connInfo(200) at the largest size over connInfo(200) at the smallest: ≈1 when independent of the table */
  size_ratio_200: number | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

function keyOf(t: SocketTable, i: number): ConnKey {
  return {
    family: t.family[i] === 6 ? 'ipv6' : 'ipv4',
    localAddr: t.localAddr[i],
    localPort: t.localPort[i],
    remoteAddr: t.remoteAddr[i],
    remotePort: t.remotePort[i],
    cookie: String(t.cookie?.[i] ?? 0n),
  };
}

/** Makes about `n` sockets: TIME_WAIT mostly, and max(200, 1 %) held ESTABLISHED pairs. */
async function makeSockets(n: number): Promise<ChildProcess> {
  const ports = serverPortsFor(n);
  const est = Math.max(200, Math.round(n * 0.01));
  const tw = Math.max(0, n - 2 * est - 2 * ports);
  const child = spawn(SOCKMAKER, ['--time-wait', tw, '--established', est, '--ports', ports].map(String), { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${SOCKMAKER} exited with ${code} before it was ready`)));
  });
  return child;
}

/** One table size, inside a private namespace (this process was started under `ip netns exec`). */
export async function measureConnInfoSize(n: number, repeats: number): Promise<ConnInfoSizeResult> {
  assertPrivateNetns();
  const lo = spawnSync('ip', ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (lo.status !== 0) throw new Error(`cannot bring lo up: ${lo.stderr}`);
  writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', '1024 65535');
  writeFileSync('/proc/sys/net/ipv4/tcp_max_tw_buckets', '1048576');
  writeFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', '0');
  const maker = await makeSockets(n);
  // ss runs from a small shell, not forked from this process (command-timer.ts says why)
  const ssTimer = new CommandTimer();
  try {
    const source = createNetlinkSource();
    const table = (await source.read()).table;
    const est: number[] = [];
    for (let i = 0; i < table.length; i++) if (table.state[i] === 1) est.push(i);
    if (est.length < 200) throw new Error(`only ${est.length} ESTABLISHED sockets in the table`);
    // spread over the table, not the first 200 the kernel listed
    const step = Math.floor(est.length / 200);
    const keys = Array.from({ length: 200 }, (_, k) => keyOf(table, est[k * step]));
    const page = Array.from({ length: Math.min(200, table.length) }, (_, i) => keyOf(table, i));
    const one = keys[0];
    const ep = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);

    const read: number[] = [];
    const ss: number[] = [];
    const ssOne: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      await source.read();
      read.push(performance.now() - t0);
      ss.push(await ssTimer.time(['ss', '-tan']));
      ssOne.push(await ssTimer.time(['ss', '-tinH', 'src', ep(one.localAddr, one.localPort), 'dst', ep(one.remoteAddr, one.remotePort)]));
    }
    const lookups = Math.max(51, repeats * 7);
    for (let w = 0; w < 20; w++) source.connInfo(keys); // warm-up: JIT, the kernel's caches
    const connInfoMs: Record<string, number> = {};
    let found200 = 0;
    for (const count of [1, 50, 200]) {
      const sample: number[] = [];
      for (let r = 0; r < lookups; r++) {
        const t0 = performance.now();
        const reply = source.connInfo(keys.slice(0, count));
        sample.push(performance.now() - t0);
        if (!reply.available) throw new Error(`connInfo unavailable: ${reply.reason}`);
        if (count === 200) found200 = reply.answers.filter((a) => a.status === 'ok').length;
      }
      connInfoMs[String(count)] = round(median(sample));
    }
    const mixed: number[] = [];
    for (let r = 0; r < lookups; r++) {
      const t0 = performance.now();
      source.connInfo(page);
      mixed.push(performance.now() - t0);
    }
    return {
      sockets_requested: n,
      sockets: table.length,
      established: est.length,
      repeats,
      table_read_ms: round(median(read), 2),
      ss_tan_ms: round(median(ss), 2),
      ss_one_socket_ms: round(median(ssOne), 2),
      conn_info_ms: connInfoMs,
      conn_info_page200_mixed_ms: round(median(mixed)),
      found_200: found200,
    };
  } finally {
    await ssTimer.close();
    const exited = new Promise((r) => maker.once('exit', r));
    maker.stdin!.end();
    maker.kill('SIGTERM');
    await exited;
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Every size, each in a fresh namespace. Needs root. */
export async function benchConnInfo(opts: { sockets?: number[]; repeats?: number; log?: (m: string) => void } = {}): Promise<ConnInfoBenchResult> {
  const sizes = opts.sockets ?? [10_000, 100_000];
  const repeats = opts.repeats ?? 7;
  const out: ConnInfoSizeResult[] = [];
  for (const n of sizes) {
    opts.log?.(`per-connection details: ${n} sockets in a fresh namespace…`);
    const ns = `wl-bench-ci-${process.pid}-${randomBytes(3).toString('hex')}`;
    const add = await run('ip', ['netns', 'add', ns]);
    if (add.code !== 0) throw new Error(`cannot create a network namespace (ip netns add): ${add.stderr.trim()}`);
    try {
      const r = await run('ip', [
        'netns', 'exec', ns, process.execPath, '--import', 'tsx', join('electron', 'bench', 'bench-conn-info.ts'), '--inner', String(n), '--repeats', String(repeats),
      ]);
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.code !== 0 || !line.startsWith('RESULT ')) {
        throw new Error(`the conn-info measurement at ${n} sockets failed (exit ${r.code}): ${line || r.stderr.trim().split('\n').pop()}`);
      }
      out.push(JSON.parse(line.slice(7)) as ConnInfoSizeResult);
    } finally {
      await run('ip', ['netns', 'del', ns]);
    }
  }
  const first = out[0]?.conn_info_ms['200'];
  const last = out[out.length - 1]?.conn_info_ms['200'];
  return { sizes: out, size_ratio_200: first && last && out.length > 1 ? round(last / first, 2) : null };
}

export function connInfoReport(r: ConnInfoBenchResult): string[] {
  const head = ['sockets', 'connInfo 1 ms', '50 ms', '200 ms', '200 mixed page ms', 'table read ms', 'ss -tan ms', 'ss -tin 1 socket ms', '200 / read'];
  const body = r.sizes.map((s) => [
    String(s.sockets), String(s.conn_info_ms['1']), String(s.conn_info_ms['50']), String(s.conn_info_ms['200']), String(s.conn_info_page200_mixed_ms),
    String(s.table_read_ms), String(s.ss_tan_ms), String(s.ss_one_socket_ms), (s.conn_info_ms['200'] / s.table_read_ms).toFixed(4),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const lines = [
    'per-connection details (tcp_info by exact netlink lookup, medians):',
    ...[head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ')),
  ];
  if (r.size_ratio_200 !== null) lines.push(`connInfo(200) at the largest table / at the smallest: ${r.size_ratio_200} (≈1: independent of the table size)`);
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const repeats = Number(flag('repeats') ?? 7);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 101) throw new Error('--repeats must be 1..101');
  const inner = flag('inner');
  if (inner !== undefined) {
    process.stdout.write(`RESULT ${JSON.stringify(await measureConnInfoSize(Number(inner), repeats))}\n`);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    console.error('bench-conn-info: needs root — it builds private network namespaces (ip netns). Run it as root.');
    return 1;
  }
  const sockets = (flag('sockets') ?? '10000,100000').split(',').map(Number);
  if (sockets.some((n) => !Number.isInteger(n) || n < 500 || n > 500_000)) throw new Error('--sockets takes counts of 500..500000');
  const r = await benchConnInfo({ sockets, repeats, log: (m) => process.stderr.write(`bench: ${m}\n`) });
  console.log(connInfoReport(r).join('\n'));
  if (argv.includes('--json')) console.log(JSON.stringify(r));
  return 0;
}

if (process.argv[1]?.endsWith('bench-conn-info.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`bench-conn-info: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
