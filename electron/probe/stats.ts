// The probe's arithmetic: latency percentiles and the errno class of a failed connect. Pure.

import type { ProbeLatency } from '../../shared/probe';

/** over the successful connects, ms (the shape the app's panel shows: shared/probe.ts) */
export type LatencySummary = ProbeLatency;

/** Nearest-rank percentile of ascending `sorted` (non-empty): the value at rank ⌈p/100 · n⌉ — the
 *  smallest sample with at least p % of the samples at or below it. p in (0, 100]. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is outside (0, 100]`);
  // p·n/100 in integer-friendly form: 99 % of 100 samples is rank 99, not 99.00000000000001 → 100
  const rank = Math.max(1, Math.ceil(Math.round(p * n * 1e6) / 1e8));
  return sorted[Math.min(n, rank) - 1];
}

/** p50/p90/p99/max (and min, mean) of the samples, in their unit; null when there are none. */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    min: sorted[0],
    mean: sum / n,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1],
  };
}

/** What each connect errno means for a probe (the classes the summary explains). */
export const ERRNO_MEANING: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused: nothing listens on that port (the peer answered the SYN with a reset)',
  ETIMEDOUT: 'no answer within --timeout: SYNs dropped (a firewall, an absent host, or a full accept queue)',
  EADDRNOTAVAIL: 'no free local port toward this destination: the ephemeral ports ran out',
  ECONNRESET: 'reset while connecting',
  EHOSTUNREACH: 'host unreachable (no route, or ICMP host unreachable)',
  ENETUNREACH: 'network unreachable (no route)',
  EACCES: 'not permitted (a local firewall rule, or a broadcast address)',
  EPERM: 'not permitted (a local firewall rule)',
  EMFILE: 'this process is out of file descriptors (ulimit -n)',
  ENFILE: 'the system is out of file descriptors',
  ENOBUFS: 'the kernel is out of buffer space',
  EINVAL: 'invalid argument (e.g. an address this host cannot reach from its addresses)',
  EAFNOSUPPORT: 'address family not supported (IPv6 disabled?)',
  EOTHER: 'another failure (not an errno)',
};

/** The errno class of a connect failure: the error's code when it is an errno name (E…), else EOTHER. */
export function errnoClass(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]{2,15}$/.test(code) ? code : 'EOTHER';
}

/** Errno classes ordered by count (descending), then name. */
export function rankErrors(errors: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(errors)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
