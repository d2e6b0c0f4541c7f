// `waitline probe HOST:PORT`: connect-latency percentiles, connect errors by errno and who ended up
// holding TIME_WAIT, against one address the user typed. The engine is electron/probe/; this file
// parses the flags, counts TIME_WAIT in the socket table before and after (the collector's sources)
// and prints the summary or --json. docs/probe.md is the user's guide.

import { openTableSource, readEphemeral } from '../collector/probe-table';
import { closeFirstOption, intOption, parseTarget, ProbeInputError, PROBE_DEFAULTS, PROBE_LIMITS, type ProbeSettings } from '../probe/options';
import { formatReport } from '../probe/report';
import { resolveTarget } from '../probe/resolve';
import { probeTarget } from '../probe/session';
import { parseArgs, secondsFlag, sourceFlag, UsageError } from './args';
import type { Subcommand } from './commands';

const L = PROBE_LIMITS;
const D = PROBE_DEFAULTS;

export const PROBE_USAGE = `usage: waitline probe HOST:PORT [--count N] [--concurrency C] [--rate R] [--timeout S]
                     [--close-first client|server] [--json] [--source auto|netlink|procfs]

Opens N TCP connections to HOST:PORT and closes them, then reports the connect latency (p50, p90,
p99, max), the failed connects by errno (ECONNREFUSED, ETIMEDOUT, EADDRNOTAVAIL …) and which side
ended up holding TIME_WAIT, and how many: whoever closes first keeps TIME_WAIT. It connects only to
the address given, and only when run.

HOST is an IPv4 address (10.0.0.5), an IPv6 address in brackets ([fd00::5]) or a host name, resolved
once (the first address is used and shown). Loopback and private addresses are probed only when typed
as an address: a name that resolves to one is refused.

options:
  --count N        connections to open (default ${D.count}; at most ${L.maxCount.toLocaleString('en-US')})
  --concurrency C  at most C connects or closes in flight (default ${D.concurrency}; at most ${L.maxConcurrency})
  --rate R         at most R connects started per second (default ${D.ratePerS.toLocaleString('en-US')}; at most ${L.maxRatePerS.toLocaleString('en-US')})
  --timeout S      seconds to wait for a connect, and for the peer's close (default ${D.timeoutS}; ${L.minTimeoutS} to ${L.maxTimeoutS})
  --close-first W  client (default): the probe closes each connection first, so TIME_WAIT stays here;
                   server: the probe waits for the server to close first (up to --timeout, then
                   closes itself), so TIME_WAIT stays on the server
  --json           print the result as one JSON object
  --source S       socket table source for the TIME_WAIT count: auto (netlink, else /proc), netlink, procfs
  --help           this text

Exit status: 0 every connect succeeded, 1 at least one connect failed (or the name did not resolve),
2 usage error, 130 interrupted (Ctrl-C; the partial result is printed).`;

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

export async function runProbeCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    booleans: ['json'],
    values: ['count', 'concurrency', 'rate', 'timeout', 'close-first', 'source'],
    positionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'HOST:PORT is missing' : `one HOST:PORT, not ${positionals.length} arguments`);
  let settings: ProbeSettings;
  let target;
  try {
    settings = settingsFrom(flags);
    target = await resolveTarget(parseTarget(positionals[0]));
  } catch (e) {
    if (e instanceof ProbeInputError) throw new UsageError(e.message);
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
          process.stderr.write(`\r  ${done.toLocaleString('en-US')} of ${settings.count.toLocaleString('en-US')} (${ok.toLocaleString('en-US')} ok)…`);
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
  process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : formatReport(report) + '\n');
  return report.exitCode;
}

export const probeCommand: Subcommand = {
  usage: PROBE_USAGE,
  run: runProbeCommand,
};
