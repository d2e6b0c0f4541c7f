// The probe's result as data (the CLI's --json, the app's panel later) and as a readable summary.
// Pure.

import { formatEndpoint } from '../../shared/address';
import type { ProbeReportData } from '../../shared/probe';
import { TIME_WAIT_SECONDS } from '../../shared/tcp';
import type { AddressClass, ProbeSettings } from './options';
import { ERRNO_MEANING, rankErrors, summarizeLatencies, type LatencySummary } from './stats';
import type { ProbeRunResult } from './engine';
import type { StateTally, TimeWaitCount } from './timewait';

export interface SideReport {
  /** TIME_WAIT sockets on this side before and after the run, whoever made them */
  timeWaitBefore: number;
  timeWaitAfter: number;
  /** this probe's connections on this side after the run, by state */
  ours: StateTally;
}

export type TimeWaitReport =
  | { source: 'netlink' | 'procfs'; serverVisible: boolean; client: SideReport; server: SideReport }
  | { source: null; reason: string };

export interface EphemeralInfo {
  low: number;
  high: number;
  /** net.ipv4.tcp_tw_reuse as read, null when unreadable */
  twReuse: string | null;
}

/** A probe's result: the shared shape (shared/probe.ts, what the app's panel gets) with this side's
 *  richer types for the target, settings, TIME_WAIT count and port range. */
export interface ProbeReport extends Omit<ProbeReportData, 'target' | 'settings' | 'latencyMs' | 'timeWait' | 'ephemeral'> {
  target: Omit<ProbeReportData['target'], 'addressClass'> & { addressClass: AddressClass };
  settings: ProbeSettings;
  latencyMs: LatencySummary | null;
  timeWait: TimeWaitReport;
  /** the ephemeral port range of this namespace (IPv4 and IPv6 share it) */
  ephemeral: EphemeralInfo | null;
}

/** 0 every connect succeeded; 1 at least one failed; 130 interrupted (Ctrl-C). Usage errors are 2. */
export function probeExitCode(r: Pick<ProbeReport, 'failed' | 'interrupted'>): number {
  if (r.interrupted) return 130;
  return r.failed > 0 ? 1 : 0;
}

export function buildReport(
  target: ProbeReport['target'],
  settings: ProbeSettings,
  run: ProbeRunResult,
  tw: { source: 'netlink' | 'procfs'; before: TimeWaitCount; after: TimeWaitCount } | { source: null; reason: string },
  ephemeral: EphemeralInfo | null,
): ProbeReport {
  const timeWait: TimeWaitReport =
    tw.source === null
      ? tw
      : {
          source: tw.source,
          serverVisible: tw.before.serverVisible || tw.after.serverVisible,
          client: { timeWaitBefore: tw.before.client.timeWait, timeWaitAfter: tw.after.client.timeWait, ours: tw.after.client.ours },
          server: { timeWaitBefore: tw.before.server.timeWait, timeWaitAfter: tw.after.server.timeWait, ours: tw.after.server.ours },
        };
  const r = {
    target,
    settings,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    attempted: run.attempted,
    ok: run.ok,
    failed: run.failed,
    interrupted: run.interrupted,
    errors: run.errors,
    latencyMs: summarizeLatencies(run.latenciesMs),
    closing: { closeTimeouts: run.closeTimeouts, errorsAfterConnect: run.errorsAfterConnect },
    timeWait,
    ephemeral,
    exitCode: 0,
  };
  r.exitCode = probeExitCode(r);
  return r;
}

const nf = new Intl.NumberFormat('en-US');
const n = (x: number) => nf.format(x);

/** ms with sensible precision: 0.084, 1.25, 12.5, 1,234 */
export function ms(x: number): string {
  if (x < 1) return x.toFixed(3);
  if (x < 10) return x.toFixed(2);
  if (x < 100) return x.toFixed(1);
  return n(Math.round(x));
}

function seconds(x: number): string {
  return `${Number.isInteger(x) ? x : x.toFixed(1)} s`;
}

function tally(t: StateTally, skip: string[] = []): string {
  return Object.entries(t)
    .filter(([st, c]) => c && !skip.includes(st))
    .map(([st, c]) => `${n(c!)} ${st}`)
    .join(', ');
}

/** The readable summary (ends without a newline). */
export function formatReport(r: ProbeReport): string {
  const dest = formatEndpoint(r.target.address, r.target.port);
  const s = r.settings;
  const out: string[] = [];
  out.push(
    `waitline probe ${dest}: ${n(s.count)} connects, concurrency ${n(s.concurrency)}, at most ${n(s.ratePerS)}/s, ` +
      `timeout ${seconds(s.timeoutS)}, the ${s.closeFirst} closes first`,
  );
  if (r.target.name) {
    const more = r.target.candidates.length > 1 ? ` (first of ${r.target.candidates.length} addresses: ${r.target.candidates.slice(0, 4).join(', ')}${r.target.candidates.length > 4 ? ', …' : ''})` : '';
    out.push(`  ${r.target.name} resolved once to ${r.target.address}${more}`);
  }
  out.push('');
  const rate = r.durationMs > 0 ? (r.attempted / r.durationMs) * 1000 : 0;
  out.push(
    `  connected   ${n(r.ok)} of ${n(r.attempted)} in ${(r.durationMs / 1000).toFixed(2)} s (${n(Math.round(rate))} attempts/s)` +
      (r.interrupted ? ` — interrupted after ${n(r.attempted)} of ${n(s.count)}` : ''),
  );
  const l = r.latencyMs;
  out.push(l ? `  latency     p50 ${ms(l.p50)} ms   p90 ${ms(l.p90)} ms   p99 ${ms(l.p99)} ms   max ${ms(l.max)} ms` : '  latency     — (no connect succeeded)');
  const errs = rankErrors(r.errors);
  if (errs.length === 0) out.push('  errors      none');
  const w = Math.max(...errs.map(([, c]) => n(c).length), 1);
  errs.forEach(([code, c], i) => {
    out.push(`  ${i === 0 ? 'errors    ' : '          '}  ${n(c).padStart(w)} ${code.padEnd(13)} ${ERRNO_MEANING[code] ?? ''}`.trimEnd());
  });
  const after = rankErrors(r.closing.errorsAfterConnect);
  if (after.length) out.push(`  after connecting: ${after.map(([code, c]) => `${n(c)} ${code}`).join(', ')}`);

  const tw = r.timeWait;
  out.push('');
  if (tw.source === null) {
    out.push(`  TIME_WAIT   not counted: ${tw.reason}`);
  } else {
    const oc = tw.client.ours.TIME_WAIT ?? 0;
    const os = tw.server.ours.TIME_WAIT ?? 0;
    out.push(
      `  TIME_WAIT   client side (toward ${dest}): ${n(oc)} of this probe's connections; ` +
        `all programs ${n(tw.client.timeWaitBefore)} before → ${n(tw.client.timeWaitAfter)} after`,
    );
    out.push(
      tw.serverVisible
        ? `              server side (at ${dest}): ${n(os)} of this probe's connections; all programs ${n(tw.server.timeWaitBefore)} before → ${n(tw.server.timeWaitAfter)} after`
        : `              server side (at ${dest}): not visible — the server is not in this machine's network namespace`,
    );
    const lingering = [tally(tw.client.ours, ['TIME_WAIT']), tally(tw.server.ours, ['TIME_WAIT'])];
    if (lingering[0]) out.push(`              this probe's other client sockets: ${lingering[0]}`);
    if (lingering[1]) out.push(`              this probe's other server sockets: ${lingering[1]}`);
    out.push(`              (source ${tw.source}; read just before and just after the run)`);
    out.push('');
    out.push(...whoClosedFirst(r, dest, oc, os, tw.serverVisible).map((x) => `  ${x}`));
  }
  const exhausted = r.errors.EADDRNOTAVAIL ?? 0;
  if (exhausted > 0) {
    const e = r.ephemeral;
    const range = e ? `ip_local_port_range ${e.low}–${e.high} (${n(e.high - e.low + 1)} ports)` : 'ip_local_port_range (unreadable)';
    const reuse = e?.twReuse != null ? `, tcp_tw_reuse ${e.twReuse}` : '';
    out.push('');
    out.push(
      `  ran out of ephemeral ports toward ${dest}: ${range}${reuse}; ${n(exhausted)} connects found no free local port. ` +
        `Ports held in TIME_WAIT free up ${TIME_WAIT_SECONDS} s after each close; see \`waitline snapshot\` (Port budget).`,
    );
  }
  return out.join('\n');
}

/** The "who closes first keeps TIME_WAIT" sentences of the summary (none when the table was not read). */
export function whoClosedFirstLines(r: ProbeReport): string[] {
  const tw = r.timeWait;
  if (tw.source === null) return [];
  const dest = formatEndpoint(r.target.address, r.target.port);
  return whoClosedFirst(r, dest, tw.client.ours.TIME_WAIT ?? 0, tw.server.ours.TIME_WAIT ?? 0, tw.serverVisible);
}

function whoClosedFirst(r: ProbeReport, dest: string, oc: number, os: number, serverVisible: boolean): string[] {
  const lines: string[] = [`Who closes first keeps TIME_WAIT (${TIME_WAIT_SECONDS} s on Linux).`];
  const late = r.closing.closeTimeouts;
  const t = seconds(r.settings.timeoutS);
  if (r.ok === 0) return [...lines, 'No connection was made, so neither side holds TIME_WAIT from this run.'];
  if (r.settings.closeFirst === 'client') {
    lines.push(
      `The client closed first, so the client holds the TIME_WAIT: ${n(oc)} sockets here, each keeping a local port ` +
        `toward ${dest} busy for ${TIME_WAIT_SECONDS} s.`,
    );
    if (late) lines.push(`${n(late)} connections: the server did not answer our FIN within ${t}; they were closed anyway and wait in FIN_WAIT2 here.`);
  } else {
    const closedByServer = r.ok - late;
    if (closedByServer > 0) {
      const which = late ? `${n(closedByServer)} of ${n(r.ok)} connections` : 'every connection';
      lines.push(
        serverVisible
          ? `The server closed first (${which}), so the server holds the TIME_WAIT: ${n(os)} sockets at ${dest}; the client holds ${n(oc)}.`
          : `The server closed first (${which}), so the server holds the TIME_WAIT — on its own machine, not visible from here; the client holds ${n(oc)}.`,
      );
    }
    if (late) {
      lines.push(
        `${n(late)} connections: the server had not closed within ${t}, so the probe closed them first — the client holds their TIME_WAIT ` +
          `(${n(oc)} here). A server that waits for its client to close never closes first.`,
      );
    }
  }
  return lines;
}
