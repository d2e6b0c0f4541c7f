// The probe's result as data (the CLI's --json, the app's panel later) and as a readable summary,
// in English or the CLI's language (shared/i18n/locales/*/cli.json, "report"). Pure.

import { formatEndpoint } from '../../shared/address';
import { enT, msg, renderMsg, type MsgKey } from '../../shared/i18n';
import { formatter, type Formatter } from '../../shared/i18n/format';
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

/** A translation over the catalog's keys (the CLI's CliT has this shape). */
export type ReportT = (key: MsgKey, params?: Record<string, string | number>) => string;

/** The language of the readable summary: English unless the caller gives one (the CLI's --lang). */
export interface ReportText {
  t: ReportT;
  f: Formatter;
}

let english: ReportText | null = null;
function englishReport(): ReportText {
  english ??= { t: (key, params) => renderMsg(enT(), msg(key, params)), f: formatter('en') };
  return english;
}

/** ms with sensible precision: 0.084, 1.25, 12.5, 1,234 */
export function ms(x: number, f: Formatter = englishReport().f): string {
  if (x < 1) return f.fixed(x, 3);
  if (x < 10) return f.fixed(x, 2);
  if (x < 100) return f.fixed(x, 1);
  return f.count(Math.round(x));
}

function secondsNum(x: number, f: Formatter): string {
  return Number.isInteger(x) ? String(x) : f.fixed(x, 1);
}

function tally(t: StateTally, n: (x: number) => string, skip: string[] = []): string {
  return Object.entries(t)
    .filter(([st, c]) => c && !skip.includes(st))
    .map(([st, c]) => `${n(c!)} ${st}`)
    .join(', ');
}

/** What each errno class means, in the reader's language (ERRNO_MEANING is the English, for --json). */
const ERRNO_KEYS: Readonly<Record<string, MsgKey>> = {
  ECONNREFUSED: 'cli.report.errno.ECONNREFUSED',
  ETIMEDOUT: 'cli.report.errno.ETIMEDOUT',
  EADDRNOTAVAIL: 'cli.report.errno.EADDRNOTAVAIL',
  ECONNRESET: 'cli.report.errno.ECONNRESET',
  EHOSTUNREACH: 'cli.report.errno.EHOSTUNREACH',
  ENETUNREACH: 'cli.report.errno.ENETUNREACH',
  EACCES: 'cli.report.errno.EACCES',
  EPERM: 'cli.report.errno.EPERM',
  EMFILE: 'cli.report.errno.EMFILE',
  ENFILE: 'cli.report.errno.ENFILE',
  ENOBUFS: 'cli.report.errno.ENOBUFS',
  EINVAL: 'cli.report.errno.EINVAL',
  EAFNOSUPPORT: 'cli.report.errno.EAFNOSUPPORT',
  EOTHER: 'cli.report.errno.EOTHER',
};

/** The readable summary (ends without a newline). */
export function formatReport(r: ProbeReport, tx: ReportText = englishReport()): string {
  const { t, f } = tx;
  const n = (x: number) => f.count(x);
  const dest = formatEndpoint(r.target.address, r.target.port);
  const s = r.settings;
  const out: string[] = [];
  out.push(
    `waitline probe ${dest}: ` +
      t(s.closeFirst === 'client' ? 'cli.report.settings_client' : 'cli.report.settings_server', {
        total: n(s.count),
        concurrency: n(s.concurrency),
        rate: n(s.ratePerS),
        timeout: secondsNum(s.timeoutS, f),
      }),
  );
  if (r.target.name) {
    const c = r.target.candidates;
    const list = c.slice(0, 4).join(', ') + (c.length > 4 ? ', …' : '');
    out.push(
      `  ${c.length > 1 ? t('cli.report.resolved_several', { name: r.target.name, address: r.target.address, total: c.length, list }) : t('cli.report.resolved', { name: r.target.name, address: r.target.address })}`,
    );
  }
  out.push('');
  const rate = r.durationMs > 0 ? (r.attempted / r.durationMs) * 1000 : 0;
  const label = (key: 'connected' | 'latency' | 'errors' | 'timewait') => pad(t(`cli.report.label.${key}`), 12);
  out.push(
    `  ${label('connected')}${t('cli.report.connected', { ok: n(r.ok), attempted: n(r.attempted), seconds: f.fixed(r.durationMs / 1000, 2), rate: n(Math.round(rate)) })}` +
      (r.interrupted ? t('cli.report.interrupted', { attempted: n(r.attempted), total: n(s.count) }) : ''),
  );
  const l = r.latencyMs;
  out.push(
    `  ${label('latency')}` +
      (l ? t('cli.report.latency', { p50: ms(l.p50, f), p90: ms(l.p90, f), p99: ms(l.p99, f), max: ms(l.max, f) }) : t('cli.report.no_latency')),
  );
  const errs = rankErrors(r.errors);
  if (errs.length === 0) out.push(`  ${label('errors')}${t('cli.report.no_errors')}`);
  const w = Math.max(...errs.map(([, c]) => n(c).length), 1);
  errs.forEach(([code, c], i) => {
    const key = ERRNO_KEYS[code];
    const meaning = key ? t(key) : (ERRNO_MEANING[code] ?? '');
    out.push(`  ${i === 0 ? label('errors') : ' '.repeat(12)}${n(c).padStart(w)} ${code.padEnd(13)} ${meaning}`.trimEnd());
  });
  const after = rankErrors(r.closing.errorsAfterConnect);
  if (after.length) out.push(`  ${t('cli.report.after_connecting', { list: after.map(([code, c]) => `${n(c)} ${code}`).join(', ') })}`);

  const tw = r.timeWait;
  out.push('');
  const indent = ' '.repeat(14);
  if (tw.source === null) {
    // the reason (electron/collector) is English for now
    out.push(`  ${label('timewait')}${t('cli.report.tw_not_counted', { reason: tw.reason })}`);
  } else {
    const oc = tw.client.ours.TIME_WAIT ?? 0;
    const os = tw.server.ours.TIME_WAIT ?? 0;
    out.push(`  ${label('timewait')}${t('cli.report.tw_client', { dest, ours: n(oc), before: n(tw.client.timeWaitBefore), after: n(tw.client.timeWaitAfter) })}`);
    out.push(
      indent +
        (tw.serverVisible
          ? t('cli.report.tw_server', { dest, ours: n(os), before: n(tw.server.timeWaitBefore), after: n(tw.server.timeWaitAfter) })
          : t('cli.report.tw_server_hidden', { dest })),
    );
    const lingering = [tally(tw.client.ours, n, ['TIME_WAIT']), tally(tw.server.ours, n, ['TIME_WAIT'])];
    if (lingering[0]) out.push(indent + t('cli.report.other_client', { list: lingering[0] }));
    if (lingering[1]) out.push(indent + t('cli.report.other_server', { list: lingering[1] }));
    out.push(indent + t('cli.report.tw_source', { source: tw.source }));
    out.push('');
    out.push(...whoClosedFirst(r, dest, oc, os, tw.serverVisible, tx).map((x) => `  ${x}`));
  }
  const exhausted = r.errors.EADDRNOTAVAIL ?? 0;
  if (exhausted > 0) {
    const e = r.ephemeral;
    const range = e ? t('cli.report.range', { low: e.low, high: e.high, ports: n(e.high - e.low + 1) }) : t('cli.report.range_unreadable');
    const reuse = e?.twReuse != null ? `, tcp_tw_reuse ${e.twReuse}` : '';
    out.push('');
    out.push(`  ${t('cli.report.exhausted', { dest, range: range + reuse, n: n(exhausted), seconds: TIME_WAIT_SECONDS })}`);
  }
  return out.join('\n');
}

/** The "who closes first keeps TIME_WAIT" sentences of the summary (none when the table was not read);
 *  English unless a language is given. */
export function whoClosedFirstLines(r: ProbeReport, tx: ReportText = englishReport()): string[] {
  const tw = r.timeWait;
  if (tw.source === null) return [];
  const dest = formatEndpoint(r.target.address, r.target.port);
  return whoClosedFirst(r, dest, tw.client.ours.TIME_WAIT ?? 0, tw.server.ours.TIME_WAIT ?? 0, tw.serverVisible, tx);
}

function whoClosedFirst(r: ProbeReport, dest: string, oc: number, os: number, serverVisible: boolean, { t, f }: ReportText): string[] {
  const n = (x: number) => f.count(x);
  const lines: string[] = [t('cli.report.who_rule', { seconds: TIME_WAIT_SECONDS })];
  const late = r.closing.closeTimeouts;
  const timeout = secondsNum(r.settings.timeoutS, f);
  if (r.ok === 0) return [...lines, t('cli.report.who_none')];
  if (r.settings.closeFirst === 'client') {
    lines.push(t('cli.report.who_client', { ours: n(oc), dest, seconds: TIME_WAIT_SECONDS }));
    if (late) lines.push(t('cli.report.who_client_late', { late: n(late), timeout }));
  } else {
    const closedByServer = r.ok - late;
    if (closedByServer > 0) {
      const which = late ? t('cli.report.which_some', { some: n(closedByServer), ok: n(r.ok) }) : t('cli.report.which_every');
      lines.push(serverVisible ? t('cli.report.who_server', { which, os: n(os), dest, oc: n(oc) }) : t('cli.report.who_server_hidden', { which, oc: n(oc) }));
    }
    if (late) lines.push(t('cli.report.who_server_late', { late: n(late), timeout, oc: n(oc) }));
  }
  return lines;
}

/** `s` padded on the right to `w` terminal columns (CJK characters take two). */
function pad(s: string, w: number): string {
  let sw = 0;
  for (const ch of s) sw += /[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return sw >= w ? s : s + ' '.repeat(w - sw);
}
