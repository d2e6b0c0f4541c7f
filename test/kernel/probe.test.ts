// `waitline probe` as a user runs it (bin/waitline.mjs, the built CLI), against real local servers in
// private network namespaces, with `ss` as the oracle for who holds TIME_WAIT: client-first and
// server-first closes, a refused port, a listener whose accept queue is full (ETIMEDOUT), and a
// namespace whose ephemeral range is narrowed to 100 ports (EADDRNOTAVAIL after exactly 100).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { ProbeReport } from '../../electron/probe/report';
import { createNetns, requireRoot, type Netns } from './netns';
import { LineReader } from './lines';

const CLI = 'bin/waitline.mjs';
const SERVER = 'test/kernel/probe-server.mjs';
const FULL = 'test/kernel/full-backlog.py';

async function probe(ns: Netns, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return ns.exec(process.execPath, [CLI, 'probe', ...args], { timeoutMs: 60_000 });
}

async function probeJson(ns: Netns, args: string[]): Promise<{ code: number; report: ProbeReport; stderr: string }> {
  const r = await probe(ns, [...args, '--json']);
  let report: ProbeReport;
  try {
    report = JSON.parse(r.stdout) as ProbeReport;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/** ss's count of TIME_WAIT sockets matching an ss filter (e.g. ['dst', '127.0.0.1:7001']) */
async function ssTimeWait(ns: Netns, filter: string[]): Promise<number> {
  const r = await ns.exec('ss', ['-tanH', 'state', 'time-wait', ...filter]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

/** a kernel counter of the namespace: "TcpExt.ListenOverflows" (/proc/net/netstat), "Tcp.OutRsts" (/proc/net/snmp) */
async function counter(ns: Netns, key: string): Promise<number> {
  const [prefix, name] = key.split('.');
  for (const file of ['/proc/net/netstat', '/proc/net/snmp']) {
    const text = (await ns.exec('cat', [file])).stdout.split('\n');
    for (let i = 0; i + 1 < text.length; i += 2) {
      const names = text[i].trim().split(/\s+/);
      if (names[0] !== `${prefix}:`) continue;
      const j = names.indexOf(name);
      if (j > 0) return Number(text[i + 1].trim().split(/\s+/)[j]);
    }
  }
  throw new Error(`${key} not in /proc/net/netstat or /proc/net/snmp`);
}

/**
 * The namespaces run with net.ipv4.tcp_rfc1337=1. With the default 0, a TIME_WAIT entry that receives
 * a reset is dropped at once ("TIME_WAIT assassination", RFC 1337), and on loopback that happens now
 * and then: a bare ACK overtaken by the FIN sent right after it reaches the peer's fresh TIME_WAIT
 * entry as an out-of-window segment, which answers with an ACK; the other side, already closed,
 * answers that with a reset — one Tcp.OutRsts, one TIME_WAIT fewer in ss (TcpExt.TW still counts it
 * created), and on the client one port free again early. Exact counts need that switched off; the
 * resets sent are shown in assertion messages.
 */
function exact(actual: number, want: number, resets: number, what: string): void {
  assert.equal(actual, want, `${what}: ${actual}, want ${want} (${resets} resets sent during the run)`);
}

describe('waitline probe against real servers (private network namespaces)', { concurrency: false }, () => {
  let ns: Netns | null = null; // the default port range
  let narrow: Netns | null = null; // ip_local_port_range 40000 40099, tcp_tw_reuse 0

  before(async () => {
    if (process.getuid?.() !== 0) return;
    assert.ok(existsSync('dist/cli.mjs'), 'the CLI is built (npm test runs the build first)');
    ns = await createNetns('wl-probe');
    // without tw_reuse a TIME_WAIT entry is never taken over by a later connect of the same run
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    await ns.sysctl('net.ipv4.tcp_rfc1337', '1'); // see exact()
    const srv = new LineReader(
      ns.spawn(process.execPath, [
        SERVER,
        JSON.stringify([
          { host: '127.0.0.1', port: 7001, mode: 'wait' },
          // dual-stack: the server's sockets for IPv4 clients are ::ffff:127.0.0.1 in the table
          { host: '::', port: 7002, mode: 'close' },
          { host: '::1', port: 7004, mode: 'wait' },
        ]),
      ]),
    );
    await srv.expect('READY');
    const full = new LineReader(ns.spawn('python3', [FULL, '7003']));
    await full.expect('READY', 30_000);

    narrow = await createNetns('wl-probex');
    await narrow.sysctl('net.ipv4.ip_local_port_range', '40000 40099');
    await narrow.sysctl('net.ipv4.tcp_tw_reuse', '0');
    await narrow.sysctl('net.ipv4.tcp_rfc1337', '1');
    const srv2 = new LineReader(narrow.spawn(process.execPath, [SERVER, JSON.stringify([{ host: '127.0.0.1', port: 7001, mode: 'wait' }])]));
    await srv2.expect('READY');
  });

  after(async () => {
    await ns?.close();
    await narrow?.close();
  });

  it('client closes first (200 connects): 200 ok, and the client holds 200 TIME_WAIT (ss agrees)', async (t) => {
    if (!requireRoot(t)) return;
    const rst0 = await counter(ns!, 'Tcp.OutRsts');
    const { code, report: r, stderr } = await probeJson(ns!, ['127.0.0.1:7001', '--count', '200', '--concurrency', '16']);
    const resets = (await counter(ns!, 'Tcp.OutRsts')) - rst0;
    assert.equal(code, 0, stderr);
    assert.equal(r.exitCode, 0);
    assert.deepEqual([r.attempted, r.ok, r.failed, r.errors], [200, 200, 0, {}]);
    assert.equal(r.latencyMs?.count, 200);
    assert.ok(r.latencyMs!.p50 <= r.latencyMs!.p90 && r.latencyMs!.p90 <= r.latencyMs!.p99 && r.latencyMs!.p99 <= r.latencyMs!.max);
    assert.equal(r.closing.closeTimeouts, 0);
    assert.ok(r.timeWait.source !== null, JSON.stringify(r.timeWait));
    assert.equal(r.timeWait.serverVisible, true);
    assert.deepEqual(Object.keys(r.timeWait.client.ours), ['TIME_WAIT']);
    assert.equal(r.timeWait.server.ours.TIME_WAIT ?? 0, 0);
    // the oracle: ss in the namespace
    const ss = await ssTimeWait(ns!, ['dst', '127.0.0.1:7001']);
    assert.equal(r.timeWait.client.ours.TIME_WAIT, ss);
    assert.deepEqual([r.timeWait.client.timeWaitBefore, r.timeWait.client.timeWaitAfter], [0, ss]);
    exact(ss, 200, resets, 'client-side TIME_WAIT');
    assert.equal(await ssTimeWait(ns!, ['src', '127.0.0.1:7001']), 0);
  });

  it('server closes first (100 connects to a dual-stack server): the server holds 100 TIME_WAIT, the client none', async (t) => {
    if (!requireRoot(t)) return;
    const rst0 = await counter(ns!, 'Tcp.OutRsts');
    const r = await probe(ns!, ['127.0.0.1:7002', '--count', '100', '--close-first', 'server', '--concurrency', '16']);
    const resets = (await counter(ns!, 'Tcp.OutRsts')) - rst0;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}connected {3}100 of 100 in /m);
    assert.match(r.stdout, /^ {2}errors {6}none$/m);
    const ss = await ssTimeWait(ns!, ['sport', '=', ':7002']);
    exact(ss, 100, resets, 'server-side TIME_WAIT');
    assert.match(r.stdout, /client side \(toward 127\.0\.0\.1:7002\): 0 of this probe's connections; all programs 0 before → 0 after/);
    assert.ok(r.stdout.includes(`server side (at 127.0.0.1:7002): ${ss} of this probe's connections; all programs 0 before → ${ss} after`), r.stdout);
    assert.ok(r.stdout.includes(`The server closed first (every connection), so the server holds the TIME_WAIT: ${ss} sockets at 127.0.0.1:7002; the client holds 0.`), r.stdout);
    assert.equal(await ssTimeWait(ns!, ['dport', '=', ':7002']), 0);
  });

  it('server first against a server that waits for its client: after --timeout the probe closes, so the client holds TIME_WAIT', async (t) => {
    if (!requireRoot(t)) return;
    const before = await ssTimeWait(ns!, ['dst', '127.0.0.1:7001']);
    const rst0 = await counter(ns!, 'Tcp.OutRsts');
    const { code, report: r } = await probeJson(ns!, ['127.0.0.1:7001', '--count', '5', '--close-first', 'server', '--timeout', '0.2']);
    const resets = (await counter(ns!, 'Tcp.OutRsts')) - rst0;
    assert.equal(code, 0);
    assert.equal(r.ok, 5);
    assert.equal(r.closing.closeTimeouts, 5);
    assert.ok(r.timeWait.source !== null);
    const added = (await ssTimeWait(ns!, ['dst', '127.0.0.1:7001'])) - before;
    assert.equal(r.timeWait.client.ours.TIME_WAIT, added);
    exact(added, 5, resets, 'client-side TIME_WAIT');
    assert.equal(r.timeWait.server.ours.TIME_WAIT ?? 0, 0);
  });

  it('IPv6 ([::1], client first): 50 ok, 50 TIME_WAIT on the client (ss agrees)', async (t) => {
    if (!requireRoot(t)) return;
    const rst0 = await counter(ns!, 'Tcp.OutRsts');
    const { code, report: r } = await probeJson(ns!, ['[::1]:7004', '--count', '50']);
    const resets = (await counter(ns!, 'Tcp.OutRsts')) - rst0;
    assert.equal(code, 0);
    assert.deepEqual([r.ok, r.failed], [50, 0]);
    assert.ok(r.timeWait.source !== null);
    const ss = await ssTimeWait(ns!, ['dst', '[::1]:7004']);
    assert.deepEqual(r.timeWait.client.ours, { TIME_WAIT: ss });
    exact(ss, 50, resets, 'client-side TIME_WAIT (IPv6)');
  });

  it('nothing listening: 50 × ECONNREFUSED, exit 1, no TIME_WAIT anywhere', async (t) => {
    if (!requireRoot(t)) return;
    const { code, report: r } = await probeJson(ns!, ['127.0.0.1:7009', '--count', '50']);
    assert.equal(code, 1);
    assert.deepEqual([r.attempted, r.ok, r.failed, r.errors], [50, 0, 50, { ECONNREFUSED: 50 }]);
    assert.equal(r.latencyMs, null);
    assert.equal(await ssTimeWait(ns!, ['dport', '=', ':7009']), 0);
    const text = await probe(ns!, ['127.0.0.1:7009', '--count', '3']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /errors {6}3 ECONNREFUSED {2}refused: nothing listens on that port/);
    assert.match(text.stdout, /No connection was made, so neither side holds TIME_WAIT from this run\./);
  });

  it('a listener whose accept queue is full drops the SYNs: 20 × ETIMEDOUT after --timeout (the kernel counts 20 ListenOverflows)', async (t) => {
    if (!requireRoot(t)) return;
    const overflows = await counter(ns!, 'TcpExt.ListenOverflows');
    const t0 = Date.now();
    const { code, report: r } = await probeJson(ns!, ['127.0.0.1:7003', '--count', '20', '--concurrency', '20', '--timeout', '0.3']);
    const took = Date.now() - t0;
    assert.equal(code, 1);
    assert.deepEqual([r.ok, r.errors], [0, { ETIMEDOUT: 20 }]);
    assert.ok(r.durationMs >= 290 && r.durationMs < 2000, `ran ${r.durationMs} ms`);
    assert.ok(took < 10_000);
    // one dropped SYN per connect (the first retransmission would come after 1 s, past the timeout)
    assert.equal((await counter(ns!, 'TcpExt.ListenOverflows')) - overflows, 20);
  });

  it('the rate cap holds: 200 connects at --rate 500 take at least 0.4 s', async (t) => {
    if (!requireRoot(t)) return;
    const { code, report: r } = await probeJson(ns!, ['127.0.0.1:7001', '--count', '200', '--rate', '500', '--concurrency', '64']);
    assert.equal(code, 0);
    assert.equal(r.ok, 200);
    // connect i starts no earlier than i / 500 s: the last at ≥ 398 ms
    assert.ok(r.durationMs >= 398, `${r.durationMs} ms`);
  });

  it('Ctrl-C stops starting connects, prints the partial result and exits 130', async (t) => {
    if (!requireRoot(t)) return;
    const child = ns!.spawn(process.execPath, [CLI, 'probe', '127.0.0.1:7001', '--count', '100000', '--rate', '100', '--json']);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 130);
    const r = JSON.parse(out) as ProbeReport;
    assert.equal(r.interrupted, true);
    assert.ok(r.attempted > 20 && r.attempted < 1000, `${r.attempted} attempted`);
    assert.equal(r.ok, r.attempted);
  });

  it('ephemeral range narrowed to 100 ports, tcp_tw_reuse 0: 150 client-first connects → 100 ok, then 50 × EADDRNOTAVAIL', async (t) => {
    if (!requireRoot(t)) return;
    const rst0 = await counter(narrow!, 'Tcp.OutRsts');
    const r = await probe(narrow!, ['127.0.0.1:7001', '--count', '150', '--concurrency', '20']);
    const resets = (await counter(narrow!, 'Tcp.OutRsts')) - rst0;
    assert.equal(r.code, 1, r.stderr);
    const ok = Number(/^ {2}connected {3}(\d+) of 150 in /m.exec(r.stdout)?.[1]);
    exact(ok, 100, resets, 'connects before the ports ran out');
    assert.ok(r.stdout.includes(`errors      ${150 - ok} EADDRNOTAVAIL no free local port toward this destination`), r.stdout);
    assert.ok(r.stdout.includes(`client side (toward 127.0.0.1:7001): 100 of this probe's connections; all programs 0 before → 100 after`), r.stdout);
    assert.ok(
      r.stdout.includes(
        `ran out of ephemeral ports toward 127.0.0.1:7001: ip_local_port_range 40000–40099 (100 ports), tcp_tw_reuse 0; ${150 - ok} connects found no free local port.`,
      ),
      r.stdout,
    );
    assert.match(r.stdout, /see `waitline snapshot`/);
    assert.equal(await ssTimeWait(narrow!, ['dst', '127.0.0.1:7001']), 100);
    // every TIME_WAIT port is inside the narrowed range
    const rows = (await narrow!.exec('ss', ['-tanH', 'state', 'time-wait', 'dst', '127.0.0.1:7001'])).stdout.trim().split('\n');
    const ports = rows.map((l) => Number(/127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:7001/.exec(l)?.[1]));
    assert.ok(ports.every((p) => p >= 40000 && p <= 40099), ports.join(','));
    assert.equal(new Set(ports).size, 100);
    // and again: still out (the TIME_WAIT entries hold all 100 ports for 60 s)
    const again = await probeJson(narrow!, ['127.0.0.1:7001', '--count', '10']);
    assert.deepEqual([again.report.ok, again.report.errors], [0, { EADDRNOTAVAIL: 10 }]);
  });
});
