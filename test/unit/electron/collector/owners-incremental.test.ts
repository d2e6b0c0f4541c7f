// The incremental owner scan (electron/collector/owners.ts OwnerTracker) over a fake /proc: a full
// walk only when a socket unknown to the map appears; otherwise one readlink per known socket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OwnerTracker } from '../../../../electron/collector/owners';
import type { FileReader } from '../../../../electron/collector/types';

/** pid → fd → link; counts fd-directory reads (a walk) and readlinks. */
function fakeProc(procs: Map<number, { comm: string; fds: Map<string, string> }>, withSync: boolean) {
  const stats = { fdDirReads: 0, readlinks: 0 };
  const enoent = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  const reader: FileReader = {
    readText: async (p) => {
      const m = /^\/proc\/(\d+)\/comm$/.exec(p);
      const proc = m && procs.get(Number(m[1]));
      if (!proc) throw enoent(p);
      return `${proc.comm}\n`;
    },
    readChunks: () => {
      throw new Error('unexpected');
    },
    readdir: async (p) => {
      if (p === '/proc') return [...procs.keys()].map(String).concat(['self', 'net']);
      const m = /^\/proc\/(\d+)\/fd$/.exec(p);
      const proc = m && procs.get(Number(m[1]));
      if (!proc) throw enoent(p);
      stats.fdDirReads++;
      return [...proc.fds.keys()];
    },
    readlink: async (p) => {
      stats.readlinks++;
      const m = /^\/proc\/(\d+)\/fd\/(\d+)$/.exec(p);
      const link = m && procs.get(Number(m[1]))?.fds.get(m[2]);
      if (!link) throw enoent(p);
      return link;
    },
  };
  if (withSync) {
    reader.readlinkSync = (p) => {
      stats.readlinks++;
      const m = /^\/proc\/(\d+)\/fd\/(\d+)$/.exec(p);
      const link = m && procs.get(Number(m[1]))?.fds.get(m[2]);
      if (!link) throw enoent(p);
      return link;
    };
  }
  return { reader, stats };
}

const mono = () => 0;

describe('OwnerTracker', () => {
  for (const withSync of [false, true])
  it(`finds a new socket of a long-lived process, drops closed and moved sockets, walks only when needed (${withSync ? 'readlinkSync' : 'async readlink'})`, async () => {
    const procs = new Map([
      [100, { comm: 'server', fds: new Map([['0', '/dev/null'], ['3', 'socket:[1001]'], ['4', 'socket:[1002]']]) }],
      [200, { comm: 'client', fds: new Map([['5', 'socket:[2001]']]) }],
    ]);
    const { reader, stats } = fakeProc(procs, withSync);
    const t = new OwnerTracker(reader, '/proc');

    let s = await t.scan([1001, 1002, 2001, 0], mono);
    assert.equal(s.kind, 'full');
    assert.deepEqual(s.byInode.get(1002), { pid: 100, comm: 'server' });
    assert.deepEqual(s.byInode.get(2001), { pid: 200, comm: 'client' });

    // nothing new: no walk, one readlink per known socket
    const before = { ...stats };
    s = await t.scan([1001, 1002, 2001], mono);
    assert.equal(s.kind, 'validate');
    assert.equal(stats.fdDirReads, before.fdDirReads, 'no fd directory was listed');
    assert.equal(stats.readlinks - before.readlinks, 3);

    // the long-lived server opens a new socket on a reused fd number: found by the walk it triggers
    procs.get(100)!.fds.set('0', 'socket:[1003]');
    s = await t.scan([1001, 1002, 1003, 2001], mono);
    assert.equal(s.kind, 'full');
    assert.deepEqual(s.byInode.get(1003), { pid: 100, comm: 'server' });

    // 1001 closed (gone from the table); 2001 handed from the client to the server
    procs.get(100)!.fds.delete('3');
    procs.get(200)!.fds.delete('5');
    procs.get(100)!.fds.set('9', 'socket:[2001]');
    s = await t.scan([1002, 1003, 2001], mono);
    assert.equal(s.byInode.has(1001), false);
    assert.deepEqual(s.byInode.get(2001), { pid: 100, comm: 'server' }, 'the moved socket has its new owner, not a stale one');

    // a process exits: its sockets lose their owner without a readlink of its fds
    procs.delete(200);
    procs.get(100)!.fds.delete('9');
    s = await t.scan([1002, 1003, 2001], mono);
    assert.equal(s.byInode.has(2001), false);
    // 2001 is now known to have no readable owner: the next scan does not walk again for it
    s = await t.scan([1002, 1003, 2001], mono);
    assert.equal(s.kind, 'validate');
  });

  it('a validation slice (idle scans): a socket handed to another process is re-attributed within ⌈owners / slice⌉ scans; closed sockets and exited processes at once', async () => {
    const fds = new Map<string, string>();
    for (let i = 0; i < 10; i++) fds.set(String(10 + i), `socket:[${3000 + i}]`);
    const procs = new Map([
      [300, { comm: 'holder', fds }],
      [400, { comm: 'taker', fds: new Map<string, string>() }],
    ]);
    const { reader, stats } = fakeProc(procs, true);
    const t = new OwnerTracker(reader, '/proc');
    const inodes = [...Array(10).keys()].map((i) => 3000 + i);
    await t.scan(inodes, mono);
    // 3007 handed from holder to taker: with 3 validations per scan it is found within ⌈10 / 3⌉ = 4 scans
    fds.delete('17');
    procs.get(400)!.fds.set('4', 'socket:[3007]');
    let scansUntilFound = 0;
    for (let k = 1; k <= 4 && scansUntilFound === 0; k++) {
      const before = stats.readlinks;
      const s = await t.scan(inodes, mono, 3);
      if (s.kind === 'validate') assert.equal(stats.readlinks - before, 3, 'three readlinks per sliced scan');
      if (s.byInode.get(3007)?.pid === 400) scansUntilFound = k;
    }
    assert.ok(scansUntilFound >= 1 && scansUntilFound <= 4, `re-attributed after ${scansUntilFound} scans`);
    // a closed socket and an exited process are dropped at the next sliced scan, whatever the slice
    fds.delete('10');
    let s = await t.scan(inodes.filter((i) => i !== 3000), mono, 1);
    assert.equal(s.byInode.has(3000), false);
    procs.delete(400);
    s = await t.scan(inodes.filter((i) => i !== 3000), mono, 1);
    assert.equal(s.byInode.get(3007), undefined, 'its process exited');
  });

  it('one owner object per process, not per socket; an unchanged scan hands out the same map, a change a new one and the old one stays as it was', async () => {
    const fds = new Map<string, string>();
    for (let i = 0; i < 50; i++) fds.set(String(10 + i), `socket:[${5000 + i}]`);
    const procs = new Map([[500, { comm: 'many', fds }]]);
    const { reader } = fakeProc(procs, true);
    const t = new OwnerTracker(reader, '/proc');
    const inodes = [...Array(50).keys()].map((i) => 5000 + i);
    const first = await t.scan(inodes, mono);
    assert.equal(first.byInode.size, 50);
    const objects = new Set(first.byInode.values());
    assert.equal(objects.size, 1, 'all 50 sockets share their process\'s owner object');
    const again = await t.scan(inodes, mono);
    assert.equal(again.kind, 'validate');
    assert.equal(again.byInode, first.byInode, 'nothing changed: the same map');
    // a socket closes: a new map; the one handed out before still has it (a query may hold it)
    fds.delete('10');
    const after = await t.scan(inodes.slice(1), mono);
    assert.notEqual(after.byInode, first.byInode);
    assert.equal(after.byInode.has(5000), false);
    assert.equal(first.byInode.has(5000), true, 'a map once handed out is never changed');
    assert.equal(after.byInode.size, 49);
  });

  it('sliced validation visits every remembered owner once per round, in rotation', async () => {
    const fds = new Map<string, string>();
    for (let i = 0; i < 10; i++) fds.set(String(10 + i), `socket:[${6000 + i}]`);
    const procs = new Map([[600, { comm: 'rot', fds }]]);
    const { reader } = fakeProc(procs, true);
    const seen: string[] = [];
    const sync = reader.readlinkSync!;
    reader.readlinkSync = (p) => (seen.push(p), sync(p));
    const t = new OwnerTracker(reader, '/proc');
    const inodes = [...Array(10).keys()].map((i) => 6000 + i);
    await t.scan(inodes, mono);
    seen.length = 0;
    // slices of 4 over 10 owners: 4 + 4 + 4 (wrapping) — the first 10 readlinks are 10 distinct fds
    for (let k = 0; k < 3; k++) await t.scan(inodes, mono, 4);
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen.slice(0, 10)).size, 10, `every fd once in a round: ${seen.slice(0, 10).join(' ')}`);
    assert.deepEqual(seen.slice(10), seen.slice(0, 2), 'the next round starts over in the same order');
  });
});
