// Per-connection details without a kernel: decoding of struct tcp_info (fields past the kernel's
// length are null, never the zero fill; sentinels), of the addon's connInfo() answer, the mapping of
// each answer to a status and reason, the cap and key checks, and the sources that have no tcp_info.
// The tcp_info offsets are checked against the C headers of this machine when a compiler is there.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONN_INFO_MAX_KEYS, type ConnKey } from '../../../../shared/conn-info';
import type { SocketRow } from '../../../../shared/snapshot';
import { createCollector } from '../../../../electron/collector/index';
import { ConnInfoRequestError, readConnInfo } from '../../../../electron/collector/conn-info';
import {
  CONN_INFO_ENTRY_BYTES,
  CONN_INFO_HEADER_BYTES,
  CONN_INFO_LAYOUT_VERSION,
  CONN_INFO_MAGIC,
  CONN_INFO_TCP_INFO_MAX,
  ConnInfoLayoutError,
  decodeConnInfoBuffer,
  decodeTcpInfo,
  TCP_INFO_FIELDS,
  TCP_INFO_KNOWN_BYTES,
} from '../../../../electron/collector/sources/conn-info-layout';
import type { AddonConnRequest, SockDiagAddon } from '../../../../electron/collector/sources/netlink';
import { SOCKDIAG_LAYOUT_VERSION } from '../../../../electron/collector/sources/sockdiag-layout';
import type { SocketSource } from '../../../../electron/collector/types';

/** A struct tcp_info of `len` bytes with every known field set to a distinct value (its offset + 1000,
 *  u64s above 2^32). */
function tcpInfo(len = 280): Uint8Array {
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  b[0] = 1; // ESTABLISHED
  b[1] = 3; // recovery
  b[5] = 1 | 2 | 4; // timestamps, sack, window scale
  b[6] = (9 << 4) | 7; // rcv_wscale 9, snd_wscale 7
  for (const [off, kind] of Object.values(TCP_INFO_FIELDS)) {
    if (off + { u8: 1, u16: 2, u32: 4, u64: 8 }[kind] > len) continue;
    if (kind === 'u8') dv.setUint8(off, off);
    else if (kind === 'u16') dv.setUint16(off, off + 1000, true);
    else if (kind === 'u32') dv.setUint32(off, off + 1000, true);
    else dv.setBigUint64(off, BigInt(off) + 2n ** 33n, true);
  }
  return b;
}

describe('decodeTcpInfo', () => {
  it('reads every field at its offset, in the units its name says', () => {
    const d = decodeTcpInfo(tcpInfo(280));
    assert.equal(d.infoBytes, 280);
    assert.equal(d.state, 'ESTABLISHED');
    assert.equal(d.caState, 'recovery');
    assert.deepEqual(d.options, ['timestamps', 'sack', 'window_scale']);
    assert.equal(d.sndWscale, 7);
    assert.equal(d.rcvWscale, 9);
    assert.equal(d.rtoRetransmits, 2);
    assert.equal(d.rttUs, 68 + 1000);
    assert.equal(d.rttVarUs, 72 + 1000);
    assert.equal(d.sndCwndSegs, 80 + 1000);
    assert.equal(d.lastDataSentMs, 44 + 1000);
    assert.equal(d.lastDataRecvMs, 52 + 1000);
    assert.equal(d.totalRetransSegs, 100 + 1000);
    assert.equal(d.bytesAcked, 120 + 2 ** 33);
    assert.equal(d.bytesReceived, 128 + 2 ** 33);
    assert.equal(d.bytesSent, 200 + 2 ** 33);
    assert.equal(d.bytesRetrans, 208 + 2 ** 33);
    assert.equal(d.minRttUs, 148 + 1000);
    assert.equal(d.totalRto, 240 + 1000);
    assert.equal(d.totalRtoRecoveries, 242 + 1000);
    assert.equal(d.totalRtoTimeMs, 244 + 1000);
  });

  it('a shorter struct (an older kernel): fields past its end are null, never read from the zero fill', () => {
    // 104 bytes: the struct up to tcpi_total_retrans (Linux 3.x before pacing rates)
    const old = decodeTcpInfo(tcpInfo(280), 104);
    assert.equal(old.infoBytes, 104);
    assert.equal(old.totalRetransSegs, 1100);
    assert.equal(old.rttUs, 1068);
    for (const f of ['pacingRateBytesPerS', 'bytesAcked', 'bytesReceived', 'bytesSent', 'minRttUs', 'sndWndBytes', 'totalRto'] as const) {
      assert.equal(old[f], null, f);
    }
    // 232 bytes (6.1): up to tcpi_snd_wnd; rcv_wnd, rehash and the RTO totals came later
    const k61 = decodeTcpInfo(tcpInfo(232));
    assert.equal(k61.sndWndBytes, 228 + 1000);
    assert.equal(k61.bytesSent, 200 + 2 ** 33);
    assert.equal(k61.rcvWndBytes, null);
    assert.equal(k61.totalRtoTimeMs, null);
    // a field cut in the middle is unavailable too
    assert.equal(decodeTcpInfo(tcpInfo(280), 124).bytesAcked, null);
    // fewer bytes copied than the kernel's length: only what is there
    assert.equal(decodeTcpInfo(tcpInfo(280).subarray(0, 64), 280).rttUs, null);
    assert.equal(decodeTcpInfo(new Uint8Array(0), 0).state, null);
  });

  it('sentinels: an infinite ssthresh and an unset pacing rate are null; no window scale, no shifts', () => {
    const b = tcpInfo(280);
    const dv = new DataView(b.buffer);
    dv.setUint32(76, 0x7fffffff, true);
    dv.setBigUint64(112, 0xffffffffffffffffn, true);
    b[5] = 1;
    const d = decodeTcpInfo(b);
    assert.equal(d.sndSsthreshSegs, null);
    assert.equal(d.maxPacingRateBytesPerS, null);
    assert.equal(d.sndWscale, null);
    assert.equal(d.rcvWscale, null);
    assert.equal(d.pacingRateBytesPerS, 104 + 2 ** 33);
  });

  it('the offsets agree with struct tcp_info in the C headers of this machine (when a compiler is there)', (t) => {
    const cc = spawnSync('cc', ['--version'], { encoding: 'utf8' });
    if (cc.status !== 0) return t.skip('no C compiler');
    const names: Record<string, string> = {
      rtoRetransmits: 'retransmits', rtoUs: 'rto', atoUs: 'ato', sndMssBytes: 'snd_mss', rcvMssBytes: 'rcv_mss', unackedSegs: 'unacked',
      sackedSegs: 'sacked', lostSegs: 'lost', retransOutSegs: 'retrans', lastDataSentMs: 'last_data_sent', lastDataRecvMs: 'last_data_recv',
      lastAckRecvMs: 'last_ack_recv', pmtuBytes: 'pmtu', rcvSsthreshBytes: 'rcv_ssthresh', rttUs: 'rtt', rttVarUs: 'rttvar',
      sndSsthreshSegs: 'snd_ssthresh', sndCwndSegs: 'snd_cwnd', advMssBytes: 'advmss', rcvRttUs: 'rcv_rtt', rcvSpaceBytes: 'rcv_space',
      totalRetransSegs: 'total_retrans', pacingRateBytesPerS: 'pacing_rate', maxPacingRateBytesPerS: 'max_pacing_rate',
      bytesAcked: 'bytes_acked', bytesReceived: 'bytes_received', segsOut: 'segs_out', segsIn: 'segs_in', notsentBytes: 'notsent_bytes',
      minRttUs: 'min_rtt', dataSegsIn: 'data_segs_in', dataSegsOut: 'data_segs_out', deliveryRateBytesPerS: 'delivery_rate',
      busyTimeUs: 'busy_time', rwndLimitedUs: 'rwnd_limited', sndbufLimitedUs: 'sndbuf_limited', deliveredSegs: 'delivered',
      deliveredCeSegs: 'delivered_ce', bytesSent: 'bytes_sent', bytesRetrans: 'bytes_retrans', dsackDups: 'dsack_dups',
      reordSeen: 'reord_seen', rcvOooPackets: 'rcv_ooopack', sndWndBytes: 'snd_wnd', rcvWndBytes: 'rcv_wnd', totalRtoTimeMs: 'total_rto_time',
      totalRtoRecoveries: 'total_rto_recoveries',
    };
    const dir = mkdtempSync(join(tmpdir(), 'wl-tcpinfo-'));
    /** offset and size of each field per the header, or null when this header lacks one of them */
    const probe = (fields: [string, string][]): Map<string, [number, number]> | null => {
      const src = join(dir, 'f.c');
      const exe = join(dir, 'f');
      const lines = fields.map(([name, c]) => `printf("${name} %zu %zu\\n", offsetof(struct tcp_info, tcpi_${c}), sizeof t.tcpi_${c});`);
      writeFileSync(src, `#include <stddef.h>\n#include <stdio.h>\n#include <linux/tcp.h>\nint main(void){struct tcp_info t;(void)t;\n${lines.join('\n')}\nreturn 0;}\n`);
      if (spawnSync('cc', ['-o', exe, src]).status !== 0) return null;
      const out = new Map<string, [number, number]>();
      for (const line of spawnSync(exe, { encoding: 'utf8' }).stdout.trim().split('\n')) {
        const [name, o, size] = line.split(' ');
        out.set(name, [Number(o), Number(size)]);
      }
      return out;
    };
    try {
      const all = Object.keys(TCP_INFO_FIELDS).map((name): [string, string] => [name, names[name] ?? name.toLowerCase()]);
      // every header since 5.4 has the fields up to tcpi_snd_wnd; the later ones are checked when present
      const base = all.filter(([name]) => TCP_INFO_FIELDS[name as keyof typeof TCP_INFO_FIELDS][0] < 232);
      const newer = all.filter(([name]) => TCP_INFO_FIELDS[name as keyof typeof TCP_INFO_FIELDS][0] >= 232);
      const got = probe(base);
      assert.ok(got, '<linux/tcp.h> has every field up to tcpi_snd_wnd');
      const more = probe(newer);
      for (const [name, [o, size]] of [...got, ...(more ?? [])]) {
        const [off, kind] = TCP_INFO_FIELDS[name as keyof typeof TCP_INFO_FIELDS];
        assert.equal(off, o, `offset of ${name}`);
        assert.equal({ u8: 1, u16: 2, u32: 4, u64: 8 }[kind], size, `size of ${name}`);
      }
      t.diagnostic(`checked ${got.size + (more?.size ?? 0)} of ${all.length} fields against <linux/tcp.h>${more ? '' : ' (it predates tcpi_rcv_wnd)'}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(TCP_INFO_KNOWN_BYTES, 248);
  });
});

interface FakeEntry {
  status?: number;
  cookie?: bigint;
  inode?: number;
  state?: number;
  timerLeftMs?: number;
  info?: Uint8Array;
  congestion?: string;
}

function connInfoBuffer(entries: FakeEntry[]): ArrayBuffer {
  const buf = new ArrayBuffer(CONN_INFO_HEADER_BYTES + entries.length * CONN_INFO_ENTRY_BYTES);
  const h = new Uint32Array(buf, 0, 4);
  h[0] = CONN_INFO_MAGIC;
  h[1] = CONN_INFO_LAYOUT_VERSION;
  h[2] = entries.length;
  entries.forEach((e, i) => {
    const at = CONN_INFO_HEADER_BYTES + i * CONN_INFO_ENTRY_BYTES;
    const dv = new DataView(buf, at, CONN_INFO_ENTRY_BYTES);
    dv.setBigUint64(0, e.cookie ?? 0n, true);
    dv.setInt32(8, e.status ?? 0, true);
    dv.setUint32(12, e.inode ?? 0, true);
    dv.setUint32(16, 1000, true);
    dv.setUint32(20, 7, true);
    dv.setUint32(24, 9, true);
    dv.setUint8(28, e.state ?? 0);
    dv.setUint32(36, e.timerLeftMs ?? 0, true);
    let flags = 0;
    if (e.info) {
      flags |= 1;
      dv.setUint32(32, e.info.length, true);
      new Uint8Array(buf, at + 56, CONN_INFO_TCP_INFO_MAX).set(e.info.subarray(0, CONN_INFO_TCP_INFO_MAX));
    }
    if (e.congestion) {
      flags |= 2;
      new Uint8Array(buf, at + 40, 16).set([...e.congestion].map((c) => c.charCodeAt(0)));
    }
    dv.setUint8(30, flags);
  });
  return buf;
}

function fakeAddon(entries: FakeEntry[] | Error, seen: AddonConnRequest[][] = []): SockDiagAddon {
  return {
    dump: () => new ArrayBuffer(0),
    layoutVersion: SOCKDIAG_LAYOUT_VERSION,
    connInfoLayoutVersion: CONN_INFO_LAYOUT_VERSION,
    connInfoMax: CONN_INFO_MAX_KEYS,
    connInfo(reqs) {
      seen.push(reqs);
      if (entries instanceof Error) throw entries;
      return connInfoBuffer(entries);
    },
  };
}

const K: ConnKey = { family: 'ipv4', localAddr: '10.0.0.1', localPort: 40000, remoteAddr: '10.0.0.2', remotePort: 443 };

describe('decodeConnInfoBuffer', () => {
  it('refuses a buffer that is not the addon\'s, or of the wrong size', () => {
    assert.throws(() => decodeConnInfoBuffer(new ArrayBuffer(8)), ConnInfoLayoutError);
    const good = connInfoBuffer([{}]);
    new Uint32Array(good, 0, 4)[0] = 0;
    assert.throws(() => decodeConnInfoBuffer(good), /bad magic/);
    const stale = connInfoBuffer([{}]);
    new Uint32Array(stale, 0, 4)[1] = 99;
    assert.throws(() => decodeConnInfoBuffer(stale), /layout version 99/);
    assert.throws(() => decodeConnInfoBuffer(connInfoBuffer([{}, {}]).slice(0, 100)), /entries need/);
  });

  it('keeps at most the first CONN_INFO_TCP_INFO_MAX bytes of a longer future struct, and its true length', () => {
    const [e] = decodeConnInfoBuffer(connInfoBuffer([{ info: tcpInfo(400) }]));
    assert.equal(e.infoBytes, 400);
    assert.equal(e.info.length, CONN_INFO_TCP_INFO_MAX);
    assert.equal(decodeTcpInfo(e.info, e.infoBytes).totalRtoTimeMs, 1244);
  });
});

describe('readConnInfo (injected addon)', () => {
  it('maps each answer: details, TIME_WAIT without tcp_info, gone, refused — in request order', () => {
    const seen: AddonConnRequest[][] = [];
    const addon = fakeAddon(
      [
        { cookie: 77n, inode: 1234, state: 1, info: tcpInfo(232), congestion: 'cubic' },
        { cookie: 78n, state: 6, timerLeftMs: 41_500 },
        { status: 2 },
        { status: 1 },
        { cookie: 79n, state: 12 },
      ],
      seen,
    );
    const keys: ConnKey[] = [K, { ...K, localPort: 40001 }, { ...K, localPort: 40002, cookie: '123' }, { ...K, localPort: 40003 }, { ...K, localPort: 40004 }];
    const r = readConnInfo(addon, keys, () => 42);
    assert.equal(r.available, true);
    if (!r.available) return;
    assert.equal(r.at, 42);
    assert.ok(r.durationMs >= 0);
    const [ok, tw, gone, refused, synRecv] = r.answers;
    assert.equal(ok.status, 'ok');
    assert.equal(ok.state, 'ESTABLISHED');
    assert.equal(ok.cookie, '77');
    assert.equal(ok.inode, 1234);
    assert.equal(ok.congestion, 'cubic');
    assert.equal(ok.rxQueueBytes, 7);
    assert.equal(ok.txQueueBytes, 9);
    assert.equal(ok.tcp?.rttUs, 1068);
    assert.equal(ok.tcp?.rcvWndBytes, null, 'a 232-byte struct has no rcv_wnd');
    assert.deepEqual(ok.key, K);
    assert.equal(tw.status, 'no_tcp_info');
    assert.equal(tw.state, 'TIME_WAIT');
    assert.match(tw.reason!, /^not available for TIME_WAIT: .*\(42 s left\)/);
    assert.equal(tw.tcp, null);
    assert.equal(gone.status, 'not_found');
    assert.match(gone.reason!, /closed since the table was read, or its 4-tuple belongs to a newer socket/);
    assert.equal(refused.status, 'error');
    assert.match(refused.reason!, /EPERM/);
    assert.equal(synRecv.status, 'no_tcp_info');
    assert.match(synRecv.reason!, /not available for SYN_RECV/);
    // the addon got the tuples as given, the cookie as a bigint
    assert.deepEqual(seen[0][0], { family: 4, local: '10.0.0.1', localPort: 40000, remote: '10.0.0.2', remotePort: 443 });
    assert.equal(seen[0][2].cookie, 123n);
  });

  it('a SocketRow of the table is a key as it is; the answer carries only the key\'s fields', () => {
    const row: SocketRow = {
      ...K, family: 'ipv6', localAddr: '::1', remoteAddr: '::1', state: 'ESTABLISHED', txQueue: 0, rxQueue: 0, timer: 'none',
      timerLeftMs: 0, retransmits: 0, uid: 0, inode: 5, pid: 1, comm: 'x',
    };
    const seen: AddonConnRequest[][] = [];
    const r = readConnInfo(fakeAddon([{ status: 2 }], seen), [row]);
    assert.equal(seen[0][0].family, 6);
    assert.deepEqual(r.available && r.answers[0].key, { family: 'ipv6', localAddr: '::1', localPort: 40000, remoteAddr: '::1', remotePort: 443 });
  });

  it('caps the request and checks every key before the kernel is asked', () => {
    const seen: AddonConnRequest[][] = [];
    const addon = fakeAddon([], seen);
    assert.throws(() => readConnInfo(addon, new Array(CONN_INFO_MAX_KEYS + 1).fill(K)), (e: Error) => {
      assert.ok(e instanceof ConnInfoRequestError);
      assert.match(e.message, /201 connections asked for, at most 200 per request/);
      return true;
    });
    const bad: [Partial<ConnKey> | null, RegExp][] = [
      [null, /key 0: not an object/],
      [{ ...K, family: 'inet' as 'ipv4' }, /family must be "ipv4" or "ipv6"/],
      [{ ...K, localPort: 70000 }, /localPort must be 0..65535/],
      [{ ...K, remotePort: 1.5 }, /remotePort/],
      [{ ...K, localAddr: '' }, /localAddr/],
      [{ ...K, cookie: '-1' }, /cookie must be an unsigned 64-bit/],
      [{ ...K, cookie: '18446744073709551616' }, /cookie/],
    ];
    for (const [k, re] of bad) assert.throws(() => readConnInfo(addon, [k as ConnKey]), re);
    assert.equal(seen.length, 0, 'nothing reached the addon');
    // the addon's own refusal of an address is a request error too
    assert.throws(() => readConnInfo(fakeAddon(Object.assign(new Error('connInfo: request 0: local must be an IPv4 address'), { code: 'ERR_WLSD_ARGS' })), [K]), ConnInfoRequestError);
    // an empty request is fine and asks nothing of the kernel but an empty buffer
    const empty = readConnInfo(fakeAddon([]), []);
    assert.equal(empty.available && empty.answers.length, 0);
  });

  it('a failing lookup or a stale addon is an unavailable reply with the reason', () => {
    const failed = readConnInfo(fakeAddon(Object.assign(new Error('receiving the sock_diag lookups: Resource temporarily unavailable'), { code: 'ERR_WLSD_NETLINK' })), [K]);
    assert.equal(failed.available, false);
    assert.match(!failed.available ? failed.reason : '', /the netlink lookups failed: receiving/);
    const stale: SockDiagAddon = { dump: () => new ArrayBuffer(0), layoutVersion: SOCKDIAG_LAYOUT_VERSION };
    const r = readConnInfo(stale, [K]);
    assert.equal(r.available, false);
    assert.match(!r.available ? r.reason : '', /built before per-connection details existed — run `npm run build:native`/);
  });
});

describe('Collector.connInfo', () => {
  it('from /proc: unavailable, with the reason; a bad request is still refused', async () => {
    const c = createCollector({ socketSource: 'procfs' });
    const r = await c.connInfo([K]);
    assert.equal(r.available, false);
    assert.match(!r.available ? r.reason : '', /need netlink sock_diag; the socket table is read from \/proc\/net\/tcp, which has no tcp_info/);
    await assert.rejects(c.connInfo(new Array(201).fill(K)), ConnInfoRequestError);
  });

  it('delegates to a source that can look connections up', async () => {
    const source: SocketSource & { connInfo: (k: readonly ConnKey[]) => unknown } = {
      name: 'netlink',
      read: () => Promise.reject(new Error('not used')),
      connInfo: (keys) => readConnInfo(fakeAddon([{ state: 1, info: tcpInfo(280) }]), keys),
    };
    const r = await createCollector({ socketSource: source }).connInfo([K]);
    assert.equal(r.available && r.answers[0].tcp?.sndCwndSegs, 1080);
  });
});
