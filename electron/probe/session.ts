// One probe from start to report: count TIME_WAIT in the socket table before, run the engine, count
// again after (until the last closes settle), build the report. The CLI (electron/cli/probe.ts) and
// the app's probe panel (electron/main: the runProbe channel) both run it; the socket table and the
// ephemeral port range come from the caller (the collector's sources), so this layer stays pure of
// the collector.

import type { ProbeOutcome, ProbeReportData, ProbeRequest } from '../../shared/probe';
import { runProbe } from './engine';
import { checkSettings, parseTarget, ProbeInputError, PROBE_DEFAULTS, type ProbeSettings } from './options';
import { buildReport, whoClosedFirstLines, type EphemeralInfo, type ProbeReport } from './report';
import { resolveTarget, type Lookup, type ResolvedTarget } from './resolve';
import { ERRNO_MEANING } from './stats';
import { countTimeWait, endpointSet, stillClosing, type TableLike, type TimeWaitCount } from './timewait';

/** A socket table source (electron/collector/types.ts SocketSource is one). */
export interface ProbeTableSource {
  readonly name: 'netlink' | 'procfs';
  read(): Promise<{ table: TableLike; interrupted?: boolean }>;
}

export interface ProbeSessionDeps {
  /** the table for the TIME_WAIT count, or why there is none */
  table: { source: ProbeTableSource | null; reason: string };
  ephemeral(): EphemeralInfo | null;
  signal?: AbortSignal;
  onAttempt?: (done: number, ok: number) => void;
  /** wraps the engine's run only (not the table reads around it): the CLI installs its Ctrl-C
   *  handlers and progress line for exactly that span */
  aroundRun?: <T>(run: () => Promise<T>) => Promise<T>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts before, runs, counts after, and builds the report. Throws ProbeInputError on settings
 *  beyond PROBE_LIMITS (the engine re-checks). */
export async function probeTarget(target: ResolvedTarget, settings: ProbeSettings, deps: ProbeSessionDeps): Promise<ProbeReport> {
  const table = deps.table;
  // a dump the kernel flags as interrupted (the table changed while it was walked: the probe's last
  // closes) may miss sockets: read again, up to 3 times
  const count = async (ours: Set<string>): Promise<TimeWaitCount> => {
    let r = await table.source!.read();
    for (let i = 0; i < 3 && r.interrupted; i++) r = await table.source!.read();
    return countTimeWait(r.table, { addr: target.address, port: target.port }, ours);
  };
  let tableError: string | null = table.source ? null : table.reason;
  let before: TimeWaitCount | null = null;
  if (table.source) {
    try {
      before = await count(new Set());
    } catch (e) {
      tableError = `cannot read the socket table: ${(e as Error).message}`;
    }
  }

  const engine = () => runProbe({ ...settings, address: target.address, port: target.port, signal: deps.signal, onAttempt: deps.onAttempt });
  const run = await (deps.aroundRun ? deps.aroundRun(engine) : engine());

  // the last closes may still be on their way (FIN_WAIT1/2, LAST_ACK, a server that has not yet
  // answered our FIN): read until every socket of the probe's is in TIME_WAIT or gone, for up to 1 s
  let after: TimeWaitCount | null = null;
  if (before) {
    const ours = endpointSet(run.endpoints);
    try {
      for (let i = 0; i < 20; i++) {
        after = await count(ours);
        if (stillClosing(after) === 0) break;
        await sleep(50);
      }
    } catch (e) {
      tableError = `cannot read the socket table: ${(e as Error).message}`;
      after = null;
    }
  }
  const tw = before && after ? { source: table.source!.name, before, after } : { source: null, reason: tableError ?? 'the socket table was not read' };
  return buildReport(
    { address: target.address, port: target.port, name: target.name, candidates: target.candidates, addressClass: target.addressClass },
    settings,
    run,
    tw,
    deps.ephemeral(),
  );
}

export interface ProbeRunDeps extends ProbeSessionDeps {
  /** DNS for a host name (default: the system's, as connect() would) */
  lookup?: Lookup;
}

/** The app's probe: the request (already shape-checked by shared/query-checks.ts checkProbeRequest)
 *  parsed strictly as the CLI parses its flags, resolved, run and reported. An input the CLI would
 *  refuse answers { ok: false, code: 'invalid' } with the same message. */
export async function probeRun(request: ProbeRequest, deps: ProbeRunDeps): Promise<ProbeOutcome> {
  let settings: ProbeSettings;
  let target: ResolvedTarget;
  try {
    settings = {
      count: request.count,
      concurrency: request.concurrency,
      ratePerS: PROBE_DEFAULTS.ratePerS,
      timeoutS: request.timeoutS,
      closeFirst: request.closeFirst,
    };
    checkSettings(settings);
    target = await resolveTarget(parseTarget(request.target), deps.lookup);
  } catch (e) {
    if (e instanceof ProbeInputError) return { ok: false, code: 'invalid', message: e.message };
    return { ok: false, code: 'failed', message: (e as Error).message };
  }
  try {
    const report: ProbeReportData = await probeTarget(target, settings, deps);
    const errnoMeaning: Record<string, string> = {};
    for (const code of [...Object.keys(report.errors), ...Object.keys(report.closing.errorsAfterConnect)]) {
      if (ERRNO_MEANING[code]) errnoMeaning[code] = ERRNO_MEANING[code];
    }
    return { ok: true, report, errnoMeaning, whoClosedFirst: whoClosedFirstLines(report as ProbeReport) };
  } catch (e) {
    if (e instanceof ProbeInputError) return { ok: false, code: 'invalid', message: e.message };
    return { ok: false, code: 'failed', message: (e as Error).message };
  }
}
