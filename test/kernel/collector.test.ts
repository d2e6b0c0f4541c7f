// The collector against the real kernel: real sockets on loopback in a private network namespace,
// compared with what `ss` (iproute2, netlink) reports in that namespace at that moment.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Snapshot, SocketPage } from '../../shared/snapshot';
import { createNetns, nonZero, parseSsStates, requireRoot, ssStateCounts, type Netns } from './netns';
import { LineReader } from './lines';

const FACTORY = 'test/kernel/socket-factory.mjs';
const PROBE = 'test/kernel/collector-probe.ts';

// Known numbers per family. Servers listen below the ephemeral range so their accepted sockets are
// not mistaken for clients holding ephemeral ports.
const GROUPS = [
  { host: '127.0.0.1', port: 5000, established: 3, halfClosed: 2, timeWait: 5 },
  { host: '::1', port: 5001, established: 4, halfClosed: 1, timeWait: 6 },
];

interface FactoryReport {
  pid: number;
  groups: { host: string; port: number; established: number[]; halfClosed: number[]; timeWait: number[] }[];
}

describe('collector on real sockets (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let factory: LineReader;
  let report: FactoryReport;
  let probe: LineReader;

  const tick = async (): Promise<Snapshot> => {
    probe.send('tick');
    return JSON.parse(await probe.next());
  };
  const query = async (q: object): Promise<SocketPage> => {
    probe.send(`query ${JSON.stringify(q)}`);
    return JSON.parse(await probe.next());
  };

  before(async () => {
    if (process.getuid?.() !== 0) return;
    ns = await createNetns('wl-col');
    const f = ns.spawn(process.execPath, [FACTORY, JSON.stringify({ groups: GROUPS })]);
    factory = new LineReader(f);
    report = JSON.parse(await factory.expect('READY'));
    const p = ns.spawn(process.execPath, ['--import', 'tsx', PROBE, 'procfs']);
    probe = new LineReader(p);
    await probe.expect('READY');
  });

  after(async () => {
    await ns?.close();
  });

  it('counts every state exactly as ss does, and as many as were made', async (t) => {
    if (!requireRoot(t)) return;
    const snap = await tick();
    const ss = await ssStateCounts(ns!);
    assert.deepEqual(nonZero(snap.states), nonZero(ss), 'snapshot vs ss -tan');
    // the numbers we made, independently of both
    const sum = (k: 'established' | 'halfClosed' | 'timeWait') => GROUPS.reduce((s, g) => s + g[k], 0);
    assert.equal(snap.states.LISTEN, GROUPS.length);
    assert.equal(snap.states.ESTABLISHED, 2 * sum('established'));
    assert.equal(snap.states.CLOSE_WAIT, sum('halfClosed'));
    assert.equal(snap.states.FIN_WAIT2, sum('halfClosed'));
    assert.equal(snap.states.TIME_WAIT, sum('timeWait'));
    // per family: IPv6 (::1) sockets are in tcp6
    assert.equal(snap.statesByFamily.ipv4.TIME_WAIT, GROUPS[0].timeWait);
    assert.equal(snap.statesByFamily.ipv6.TIME_WAIT, GROUPS[1].timeWait);
    assert.equal(snap.statesByFamily.ipv6.ESTABLISHED, 2 * GROUPS[1].established);
    // sockstat's tw counts timewait objects of both families in this namespace
    assert.equal(snap.sockstat?.tw, sum('timeWait'));
    assert.equal(snap.health.socketSource, 'procfs');
    assert.deepEqual(snap.health.degraded, []);
  });

  it('reads each TIME_WAIT with its address, port and a time left within (0, 60] s', async (t) => {
    if (!requireRoot(t)) return;
    const page = await query({ states: ['TIME_WAIT'], limit: 1000 });
    const made = report.groups.flatMap((g) => g.timeWait.map((p) => `${g.host}|${p}|${g.port}`)).sort();
    const seen = page.rows.map((r) => `${r.localAddr}|${r.localPort}|${r.remotePort}`).sort();
    assert.deepEqual(seen, made, 'the TIME_WAIT sockets are exactly the client ends we closed');
    for (const r of page.rows) {
      assert.ok(r.timerLeftMs > 0 && r.timerLeftMs <= 60_000, `time left ${r.timerLeftMs} ms`);
      assert.equal(r.timer, 'timewait');
      assert.equal(r.inode, 0, 'TIME_WAIT has no inode');
      assert.equal(r.pid, null, 'TIME_WAIT has no owner');
    }
    const snap = await tick();
    assert.equal(snap.timeWaitTimers!.counts.reduce((a, b) => a + b, 0), snap.states.TIME_WAIT);
    // all were made within the last few seconds, so all end 50–60 s from now
    assert.equal(snap.timeWaitTimers!.counts.at(-1)! + snap.timeWaitTimers!.counts.at(-2)!, snap.states.TIME_WAIT);
    assert.equal(snap.timeWaitTimers!.freedNext10s, 0);
  });

  it('attributes CLOSE_WAIT sockets to the process that holds them, like ss -p', async (t) => {
    if (!requireRoot(t)) return;
    const snap = await tick();
    const cw = snap.owners?.closeWait.find((p) => p.pid === report.pid);
    assert.ok(cw, `factory pid ${report.pid} not in ${JSON.stringify(snap.owners?.closeWait)}`);
    const ssp = await ns!.exec('ss', ['-tanpH', 'state', 'close-wait']);
    const ssCount = ssp.stdout.split('\n').filter((l) => l.includes(`pid=${report.pid},`)).length;
    assert.equal(cw.count, ssCount, 'CLOSE_WAIT count per process vs ss -p');
    assert.equal(cw.count, GROUPS.reduce((s, g) => s + g.halfClosed, 0));
    assert.ok(snap.owners!.kernelOwned >= snap.states.TIME_WAIT, 'TIME_WAIT sockets are kernel-owned');
  });

  it('counts each process\'s sockets per state as ss -p attributes them', async (t) => {
    if (!requireRoot(t)) return;
    const snap = await tick();
    const mine = snap.owners?.topProcesses.find((p) => p.pid === report.pid);
    assert.ok(mine, `factory pid ${report.pid} not in ${JSON.stringify(snap.owners?.topProcesses)}`);
    const ssp = await ns!.exec('ss', ['-tanpH']);
    const lines = ssp.stdout.split('\n').filter((l) => l.includes(`pid=${report.pid},`));
    const oracle = nonZero(parseSsStates(lines.join('\n')));
    assert.deepEqual(nonZero(mine.states as Parameters<typeof nonZero>[0]), oracle, 'per-state counts of the factory vs ss -tanp');
    assert.equal(mine.total, lines.length);
    // what we made: every held socket (both ends of each pair, the CLOSE_WAIT ends, the FIN_WAIT2 ends
    // it still holds, the listeners) is the factory's; TIME_WAIT entries have no owner
    assert.equal(mine.states.TIME_WAIT, undefined);
    assert.equal(mine.states.LISTEN, GROUPS.length);
  });

  it('counts the sockets holding ephemeral ports toward the server in its port budget', async (t) => {
    if (!requireRoot(t)) return;
    const snap = await tick();
    const usable = 60999 - 32768 + 1; // the namespace starts with the default range
    for (const g of GROUPS) {
      const b = snap.portBudgets.find((x) => x.remoteAddr === g.host && x.remotePort === g.port);
      assert.ok(b, `no budget toward ${g.host}:${g.port} in ${JSON.stringify(snap.portBudgets)}`);
      assert.equal(b.inUse, g.established + g.halfClosed + g.timeWait);
      assert.equal(b.timeWait, g.timeWait);
      assert.equal(b.usable, usable);
      assert.equal(b.verdict, 'fine');
      // tcp_tw_reuse defaults to 2 (loopback) with timestamps on: reuse applies to these tuples
      assert.equal(b.reuseApplies, true);
    }
    // the servers' accepted sockets are inbound: they hold no ephemeral port
    assert.ok(snap.topTimeWait.every((d) => d.direction === 'outbound'));
  });

  it('computes rates across two ticks that match the connections made between them', async (t) => {
    if (!requireRoot(t)) return;
    const N = 40;
    const before = await tick();
    factory.send(`timewait 0 ${N}`);
    await factory.expect('DONE');
    const after = await tick();
    const dt = after.intervalMs! / 1000;
    const delta = (k: 'TcpExt.TW' | 'Tcp.ActiveOpens' | 'Tcp.PassiveOpens') => after.counters!.rates![k]! * dt;
    assert.ok(Math.abs(delta('Tcp.ActiveOpens') - N) < 1e-6, `ActiveOpens Δ ${delta('Tcp.ActiveOpens')}`);
    assert.ok(Math.abs(delta('Tcp.PassiveOpens') - N) < 1e-6, `PassiveOpens Δ ${delta('Tcp.PassiveOpens')}`);
    assert.ok(Math.abs(delta('TcpExt.TW') - N) < 1e-6, `TW Δ ${delta('TcpExt.TW')}`);
    assert.equal(after.states.TIME_WAIT - before.states.TIME_WAIT, N);
    // the destination's close rate comes from the TIME_WAIT timers' ages over the last 10 s
    const b = after.portBudgets.find((x) => x.remotePort === GROUPS[0].port)!;
    // rate × its window is the count of young entries; rounded, since the two are floating point
    // (45.00000000000001 once in CI)
    const young = Math.round(b.closeRatePerS * b.rateWindowS * 1e6) / 1e6;
    assert.ok(young >= N && young <= N + GROUPS[0].timeWait, `young TIME_WAIT ${young}`);
  });

  it('reads the namespace\'s own sysctls into the budget (a narrow port range)', async (t) => {
    if (!requireRoot(t)) return;
    await ns!.sysctl('net.ipv4.ip_local_port_range', '40000 40099');
    await ns!.sysctl('net.ipv4.ip_local_reserved_ports', '40010-40019');
    const snap = await tick();
    assert.equal(snap.sysctls['net.ipv4.ip_local_port_range']?.available && snap.sysctls['net.ipv4.ip_local_port_range'].raw, '40000 40099');
    assert.deepEqual(snap.ephemeral, { low: 40000, high: 40099, reserved: 10, usable: 90, bound: 0 }); // no listener in the range
    // the host is untouched
    const host = spawnSync('sysctl', ['-n', 'net.ipv4.ip_local_port_range'], { encoding: 'utf8' }).stdout.trim();
    assert.notEqual(host.replace(/\s+/g, ' '), '40000 40099');
  });
});
