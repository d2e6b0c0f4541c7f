// `waitline probe HOST:PORT`: connect-latency percentiles, connect errors by errno and who ended up
// holding TIME_WAIT, against one address the user typed. The engine is electron/probe/; this file
// parses the flags, counts TIME_WAIT in the socket table before and after (the collector's sources)
// and prints the summary or --json. docs/probe.md is the user's guide.

import { openTableSource, readEphemeral } from '../collector/probe-table';
import { closeFirstOption, intOption, parseTarget, ProbeInputError, PROBE_DEFAULTS, PROBE_LIMITS, type ProbeSettings } from '../probe/options';
import { formatReport } from '../probe/report';
import { resolveTarget } from '../probe/resolve';
import { probeTarget } from '../probe/session';
import { parseArgs, secondsFlag, sourceFlag, UsageError, usageError } from './args';
import type { Subcommand } from './commands';
import { type CliT, type CliText, englishText, optionLines, usageHead } from './text';
import { formatter, type Formatter } from '../../shared/i18n/format';

const L = PROBE_LIMITS;
const D = PROBE_DEFAULTS;

export function probeUsage(t: CliT, f: Formatter = formatter('en')): string {
  return [
    usageHead(t, [
      'waitline probe HOST:PORT [--count N] [--concurrency C] [--rate R] [--timeout S]',
      '                     [--close-first client|server] [--json] [--source auto|netlink|procfs]',
    ]),
    '',
    t('cli.probe.usage.about'),
    '',
    t('cli.probe.usage.host'),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--count N', t('cli.probe.usage.count', { dflt: f.count(D.count), max: f.count(L.maxCount) })],
        ['--concurrency C', t('cli.probe.usage.concurrency', { dflt: f.count(D.concurrency), max: f.count(L.maxConcurrency) })],
        ['--rate R', t('cli.probe.usage.rate', { dflt: f.count(D.ratePerS), max: f.count(L.maxRatePerS) })],
        ['--timeout S', t('cli.probe.usage.timeout', { dflt: String(D.timeoutS), min: String(L.minTimeoutS), max: String(L.maxTimeoutS) })],
        ['--close-first W', t('cli.probe.usage.close_first')],
        ['--json', t('cli.probe.usage.json')],
        ['--source S', t('cli.probe.usage.source')],
        ['--help', t('cli.main.help_option')],
      ],
      19,
    ),
    '',
    t('cli.probe.usage.exit'),
  ].join('\n');
}

/** The usage text in English. */
export const PROBE_USAGE = probeUsage(englishText().t);

function settingsFrom(flags: Record<string, string | true>): ProbeSettings {
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const int = (k: string, dflt: number, max: number) => (str(k) === undefined ? dflt : intOption(str(k)!, k, 1, max));
  return {
    count: int('count', D.count, L.maxCount),
    concurrency: int('concurrency', D.concurrency, L.maxConcurrency),
    ratePerS: int('rate', D.ratePerS, L.maxRatePerS),
    timeoutS: secondsFlag(flags.timeout, 'timeout', D.timeoutS, L.minTimeoutS, L.maxTimeoutS),
    closeFirst: str('close-first') === undefined ? D.closeFirst : closeFirstOption(str('close-first')!),
  };
}

export async function runProbeCommand(argv: string[], tx: CliText = englishText()): Promise<number> {
  const { t, f } = tx;
  const { flags, positionals } = parseArgs(argv, {
    booleans: ['json'],
    values: ['count', 'concurrency', 'rate', 'timeout', 'close-first', 'source'],
    positionals: true,
  });
  if (positionals.length !== 1) {
    const given = positionals.length;
    throw usageError((t) => (given === 0 ? t('cli.probe.target_missing') : t('cli.probe.one_target', { n: given })));
  }
  let settings: ProbeSettings;
  let target;
  try {
    settings = settingsFrom(flags);
    target = await resolveTarget(parseTarget(positionals[0]));
  } catch (e) {
    // the option checks' sentences (electron/probe/options) in the run's language
    if (e instanceof ProbeInputError) {
      const m = e.msg;
      throw new UsageError(e.message, (t) => t(m.key, m.params));
    }
    throw e;
  }
  const source = sourceFlag(flags.source);

  const table = await openTableSource(source);

  const ac = new AbortController();
  const onSignal = () => ac.abort();
  const progress = process.stderr.isTTY && !flags.json;
  let shownAt = 0;
  const report = await probeTarget(target, settings, {
    table,
    ephemeral: readEphemeral,
    signal: ac.signal,
    onAttempt: progress
      ? (done, ok) => {
          const now = Date.now();
          if (now - shownAt < 250) return;
          shownAt = now;
          process.stderr.write(`\r  ${t('cli.probe.progress', { done: f.count(done), total: f.count(settings.count), ok: f.count(ok) })}`);
        }
      : undefined,
    // Ctrl-C interrupts the run itself (the partial result is printed), not the table reads around it
    aroundRun: async (run) => {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        return await run();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (progress && shownAt) process.stderr.write('\r\x1b[K');
      }
    },
  });
  process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : formatReport(report, tx) + '\n');
  return report.exitCode;
}

export const probeCommand: Subcommand = {
  usage: (tx) => probeUsage(tx.t, tx.f),
  run: runProbeCommand,
};
