// A CLOSE_WAIT leak alert raised and cleared by real sockets: a server that never closes what its
// peers closed (CLOSE_WAIT piles up in that process), then closes them all. Private network
// namespace; the alert engine runs in the real collector with short holds.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertEvent } from '../../shared/alerts';
import type { Snapshot } from '../../shared/snapshot';
import { createNetns, requireRoot, type Netns } from './netns';
import { LineReader } from './lines';

const PROBE = 'test/kernel/collector-probe.ts';

// 12 clients connect and close (FIN); the server keeps every accepted socket open → 12 CLOSE_WAIT in
// this process. `close` on stdin closes them all.
const LEAKER = `
const net = require('node:net');
const held = [];
const srv = net.createServer({ allowHalfOpen: true }, (s) => { held.push(s); s.on('error', () => {}); });
srv.listen(7000, '127.0.0.1', async () => {
  for (let i = 0; i < 12; i++) {
    await new Promise((res) => { const c = net.connect(7000, '127.0.0.1', () => { c.end(); res(); }); c.on('error', () => {}); });
  }
  setTimeout(() => process.stdout.write('READY ' + process.pid + '\\n'), 300);
});
process.stdin.on('data', (d) => { if (String(d).includes('close')) { for (const s of held) s.destroy(); process.stdout.write('CLOSED\\n'); } });
`;

describe('CLOSE_WAIT leak alert on real sockets', () => {
  let ns: Netns | null = null;
  let probe: LineReader;
  let leaker: LineReader;
  let leakerPid = 0;
  const events: AlertEvent[] = [];

  const tick = async (): Promise<Snapshot> => {
    probe.send('tick');
    const s = JSON.parse(await probe.next()) as Snapshot;
    events.push(...(s.alerts?.events ?? []));
    return s;
  };

  before(async () => {
    if (process.getuid?.() !== 0) return;
    ns = await createNetns('wl-leak');
    leaker = new LineReader(ns.spawn(process.execPath, ['-e', LEAKER]));
    leakerPid = Number(await leaker.expect('READY'));
    probe = new LineReader(
      ns.spawn(process.execPath, ['--import', 'tsx', PROBE, 'auto', JSON.stringify({ closeWaitMinCount: 10, closeWaitHoldS: 3, clearAfterS: 2 })]),
    );
    await probe.expect('READY');
  });

  after(async () => {
    await ns?.close();
  });

  it('raised once the count has held for the hold time, naming the process; cleared after it closes them', async (t) => {
    if (!requireRoot(t)) return;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const t0 = Date.now();
    let raisedAt: number | null = null;
    let firstSeen: number | null = null;
    while (Date.now() - t0 < 20_000 && raisedAt === null) {
      const s = await tick();
      const mine = s.owners?.closeWait.find((p) => p.pid === leakerPid);
      if (mine && firstSeen === null) firstSeen = s.time;
      if (mine) assert.equal(mine.count, 12);
      const e = events.find((x) => x.kind === 'raised' && x.alert.rule === 'close_wait_leak');
      if (e) raisedAt = e.time;
      await sleep(500);
    }
    assert.ok(firstSeen !== null, 'the leaking process was attributed');
    assert.ok(raisedAt !== null, `no leak alert within 20 s; events ${JSON.stringify(events)}`);
    assert.ok(raisedAt - firstSeen >= 3000, 'not before the hold time');
    const raised = events.find((x) => x.alert.rule === 'close_wait_leak')!;
    assert.equal(raised.alert.subject, `node (pid ${leakerPid})`);
    assert.equal(raised.alert.value, 12);
    assert.match(raised.alert.message, /holds 12 CLOSE_WAIT sockets/);

    leaker.send('close');
    await leaker.expect('CLOSED');
    const t1 = Date.now();
    let clearedAt: number | null = null;
    while (Date.now() - t1 < 20_000 && clearedAt === null) {
      await tick();
      const e = events.find((x) => x.kind === 'cleared' && x.alert.rule === 'close_wait_leak');
      if (e) clearedAt = e.time;
      await sleep(500);
    }
    assert.ok(clearedAt !== null, 'cleared after the sockets were closed');
    assert.ok(clearedAt - t1 >= 2000, 'not before the clear delay');
    assert.equal(events.filter((x) => x.alert.rule === 'close_wait_leak').length, 2, 'raised once, cleared once');
  });
});
