// `waitline probe HOST:PORT`: connect-latency percentiles, connect errors by errno and who ended up
// holding TIME_WAIT, against one address the user typed. The engine is electron/probe/; this file
// parses the flags, counts TIME_WAIT in the socket table before and after (the collector's sources)
// and prints the summary or --json. docs/probe.md is the user's guide.

import { readFileSync } from 'node:fs';
import { parsePortRange } from '../collector/parse/kv-files';
import { loadNetlinkSource } from '../collector/sources/netlink-loader';
import { nodeFileReader } from '../collector/sources/node-fs';
import { createProcfsSource } from '../collector/sources/procfs';
import type { SocketSource } from '../collector/types';
import { runProbe } from '../probe/engine';
import { closeFirstOption, intOption, parseTarget, ProbeInputError, PROBE_DEFAULTS, PROBE_LIMITS, type ProbeSettings } from '../probe/options';
import { buildReport, formatReport, type EphemeralInfo } from '../probe/report';
import { resolveTarget } from '../probe/resolve';
import { countTimeWait, endpointSet, stillClosing, type TimeWaitCount } from '../probe/timewait';
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

async function openTableSource(choice: 'auto' | 'netlink' | 'procfs'): Promise<{ source: SocketSource | null; reason: string }> {
  if (choice === 'procfs') return { source: createProcfsSource(nodeFileReader), reason: '' };
  const nl = await loadNetlinkSource();
  if (nl.source) return nl;
  if (choice === 'netlink') return { source: null, reason: `the netlink source is unavailable (${nl.reason})` };
  return { source: createProcfsSource(nodeFileReader), reason: '' };
}

function readEphemeral(): EphemeralInfo | null {
  try {
    const { low, high } = parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1'));
    let twReuse: string | null = null;
    try {
      twReuse = readFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', 'latin1').trim();
    } catch {
      // unreadable: not shown
    }
    return { low, high, twReuse };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = process.stderr.isTTY && !flags.json;
  let shownAt = 0;
  let run;
  try {
    run = await runProbe({
      ...settings,
      address: target.address,
      port: target.port,
      signal: ac.signal,
      onAttempt: progress
        ? (done, ok) => {
            const now = Date.now();
            if (now - shownAt < 250) return;
            shownAt = now;
            process.stderr.write(`\r  ${done.toLocaleString('en-US')} of ${settings.count.toLocaleString('en-US')} (${ok.toLocaleString('en-US')} ok)…`);
          }
        : undefined,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (progress && shownAt) process.stderr.write('\r\x1b[K');
  }

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
  const report = buildReport(
    { address: target.address, port: target.port, name: target.name, candidates: target.candidates, addressClass: target.addressClass },
    settings,
    run,
    tw,
    readEphemeral(),
  );
  process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : formatReport(report) + '\n');
  return report.exitCode;
}

export const probeCommand: Subcommand = {
  usage: PROBE_USAGE,
  run: runProbeCommand,
};
