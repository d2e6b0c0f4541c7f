// CLOSE_WAIT ages come from the kernel, not from observation: real sockets whose peer closed 6 s and
// 3 s ago (the peer wrote 100 bytes at the start, then sent FIN later — so the last data is older
// than the FIN), and one whose peer closed 3 s ago without ever sending data. The netlink source
// reads tcp_info (tcpi_last_ack_recv: a lower bound on the time since the FIN; tcpi_last_data_recv:
// an upper bound), a collector created after the sockets went to CLOSE_WAIT still reports their age,
// and the /proc source says its age is only what it observed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Owners, Snapshot } from '../../shared/snapshot';
import { LineReader } from './lines';
import { NETLINK_PROBE, requireNative } from './netlink-helpers';
import { createNetns, requireRoot, type Netns } from './netns';

const FACTORY = 'test/kernel/close-wait-factory.mjs';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timing {
  timing: [localPort: number, remotePort: number, inode: number, minMs: number | null, maxMs: number | null][];
  error: string | null;
  present: boolean;
}

/** Σ rows + other processes + unattributed = the snapshot's CLOSE_WAIT count (one table). */
function assertAccounts(s: Snapshot): void {
  const o = s.owners as Owners;
  const a = o.closeWaitAccounting;
  assert.ok(a, 'the collector accounts for every CLOSE_WAIT socket');
  const rows = o.closeWait.reduce((n, p) => n + p.count, 0);
  assert.equal(a.total, s.states.CLOSE_WAIT, 'accounting total = states.CLOSE_WAIT');
  assert.equal(rows + a.otherProcesses.count + a.unattributed, a.total, JSON.stringify(a));
  assert.equal(a.newSinceScan + a.notVisible, a.unattributed);
}

describe('CLOSE_WAIT ages from the kernel (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let factory: LineReader;
  let pid = 0;
  const groups: Record<string, number[]> = {};
  // the FIN of each group left between finSentAt and finDoneAt (epoch ms)
  const finSentAt: Record<string, number> = {};
  const finDoneAt: Record<string, number> = {};
  /** the true time since the FIN of `name` at some moment within [from, to], as [least, most] ms */
  const trueAge = (name: string, from: number, to: number): [number, number] => [from - finDoneAt[name], to - finSentAt[name]];

  const send = async (line: string, reply: string) => {
    factory.send(line);
    return JSON.parse(await factory.expect(reply));
  };

  before(async () => {
    if (process.getuid?.() !== 0) return;
    ns = await createNetns('wl-cwage');
    factory = new LineReader(ns.spawn(process.execPath, [FACTORY]));
    pid = JSON.parse(await factory.expect('READY')).pid;
    // t = 0: every client connects (two of the groups write 100 bytes); g6 closes at once
    for (const [name, host, n, data] of [
      ['g6', '127.0.0.1', 2, 1],
      ['g3', '::1', 2, 1],
      ['g3nodata', '127.0.0.1', 1, 0],
    ] as const) {
      groups[name] = (await send(`open ${name} ${host} ${n} ${data}`, 'OPENED')).ports;
    }
    finSentAt.g6 = Date.now();
    await send('fin g6', 'FINNED');
    finDoneAt.g6 = Date.now();
    await sleep(3000);
    finSentAt.g3 = finSentAt.g3nodata = Date.now();
    await send('fin g3', 'FINNED');
    await send('fin g3nodata', 'FINNED');
    finDoneAt.g3 = finDoneAt.g3nodata = Date.now();
    await sleep(3000);
  });

  after(async () => {
    await ns?.close();
  });

  it('the netlink source bounds each socket\'s time since the peer\'s FIN (≥ N − 1 s, ≤ N + 2 s)', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const from = Date.now();
    const r = await ns!.exec(process.execPath, ['--import', 'tsx', NETLINK_PROBE, 'timing']);
    const to = Date.now();
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Timing;
    assert.equal(out.error, null);
    assert.equal(out.present, true, 'the netlink source carries kernel timing');
    assert.equal(out.timing.length, 5, JSON.stringify(out.timing));
    for (const [name, ports] of Object.entries(groups)) {
      // N: the true age of the FIN when the probe read it, between least and most
      const [least, most] = trueAge(name, from, to);
      for (const port of ports) {
        const row = out.timing.find((x) => x[1] === port);
        assert.ok(row, `CLOSE_WAIT socket of ${name} (peer port ${port}) in ${JSON.stringify(out.timing)}`);
        const [, , , minMs, maxMs] = row;
        assert.ok(minMs !== null && maxMs !== null, `${name}: kernel timing for inode ${row[2]}`);
        const nominal = name === 'g6' ? 6 : 3;
        assert.ok(least >= nominal * 1000, `${name}: the FIN is at least ${nominal} s old (${least} ms)`);
        // ≥ N − 1 s, and never above N (+ 10 ms: the kernel counts in jiffies, HZ ≥ 100), so ≤ N + 2 s
        assert.ok(minMs >= least - 1000, `${name}: peer closed ≥ ${minMs} ms ago; the FIN is ≥ ${least} ms old`);
        assert.ok(minMs <= most + 10, `${name}: the lower bound ${minMs} ms is not above the FIN's age (≤ ${most} ms)`);
        assert.ok(maxMs >= minMs, `${name}: upper ${maxMs} ≥ lower ${minMs}`);
        // the data (or, without data, the connection) came at t = 0, ~6 s ago, before the FIN: the
        // upper bound is older than the FIN for g3 — a FIN without data does not move last_data_recv
        if (name !== 'g6') assert.ok(maxMs / 1000 >= 5, `${name}: last_data_recv ${maxMs} ms is the older data, not the FIN`);
      }
    }
  });

  async function collectorTick(source: 'netlink' | 'procfs'): Promise<Snapshot & { from: number; to: number }> {
    const from = Date.now();
    const child = ns!.spawn(process.execPath, ['--import', 'tsx', 'test/kernel/collector-probe.ts', source]);
    const lines = new LineReader(child);
    try {
      await lines.expect('READY');
      lines.send('tick');
      const snap = JSON.parse(await lines.next());
      return { ...snap, from, to: Date.now() };
    } finally {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
  }

  it('a collector created after the sockets went to CLOSE_WAIT reports their kernel age (netlink)', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const snap = await collectorTick('netlink');
    assert.equal(snap.health.socketSource, 'netlink');
    assert.deepEqual(snap.health.degraded, []);
    const cw = snap.owners?.closeWait.find((p) => p.pid === pid);
    assert.ok(cw, `factory pid ${pid} in ${JSON.stringify(snap.owners?.closeWait)}`);
    assert.equal(cw.count, 5);
    assert.equal(cw.oldestAgeSource, 'kernel');
    // the bug was ~0 here: an age counted from the collector's first look, though the collector did
    // not exist when the peer closed
    const [least, most] = trueAge('g6', snap.from, snap.to);
    assert.ok(least >= 6000);
    assert.ok(cw.oldestAgeS * 1000 >= least - 1000, `oldest peer close ≥ ${cw.oldestAgeS} s; g6's FIN is ≥ ${least} ms old`);
    assert.ok(cw.oldestAgeS * 1000 <= most + 10, `oldest peer close ≥ ${cw.oldestAgeS} s; g6's FIN is ≤ ${most} ms old`);
    assert.ok(typeof cw.oldestAgeMaxS === 'number' && cw.oldestAgeMaxS >= cw.oldestAgeS, `upper bound ${cw.oldestAgeMaxS}`);
    assert.equal(snap.owners!.closeWaitAccounting?.ageSource, 'kernel');
    assertAccounts(snap);
    assert.equal(snap.owners!.closeWaitAccounting?.unattributed, 0, 'as root every CLOSE_WAIT has its owner');
  });

  it('the /proc source has no tcp_info: its age is what it observed, and it says so', async (t) => {
    if (!requireRoot(t)) return;
    const snap = await collectorTick('procfs');
    assert.equal(snap.health.socketSource, 'procfs');
    const cw = snap.owners?.closeWait.find((p) => p.pid === pid);
    assert.ok(cw, `factory pid ${pid} in ${JSON.stringify(snap.owners?.closeWait)}`);
    assert.equal(cw.count, 5);
    assert.equal(cw.oldestAgeSource, 'observed');
    assert.ok(cw.oldestAgeS < 2, `observed for ${cw.oldestAgeS} s by a collector one tick old`);
    assert.equal(cw.oldestAgeMaxS, null);
    assert.equal(snap.owners!.closeWaitAccounting?.ageSource, 'observed');
    assertAccounts(snap);
  });
});
