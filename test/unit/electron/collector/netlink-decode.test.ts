// Decoding of the sock_diag addon's packed dump (layout in native/sockdiag.c), and the netlink
// source's behaviour around an addon that fails — no kernel needed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNetlinkSource, NetlinkUnavailableError, type SockDiagAddon } from '../../../../electron/collector/sources/netlink';
import {
  ALL_TCP_STATES_MASK,
  decodeSockDiagDump,
  decodeTcpInfoTimes,
  peerClosedBounds,
  SOCKDIAG_LAYOUT_VERSION,
  SockDiagLayoutError,
  stateBit,
} from '../../../../electron/collector/sources/sockdiag-layout';

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

/** A struct tcp_info as the kernel lays it out (include/uapi/linux/tcp.h), written from the field
 *  list: u8 state, ca_state, retransmits, probes, backoff, options, wscale, flags; then u32 rto, ato,
 *  snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets, last_data_sent, last_ack_sent,
 *  last_data_recv, last_ack_recv, pmtu, … — `len` bytes (232 on 6.x kernels). */
function tcpInfo(f: { state: number; lastDataRecv: number; lastAckRecv: number; lastDataSent?: number }, len = 232): Uint8Array {
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  const u32 = ['rto', 'ato', 'snd_mss', 'rcv_mss', 'unacked', 'sacked', 'lost', 'retrans', 'fackets', 'last_data_sent', 'last_ack_sent', 'last_data_recv', 'last_ack_recv', 'pmtu'];
  const put = (name: string, v: number) => {
    const off = 8 + 4 * u32.indexOf(name);
    if (off + 4 <= len) dv.setUint32(off, v, true);
  };
  b[0] = f.state;
  b[1] = 0; // ca_state
  put('rto', 204_000);
  put('snd_mss', 32_768);
  put('last_data_sent', f.lastDataSent ?? 9_999);
  put('last_ack_sent', 0);
  put('last_data_recv', f.lastDataRecv);
  put('last_ack_recv', f.lastAckRecv);
  put('pmtu', 65_535);
  return b;
}

interface Info {
  inode: number;
  cookie?: bigint;
  /** the whole INET_DIAG_INFO payload; only its first 64 bytes are packed */
  info: Uint8Array;
}

/** Packs rows the way the addon does, written from the layout comment in native/sockdiag.c. */
function pack(
  rows: Row[],
  opts: { flags?: number; skipped?: number; unknown?: number; infos?: Info[]; infoFlags?: number; infoError?: string } = {},
): ArrayBuffer {
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
  const infos = opts.infos ?? [];
  const err = new TextEncoder().encode(opts.infoError ?? '');
  const oInfo = a8(oAddr + 20 * addrs.length);
  const oErr = oInfo + 80 * infos.length;
  const buf = new ArrayBuffer(oErr + err.length);
  const dv = new DataView(buf);
  const v4 = rows.filter((r) => r.family === 4).length;
  const infoFlags = opts.infoFlags ?? (opts.infos ? 1 : 0);
  [0x44534c57, SOCKDIAG_LAYOUT_VERSION, n, addrs.length, opts.skipped ?? 0, opts.unknown ?? 0, opts.flags ?? 0, v4, infos.length, infoFlags, err.length].forEach((w, i) =>
    dv.setUint32(i * 4, w, true),
  );
  infos.forEach((e, i) => {
    const o = oInfo + 80 * i;
    dv.setBigUint64(o, e.cookie ?? 0n, true);
    dv.setUint32(o + 8, e.inode, true);
    dv.setUint32(o + 12, e.info.length, true);
    new Uint8Array(buf, o + 16, 64).set(e.info.subarray(0, 64));
  });
  new Uint8Array(buf, oErr, err.length).set(err);
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
    assert.equal(d.peerClosed, null, 'no tcp_info dump ran');
  });

  it('gives each row its address indices, and builds the address strings only when first read', () => {
    const buf = pack([
      { family: 4, state: 6, local: LO4, lport: 40000, remote: [10, 0, 0, 9], rport: 443 },
      { family: 6, state: 1, local: LO6, lport: 443, remote: DOC6, rport: 51000 },
      { family: 4, state: 6, local: LO4, lport: 40001, remote: [10, 0, 0, 9], rport: 443 },
    ]);
    const t = decodeSockDiagDump(buf).table;
    const ix = t.addrIndex!;
    // the packer numbers every row's local address first, then the remote ones
    assert.deepEqual(ix.addrs, ['127.0.0.1', '::1', '10.0.0.9', '2001:db8::1:0:0:5a']);
    assert.deepEqual([...ix.local], [0, 1, 0]);
    assert.deepEqual([...ix.remote], [2, 3, 2]);
    // accessors, built on first read
    assert.equal(typeof Object.getOwnPropertyDescriptor(t, 'localAddr')!.get, 'function');
    assert.equal(typeof Object.getOwnPropertyDescriptor(t, 'remoteAddr')!.get, 'function');
    const local = t.localAddr;
    assert.deepEqual(local, ['127.0.0.1', '::1', '127.0.0.1']);
    assert.equal(t.localAddr, local, 'built once, then the same array');
    // a copy (a spread, structured clone to another thread) carries the strings, not the getter
    assert.deepEqual(structuredClone({ ...t, cookie: null }).remoteAddr, ['10.0.0.9', '2001:db8::1:0:0:5a', '10.0.0.9']);
    // an assignment replaces the column, built or not
    t.remoteAddr = ['x', 'y', 'z'];
    assert.deepEqual(t.remoteAddr, ['x', 'y', 'z']);
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
    assert.throws(() => decodeSockDiagDump(patched(4, 1)), /layout version 1 does not match 3: rebuild it/);
    assert.throws(() => decodeSockDiagDump(patched(8, 5)), /5 rows, 1 addresses, 0 tcp_info entries and 0 bytes of error text need/);
    assert.throws(() => decodeSockDiagDump(patched(32, 1)), /1 tcp_info entries/);
    assert.throws(() => decodeSockDiagDump(good.slice(0, good.byteLength - 4)), SockDiagLayoutError);
    assert.throws(() => decodeSockDiagDump(patched(28, 3)), /claims 3 IPv4 rows of 1/);
    const n = 1;
    const oU32 = Math.ceil((64 + 16 * n) / 8) * 8;
    assert.throws(() => decodeSockDiagDump(patched(oU32 + 4 * 5 * n, 9)), /row 0 points past the address table/);
    // 64 header + 8 cookie + 8 inode + 28 u32 (→ 112) + 4 u16 (→ 120) + 3 u8 (→ 128)
    const oAddr = 128;
    assert.throws(() => decodeSockDiagDump(patched(oAddr, 5)), /address 0 has family 5/);
  });
});

describe('tcp_info of CLOSE_WAIT sockets', () => {
  it('reads tcpi_state, tcpi_last_data_recv (offset 52) and tcpi_last_ack_recv (offset 56)', () => {
    const b = tcpInfo({ state: 8, lastDataRecv: 9_012, lastAckRecv: 5_008, lastDataSent: 1 });
    assert.deepEqual(decodeTcpInfoTimes(b), { state: 8, lastDataRecvMs: 9_012, lastAckRecvMs: 5_008 });
    // what the addon packs: the first 64 bytes, with the kernel's full length
    assert.deepEqual(decodeTcpInfoTimes(b.subarray(0, 64), b.length), { state: 8, lastDataRecvMs: 9_012, lastAckRecvMs: 5_008 });
    // u32 values above 2^31 stay unsigned
    assert.equal(decodeTcpInfoTimes(tcpInfo({ state: 8, lastDataRecv: 0xfffffff0, lastAckRecv: 1 }))!.lastDataRecvMs, 0xfffffff0);
  });

  it('refuses a tcp_info too short to hold the fields (an old or foreign payload)', () => {
    assert.equal(decodeTcpInfoTimes(tcpInfo({ state: 8, lastDataRecv: 1, lastAckRecv: 1 }, 56)), null);
    assert.equal(decodeTcpInfoTimes(tcpInfo({ state: 8, lastDataRecv: 1, lastAckRecv: 1 }).subarray(0, 64), 59), null);
    assert.notEqual(decodeTcpInfoTimes(tcpInfo({ state: 8, lastDataRecv: 1, lastAckRecv: 1 }, 60)), null);
  });

  it('bounds the time since the peer\'s FIN: last ACK below (≥), last data above, CLOSE_WAIT only', () => {
    // peer sent data 9 s ago and a bare FIN 5 s ago (measured on this kernel: a FIN without data does
    // not move last_data_recv, its ACK moves last_ack_recv)
    assert.deepEqual(peerClosedBounds({ state: 8, lastDataRecvMs: 9_012, lastAckRecvMs: 5_008 }), { minMs: 5_008, maxMs: 9_012 });
    // we sent data after the FIN and the peer ACKed it: the lower bound shrinks, still a lower bound
    assert.deepEqual(peerClosedBounds({ state: 8, lastDataRecvMs: 9_008, lastAckRecvMs: 3_008 }), { minMs: 3_008, maxMs: 9_008 });
    // the upper bound is never below the lower one
    assert.deepEqual(peerClosedBounds({ state: 8, lastDataRecvMs: 10, lastAckRecvMs: 20 }), { minMs: 20, maxMs: 20 });
    // the socket moved on (LAST_ACK) between the dumps: no bound
    assert.equal(peerClosedBounds({ state: 9, lastDataRecvMs: 1, lastAckRecvMs: 1 }), null);
  });

  it('decodes the tcp_info section of a dump into inode → bounds', () => {
    const buf = pack([{ family: 4, state: 8, local: LO4, lport: 5000, remote: LO4, rport: 40000, inode: 777 }], {
      infos: [
        { inode: 777, cookie: 5n, info: tcpInfo({ state: 8, lastDataRecv: 6_100, lastAckRecv: 3_050 }) },
        { inode: 778, info: tcpInfo({ state: 8, lastDataRecv: 100, lastAckRecv: 100 }, 40) }, // too short: dropped
        { inode: 779, info: tcpInfo({ state: 1, lastDataRecv: 100, lastAckRecv: 100 }) }, // not CLOSE_WAIT: dropped
      ],
    });
    const d = decodeSockDiagDump(buf);
    assert.equal(d.table.length, 1);
    assert.deepEqual(d.peerClosed, { byInode: new Map([[777, { minMs: 3_050, maxMs: 6_100 }]]), error: null });
  });

  it('a failed tcp_info dump is an error with the kernel\'s reason, not a failed read', () => {
    const d = decodeSockDiagDump(pack([{ family: 4, state: 8, local: LO4, lport: 1, remote: LO4, rport: 2, inode: 3 }], {
      infoFlags: 3,
      infoError: 'receiving the sock_diag dump: Operation not permitted (errno 1)',
    }));
    assert.equal(d.table.length, 1);
    assert.equal(d.peerClosed!.byInode.size, 0);
    assert.equal(d.peerClosed!.error, 'the CLOSE_WAIT tcp_info read failed: receiving the sock_diag dump: Operation not permitted (errno 1)');
  });
});

describe('sock_diag result with room to spare (header word 12)', () => {
  const rows = [{ family: 4 as const, state: 6, local: LO4, lport: 1, remote: LO4, rport: 2, cookie: 5n }];
  const roomy = (extra: number, used?: number): ArrayBuffer => {
    const exact = new Uint8Array(pack(rows));
    const buf = new ArrayBuffer(exact.length + extra);
    new Uint8Array(buf).set(exact);
    new Uint32Array(buf, 0, 16)[12] = used ?? exact.length;
    return buf;
  };

  it('decodes the used part of a larger buffer; header 0 means the whole buffer', () => {
    const d = decodeSockDiagDump(roomy(4096));
    assert.equal(d.table.length, 1);
    assert.equal(d.table.localPort[0], 1);
    assert.equal(d.table.cookie![0], 5n);
    assert.equal(decodeSockDiagDump(pack(rows)).table.length, 1);
  });

  it('rejects a used size that disagrees with the header, or is larger than the buffer', () => {
    const exact = pack(rows).byteLength;
    assert.throws(() => decodeSockDiagDump(roomy(4096, exact + 8)), /uses \d+ of \d+ bytes/);
    assert.throws(() => decodeSockDiagDump(roomy(4096, exact - 8)), SockDiagLayoutError);
    assert.throws(() => decodeSockDiagDump(roomy(0, exact + 4096)), SockDiagLayoutError);
  });
});

describe('netlink source: reuseBuffers', () => {
  const recording = () => {
    const passed: (ArrayBuffer | undefined)[] = [];
    const made: ArrayBuffer[] = [];
    const addon: SockDiagAddon = {
      layoutVersion: SOCKDIAG_LAYOUT_VERSION,
      dump: (states, _f, _i, reuse?: ArrayBuffer) => {
        if (states === 0) return pack([]);
        passed.push(reuse);
        const buf = reuse ?? pack([{ family: 4, state: 6, local: LO4, lport: made.length + 1, remote: LO4, rport: 2 }]);
        if (!reuse) made.push(buf);
        return buf;
      },
    };
    return { addon, passed, made };
  };

  it('hands each read the buffer of the read before last — never the latest table\'s', async () => {
    const { addon, passed, made } = recording();
    const src = createNetlinkSource({ addon, reuseBuffers: true });
    const t1 = (await src.read()).table;
    const t2 = (await src.read()).table;
    assert.deepEqual(passed, [undefined, undefined], 'the first two reads have nothing to reuse');
    assert.notEqual(t1.state.buffer, t2.state.buffer);
    const t3 = (await src.read()).table;
    assert.equal(passed[2], made[0], 'the third read writes into the first read\'s buffer');
    await src.read();
    assert.equal(passed[3], made[1], 'the fourth into the second\'s');
    assert.notEqual(passed[3], t3.state.buffer, 'never into the buffer of the table the collector holds');
    assert.equal(made.length, 2, 'two buffers in rotation');
  });

  it('without it, no read is handed a buffer', async () => {
    const { addon, passed } = recording();
    const src = createNetlinkSource({ addon });
    for (let i = 0; i < 3; i++) await src.read();
    assert.deepEqual(passed, [undefined, undefined, undefined]);
  });
});

describe('netlink source with an injected addon', () => {
  const fakeAddon = (dump: (states: number, families: number) => ArrayBuffer): SockDiagAddon & { calls: number[][] } => {
    const calls: number[][] = [];
    return { layoutVersion: SOCKDIAG_LAYOUT_VERSION, calls, dump: (s, f, i) => (calls.push(i === undefined ? [s, f] : [s, f, i]), dump(s, f)) };
  };

  it('probes with an empty mask, then dumps with the requested mask and families', async () => {
    const addon = fakeAddon(() => pack([{ family: 4, state: 6, local: LO4, lport: 1, remote: LO4, rport: 2, cookie: 5n }], { skipped: 1 }));
    const src = createNetlinkSource({ addon, states: stateBit(6), ipv6: false });
    const r = await src.read();
    // TIME_WAIT only: no CLOSE_WAIT timing asked for
    assert.deepEqual(addon.calls, [[0, 1], [64, 1, 0]]);
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
    assert.equal(addon.calls.at(-1)![2], stateBit(8), 'tcp_info for CLOSE_WAIT sockets');
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

  it('an interrupted dump is reported: in the snapshot health and as a note in the CLI; a clean one is not', async () => {
    const { Collector } = await import('../../../../electron/collector/index');
    const { formatSnapshot } = await import('../../../../electron/cli/snapshot');
    let flags = 1; // NLM_F_DUMP_INTR on the first read only
    const addon = fakeAddon(() => pack([{ family: 4, state: 6, local: LO4, lport: 1, remote: LO4, rport: 2 }], { flags }));
    const source = createNetlinkSource({ addon });
    assert.equal((await source.read()).interrupted, true);
    const c = new Collector({ socketSource: source });
    const first = await c.tick();
    assert.equal(first.health.tableInterrupted, true);
    assert.match(formatSnapshot(first), /^note: the kernel flagged this netlink dump as interrupted/m);
    flags = 0;
    await new Promise((r) => setTimeout(r, 1100)); // the next full table read
    const second = await c.tick();
    assert.equal(second.health.tableRead, true);
    assert.equal(second.health.tableInterrupted, undefined);
    assert.doesNotMatch(formatSnapshot(second), /interrupted/);
  });

  it('passes the kernel timing on, and none when it was not asked for', async () => {
    const withInfo = () => pack([{ family: 4, state: 8, local: LO4, lport: 1, remote: LO4, rport: 2, inode: 9 }], {
      infos: [{ inode: 9, info: tcpInfo({ state: 8, lastDataRecv: 2_000, lastAckRecv: 1_000 }) }],
    });
    const r = await createNetlinkSource({ addon: fakeAddon(withInfo) }).read();
    assert.deepEqual(r.peerClosed?.byInode.get(9), { minMs: 1_000, maxMs: 2_000 });
    const off = fakeAddon(withInfo);
    const r2 = await createNetlinkSource({ addon: off, closeWaitTiming: false }).read();
    assert.equal(off.calls.at(-1)![2], 0);
    assert.equal('peerClosed' in r2, false, 'no timing: the collector falls back to observed ages');
  });
});
