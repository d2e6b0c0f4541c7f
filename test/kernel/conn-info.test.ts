// Per-connection details (issue 14) against real connections with known traffic, in a private network
// namespace: a client wrote exactly 1,234,567 bytes over 127.0.0.1 (4,321 over ::1) and the server read
// them all. The netlink engine's tcp_info must say so exactly — the client's bytes_sent is what it
// wrote, its bytes_acked that + 1 (the SYN is acknowledged sequence space too), the server's
// bytes_received what it read — with rtt > 0 and cwnd > 0, and agree with `ss -tin` (iproute2, the
// independent oracle) on the same sockets. A tuple nobody has is "not found", even where a listener owns
// the local port (the kernel's lookup falls back to it); a TIME_WAIT tuple is "not available"; a cookie
// pins the answer to one socket; the cap on the request count is enforced by the addon itself; the /proc
// source says it has no tcp_info.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnInfoAnswer, ConnInfoReply, ConnKey } from '../../shared/conn-info';
import { LineReader } from './lines';
import { requireNative } from './netlink-helpers';
import { createNetns, requireRoot, type Netns } from './netns';

const PEER = 'test/kernel/conn-info-peer.mjs';
const PROBE = 'test/kernel/conn-info-probe.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Pair {
  client: number;
  server: number;
  bytes: number;
}
interface PeerReady {
  pid: number;
  v4: Pair;
  v6: Pair;
  timeWait: { client: number; server: number };
}

/** What `ss -tinH` prints for one socket: the fields Waitline also reads. */
interface SsInfo {
  line: string;
  bytesAcked: number;
  bytesReceived: number;
  bytesSent: number | null;
  rttMs: number;
  rttVarMs: number;
  cwnd: number;
  /** retrans:CURRENT/TOTAL (absent: 0) */
  totalRetrans: number;
  bytesRetrans: number | null;
}

function parseSsInfo(text: string): SsInfo {
  const num = (re: RegExp, dflt: number | null = null): number | null => {
    const m = re.exec(text);
    return m ? Number(m[1]) : dflt;
  };
  const rtt = /\brtt:([\d.]+)\/([\d.]+)/.exec(text);
  assert.ok(rtt, `ss printed an rtt: ${text}`);
  return {
    line: text.trim(),
    // ss leaves a counter out when it is 0
    bytesAcked: num(/\bbytes_acked:(\d+)/, 0)!,
    bytesReceived: num(/\bbytes_received:(\d+)/, 0)!,
    bytesSent: num(/\bbytes_sent:(\d+)/),
    rttMs: Number(rtt[1]),
    rttVarMs: Number(rtt[2]),
    cwnd: num(/\bcwnd:(\d+)/)!,
    totalRetrans: num(/\bretrans:\d+\/(\d+)/, 0)!,
    bytesRetrans: num(/\bbytes_retrans:(\d+)/),
  };
}

const ep = (family: 'ipv4' | 'ipv6', addr: string, port: number) => (family === 'ipv6' ? `[${addr}]:${port}` : `${addr}:${port}`);

describe('per-connection tcp_info by exact netlink lookup (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let peer: LineReader;
  let ready: PeerReady;

  const key = (family: 4 | 6, local: number, remote: number, cookie?: string): ConnKey => {
    const addr = family === 4 ? '127.0.0.1' : '::1';
    return { family: family === 4 ? 'ipv4' : 'ipv6', localAddr: addr, localPort: local, remoteAddr: addr, remotePort: remote, ...(cookie ? { cookie } : {}) };
  };

  async function probe<T = ConnInfoReply>(mode: string, keys: ConnKey[]): Promise<T> {
    const r = await ns!.exec(process.execPath, ['--import', 'tsx', PROBE, mode, JSON.stringify(keys)]);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    assert.ok(line.startsWith('{'), `probe ${mode} printed JSON (exit ${r.code}): ${line} ${r.stderr.slice(-1000)}`);
    return JSON.parse(line) as T;
  }

  async function answers(keys: ConnKey[]): Promise<ConnInfoAnswer[]> {
    const reply = await probe('netlink', keys);
    assert.equal(reply.available, true, JSON.stringify(reply));
    if (!reply.available) throw new Error('unreachable');
    assert.equal(reply.answers.length, keys.length);
    return reply.answers;
  }

  async function ss(k: ConnKey): Promise<SsInfo> {
    const r = await ns!.exec('ss', ['-tinH', 'src', ep(k.family, k.localAddr, k.localPort), 'dst', ep(k.family, k.remoteAddr, k.remotePort)]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.trim(), `ss found ${JSON.stringify(k)}`);
    return parseSsInfo(r.stdout);
  }

  before(async () => {
    if (process.getuid?.() !== 0) return;
    ns = await createNetns('wl-conninfo');
    peer = new LineReader(ns.spawn(process.execPath, [PEER]));
    ready = JSON.parse(await peer.expect('READY')) as PeerReady;
  });

  after(async () => {
    await ns?.close();
  });

  it('a connection with known traffic: bytes sent/acked/received are exactly what was written, rtt and cwnd > 0, and ss agrees', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    for (const family of [4, 6] as const) {
      const pair = family === 4 ? ready.v4 : ready.v6;
      const N = pair.bytes;
      const clientKey = key(family, pair.client, pair.server);
      const serverKey = key(family, pair.server, pair.client);
      // the server has read every byte; its last ACK may still be on its way (delayed ACK)
      let client: ConnInfoAnswer | undefined;
      let server: ConnInfoAnswer | undefined;
      for (let i = 0; i < 50; i++) {
        [client, server] = await answers([clientKey, serverKey]);
        if (client.tcp?.bytesAcked === N + 1) break;
        await sleep(100);
      }
      assert.ok(client && server);
      for (const a of [client, server]) {
        assert.equal(a.status, 'ok', JSON.stringify(a));
        assert.equal(a.reason, null);
        assert.equal(a.state, 'ESTABLISHED');
        assert.ok(a.tcp, 'tcp_info decoded');
        assert.equal(a.tcp.state, 'ESTABLISHED');
        assert.ok(a.tcp.infoBytes >= 104, `tcp_info length ${a.tcp.infoBytes}`);
        assert.ok(a.tcp.rttUs !== null && a.tcp.rttUs > 0, `rtt ${a.tcp.rttUs} µs`);
        assert.ok(a.tcp.sndCwndSegs !== null && a.tcp.sndCwndSegs > 0, `cwnd ${a.tcp.sndCwndSegs}`);
        assert.ok(a.inode !== null && a.inode > 0, 'an open socket has an inode');
        assert.match(a.cookie ?? '', /^[1-9][0-9]*$/);
        assert.ok(typeof a.congestion === 'string' && a.congestion.length > 0, `congestion control ${a.congestion}`);
      }
      const c = client.tcp!;
      const s = server.tcp!;
      const what = `IPv${family}, ${N} bytes`;
      // the client wrote N bytes; the kernel has them all acknowledged (+1: the SYN)
      assert.equal(c.bytesAcked, N + 1, `${what}: client bytes_acked`);
      // bytes_sent counts retransmitted bytes again (a tail-loss probe happens even on loopback)
      if (c.bytesSent !== null) assert.equal(c.bytesSent - c.bytesRetrans!, N, `${what}: client bytes_sent − bytes_retrans (Linux ≥ 4.19)`);
      assert.equal(c.bytesReceived, 0, `${what}: the server wrote nothing`);
      assert.equal(c.unackedSegs, 0);
      assert.equal(c.notsentBytes, 0);
      assert.equal(s.bytesReceived, N, `${what}: server bytes_received`);
      assert.equal(s.bytesAcked, 0, `${what}: server sent no data`);
      if (s.bytesSent !== null) assert.equal(s.bytesSent, 0);
      t.diagnostic(`${what}: client ${JSON.stringify(c)}; server bytes_received ${s.bytesReceived}, rtt ${s.rttUs} µs`);
      assert.ok(c.lastDataSentMs !== null && c.lastDataSentMs < 60_000);
      assert.ok(s.lastDataRecvMs !== null && s.lastDataRecvMs < 60_000);
      assert.ok(c.dataSegsOut !== null && c.dataSegsOut > 0);

      // the oracle: ss -tin on the same two sockets (an idle connection: nothing moves in between)
      for (const [a, k] of [[client, clientKey], [server, serverKey]] as const) {
        const o = await ss(k);
        const d = a.tcp!;
        assert.equal(d.bytesAcked, o.bytesAcked, `${what}: bytes_acked vs ss: ${o.line}`);
        assert.equal(d.bytesReceived, o.bytesReceived, `${what}: bytes_received vs ss: ${o.line}`);
        if (o.bytesSent !== null) assert.equal(d.bytesSent, o.bytesSent, `${what}: bytes_sent vs ss: ${o.line}`);
        assert.equal(d.sndCwndSegs, o.cwnd, `${what}: cwnd vs ss: ${o.line}`);
        assert.equal(d.totalRetransSegs, o.totalRetrans, `${what}: total retransmits vs ss: ${o.line}`);
        if (o.bytesRetrans !== null) assert.equal(d.bytesRetrans, o.bytesRetrans, `${what}: bytes_retrans vs ss: ${o.line}`);
        // ss prints rtt/rttvar in ms with 3 decimals (%g of µs / 1000)
        assert.ok(Math.abs(d.rttUs! / 1000 - o.rttMs) <= 0.001, `${what}: rtt ${d.rttUs} µs vs ss ${o.rttMs} ms`);
        assert.ok(Math.abs(d.rttVarUs! / 1000 - o.rttVarMs) <= 0.001, `${what}: rttvar ${d.rttVarUs} µs vs ss ${o.rttVarMs} ms`);
      }
    }
  });

  it('a tuple nobody has is not found — also where a listener owns the local port', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const [nobody, listenerPort] = await answers([
      key(4, 1, 2),
      // the server's listening port with a peer that never connected: the kernel's lookup falls back
      // to the listener, which is not this connection
      key(4, ready.v4.server, 1),
    ]);
    for (const a of [nobody, listenerPort]) {
      assert.equal(a.status, 'not_found', JSON.stringify(a));
      assert.match(a.reason ?? '', /no such connection/);
      assert.equal(a.tcp, null);
      assert.equal(a.state, null);
    }
  });

  it('a TIME_WAIT tuple: found, but tcp_info is not available for TIME_WAIT', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const [tw] = await answers([key(4, ready.timeWait.client, ready.timeWait.server)]);
    assert.equal(tw.status, 'no_tcp_info', JSON.stringify(tw));
    assert.equal(tw.state, 'TIME_WAIT');
    assert.match(tw.reason ?? '', /not available for TIME_WAIT/);
    assert.equal(tw.tcp, null);
    assert.equal(tw.inode, 0, 'a TIME_WAIT socket has no file');
  });

  it('a cookie pins the answer to one socket; an IPv4 socket answers its v4-mapped tuple', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const k = key(4, ready.v4.client, ready.v4.server);
    const [first] = await answers([k]);
    assert.equal(first.status, 'ok');
    const other = (BigInt(first.cookie!) + 1n).toString();
    const mapped: ConnKey = { ...k, family: 'ipv6', localAddr: '::ffff:127.0.0.1', remoteAddr: '::ffff:127.0.0.1' };
    const [same, wrong, viaMapped] = await answers([{ ...k, cookie: first.cookie! }, { ...k, cookie: other }, mapped]);
    assert.equal(same.status, 'ok');
    assert.equal(same.cookie, first.cookie);
    assert.equal(wrong.status, 'not_found', JSON.stringify(wrong));
    assert.equal(viaMapped.status, 'ok');
    assert.equal(viaMapped.cookie, first.cookie);
  });

  it('the request count is capped: by the engine (ConnInfoRequestError) and by the addon itself', async (t) => {
    if (!requireRoot(t) || !requireNative(t)) return;
    const k = key(4, ready.v4.client, ready.v4.server);
    const tooMany = await probe<{ error?: string; name?: string }>('netlink', new Array(201).fill(k));
    assert.equal(tooMany.name, 'ConnInfoRequestError');
    assert.match(tooMany.error ?? '', /201 connections asked for, at most 200/);
    const addon = await probe<{ code: string | null; message: string; max: number }>('addon-cap', [k]);
    assert.equal(addon.max, 200);
    assert.equal(addon.code, 'ERR_WLSD_TOO_MANY', addon.message);
    assert.match(addon.message, /201 tuples asked for, at most 200/);
    // exactly the cap is fine: 200 lookups of one socket, 200 identical answers
    const full = await answers(new Array(200).fill(k));
    assert.ok(full.every((a) => a.status === 'ok' && a.cookie === full[0].cookie));
  });

  it('the /proc source has no tcp_info: unavailable, with the reason', async (t) => {
    if (!requireRoot(t)) return;
    const reply = await probe('collector-procfs', [key(4, ready.v4.client, ready.v4.server)]);
    assert.equal(reply.available, false);
    if (reply.available) return;
    assert.match(reply.reason, /\/proc\/net\/tcp, which has no tcp_info/);
  });
});
