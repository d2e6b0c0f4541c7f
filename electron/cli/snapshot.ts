// `waitline snapshot`: one snapshot as a readable summary (a richer `ss -s`) or as JSON; --watch
// refreshes it in place.

import { budgetMsg, rankBudgets } from '../../shared/port-budget';
import type { PortBudget, Snapshot } from '../../shared/snapshot';
import { TCP_STATES, TIME_WAIT_SECONDS } from '../../shared/tcp';
import { createCollector, type Collector } from '../collector/index';
import { parseArgs, secondsFlag, sourceFlag } from './args';
import { addressText, endpointText, portText, serviceNames, summaryNames, type EndpointNames } from './names';
import { countersSince, detectNetns, type NetnsScope } from './netns-scope';
import { ReverseDns } from '../collector/reverse-dns';
import type { Subcommand } from './commands';
import { type CliT, type CliText, englishText, lpad, optionLines, pad, usageHead } from './text';

export function snapshotUsage(t: CliT): string {
  return [
    usageHead(t, ['waitline snapshot [--json] [--interval S] [--watch] [--source auto|netlink|procfs] [--names] [--resolve]']),
    '',
    t('cli.snapshot.usage.about'),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--json', t('cli.snapshot.usage.json')],
        ['--interval S', t('cli.snapshot.usage.interval')],
        ['--watch', t('cli.snapshot.usage.watch')],
        ['--source S', t('cli.snapshot.usage.source')],
        ['--names', t('cli.snapshot.usage.names')],
        ['--resolve', t('cli.snapshot.usage.resolve')],
        ['--help', t('cli.main.help_option')],
      ],
      18,
    ),
    '',
    t('cli.snapshot.usage.exit'),
  ].join('\n');
}

/** The usage text in English. */
export const SNAPSHOT_USAGE = snapshotUsage(englishText().t);

const COUNTER_ROWS = [
  ['tw', 'TcpExt.TW'],
  ['tw_killed', 'TcpExt.TWKilled'],
  ['tw_recycled', 'TcpExt.TWRecycled'],
  ['tw_overflow', 'TcpExt.TCPTimeWaitOverflow'],
  ['active_opens', 'Tcp.ActiveOpens'],
  ['passive_opens', 'Tcp.PassiveOpens'],
  ['attempt_fails', 'Tcp.AttemptFails'],
  ['estab_resets', 'Tcp.EstabResets'],
  ['out_rsts', 'Tcp.OutRsts'],
  ['listen_overflows', 'TcpExt.ListenOverflows'],
  ['listen_drops', 'TcpExt.ListenDrops'],
] as const;

/** netns: which network namespace the snapshot was taken in (the counters' "since" depends on it);
 *  names: service and host names shown beside the numbers (--names, --resolve; electron/cli/names.ts);
 *  tx: the language (English by default). */
export function formatSnapshot(s: Snapshot, opts: { netns?: NetnsScope; names?: EndpointNames | null; tx?: CliText } = {}): string {
  const { t, f } = opts.tx ?? englishText();
  const n = (x: number) => f.count(Math.round(x));
  const r1 = (x: number) => (x >= 100 ? n(x) : f.fixed(x, 1));
  const names = opts.names ?? null;
  const since = countersSince(opts.netns ?? 'unknown', t);
  const out: string[] = [];
  const when = new Date(s.time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  out.push(t('cli.snapshot.title', { when, sockets: n(s.totalSockets), source: s.health.socketSource, ms: f.fixed(s.health.durationMs, 1) }));
  if (s.health.tableInterrupted) out.push(t('cli.snapshot.interrupted'));
  out.push('');
  out.push(`${pad(t('cli.snapshot.state'), 14)}${lpad('IPv4', 10)}${lpad('IPv6', 10)}${lpad(t('cli.snapshot.total'), 10)}`);
  for (const st of TCP_STATES) {
    const tot = s.states[st];
    if (tot === 0 && (st === 'NEW_SYN_RECV' || st === 'BOUND_INACTIVE')) continue;
    out.push(`${pad(st, 14)}${lpad(n(s.statesByFamily.ipv4[st]), 10)}${lpad(n(s.statesByFamily.ipv6[st]), 10)}${lpad(n(tot), 10)}`);
  }
  if (s.sockstat) {
    const k = s.sockstat;
    out.push('');
    out.push(t('cli.snapshot.sockstat', { inuse4: n(k.inuse4), inuse6: n(k.inuse6), tw: n(k.tw), orphan: n(k.orphan), alloc: n(k.alloc), pages: n(k.memPages) }));
  }
  if (s.timeWaitTimers) {
    const tw = s.timeWaitTimers;
    out.push('');
    out.push(t('cli.snapshot.timewait', { total: n(tw.total), next10: n(tw.freedNext10s), seconds: TIME_WAIT_SECONDS }));
    if (tw.total > 0) {
      const max = Math.max(...tw.counts);
      tw.counts.forEach((c, i) => {
        const bar = '#'.repeat(max ? Math.round((c / max) * 30) : 0);
        out.push(`  ${lpad(t('cli.snapshot.seconds_left', { from: i * tw.bucketS, to: (i + 1) * tw.bucketS }), 13)} ${lpad(n(c), 8)} ${bar}`);
      });
    }
    if (tw.finWait2Timewait > 0) out.push(`  ${t('cli.snapshot.fin_wait2', { n: n(tw.finWait2Timewait) })}`);
  }
  if (s.ephemeral) {
    const e = s.ephemeral;
    out.push('');
    out.push(
      e.reserved
        ? t('cli.snapshot.budget_head_reserved', { low: e.low, high: e.high, usable: n(e.usable), reserved: n(e.reserved) })
        : t('cli.snapshot.budget_head', { low: e.low, high: e.high, usable: n(e.usable) }),
    );
    if (s.portBudgets.length === 0) out.push(`  ${t('cli.snapshot.no_budgets')}`);
    for (const b of rankBudgets(s.portBudgets).slice(0, 5)) {
      const line = t('cli.snapshot.budget_row', { verdict: t(VERDICT_KEYS[b.verdict]), held: n(b.blocking), usable: n(b.usable), percent: r1(b.percentUsed), tw: n(b.timeWait) });
      out.push(
        `  ${pad(`${b.localAddr} → ${endpointText(b.remoteAddr, b.remotePort, names)}`, 44)} ${line}` +
          (b.reuseApplies ? ` ${t('cli.snapshot.budget_reuse', { seconds: b.holdSeconds })}` : ''),
      );
      // the verdict's sentence (shared/port-budget), in the catalog's words
      const sentence = budgetMsg(b);
      out.push(`      ${t(sentence.key, sentence.params)}`);
    }
  }
  const top = s.topTimeWait.slice(0, 5);
  if (top.length) {
    out.push('');
    out.push(t('cli.snapshot.top_timewait'));
    for (const d of top) {
      const what =
        d.direction === 'outbound'
          ? t('cli.snapshot.tw_outbound', { peer: endpointText(d.peerAddr, d.servicePort, names) })
          : t('cli.snapshot.tw_inbound', { port: portText(d.servicePort, names), peer: addressText(d.peerAddr, names) });
      out.push(`  ${lpad(n(d.count), 8)}  ${what}`);
    }
  }
  const cw = s.topCloseWait.slice(0, 5);
  if (cw.length) {
    out.push('');
    out.push(t('cli.snapshot.top_closewait'));
    for (const d of cw) {
      const what =
        d.direction === 'outbound'
          ? t('cli.snapshot.cw_outbound', { peer: endpointText(d.peerAddr, d.servicePort, names) })
          : t('cli.snapshot.cw_inbound', { port: portText(d.servicePort, names), peer: addressText(d.peerAddr, names) });
      out.push(`  ${lpad(n(d.count), 8)}  ${what}`);
    }
    // ages are lower bounds: from the kernel's tcp_info (netlink), or only what Waitline observed (/proc)
    const cwAcc = s.owners?.closeWaitAccounting;
    for (const p of s.owners?.closeWait.slice(0, 5) ?? []) {
      const age = String(Math.round(p.oldestAgeS));
      const when =
        p.oldestAgeSource === 'kernel'
          ? t('cli.snapshot.cw_age_kernel', { age })
          : cwAcc?.ageSource === 'observed'
            ? t('cli.snapshot.cw_age_observed_proc', { age })
            : t('cli.snapshot.cw_age_observed', { age });
      out.push(`  ${lpad(n(p.count), 8)}  ${t('cli.snapshot.cw_held_by', { comm: p.comm, pid: p.pid, when })}`);
    }
    if (cwAcc && cwAcc.unattributed > 0) {
      out.push(`  ${lpad(n(cwAcc.unattributed), 8)}  ${t('cli.snapshot.cw_unattributed', { opened: n(cwAcc.newSinceScan), hidden: n(cwAcc.notVisible) })}`);
    }
  }
  const c = s.counters;
  if (c) {
    out.push('');
    const rate = (k: keyof NonNullable<typeof c.rates>) => (c.rates ? `${r1(c.rates[k] ?? 0)}/s` : '—');
    const tot = (k: keyof typeof c.totals) => n(c.totals[k] ?? 0);
    // the kernel keeps these counters per network namespace: a new namespace starts them at 0
    out.push(
      c.rates
        ? t('cli.snapshot.counters_rates', { seconds: f.fixed((s.intervalMs ?? 0) / 1000, 1), since })
        : t('cli.snapshot.counters_totals', { since }),
    );
    for (const [label, k] of COUNTER_ROWS) out.push(`  ${pad(t(`cli.snapshot.counter.${label}`), 32)}${lpad(rate(k), 12)}${lpad(tot(k), 16)}`);
  }
  const sys = Object.entries(s.sysctls);
  if (sys.length) {
    out.push('');
    out.push(t('cli.snapshot.sysctls'));
    for (const [k, v] of sys) {
      let shown = v.available ? v.raw || t('cli.common.empty') : t('cli.snapshot.unavailable', { reason: v.reason });
      // docs/kernel.md: a negative tcp_ehash_entries means this namespace shares the host's table
      if (v.available && k === 'net.ipv4.tcp_ehash_entries' && /^-\d+$/.test(v.raw.trim())) {
        shown += `  ${t('cli.snapshot.ehash_shared', { buckets: v.raw.trim().slice(1) })}`;
      }
      out.push(`  ${pad(k, 40)} ${shown}`);
    }
  }
  if (s.owners) {
    const o = s.owners;
    out.push('');
    out.push(
      t('cli.snapshot.owners', { attributed: n(o.attributed), withInode: n(o.withInode), kernel: n(o.kernelOwned) }) +
        (o.unreadablePids ? t('cli.snapshot.owners_unreadable', { n: n(o.unreadablePids) }) : ''),
    );
    for (const p of o.topProcesses.slice(0, 5)) out.push(`  ${lpad(n(p.total), 8)}  ${p.comm} (pid ${p.pid})`);
  }
  const h = s.health;
  const skipped = Object.entries(h.skippedLines);
  if (h.fallbackReason || h.degraded.length || skipped.length || h.unknownStates) {
    out.push('');
    out.push(t('cli.snapshot.notes'));
    // the collector's own sentences (electron/collector) are English for now
    if (h.fallbackReason) out.push(`  ${h.fallbackReason}`);
    for (const d of h.degraded) out.push(`  ${d.source}: ${d.message}`);
    for (const [src, k] of skipped) out.push(`  ${src}: ${t('cli.snapshot.skipped_lines', { n: n(k) })}`);
    if (h.unknownStates) out.push(`  ${t('cli.snapshot.unknown_states', { n: n(h.unknownStates) })}`);
  }
  return out.join('\n');
}

const VERDICT_KEYS = {
  exhausted: 'cli.snapshot.verdict.exhausted',
  will_exhaust: 'cli.snapshot.verdict.will_exhaust',
  at_risk: 'cli.snapshot.verdict.at_risk',
  fine: 'cli.snapshot.verdict.fine',
} as const satisfies Record<PortBudget['verdict'], string>;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function takeSnapshot(c: Collector, intervalS: number): Promise<Snapshot> {
  const first = await c.tick();
  if (intervalS <= 0) return first;
  await sleep(intervalS * 1000);
  return c.tick();
}

export async function runSnapshot(argv: string[], tx: CliText = englishText()): Promise<number> {
  const { flags } = parseArgs(argv, { booleans: ['json', 'watch', 'names', 'resolve'], values: ['interval', 'source'] });
  const watch = flags.watch === true;
  const intervalS = secondsFlag(flags.interval, 'interval', 1, watch ? 0.2 : 0, 3600, watch);
  const netns = detectNetns();
  const source = sourceFlag(flags.source);
  const collector = createCollector({ socketSource: source });
  collector.setDemand({ owners: true });
  // names: only when asked; reverse DNS only with --resolve, only for the addresses the summary lists
  const wantNames = !flags.json && (flags.names === true || flags.resolve === true);
  const services = wantNames ? serviceNames() : null;
  if (services?.note) console.error(tx.t('cli.common.note', { note: services.noteMsg ? tx.t(services.noteMsg.key, services.noteMsg.params) : services.note }));
  const resolver = wantNames && flags.resolve === true ? new ReverseDns({ enabled: true }) : null;
  const namesFor = (s: Snapshot, wait: boolean) => (services ? summaryNames(s, services.services, resolver, wait) : Promise.resolve(null));

  if (!watch) {
    const s = await takeSnapshot(collector, intervalS);
    if (!s.sockstat && s.health.socketSource === 'none') {
      console.error(tx.t('cli.common.no_socket_tables', { details: s.health.degraded.map((d) => `${d.source}: ${d.message}`).join('; ') }));
      return 1;
    }
    process.stdout.write(flags.json ? JSON.stringify(s) + '\n' : formatSnapshot(s, { netns, names: await namesFor(s, true), tx }) + '\n');
    return 0;
  }

  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tty = process.stdout.isTTY;
  while (!stop) {
    const s = await collector.tick();
    if (flags.json) process.stdout.write(JSON.stringify(s) + '\n');
    else process.stdout.write((tty ? '\x1b[H\x1b[2J' : '') + formatSnapshot(s, { netns, names: await namesFor(s, false), tx }) + '\n' + (tty ? '' : '\n'));
    const deadline = Date.now() + intervalS * 1000;
    while (!stop && Date.now() < deadline) await sleep(Math.min(100, deadline - Date.now()));
  }
  return 0;
}

export const snapshotCommand: Subcommand = {
  usage: (tx) => snapshotUsage(tx.t),
  run: runSnapshot,
};
