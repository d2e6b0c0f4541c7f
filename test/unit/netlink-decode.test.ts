// Decoding of the sock_diag addon's packed dump (layout in native/sockdiag.c), and the netlink
// source's behaviour around an addon that fails — no kernel needed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNetlinkSource, NetlinkUnavailableError, type SockDiagAddon } from '../../electron/collector/sources/netlink';
import { ALL_TCP_STATES_MASK, decodeSockDiagDump, SockDiagLayoutError, stateBit } from '../../electron/collector/sources/sockdiag-layout';

interface Row {
  family: 4 | 6;
  state: number;
  local: number[];
  lport: number;
  remote: number[];
  rport: number;
  tx?: number;
  rx?: number;
  timer?: number;
  expires?: number;
  retrans?: number;
  uid?: number;
  inode?: number;
  cookie?: bigint;
}

/** Packs rows the way the addon does, written from the layout comment in native/sockdiag.c. */
function pack(rows: Row[], opts: { flags?: number; skipped?: number; unknown?: number } = {}): ArrayBuffer {
  const addrs: { family: number; bytes: number[] }[] = [];
  const idx = (family: number, bytes: number[]) => {
    let i = addrs.findIndex((a) => a.family === family && a.bytes.join() === bytes.join());
    if (i < 0) i = addrs.push({ family, bytes }) - 1;
    return i;
  };
  const n = rows.length;
  const a8 = (x: number) => Math.ceil(x / 8) * 8;
  const oCookie = 64;
  const oInode = a8(oCookie + 8 * n);
  const oU32 = a8(oInode + 8 * n);
  const oU16 = a8(oU32 + 28 * n);
  const oU8 = a8(oU16 + 4 * n);
  const oAddr = a8(oU8 + 3 * n);
  const li = rows.map((r) => idx(r.family, r.local));
  const ri = rows.map((r) => idx(r.family, r.remote));
  const buf = new ArrayBuffer(oAddr + 20 * addrs.length);
  const dv = new DataView(buf);
  const v4 = rows.filter((r) => r.family === 4).length;
  [0x44534c57, 1, n, addrs.length, opts.skipped ?? 0, opts.unknown ?? 0, opts.flags ?? 0, v4].forEach((w, i) => dv.setUint32(i * 4, w, true));
  rows.forEach((r, i) => {
    dv.setBigUint64(oCookie + 8 * i, r.cookie ?? 0n, true);
    dv.setFloat64(oInode + 8 * i, r.inode ?? 0, true);
    [r.tx ?? 0, r.rx ?? 0, r.expires ?? 0, r.retrans ?? 0, r.uid ?? 0, li[i], ri[i]].forEach((v, c) => dv.setUint32(oU32 + 4 * (c * n + i), v, true));
    dv.setUint16(oU16 + 2 * i, r.lport, true);
    dv.setUint16(oU16 + 2 * (n + i), r.rport, true);
    dv.setUint8(oU8 + i, r.family);
    dv.setUint8(oU8 + n + i, r.state);
    dv.setUint8(oU8 + 2 * n + i, r.timer ?? 0);
  });
  addrs.forEach((a, i) => {
    dv.setUint8(oAddr + 20 * i, a.family);
    a.bytes.forEach((b, j) => dv.setUint8(oAddr + 20 * i + 4 + j, b));
  });
  return buf;
}

const LO4 = [127, 0, 0, 1];
const LO6 = [...Array(15).fill(0), 1];
const MAPPED = [...Array(10).fill(0), 0xff, 0xff, 10, 1, 2, 3];
const DOC6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x5a];

describe('sock_diag dump decoding', () => {
  it('turns the packed columns into a SocketTable with every field and interned addresses', () => {
    const buf = pack([
      { family: 4, state: 6, local: LO4, lport: 40000, remote: LO4, rport: 8080, timer: 3, expires: 59_500, cookie: 0x1_0000_0001n },
      { family: 4, state: 10, local: [0, 0, 0, 0], lport: 22, remote: [0, 0, 0, 0], rport: 0, rx: 3, uid: 1000, inode: 4_000_000_000 },
      { family: 6, state: 1, local: LO6, lport: 443, remote: DOC6, rport: 51000, tx: 17, rx: 5, timer: 1, expires: 200, retrans: 2, uid: 33, inode: 12345, cookie: 99n },
      { family: 6, state: 8, local: MAPPED, lport: 5432, remote: MAPPED, rport: 60000, inode: 7 },
    ], { skipped: 2, unknown: 1, flags: 1 });
    const d = decodeSockDiagDump(buf);
    const t = d.table;
    assert.equal(t.length, 4);
    assert.equal(d.ipv4Rows, 2);
    assert.equal(d.skipped, 2);
    assert.equal(d.unknownStates, 1);
    assert.equal(d.interrupted, true);
    assert.deepEqual([...t.family], [4, 4, 6, 6]);
    assert.deepEqual([...t.state], [6, 10, 1, 8]);
    assert.deepEqual(t.localAddr, ['127.0.0.1', '0.0.0.0', '::1', '::ffff:10.1.2.3']);
    assert.deepEqual(t.remoteAddr, ['127.0.0.1', '0.0.0.0', '2001:db8::1:0:0:5a', '::ffff:10.1.2.3']);
    assert.deepEqual([...t.localPort], [40000, 22, 443, 5432]);
    assert.deepEqual([...t.remotePort], [8080, 0, 51000, 60000]);
    assert.deepEqual([...t.txQueue], [0, 0, 17, 0]);
    assert.deepEqual([...t.rxQueue], [0, 3, 5, 0]);
    assert.deepEqual([...t.timer], [3, 0, 1, 0]);
    assert.deepEqual([...t.timerLeftMs], [59_500, 0, 200, 0]);
    assert.deepEqual([...t.retransmits], [0, 0, 2, 0]);
    assert.deepEqual([...t.uid], [0, 1000, 33, 0]);
    assert.deepEqual([...t.inode], [0, 4_000_000_000, 12345, 7]);
    assert.deepEqual([...t.cookie!], [0x1_0000_0001n, 0n, 99n, 0n]);
  });

  it('decodes an empty dump', () => {
    const d = decodeSockDiagDump(pack([]));
    assert.equal(d.table.length, 0);
    assert.deepEqual(d.table.localAddr, []);
    assert.equal(d.interrupted, false);
  });

  it('rejects buffers that are not a matching dump, with a specific message', () => {
    const good = pack([{ family: 4, state: 1, local: LO4, lport: 1, remote: LO4, rport: 2 }]);
    const patched = (off: number, v: number) => {
      const b = good.slice(0);
      new DataView(b).setUint32(off, v, true);
      return b;
    };
    assert.throws(() => decodeSockDiagDump(new ArrayBuffer(10)), { name: 'SockDiagLayoutError', message: /too short: 10 bytes/ });
    assert.throws(() => decodeSockDiagDump(patched(0, 0x12345678)), /bad magic/);
    assert.throws(() => decodeSockDiagDump(patched(4, 2)), /layout version 2 does not match 1: rebuild it/);
    assert.throws(() => decodeSockDiagDump(patched(8, 5)), /5 rows and 1 addresses need/);
    assert.throws(() => decodeSockDiagDump(good.slice(0, good.byteLength - 4)), SockDiagLayoutError);
    assert.throws(() => decodeSockDiagDump(patched(28, 3)), /claims 3 IPv4 rows of 1/);
    const n = 1;
    const oU32 = Math.ceil((64 + 16 * n) / 8) * 8;
    assert.throws(() => decodeSockDiagDump(patched(oU32 + 4 * 5 * n, 9)), /row 0 points past the address table/);
    assert.throws(() => decodeSockDiagDump(patched(good.byteLength - 20, 5)), /address 0 has family 5/);
  });
});

describe('netlink source with an injected addon', () => {
  const fakeAddon = (dump: (states: number, families: number) => ArrayBuffer): SockDiagAddon & { calls: number[][] } => {
    const calls: number[][] = [];
    return { layoutVersion: 1, calls, dump: (s, f) => (calls.push([s, f]), dump(s, f)) };
  };

  it('probes with an empty mask, then dumps with the requested mask and families', async () => {
    const addon = fakeAddon(() => pack([{ family: 4, state: 6, local: LO4, lport: 1, remote: LO4, rport: 2, cookie: 5n }], { skipped: 1 }));
    const src = createNetlinkSource({ addon, states: stateBit(6), ipv6: false });
    const r = await src.read();
    assert.deepEqual(addon.calls, [[0, 1], [64, 1]]);
    assert.equal(r.source, 'netlink');
    assert.equal(r.table.length, 1);
    assert.deepEqual(r.skipped, { 'netlink sock_diag': 1 });
    assert.equal(createNetlinkSource({ addon }).name, 'netlink');
    assert.deepEqual(addon.calls.at(-1), [0, 3]);
  });

  it('the default mask covers states 1..12 (all /proc can show), not BOUND_INACTIVE', async () => {
    const addon = fakeAddon(() => pack([]));
    await createNetlinkSource({ addon }).read();
    assert.equal(addon.calls.at(-1)![0], ALL_TCP_STATES_MASK);
    for (let s = 1; s <= 12; s++) assert.ok(ALL_TCP_STATES_MASK & stateBit(s), `state ${s}`);
    assert.equal(ALL_TCP_STATES_MASK & stateBit(13), 0);
    assert.equal(ALL_TCP_STATES_MASK & 1, 0);
  });

  it('throws NetlinkUnavailableError with the kernel\'s reason when sock_diag is refused', () => {
    const addon = fakeAddon(() => {
      throw new Error('opening a NETLINK_SOCK_DIAG socket: Operation not permitted (errno 1)');
    });
    assert.throws(() => createNetlinkSource({ addon }), (e: Error) => {
      assert.ok(e instanceof NetlinkUnavailableError);
      assert.equal(e.message, 'netlink sock_diag is unavailable: opening a NETLINK_SOCK_DIAG socket: Operation not permitted (errno 1)');
      return true;
    });
  });

  it('rejects a states mask that is not a 32-bit unsigned integer', () => {
    const addon = fakeAddon(() => pack([]));
    assert.throws(() => createNetlinkSource({ addon, states: -1 }), { name: 'RangeError', message: /got -1/ });
    assert.throws(() => createNetlinkSource({ addon, states: 2 ** 32 }), RangeError);
    assert.throws(() => createNetlinkSource({ addon, states: 1.5 }), RangeError);
  });
});
