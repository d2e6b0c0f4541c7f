// `waitline snapshot`: one snapshot as a readable summary (a richer `ss -s`) or as JSON; --watch
// refreshes it in place.

import { budgetSentence, rankBudgets, VERDICT_WORDS } from '../../shared/port-budget';
import type { Snapshot } from '../../shared/snapshot';
import { TCP_STATES, TIME_WAIT_SECONDS } from '../../shared/tcp';
import { createCollector, type Collector } from '../collector/index';
import { parseArgs, secondsFlag, sourceFlag } from './args';
import { addressText, endpointText, portText, serviceNames, summaryNames, type EndpointNames } from './names';
import { countersSince, detectNetns, type NetnsScope } from './netns-scope';
import { ReverseDns } from '../collector/reverse-dns';
import type { Subcommand } from './commands';

export const SNAPSHOT_USAGE = `usage: waitline snapshot [--json] [--interval S] [--watch] [--source auto|netlink|procfs] [--names] [--resolve]

Prints the TCP sockets of this network namespace: the count per state (IPv4, IPv6, both), the
TIME_WAIT timers, the destinations closest to ephemeral-port exhaustion, the kernel's TIME_WAIT
counters as rates, and the TCP sysctls.

options:
  --json          print the Snapshot as JSON (its "states" field maps each state to its IPv4+IPv6 count)
  --interval S    measure rates over S seconds (default 1; 0 = no rates, instant); with --watch, the
                  refresh period (default 1). S is a plain decimal: 0 to 3600, with --watch 0.2 to 3600
  --watch         refresh in place until interrupted (Ctrl-C)
  --source S      socket table source: auto (netlink, falling back to /proc), netlink, procfs
  --names         show service names beside ports (from /etc/services), e.g. 10.0.0.9:5432 (postgresql)
  --resolve       also look up reverse-DNS names of the remote addresses listed (the top destinations
                  only; implies --names). Waits for them, 4 at a time, 2 s each at most; with --watch, names appear on
                  a later refresh instead of delaying one. --json prints numbers only
  --help          this text

Exit status: 0 ok, 1 the kernel's files could not be read, 2 usage error.`;

const nf = new Intl.NumberFormat('en-US');
const n = (x: number) => nf.format(Math.round(x));
const r1 = (x: number) => (x >= 100 ? n(x) : x.toFixed(1));

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}
function lpad(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

/** netns: which network namespace the snapshot was taken in (the counters' "since" depends on it);
 *  names: service and host names shown beside the numbers (--names, --resolve; electron/cli/names.ts). */
export function formatSnapshot(s: Snapshot, opts: { netns?: NetnsScope; names?: EndpointNames | null } = {}): string {
  const names = opts.names ?? null;
  const since = countersSince(opts.netns ?? 'unknown');
  const out: string[] = [];
  const when = new Date(s.time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  out.push(`Waitline snapshot — ${when}  (${n(s.totalSockets)} TCP sockets, source ${s.health.socketSource}, ${s.health.durationMs.toFixed(1)} ms)`);
  if (s.health.tableInterrupted) {
    out.push('note: the kernel flagged this netlink dump as interrupted (the table changed while it was read): a socket may be missing or counted twice.');
  }
  out.push('');
  out.push(`${pad('State', 14)}${lpad('IPv4', 10)}${lpad('IPv6', 10)}${lpad('Total', 10)}`);
  for (const st of TCP_STATES) {
    const t = s.states[st];
    if (t === 0 && (st === 'NEW_SYN_RECV' || st === 'BOUND_INACTIVE')) continue;
    out.push(`${pad(st, 14)}${lpad(n(s.statesByFamily.ipv4[st]), 10)}${lpad(n(s.statesByFamily.ipv6[st]), 10)}${lpad(n(t), 10)}`);
  }
  if (s.sockstat) {
    const k = s.sockstat;
    out.push('');
    out.push(
      `sockstat: inuse ${n(k.inuse4)} (v4) + ${n(k.inuse6)} (v6), tw ${n(k.tw)} [this namespace]; ` +
        `orphan ${n(k.orphan)}, alloc ${n(k.alloc)}, mem ${n(k.memPages)} pages [whole machine]`,
    );
  }
  if (s.timeWaitTimers) {
    const tw = s.timeWaitTimers;
    out.push('');
    out.push(
      `TIME_WAIT: ${n(tw.total)} sockets; ${n(tw.freedNext10s)} ports free up in the next 10 s. ` +
        `TIME_WAIT lasts a fixed ${TIME_WAIT_SECONDS} s on Linux (no sysctl changes it).`,
    );
    if (tw.total > 0) {
      const max = Math.max(...tw.counts);
      tw.counts.forEach((c, i) => {
        const bar = '#'.repeat(max ? Math.round((c / max) * 30) : 0);
        out.push(`  ${lpad(`${i * tw.bucketS}–${(i + 1) * tw.bucketS} s left`, 13)} ${lpad(n(c), 8)} ${bar}`);
      });
    }
    if (tw.finWait2Timewait > 0) {
      out.push(`  + ${n(tw.finWait2Timewait)} orphaned FIN_WAIT2 held as timewait objects (tcp_fin_timeout governs these)`);
    }
  }
  if (s.ephemeral) {
    const e = s.ephemeral;
    out.push('');
    out.push(`Port budget (ephemeral ${e.low}–${e.high}, ${n(e.usable)} usable${e.reserved ? `, ${n(e.reserved)} reserved` : ''}):`);
    if (s.portBudgets.length === 0) out.push('  no outgoing connections hold ephemeral ports');
    for (const b of rankBudgets(s.portBudgets).slice(0, 5)) {
      out.push(
        `  ${pad(`${b.localAddr} → ${endpointText(b.remoteAddr, b.remotePort, names)}`, 44)} ` +
          `${VERDICT_WORDS[b.verdict].toUpperCase()}: ${n(b.blocking)} of ${n(b.usable)} ports held (${r1(b.percentUsed)} %), ` +
          `${n(b.timeWait)} TIME_WAIT${b.reuseApplies ? ` [tw_reuse: reusable after ${b.holdSeconds} s]` : ''}`,
      );
      out.push(`      ${budgetSentence(b, n)}`);
    }
  }
  const top = s.topTimeWait.slice(0, 5);
  if (top.length) {
    out.push('');
    out.push('Top TIME_WAIT (the side that closed first holds TIME_WAIT):');
    for (const d of top) {
      const what =
        d.direction === 'outbound'
          ? `to ${endpointText(d.peerAddr, d.servicePort, names)} (we closed first)`
          : `on our port ${portText(d.servicePort, names)} from ${addressText(d.peerAddr, names)} (our server closed first)`;
      out.push(`  ${lpad(n(d.count), 8)}  ${what}`);
    }
  }
  const cw = s.topCloseWait.slice(0, 5);
  if (cw.length) {
    out.push('');
    out.push('Top CLOSE_WAIT (the peer closed; the local program has not called close()):');
    for (const d of cw) {
      out.push(
        `  ${lpad(n(d.count), 8)}  ${d.direction === 'outbound' ? 'to' : 'on our port'} ${d.direction === 'outbound' ? endpointText(d.peerAddr, d.servicePort, names) : `${portText(d.servicePort, names)} from ${addressText(d.peerAddr, names)}`}`,
      );
    }
    // ages are lower bounds: from the kernel's tcp_info (netlink), or only what Waitline observed (/proc)
    const cwAcc = s.owners?.closeWaitAccounting;
    for (const p of s.owners?.closeWait.slice(0, 5) ?? []) {
      const age = Math.round(p.oldestAgeS);
      const when = p.oldestAgeSource === 'kernel' ? `peer closed ≥ ${age} s ago` : `seen for ≥ ${age} s${cwAcc?.ageSource === 'observed' ? ' (no kernel timing on /proc)' : ''}`;
      out.push(`  ${lpad(n(p.count), 8)}  held by ${p.comm} (pid ${p.pid}), ${when}`);
    }
    if (cwAcc && cwAcc.unattributed > 0) {
      out.push(`  ${lpad(n(cwAcc.unattributed), 8)}  not attributed (${n(cwAcc.newSinceScan)} opened after the owner scan, ${n(cwAcc.notVisible)} held by processes not readable here)`);
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
        ? `Counters (rate over ${((s.intervalMs ?? 0) / 1000).toFixed(1)} s; total ${since}):`
        : `Counters (totals ${since}; rates need two samples):`,
    );
    const rows: [string, keyof typeof c.totals][] = [
      ['TIME_WAIT created (TW)', 'TcpExt.TW'],
      ['TIME_WAIT short (TWKilled)', 'TcpExt.TWKilled'],
      ['TIME_WAIT reused (TWRecycled)', 'TcpExt.TWRecycled'],
      ['TIME_WAIT overflow', 'TcpExt.TCPTimeWaitOverflow'],
      ['active opens', 'Tcp.ActiveOpens'],
      ['passive opens', 'Tcp.PassiveOpens'],
      ['failed connects', 'Tcp.AttemptFails'],
      ['resets (estab)', 'Tcp.EstabResets'],
      ['resets sent', 'Tcp.OutRsts'],
      ['listen overflows', 'TcpExt.ListenOverflows'],
      ['listen drops', 'TcpExt.ListenDrops'],
    ];
    for (const [label, k] of rows) out.push(`  ${pad(label, 32)}${lpad(rate(k), 12)}${lpad(tot(k), 16)}`);
  }
  const sys = Object.entries(s.sysctls);
  if (sys.length) {
    out.push('');
    out.push('Sysctls:');
    for (const [k, v] of sys) {
      let shown = v.available ? v.raw || '(empty)' : `unavailable — ${v.reason}`;
      // docs/kernel.md: a negative tcp_ehash_entries means this namespace shares the host's table
      if (v.available && k === 'net.ipv4.tcp_ehash_entries' && /^-\d+$/.test(v.raw.trim())) {
        shown += `  (negative: this namespace shares the host's ${v.raw.trim().slice(1)}-bucket hash table)`;
      }
      out.push(`  ${pad(k, 40)} ${shown}`);
    }
  }
  if (s.owners) {
    const o = s.owners;
    out.push('');
    out.push(
      `Owners: ${n(o.attributed)} of ${n(o.withInode)} sockets with a file attributed to a process; ` +
        `${n(o.kernelOwned)} have no owner (TIME_WAIT and orphans belong to the kernel)` +
        (o.unreadablePids ? `; ${n(o.unreadablePids)} processes not readable without privileges` : ''),
    );
    for (const p of o.topProcesses.slice(0, 5)) out.push(`  ${lpad(n(p.total), 8)}  ${p.comm} (pid ${p.pid})`);
  }
  const h = s.health;
  const skipped = Object.entries(h.skippedLines);
  if (h.fallbackReason || h.degraded.length || skipped.length || h.unknownStates) {
    out.push('');
    out.push('Collector notes:');
    if (h.fallbackReason) out.push(`  ${h.fallbackReason}`);
    for (const d of h.degraded) out.push(`  ${d.source}: ${d.message}`);
    for (const [src, k] of skipped) out.push(`  ${src}: ${n(k)} malformed lines skipped`);
    if (h.unknownStates) out.push(`  ${n(h.unknownStates)} sockets had an unknown state code`);
  }
  return out.join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function takeSnapshot(c: Collector, intervalS: number): Promise<Snapshot> {
  const first = await c.tick();
  if (intervalS <= 0) return first;
  await sleep(intervalS * 1000);
  return c.tick();
}

export async function runSnapshot(argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, { booleans: ['json', 'watch', 'names', 'resolve'], values: ['interval', 'source'] });
  const watch = flags.watch === true;
  const intervalS = secondsFlag(flags.interval, 'interval', 1, watch ? 0.2 : 0, 3600, watch ? 'with --watch' : undefined);
  const netns = detectNetns();
  const source = sourceFlag(flags.source);
  const collector = createCollector({ socketSource: source });
  collector.setDemand({ owners: true });
  // names: only when asked; reverse DNS only with --resolve, only for the addresses the summary lists
  const wantNames = !flags.json && (flags.names === true || flags.resolve === true);
  const services = wantNames ? serviceNames() : null;
  if (services?.note) console.error(`note: ${services.note}`);
  const resolver = wantNames && flags.resolve === true ? new ReverseDns({ enabled: true }) : null;
  const namesFor = (s: Snapshot, wait: boolean) => (services ? summaryNames(s, services.services, resolver, wait) : Promise.resolve(null));

  if (!watch) {
    const s = await takeSnapshot(collector, intervalS);
    if (!s.sockstat && s.health.socketSource === 'none') {
      console.error(`cannot read the kernel's socket tables: ${s.health.degraded.map((d) => `${d.source}: ${d.message}`).join('; ')}`);
      return 1;
    }
    process.stdout.write(flags.json ? JSON.stringify(s) + '\n' : formatSnapshot(s, { netns, names: await namesFor(s, true) }) + '\n');
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
    else process.stdout.write((tty ? '\x1b[H\x1b[2J' : '') + formatSnapshot(s, { netns, names: await namesFor(s, false) }) + '\n' + (tty ? '' : '\n'));
    const deadline = Date.now() + intervalS * 1000;
    while (!stop && Date.now() < deadline) await sleep(Math.min(100, deadline - Date.now()));
  }
  return 0;
}

export const snapshotCommand: Subcommand = {
  usage: SNAPSHOT_USAGE,
  run: runSnapshot,
};
