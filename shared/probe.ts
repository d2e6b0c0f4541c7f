// The probe panel's request and result (issue 14; docs/probe.md): plain data that crosses IPC. The
// hard caps live here so the CLI's flags (electron/probe/options.ts), the IPC check
// (shared/query-checks.ts) and the panel's form share one source.

import type { TcpState } from './tcp';

/** Hard caps, whatever the caller asks for. */
export const PROBE_LIMITS = {
  maxCount: 100_000,
  maxConcurrency: 256,
  /** connects started per second, at most */
  maxRatePerS: 2_000,
  minTimeoutS: 0.1,
  maxTimeoutS: 30,
} as const;

export const PROBE_DEFAULTS = {
  count: 100,
  concurrency: 10,
  ratePerS: 1_000,
  timeoutS: 3,
  closeFirst: 'client',
} as const;

export type ProbeCloseFirst = 'client' | 'server';

/** What the panel asks for: the target as typed ("HOST:PORT") and the run's numbers (within
 *  PROBE_LIMITS; the rate is PROBE_DEFAULTS.ratePerS). */
export interface ProbeRequest {
  target: string;
  count: number;
  concurrency: number;
  timeoutS: number;
  closeFirst: ProbeCloseFirst;
}

export interface ProbeLatency {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export type ProbeStateTally = Partial<Record<TcpState, number>>;

export interface ProbeSide {
  timeWaitBefore: number;
  timeWaitAfter: number;
  /** this probe's connections on this side after the run, by state */
  ours: ProbeStateTally;
}

/** A probe's result (electron/probe/report.ts ProbeReport is assignable to it). */
export interface ProbeReportData {
  target: { address: string; port: number; name: string | null; candidates: string[]; addressClass: string };
  settings: { count: number; concurrency: number; ratePerS: number; timeoutS: number; closeFirst: ProbeCloseFirst };
  startedAt: number;
  durationMs: number;
  attempted: number;
  ok: number;
  failed: number;
  interrupted: boolean;
  /** connect failures by errno class */
  errors: Record<string, number>;
  /** over successful connects, ms; null when none succeeded */
  latencyMs: ProbeLatency | null;
  closing: { closeTimeouts: number; errorsAfterConnect: Record<string, number> };
  timeWait:
    | { source: 'netlink' | 'procfs'; serverVisible: boolean; client: ProbeSide; server: ProbeSide }
    | { source: null; reason: string };
  ephemeral: { low: number; high: number; twReuse: string | null } | null;
  exitCode: number;
}

export type ProbeOutcome =
  | {
      ok: true;
      report: ProbeReportData;
      /** what each errno in the report means (docs/probe.md) */
      errnoMeaning: Record<string, string>;
      /** "who closes first keeps TIME_WAIT": the summary's sentences (none when the table was not read) */
      whoClosedFirst: string[];
    }
  | { ok: false; code: 'invalid' | 'read_only' | 'busy' | 'failed'; message: string };
