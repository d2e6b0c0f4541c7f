// The native addon's reading of the table (native/sockdiag.c, docs/performance.md): both families in
// one walk of the kernel's hash, IPv4 rows first, exactly the rows the per-family dumps give and the
// states `ss` counts; work buffers reused across reads of different sizes without stale addresses, and
// result buffers reused by the collector's source;
// and the tcp_info of CLOSE_WAIT sockets read by one lookup per socket up to 2,048 of them, by one
// filtered dump beyond — every CLOSE_WAIT socket gets its entry either way. Real sockets made by
// wl-sockmaker in throwaway network namespaces.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { LineReader } from './lines';
import { requireNative, ssCounts } from './netlink-helpers';
import { createNetns, requireRoot, type Netns } from './netns';
import { TCP_STATES } from '../../shared/tcp';

const PROBE = 'test/kernel/sockdiag-walk-probe.ts';
const SOCKMAKER = 'build/Release/wl-sockmaker';
/** native/sockdiag.c INFO_LOOKUP_MAX */
const INFO_LOOKUP_MAX = 2048;

interface Described {
  rows: string[];
  families: number[];
  ipv4Rows: number;
}

async function probe<T>(ns: Netns, cmd: string): Promise<T> {
  const r = await ns.exec(process.execPath, ['--import', 'tsx', PROBE, cmd], { timeoutMs: 60_000 });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  if (r.code !== 0 || out.error) throw new Error(`probe ${cmd} failed: ${out.error ?? r.stderr}`);
  return out as T;
}

/** Starts wl-sockmaker in `ns` and waits for its report line. */
async function makeSockets(ns: Netns, args: (string | number)[]): Promise<{ child: ChildProcess; report: { closeWait: number; timeWait6: number; errors: string[] } }> {
  const child = ns.spawn(SOCKMAKER, args.map(String));
  const report = JSON.parse(await new LineReader(child).next(60_000));
  assert.deepEqual(report.errors, [], `wl-sockmaker: ${report.errors}`);
  return { child, report };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('sock_diag: one walk for both families, and CLOSE_WAIT tcp_info by lookups (private network namespaces)', { concurrency: false }, () => {
  const namespaces: Netns[] = [];
  after(async () => {
    for (const ns of namespaces) await ns.close();
  });

  it('both families come from one walk, IPv4 rows first, the same rows as the per-family dumps and the states ss counts', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const ns = await createNetns('wl-walk');
    namespaces.push(ns);
    const m = await makeSockets(ns, ['--time-wait', 300, '--time-wait6', 300, '--established', 40, '--close-wait', 20, '--ports', 2, '--base-port', 20000]);
    assert.equal(m.report.timeWait6, 300, 'IPv6 loopback is available in the namespace');
    const { both, v4, v6, again } = await probe<{ both: Described; v4: Described; v6: Described; again: Described }>(ns, 'walk');
    const ss = await ssCounts(ns);

    // the per-family reads are the oracle for the family-less one; both have sockets
    assert.ok(v4.rows.length > 300 && v6.rows.length >= 300, `v4 ${v4.rows.length}, v6 ${v6.rows.length}`);
    assert.deepEqual(sorted(both.rows), sorted([...v4.rows, ...v6.rows]));
    assert.equal(both.ipv4Rows, v4.rows.length, 'header: IPv4 rows');
    assert.ok(both.families.slice(0, both.ipv4Rows).every((f) => f === 4), 'IPv4 rows come first');
    assert.ok(both.families.slice(both.ipv4Rows).every((f) => f === 6), 'then IPv6 rows');
    assert.ok(v4.families.every((f) => f === 4) && v6.families.every((f) => f === 6));
    // the buffers kept from the earlier reads (larger, smaller) hold nothing stale
    assert.deepEqual(sorted(again.rows), sorted(both.rows));

    const byState: Record<string, number> = {};
    for (const r of both.rows) {
      const name = TCP_STATES[Number(r.split(' ')[1]) - 1];
      byState[name] = (byState[name] ?? 0) + 1;
    }
    for (const s of ['TIME_WAIT', 'ESTABLISHED', 'CLOSE_WAIT', 'FIN_WAIT2', 'LISTEN'] as const) {
      assert.equal(byState[s] ?? 0, ss[s], `${s}: addon ${byState[s] ?? 0}, ss ${ss[s]}`);
    }

    // the collector's reads write into the buffer of the read before last, and still read right
    const r = await probe<{ sameBuffer: boolean; third: string[]; fresh: string[] }>(ns, 'reuse');
    assert.equal(r.sameBuffer, true, 'the third read reused the first read\'s buffer');
    assert.deepEqual(sorted(r.third), sorted(r.fresh));
    m.child.kill('SIGTERM');
  });

  it(`CLOSE_WAIT tcp_info: looked up one by one up to ${INFO_LOOKUP_MAX} sockets, one filtered dump beyond, every socket answered`, async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const ns = await createNetns('wl-cwinfo');
    namespaces.push(ns);
    await makeSockets(ns, ['--close-wait', INFO_LOOKUP_MAX, '--ports', 1, '--base-port', 20000]);
    type Info = { closeWait: number[]; infoInodes: number[]; flags: number };
    const at = await probe<Info>(ns, 'info');
    assert.equal(at.closeWait.length, INFO_LOOKUP_MAX);
    assert.equal(at.flags & 3, 1, 'the tcp_info read ran and did not fail');
    assert.equal(at.flags & 4, 4, `${INFO_LOOKUP_MAX} CLOSE_WAIT sockets: by lookups`);
    assert.deepEqual(sorted(at.infoInodes.map(String)), sorted(at.closeWait.map(String)), 'every CLOSE_WAIT socket has its tcp_info');

    await makeSockets(ns, ['--close-wait', 1, '--ports', 1, '--base-port', 21000]);
    const over = await probe<Info>(ns, 'info');
    assert.equal(over.closeWait.length, INFO_LOOKUP_MAX + 1);
    assert.equal(over.flags & 3, 1, 'the tcp_info read ran and did not fail');
    assert.equal(over.flags & 4, 0, `${INFO_LOOKUP_MAX + 1} CLOSE_WAIT sockets: one filtered dump`);
    assert.deepEqual(sorted(over.infoInodes.map(String)), sorted(over.closeWait.map(String)), 'every CLOSE_WAIT socket has its tcp_info');
  });

  it('CLOSE_WAIT tcp_info of sockets bound to an interface (IPv6 link-local): the lookup names the interface', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const ns = await createNetns('wl-cwif');
    namespaces.push(ns);
    for (const cmd of [
      ['link', 'add', 'wl0', 'type', 'veth', 'peer', 'name', 'wl1'],
      ['link', 'set', 'wl0', 'up'],
      ['link', 'set', 'wl1', 'up'],
      ['-6', 'addr', 'add', 'fe80::1/64', 'dev', 'wl0', 'nodad'],
    ]) {
      const r = await ns.exec('ip', cmd);
      assert.equal(r.code, 0, `ip ${cmd.join(' ')}: ${r.stderr}`);
    }
    // 3 connections to fe80::1%wl0; each client sends its FIN, the server never closes: 3 CLOSE_WAIT
    // sockets bound to wl0 (a link-local address is only reachable through its interface)
    const holder = new LineReader(ns.spawn(process.execPath, ['-e', `
      const net = require('node:net');
      let ended = 0;
      const held = [];
      const server = net.createServer({ allowHalfOpen: true }, (s) => { held.push(s); s.on('end', () => { if (++ended === 3) console.log('READY'); }); s.resume(); });
      server.listen(20100, 'fe80::1%wl0', () => {
        for (let i = 0; i < 3; i++) { const c = net.createConnection({ host: 'fe80::1%wl0', port: 20100 }, () => c.end()); c.resume(); held.push(c); }
      });
      setInterval(() => {}, 1000);
    `]));
    await holder.expect('READY', 30_000);
    const r = await probe<{ closeWait: number[]; infoInodes: number[]; flags: number }>(ns, 'info');
    assert.equal(r.closeWait.length, 3, 'three CLOSE_WAIT sockets');
    assert.equal(r.flags & 7, 5, 'read by lookups, without failing');
    assert.deepEqual(sorted(r.infoInodes.map(String)), sorted(r.closeWait.map(String)), 'each has its tcp_info');
  });
});
