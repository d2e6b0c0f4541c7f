// The netlink sock_diag source against the /proc source and `ss`, on the same real sockets in a
// private network namespace: same rows, same states, same addresses and ports, timers within a tick.
// Also: the kernel-side state filter, and the collector's fallback to /proc when sock_diag is refused
// (a real seccomp filter, not a mock).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stateBit } from '../../electron/collector/sources/sockdiag-layout';
import type { Snapshot } from '../../shared/snapshot';
import { STATE_BY_CODE, emptyStateCounts, type StateCounts } from '../../shared/tcp';
import { LineReader } from './lines';
import { DENY_SOCKDIAG, NETLINK_PROBE, requireNative, ssCounts } from './netlink-helpers';
import type { ProbeRow } from './netlink-probe';
import { createNetns, nonZero, requireRoot, type Netns } from './netns';

const FACTORY = 'test/kernel/socket-factory.mjs';
const GROUPS = [
  { host: '127.0.0.1', port: 5100, established: 3, halfClosed: 2, timeWait: 20 },
  { host: '::1', port: 5101, established: 2, halfClosed: 1, timeWait: 7 },
  // dual-stack socket talking IPv4: listed in tcp6 / the AF_INET6 dump as ::ffff:127.0.0.1
  { host: '::ffff:127.0.0.1', port: 5102, established: 1, halfClosed: 0, timeWait: 3 },
];

const key = (r: ProbeRow) => `${r[0]} ${r[2]}:${r[3]} ${r[4]}:${r[5]}`;
const counts = (rows: ProbeRow[]): StateCounts => {
  const c = emptyStateCounts();
  for (const r of rows) c[STATE_BY_CODE[r[1]]!]++;
  return c;
};

describe('netlink sock_diag source vs /proc and ss (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;

  const probe = async (...args: string[]) => {
    const r = await ns!.exec(process.execPath, ['--import', 'tsx', NETLINK_PROBE, ...args]);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    if (r.code !== 0 || out.error) throw new Error(`netlink probe ${args.join(' ')} failed: ${out.error ?? r.stderr}`);
    return out as { proc1: ProbeRow[]; netlink: ProbeRow[]; proc2: ProbeRow[]; skipped: Record<string, number> };
  };

  before(async () => {
    if (process.getuid?.() !== 0) return;
    ns = await createNetns('wl-nl');
    const f = new LineReader(ns.spawn(process.execPath, [FACTORY, JSON.stringify({ groups: GROUPS })]));
    await f.expect('READY');
  });

  after(async () => {
    await ns?.close();
  });

  it('dumps exactly the rows /proc lists, field by field, timers within a tick', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const { proc1, netlink, proc2, skipped } = await probe('sandwich');
    assert.deepEqual(skipped, {});
    // the sockets we made, independently of both readers
    const sum = (k: 'established' | 'halfClosed' | 'timeWait') => GROUPS.reduce((s, g) => s + g[k], 0);
    const expected = 3 + 2 * sum('established') + 2 * sum('halfClosed') + sum('timeWait');
    assert.equal(netlink.length, expected, 'rows made by the socket factory');
    assert.deepEqual(proc1.map(key).sort(), proc2.map(key).sort(), 'the table was stable while we read it');

    const byKey = new Map(proc1.map((r) => [key(r), r]));
    const after2 = new Map(proc2.map((r) => [key(r), r]));
    assert.deepEqual(netlink.map(key).sort(), [...byKey.keys()].sort(), 'same sockets (family, addresses, ports)');
    for (const n of netlink) {
      const p = byKey.get(key(n))!;
      const q = after2.get(key(n))!;
      const what = `${key(n)} (${STATE_BY_CODE[n[1]]})`;
      assert.equal(n[1], p[1], `state of ${what}`);
      assert.equal(n[6], p[6], `tx queue of ${what}`);
      assert.equal(n[7], p[7], `rx queue of ${what}`);
      assert.equal(n[8], p[8], `timer code of ${what}`);
      assert.equal(n[10], p[10], `retransmits of ${what}`);
      assert.equal(n[11], p[11], `uid of ${what}`);
      assert.equal(n[12], p[12], `inode of ${what}`);
      // /proc prints time left in USER_HZ ticks (10 ms, truncated); netlink in ms. Read in between, the
      // netlink value lies between the two /proc readings, give or take one 10 ms tick.
      assert.ok(n[9] <= p[9] + 10 && n[9] + 10 >= q[9], `timer of ${what}: /proc ${p[9]} ms, netlink ${n[9]} ms, /proc again ${q[9]} ms`);
      // socket cookies come only from netlink, and every socket has one
      assert.notEqual(n[13], '0', `cookie of ${what}`);
      assert.equal(p[13], '0');
    }
    assert.equal(new Set(netlink.map((r) => r[13])).size, netlink.length, 'cookies are unique');

    const tw = netlink.filter((r) => STATE_BY_CODE[r[1]] === 'TIME_WAIT');
    assert.equal(tw.length, sum('timeWait'));
    for (const r of tw) {
      assert.equal(r[8], 3, 'TIME_WAIT entries run the timewait timer');
      assert.ok(r[9] > 0 && r[9] <= 60_000, `TIME_WAIT time left ${r[9]} ms is within (0, 60] s`);
      assert.equal(r[12], 0, 'TIME_WAIT entries have no inode (no owner)');
    }
    assert.ok(netlink.some((r) => r[2] === '::ffff:127.0.0.1' && r[0] === 6), 'v4-mapped addresses are formatted as ::ffff:a.b.c.d');
    assert.ok(netlink.some((r) => r[2] === '::1'), 'IPv6 loopback');

    // and per state, all three agree with ss
    const ss = await ssCounts(ns!);
    assert.deepEqual(nonZero(counts(netlink)), nonZero(ss), 'netlink vs ss -tan');
    assert.deepEqual(nonZero(counts(proc1)), nonZero(ss), '/proc vs ss -tan');
  });

  it('filters by state in the kernel (idiag_states bitmask)', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const tw = (await probe('netlink', String(stateBit(6)))).netlink;
    assert.equal(tw.length, GROUPS.reduce((s, g) => s + g.timeWait, 0));
    assert.ok(tw.every((r) => r[1] === 6), 'only TIME_WAIT rows');

    const listenEst = (await probe('netlink', String(stateBit(10) | stateBit(1)))).netlink;
    assert.deepEqual(nonZero(counts(listenEst)), {
      ESTABLISHED: 2 * GROUPS.reduce((s, g) => s + g.established, 0),
      LISTEN: GROUPS.length,
    });

    assert.deepEqual((await probe('netlink', '0')).netlink, [], 'an empty mask dumps nothing');
  });

  async function collectorTick(wrapper: string[]): Promise<Snapshot> {
    const child = ns!.spawn(wrapper[0] ?? process.execPath, [
      ...wrapper.slice(1),
      ...(wrapper.length ? [process.execPath] : []),
      '--import',
      'tsx',
      'test/kernel/collector-probe.ts',
      'auto',
    ]);
    const lines = new LineReader(child);
    try {
      await lines.expect('READY');
      lines.send('tick');
      return JSON.parse(await lines.next());
    } finally {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
  }

  it('the collector prefers netlink when it is available', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const snap = await collectorTick([]);
    assert.equal(snap.health.socketSource, 'netlink');
    assert.equal(snap.health.fallbackReason, null);
    assert.deepEqual(nonZero(snap.states), nonZero(await ssCounts(ns!)));
  });

  it('falls back to /proc, and says why, when a seccomp filter refuses sock_diag', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const snap = await collectorTick([DENY_SOCKDIAG]);
    assert.equal(snap.health.socketSource, 'procfs');
    assert.match(snap.health.fallbackReason ?? '', /netlink.*NETLINK_SOCK_DIAG socket: Operation not permitted/);
    // the numbers are still right: /proc agrees with ss
    assert.deepEqual(nonZero(snap.states), nonZero(await ssCounts(ns!)));
  });
});
