// The command line of `npm run bench` (bench.ts), apart so it can be tested without running a bench.

import { parseArgs, UsageError } from '../cli/args';

export const USAGE = `usage: npm run bench [-- options]

Measures Waitline's collector against ss and /proc in private network namespaces (needs root).

options:
  --sockets N[,N...]  socket counts to measure (default 1000,10000,100000,500000; each 16..500000)
  --repeats R         timed repetitions per count, medians reported (default 7; 1..101)
  --ticks T           simulated 1 s ticks for the memory run (default 86400; 100..1000000)
  --cpu-seconds S     length of the real 1 Hz CPU run (default 60; 3..600)
  --cpu-warmup S      how long the collector runs before that window (default 150; 5..900): V8
                      compiles the tick's functions over the first ~2 minutes, and the run's
                      CLOSE_WAIT alert comes up at 120 s; a window from 5 s on is reported beside it
  --large N           long-lived sockets for the responsiveness run (collector in a worker, the
                      serving thread's event-loop delay, CPU under the adaptive cadence, memory;
                      netlink then the /proc fallback; default 500000; 0 skips it)
  --large-seconds S   length of each of those two runs (default 60; 5..600)
  --history-only      only history on disk and export (30-day query, bytes per day, 1,000,000-row
                      export; about 20 s, no root needed)
  --metrics-only      only the Prometheus exposition against the collector tick (20, 1,000 and
                      10,000 destinations; a few seconds, no root needed)
  --json              print one JSON object as the last line
  --help              this text`;

export interface BenchOptions {
  sockets: number[];
  repeats: number;
  ticks: number;
  cpuSeconds: number;
  cpuWarmup: number;
  large: number;
  largeSeconds: number;
  json: boolean;
}

export interface BenchArgs extends BenchOptions {
  inner: string | null;
  help: boolean;
  historyOnly: boolean;
  metricsOnly: boolean;
}

function intFlag(v: string | true | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (v === true || !/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { flags } = parseArgs(argv, {
    booleans: ['json', 'help', 'history-only', 'metrics-only'],
    values: ['sockets', 'repeats', 'ticks', 'cpu-seconds', 'cpu-warmup', 'inner', 'large', 'large-seconds'],
  });
  let sockets = [1000, 10_000, 100_000, 500_000];
  if (flags.sockets !== undefined) {
    const raw = flags.sockets === true ? '' : flags.sockets;
    sockets = raw.split(',').map((s) => intFlag(s.trim(), 'sockets', 0, 16, 500_000));
    sockets = [...new Set(sockets)].sort((a, b) => a - b);
  }
  const inner = typeof flags.inner === 'string' ? flags.inner : null;
  if (inner !== null && !/^(size|steady|large):\d+$/.test(inner)) throw new UsageError(`--inner is internal (size:N, steady:N or large:N)`);
  const historyOnly = flags['history-only'] === true;
  const metricsOnly = flags['metrics-only'] === true;
  if (historyOnly && metricsOnly) throw new UsageError('--history-only and --metrics-only exclude each other (run them one after the other)');
  return {
    sockets,
    repeats: intFlag(flags.repeats, 'repeats', 7, 1, 101),
    ticks: intFlag(flags.ticks, 'ticks', 86_400, 100, 1_000_000),
    cpuSeconds: intFlag(flags['cpu-seconds'], 'cpu-seconds', 60, 3, 600),
    cpuWarmup: intFlag(flags['cpu-warmup'], 'cpu-warmup', 150, 5, 900),
    large: flags.large === '0' ? 0 : intFlag(flags.large, 'large', 500_000, 16, 500_000),
    largeSeconds: intFlag(flags['large-seconds'], 'large-seconds', 60, 5, 600),
    json: flags.json === true,
    help: flags.help === true,
    historyOnly,
    metricsOnly,
    inner,
  };
}
