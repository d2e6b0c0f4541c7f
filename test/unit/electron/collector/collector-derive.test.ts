// Small-file parsers, rates, aggregates and the collector's degradation, on fixtures and an injected
// reader and clock.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parsePortRange,
  parseReservedPorts,
  parseSnmpTable,
  parseSockstat,
  reservedInside,
} from '../../../../electron/collector/parse/kv-files';
import { counterRate, counterRates } from '../../../../electron/collector/derive/rates';
import { aggregate } from '../../../../electron/collector/derive/aggregate';
import { portBudget, type ReuseSettings } from '../../../../shared/port-budget';
import { SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import { Collector } from '../../../../electron/collector/index';
import type { Clock, FileReader, SocketSource } from '../../../../electron/collector/types';

describe('sockstat, snmp and netstat parsers', () => {
  it('parses sockstat + sockstat6 and tolerates extra fields', () => {
    const r = parseSockstat(
      'sockets: used 314\nTCP: inuse 12 orphan 1 tw 40 alloc 20 mem 7 future 9\nUDP: inuse 2 mem 1\n',
      'TCP6: inuse 5\nUDP6: inuse 1\n',
    );
    assert.deepEqual(r.value, { inuse4: 12, inuse6: 5, orphan: 1, tw: 40, alloc: 20, memPages: 7, socketsUsed: 314 });
    assert.equal(r.skipped, 0);
  });

  it('says exactly what is wrong when sockstat has no TCP line', () => {
    assert.throws(() => parseSockstat('sockets: used 3\n', null), /no "TCP: inuse …" line in \/proc\/net\/sockstat/);
  });

  it('parses the real snmp/netstat header+value line pairs and skips mismatched pairs', () => {
    const snmp = readFileSync('test/fixtures/proc-net-snmp', 'utf8');
    const r = parseSnmpTable(snmp);
    assert.equal(r.value['Tcp.ActiveOpens'], 85);
    assert.equal(r.value['Tcp.MaxConn'], -1);
    assert.equal(r.value['Tcp.CurrEstab'], 0);
    const broken = parseSnmpTable('Tcp: A B C\nTcp: 1 2\nTcpExt: TW\nTcpExt: 7\nUdp: X\n');
    assert.equal(broken.value['TcpExt.TW'], 7);
    assert.equal(broken.value['Tcp.A'], undefined);
    assert.equal(broken.skipped, 3);
  });

  it('parses the port range and reserved ports, with clear errors', () => {
    assert.deepEqual(parsePortRange('32768\t60999\n'), { low: 32768, high: 60999 });
    assert.throws(() => parsePortRange('60999 32768'), /not a valid range/);
    assert.throws(() => parsePortRange('abc'), /not two port numbers/);
    assert.deepEqual(parseReservedPorts('40010-40019,5000,1-3\n'), [[1, 3], [5000, 5000], [40010, 40019]]);
    assert.deepEqual(parseReservedPorts(''), []);
    assert.throws(() => parseReservedPorts('5-'), /not a port or a range/);
    // overlapping ranges are counted once, only inside [low, high]
    assert.equal(reservedInside([[40000, 40010], [40005, 40020], [50000, 60000]], 40005, 40100), 16);
  });
});

describe('rates', () => {
  it('are per second from previous totals and elapsed time', () => {
    assert.equal(counterRate(100, 150, 500), 100);
    assert.equal(counterRate(undefined, 150, 500), undefined);
  });
  it('never go negative when a counter resets', () => {
    assert.equal(counterRate(1000, 10, 1000), 0);
    assert.deepEqual(counterRates({ a: 5, b: 9 }, { a: 8, b: 2 }, 1000), { a: 3, b: 0 });
  });
  it('are zero for a zero or negative interval instead of Infinity', () => {
    assert.equal(counterRate(1, 5, 0), 0);
  });
});

type Row = [state: number, local: string, lport: number, remote: string, rport: number, leftMs?: number, timer?: number];
function table(rows: Row[]) {
  const b = new SocketTableBuilder(4);
  for (const [state, la, lp, ra, rp, left = 0, timer = state === 6 ? 3 : 0] of rows) {
    b.push({ family: la.includes(':') ? 6 : 4, state, localAddr: la, localPort: lp, remoteAddr: ra, remotePort: rp, txQueue: 0, rxQueue: 0, timer, timerLeftMs: left, retransmits: 0, uid: 0, inode: state === 6 ? 0 : 1 });
  }
  return b.finish();
}
const REUSE_OFF: ReuseSettings = { reuse: 0, delayMs: 1000, timestamps: 1 };
const EPH = { low: 32768, high: 60999, reserved: [] as [number, number][], usable: 28232 };

describe('aggregates', () => {
  it('counts states per family and builds the TIME_WAIT histogram with 5 s buckets', () => {
    const t = table([
      [10, '0.0.0.0', 80, '0.0.0.0', 0],
      [6, '10.0.0.1', 40000, '10.0.0.2', 443, 59_999],
      [6, '10.0.0.1', 40001, '10.0.0.2', 443, 5000],
      [6, '10.0.0.1', 40002, '10.0.0.2', 443, 5001],
      [6, '::1', 40003, '::1', 443, 10_000],
      [5, '10.0.0.1', 40004, '10.0.0.2', 443, 30_000, 3],
    ]);
    const a = aggregate(t, { ephemeral: EPH, reuse: REUSE_OFF });
    assert.equal(a.states.TIME_WAIT, 4);
    assert.equal(a.statesByFamily.ipv6.TIME_WAIT, 1);
    assert.equal(a.states.LISTEN, 1);
    assert.deepEqual(a.timeWaitTimers.counts, [1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal(a.timeWaitTimers.freedNext10s, 3);
    assert.equal(a.timeWaitTimers.finWait2Timewait, 1);
  });

  it('tells outbound from inbound by listening ports, so a server that closes first is named', () => {
    const t = table([
      [10, '0.0.0.0', 8080, '0.0.0.0', 0],
      [6, '10.0.0.1', 8080, '10.0.0.9', 51000, 50_000],
      [6, '10.0.0.1', 8080, '10.0.0.9', 51001, 50_000],
      [6, '10.0.0.1', 45000, '10.0.0.7', 5432, 50_000],
    ]);
    const a = aggregate(t, { ephemeral: EPH, reuse: REUSE_OFF });
    assert.deepEqual(
      a.topTimeWait.map((d) => [d.direction, d.peerAddr, d.servicePort, d.count]),
      [
        ['inbound', '10.0.0.9', 8080, 2],
        ['outbound', '10.0.0.7', 5432, 1],
      ],
    );
    // inbound sockets hold no ephemeral port of ours
    assert.deepEqual(a.portBudgets.map((b) => b.remotePort), [5432]);
  });

  it('port budget: Little\'s law with the 60 s hold, and verdicts at 50 / 95 %', () => {
    const acc = { localAddr: '10.0.0.1', remoteAddr: '10.0.0.2', remotePort: 443, inUse: 5000, timeWait: 4000, recentTimeWait: 3000 };
    // 300 closes/s × 60 s = 18,000 held + 1,000 active = 19,000 of 28,232 = 67 %
    const b = portBudget(acc, 28232, REUSE_OFF, 10);
    assert.equal(b.closeRatePerS, 300);
    assert.equal(b.steadyState, 19_000);
    assert.equal(b.verdict, 'at_risk');
    assert.equal(b.secondsToExhaustion, null);
    // 500/s × 60 = 30,000 > 28,232: exhausts; (28,232 − 5,000) / 500 = 46.464 s
    const c = portBudget({ ...acc, recentTimeWait: 5000 }, 28232, REUSE_OFF, 10);
    assert.equal(c.verdict, 'will_exhaust');
    assert.ok(Math.abs(c.secondsToExhaustion! - 46.464) < 1e-9);
    assert.equal(portBudget({ ...acc, inUse: 10, timeWait: 5, recentTimeWait: 5 }, 28232, REUSE_OFF, 10).verdict, 'fine');
  });

  it('tcp_tw_reuse shortens the hold only where it applies: mode 2 = loopback, never without timestamps', () => {
    const acc = { localAddr: '127.0.0.1', remoteAddr: '127.0.0.1', remotePort: 5000, inUse: 5000, timeWait: 4000, recentTimeWait: 5000 };
    const mode2 = { reuse: 2, delayMs: 1000, timestamps: 1 };
    const lo = portBudget(acc, 28232, mode2, 10);
    assert.equal(lo.reuseApplies, true);
    assert.equal(lo.holdSeconds, 1);
    assert.equal(lo.steadyState, 1000 + 500);
    assert.equal(lo.verdict, 'fine');
    assert.equal(portBudget({ ...acc, localAddr: '10.0.0.1' }, 28232, mode2, 10).reuseApplies, false);
    assert.equal(portBudget({ ...acc, localAddr: '10.0.0.1' }, 28232, { ...mode2, reuse: 1 }, 10).reuseApplies, true);
    assert.equal(portBudget(acc, 28232, { ...mode2, timestamps: 0 }, 10).reuseApplies, false);
  });

  it('excludes reserved ports from the ephemeral sockets it counts', () => {
    const t = table([
      [1, '10.0.0.1', 40000, '10.0.0.2', 443],
      [1, '10.0.0.1', 40001, '10.0.0.2', 443],
    ]);
    const a = aggregate(t, { ephemeral: { ...EPH, reserved: [[40001, 40001]], usable: 28231 }, reuse: REUSE_OFF });
    assert.equal(a.portBudgets[0].inUse, 1);
    assert.equal(a.portBudgets[0].usable, 28231);
  });
});

// ---------------------------------------------------------------- the collector, degraded

function fakeReader(files: Record<string, string>): FileReader {
  const missing = (path: string) => Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return {
    async readText(path) {
      if (path in files) return files[path];
      throw missing(path);
    },
    async *readChunks(path) {
      if (!(path in files)) throw missing(path);
      yield Buffer.from(files[path], 'latin1');
    },
    async readdir(path) {
      if (path === '/p') return ['1'];
      throw missing(path);
    },
    async readlink(path) {
      throw missing(path);
    },
  };
}

function fakeClock(): Clock & { advance(ms: number): void } {
  let t = 1_700_000_000_000;
  let m = 0;
  return { now: () => t, monotonic: () => m, advance: (ms) => ((t += ms), (m += ms)) };
}

const tcp4 = readFileSync('test/fixtures/proc-net-tcp.real', 'latin1');
const baseFiles = (): Record<string, string> => ({
  '/p/net/tcp': tcp4,
  '/p/net/sockstat': 'TCP: inuse 3 orphan 0 tw 3 alloc 5 mem 1\n',
  '/p/net/snmp': 'Tcp: ActiveOpens PassiveOpens\nTcp: 100 50\n',
  '/p/net/netstat': 'TcpExt: TW TWKilled\nTcpExt: 1000 3\n',
  '/p/sys/net/ipv4/ip_local_port_range': '32768\t60999\n',
  '/p/sys/net/ipv4/tcp_tw_reuse': '2\n',
});

describe('collector with injected reader and clock', () => {
  it('reports a sysctl missing on this kernel as unavailable, never as an error', async () => {
    const c = new Collector({ reader: fakeReader(baseFiles()), clock: fakeClock(), procRoot: '/p', socketSource: 'procfs' });
    const s = await c.tick();
    assert.equal(s.sysctls['net.ipv4.tcp_tw_reuse'].available, true);
    const delay = s.sysctls['net.ipv4.tcp_tw_reuse_delay'];
    assert.equal(delay.available, false);
    assert.match(!delay.available ? delay.reason : '', /not present on this kernel/);
    assert.match(JSON.stringify(s.sysctls['net.ipv4.tcp_tw_recycle']), /removed in Linux 4\.12/);
    assert.equal(s.health.degraded.length, 0, JSON.stringify(s.health.degraded));
    // tcp6 missing (IPv6 disabled) is an empty IPv6 table
    assert.equal(s.statesByFamily.ipv6.ESTABLISHED, 0);
    assert.equal(s.states.ESTABLISHED, 5);
  });

  it('a failing source leaves its field empty with the reason; the tick still completes', async () => {
    const files = baseFiles();
    delete files['/p/net/sockstat'];
    files['/p/net/tcp'] = tcp4 + '   9: garbage line\n';
    const c = new Collector({ reader: fakeReader(files), clock: fakeClock(), procRoot: '/p', socketSource: 'procfs' });
    const s = await c.tick();
    assert.equal(s.sockstat, null);
    assert.ok(s.health.degraded.some((d) => d.source === '/p/net/sockstat' && /ENOENT/.test(d.message)));
    assert.equal(s.health.skippedLines['/p/net/tcp'], 1);
    assert.ok(s.totalSockets > 0);
  });

  it('rates: null on the first tick, then per second; a counter reset gives 0, not a negative rate', async () => {
    const files = baseFiles();
    const clock = fakeClock();
    const c = new Collector({ reader: fakeReader(files), clock, procRoot: '/p', socketSource: 'procfs' });
    assert.equal((await c.tick()).counters!.rates, null);
    clock.advance(2000);
    files['/p/net/netstat'] = 'TcpExt: TW TWKilled\nTcpExt: 1100 1\n';
    const s = await c.tick();
    assert.equal(s.counters!.rates!['TcpExt.TW'], 50);
    assert.equal(s.counters!.rates!['TcpExt.TWKilled'], 0);
    assert.equal(s.intervalMs, 2000);
  });

  it('falls back to /proc when netlink is unavailable and says why', async () => {
    const failing: SocketSource = {
      name: 'netlink',
      read: async () => {
        throw new Error('sock_diag refused: EPERM');
      },
    };
    const c = new Collector({ reader: fakeReader(baseFiles()), clock: fakeClock(), procRoot: '/p', socketSource: 'auto' });
    // inject the failing source as the chosen one, as 'auto' would after loading it
    (c as unknown as { source: SocketSource }).source = failing;
    const s1 = await c.tick();
    assert.ok(s1.health.degraded.some((d) => /EPERM/.test(d.message)));
    const s2 = await c.tick();
    assert.equal(s2.health.socketSource, 'procfs');
    assert.match(s2.health.fallbackReason ?? '', /netlink failed: sock_diag refused: EPERM/);
    assert.equal(s2.states.ESTABLISHED, 5);
  });

  it('keeps the payload bounded: top-N lists whatever the table size', async () => {
    const files = baseFiles();
    const lines = [tcp4.split('\n')[0]];
    for (let i = 0; i < 5000; i++) {
      const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
      lines.push(`${String(i).padStart(4)}: 0100007F:${hex(33000 + (i % 20000), 4)} ${hex((10 << 24) | i, 8)}:01BB 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0000000000000000`);
    }
    files['/p/net/tcp'] = lines.join('\n') + '\n';
    const c = new Collector({ reader: fakeReader(files), clock: fakeClock(), procRoot: '/p', socketSource: 'procfs' });
    const s = await c.tick();
    assert.equal(s.states.TIME_WAIT, 5000);
    assert.equal(s.topTimeWait.length, 10);
    assert.equal(s.portBudgets.length, 10);
    assert.ok(JSON.stringify(s).length < 16_384, `payload ${JSON.stringify(s).length} bytes`);
  });
});
