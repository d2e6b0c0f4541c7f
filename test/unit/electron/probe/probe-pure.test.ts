// The connection probe's pure parts (no sockets): target and option validation with hostile inputs
// and the caps, name resolution's loopback/private rule (fake resolver), percentiles against a naive
// oracle, errno classes, the TIME_WAIT count over a table, and the summary text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkSettings,
  classifyAddress,
  closeFirstOption,
  intOption,
  isHostName,
  parseIPv6,
  parseTarget,
  ProbeInputError,
  PROBE_LIMITS,
} from '../../../../electron/probe/options';
import { resolveTarget, type Lookup } from '../../../../electron/probe/resolve';
import { errnoClass, percentileSorted, rankErrors, summarizeLatencies } from '../../../../electron/probe/stats';
import { countTimeWait, endpointSet, stillClosing, normalizeAddr, type TableLike } from '../../../../electron/probe/timewait';
import { buildReport, formatReport, probeExitCode } from '../../../../electron/probe/report';
import type { ProbeRunResult } from '../../../../electron/probe/engine';
import { stateCode, type TcpState } from '../../../../shared/tcp';

const refuses = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ProbeInputError && re.test((e as Error).message));

describe('probe target parsing', () => {
  it('accepts IPv4, bracketed IPv6 and host names', () => {
    assert.deepEqual(parseTarget('10.0.0.5:80'), { host: '10.0.0.5', port: 80, kind: 'ipv4' });
    assert.deepEqual(parseTarget('127.0.0.1:65535'), { host: '127.0.0.1', port: 65535, kind: 'ipv4' });
    assert.deepEqual(parseTarget('[::1]:8080'), { host: '::1', port: 8080, kind: 'ipv6' });
    assert.deepEqual(parseTarget('[FD00::5]:1'), { host: 'fd00::5', port: 1, kind: 'ipv6' });
    assert.deepEqual(parseTarget('[::ffff:10.1.2.3]:443'), { host: '::ffff:10.1.2.3', port: 443, kind: 'ipv6' });
    // IPv6 in canonical form (as the socket table prints it), however it was typed
    assert.deepEqual(parseTarget('[0:0:0:0:0:0:0:1]:80'), { host: '::1', port: 80, kind: 'ipv6' });
    assert.deepEqual(parseTarget('[2001:DB8:0:0:1:0:0:1]:80'), { host: '2001:db8::1:0:0:1', port: 80, kind: 'ipv6' });
    assert.deepEqual(parseTarget('[::FFFF:A01:203]:80'), { host: '::ffff:10.1.2.3', port: 80, kind: 'ipv6' });
    assert.deepEqual(parseTarget('Example.COM:443'), { host: 'example.com', port: 443, kind: 'name' });
    assert.deepEqual(parseTarget('localhost:22'), { host: 'localhost', port: 22, kind: 'name' });
  });

  const hostile: [string, RegExp][] = [
    ['', /HOST:PORT/],
    ['10.0.0.5', /port is missing/],
    ['10.0.0.5:', /port must be a number from 1 to 65535; got ""/],
    ['10.0.0.5:0', /from 1 to 65535; got "0"/],
    ['10.0.0.5:65536', /got "65536"/],
    ['10.0.0.5:080', /got "080"/],
    ['10.0.0.5:+80', /got "\+80"/],
    ['10.0.0.5:80 ', /got "80 "/],
    ['10.0.0.5:1e3', /got "1e3"/],
    ['::1:80', /put an IPv6 address in brackets/],
    ['[::1]80', /HOST:PORT/],
    ['[::1', /HOST:PORT/],
    ['[fe80::1%eth0]:80', /zone ids/],
    ['[1:2:3:4:5:6:7:8:9]:80', /not an IPv6 address/],
    ['[::1::2]:80', /not an IPv6 address/],
    ['[10.0.0.1]:80', /not an IPv6 address/],
    ['127.1:80', /not an IPv4 address/],
    ['010.0.0.1:80', /not an IPv4 address/],
    ['256.0.0.1:80', /not an IPv4 address/],
    ['2130706433:80', /not an IPv4 address/],
    ['1.2.3.4.5:80', /not an IPv4 address/],
    ['0x7f.0.0.1:80', /neither an IP address nor a host name/],
    ['0.0.0.0:80', /unspecified address, not a host/],
    ['[::]:80', /unspecified address, not a host/],
    ['224.0.0.1:80', /multicast/],
    ['[ff02::1]:80', /multicast/],
    ['255.255.255.255:80', /broadcast/],
    ['240.0.0.1:80', /reserved/],
    ['[::ffff:0.0.0.0]:80', /unspecified/],
    ['exa mple.com:80', /neither an IP address nor a host name/],
    ['-x.com:80', /neither/],
    ['a..b:80', /neither/],
    ['host_name:80', /neither/],
    ['über.de:80', /neither/],
    ['evil.com\n:80', /neither/],
    ['x'.repeat(64) + '.com:80', /neither/],
    ['x'.repeat(400) + ':80', /HOST:PORT/],
  ];
  for (const [input, re] of hostile) {
    it(`refuses ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`, () => refuses(() => parseTarget(input), re));
  }

  it('echoes hostile input safely (no control characters, bounded length)', () => {
    try {
      parseTarget('\x1b[2J\x07' + 'y'.repeat(100) + ':80');
      assert.fail('accepted');
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /[\x00-\x1f\x7f]/);
      assert.ok((e as Error).message.length < 400);
    }
  });

  it('parses IPv6 text forms exactly', () => {
    assert.deepEqual(parseIPv6('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(parseIPv6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(parseIPv6('1::'), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(parseIPv6('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(parseIPv6('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    assert.deepEqual(parseIPv6('64:ff9b::10.0.0.1'), [0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 1]);
    for (const bad of ['', ':', ':::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::', '::1.2.3', '1.2.3.4', ':1::', '1::2::3', '::1.2.3.4:5']) {
      assert.equal(parseIPv6(bad), null, bad);
    }
  });

  it('classifies addresses', () => {
    const cases: [string, string][] = [
      ['8.8.8.8', 'public'],
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.1', 'public'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared'],
      ['100.128.0.1', 'public'],
      ['169.254.1.1', 'link-local'],
      ['0.1.2.3', 'unspecified'],
      ['::1', 'loopback'],
      ['fd12::1', 'private'],
      ['fe80::1', 'link-local'],
      ['2001:db8::1', 'public'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:192.168.0.1', 'private'],
    ];
    for (const [a, c] of cases) assert.equal(classifyAddress(a), c, a);
    assert.equal(classifyAddress('example.com'), null);
  });

  it('host names: labels, length, and no all-digit last label', () => {
    assert.ok(isHostName('a.b-c.example'));
    assert.ok(isHostName('example.com.'));
    assert.ok(!isHostName('1.2.3'));
    assert.ok(!isHostName('a.123'));
    assert.ok(!isHostName('a-.com'));
    assert.ok(!isHostName(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`));
  });
});

describe('probe options and caps', () => {
  it('--count, --concurrency, --rate: whole decimal numbers within the caps', () => {
    assert.equal(intOption('100000', 'count', 1, PROBE_LIMITS.maxCount), 100_000);
    refuses(() => intOption('100001', 'count', 1, PROBE_LIMITS.maxCount), /--count takes a whole number from 1 to 100,000 \(a hard cap\); got 100001/);
    refuses(() => intOption('257', 'concurrency', 1, PROBE_LIMITS.maxConcurrency), /from 1 to 256 \(a hard cap\)/);
    refuses(() => intOption('2001', 'rate', 1, PROBE_LIMITS.maxRatePerS), /from 1 to 2,000 \(a hard cap\)/);
    for (const bad of ['0', '-1', '1.5', '1e3', '0x10', '1,000', ' 5', '5 ', '', '99999999', 'Infinity', 'NaN']) {
      refuses(() => intOption(bad, 'count', 1, PROBE_LIMITS.maxCount), /--count takes a whole number/);
    }
  });

  it('--close-first takes client or server only', () => {
    assert.equal(closeFirstOption('client'), 'client');
    assert.equal(closeFirstOption('server'), 'server');
    refuses(() => closeFirstOption('Server'), /client or server/);
    refuses(() => closeFirstOption('both'), /client or server/);
  });

  it('the engine re-checks its settings against the caps', () => {
    const ok = { count: 1, concurrency: 1, ratePerS: 1, timeoutS: 0.1, closeFirst: 'client' as const };
    checkSettings(ok);
    checkSettings({ ...ok, count: 100_000, concurrency: 256, ratePerS: 2000, timeoutS: 30, closeFirst: 'server' });
    for (const bad of [{ count: 100_001 }, { count: 0 }, { count: 1.5 }, { count: NaN }, { concurrency: 257 }, { ratePerS: 2001 }, { ratePerS: Infinity }, { timeoutS: 0.05 }, { timeoutS: 31 }, { timeoutS: NaN }]) {
      refuses(() => checkSettings({ ...ok, ...bad }), /must be/);
    }
    refuses(() => checkSettings({ ...ok, closeFirst: 'x' as 'client' }), /close-first/);
  });
});

describe('probe name resolution', () => {
  const fake = (answers: string[]): Lookup => async () => answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('a literal is used as typed, whatever its class (the user typed it)', async () => {
    assert.deepEqual(await resolveTarget(parseTarget('127.0.0.1:80'), fake([])), {
      address: '127.0.0.1',
      family: 4,
      port: 80,
      name: null,
      candidates: [],
      addressClass: 'loopback',
    });
    assert.equal((await resolveTarget(parseTarget('[fd00::1]:80'), fake([]))).addressClass, 'private');
  });

  it('a name is resolved once and its first address used', async () => {
    let calls = 0;
    const lookup: Lookup = async () => {
      calls++;
      return [
        { address: '2001:db8::5', family: 6 },
        { address: '93.184.216.34', family: 4 },
      ];
    };
    const r = await resolveTarget(parseTarget('example.com:443'), lookup);
    assert.equal(calls, 1);
    assert.deepEqual([r.address, r.family, r.name, r.candidates.length, r.addressClass], ['2001:db8::5', 6, 'example.com', 2, 'public']);
  });

  it('a name that resolves to a loopback or private address is refused, with the literal to type instead', async () => {
    await assert.rejects(resolveTarget(parseTarget('localhost:8080'), fake(['127.0.0.1'])), (e: unknown) => {
      assert.ok(e instanceof ProbeInputError);
      assert.match((e as Error).message, /localhost resolves to 127\.0\.0\.1, a loopback address: .*only when you type them — run `waitline probe 127\.0\.0\.1:8080`/);
      return true;
    });
    for (const a of ['10.0.0.1', '192.168.1.1', '172.20.0.1', '100.64.1.1', '169.254.169.254', 'fd00::1', 'fe80::1', '::1', '::ffff:10.0.0.1']) {
      await assert.rejects(resolveTarget(parseTarget('internal.example:80'), fake([a, '8.8.8.8'])), ProbeInputError, a);
    }
    await assert.rejects(resolveTarget(parseTarget('x.example:80'), fake(['0.0.0.0'])), /not a host/);
    await assert.rejects(resolveTarget(parseTarget('x.example:80'), fake(['::1'])), /run `waitline probe \[::1\]:80`/);
  });

  it('a name that does not resolve is an error, not a usage error', async () => {
    const failing: Lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await assert.rejects(resolveTarget(parseTarget('nowhere.invalid:80'), failing), (e: unknown) => !(e instanceof ProbeInputError) && /does not resolve \(ENOTFOUND\)/.test((e as Error).message));
    await assert.rejects(resolveTarget(parseTarget('empty.example:80'), fake([])), /resolved to no address/);
  });
});

describe('probe percentiles', () => {
  /** naive oracle: the smallest sample x with at least p % of the samples ≤ x */
  const oracle = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.find((x) => s.filter((y) => y <= x).length * 100 >= p * s.length)!;
  };
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it('nearest rank matches the oracle on random samples (with ties, all sizes 1–300)', () => {
    for (let n = 1; n <= 300; n++) {
      const xs = Array.from({ length: n }, () => (rand() < 0.2 ? 1 : Math.round(rand() * 1000) / 10));
      const sum = summarizeLatencies(xs)!;
      assert.equal(sum.p50, oracle(xs, 50), `p50 n=${n}`);
      assert.equal(sum.p90, oracle(xs, 90), `p90 n=${n}`);
      assert.equal(sum.p99, oracle(xs, 99), `p99 n=${n}`);
      assert.equal(sum.max, Math.max(...xs));
      assert.equal(sum.min, Math.min(...xs));
      assert.equal(sum.count, n);
      assert.ok(Math.abs(sum.mean - xs.reduce((a, b) => a + b, 0) / n) < 1e-9);
    }
  });

  it('exact ranks: 1..100 → p50 50, p90 90, p99 99; 1..1000 → p99.9 = 999; one sample is every percentile', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.deepEqual(
      (({ p50, p90, p99, max }) => [p50, p90, p99, max])(summarizeLatencies(xs)!),
      [50, 90, 99, 100],
    );
    const k = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    assert.equal(percentileSorted(k, 99.9), 999);
    assert.equal(percentileSorted(k, 100), 1000);
    assert.equal(percentileSorted([7], 1), 7);
    assert.equal(summarizeLatencies([]), null);
    assert.throws(() => percentileSorted([1], 0));
    assert.throws(() => percentileSorted([], 50));
  });

  it('sorts numerically (not as strings) and leaves the input alone', () => {
    const xs = new Float64Array([10, 9, 100, 2]);
    assert.equal(summarizeLatencies(xs)!.p50, 9);
    assert.deepEqual([...xs], [10, 9, 100, 2]);
  });
});

describe('probe errno classes', () => {
  it('keeps errno names, folds anything else into EOTHER', () => {
    assert.equal(errnoClass(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
    assert.equal(errnoClass({ code: 'EADDRNOTAVAIL' }), 'EADDRNOTAVAIL');
    assert.equal(errnoClass({ code: 'ETIMEDOUT' }), 'ETIMEDOUT');
    assert.equal(errnoClass({ code: 'ERR_SOCKET_CONNECTION_TIMEOUT' }), 'EOTHER');
    assert.equal(errnoClass({ code: '__proto__' }), 'EOTHER');
    assert.equal(errnoClass({ code: 42 }), 'EOTHER');
    assert.equal(errnoClass(new Error('no code')), 'EOTHER');
    assert.equal(errnoClass(null), 'EOTHER');
    assert.equal(errnoClass(undefined), 'EOTHER');
  });

  it('ranks by count, then name', () => {
    assert.deepEqual(rankErrors({ ETIMEDOUT: 3, ECONNREFUSED: 3, EADDRNOTAVAIL: 9, EPERM: 0 }), [
      ['EADDRNOTAVAIL', 9],
      ['ECONNREFUSED', 3],
      ['ETIMEDOUT', 3],
    ]);
  });
});

/** a table from [state, local, lport, remote, rport] rows */
function table(rows: [TcpState, string, number, string, number][]): TableLike {
  return {
    length: rows.length,
    state: Uint8Array.from(rows.map((r) => stateCode(r[0]))),
    localAddr: rows.map((r) => r[1]),
    localPort: Uint16Array.from(rows.map((r) => r[2])),
    remoteAddr: rows.map((r) => r[3]),
    remotePort: Uint16Array.from(rows.map((r) => r[4])),
  };
}

describe('probe TIME_WAIT count', () => {
  const target = { addr: '127.0.0.1', port: 7001 };
  it("counts both sides, and narrows to the probe's own 4-tuples", () => {
    const t = table([
      ['LISTEN', '::', 7001, '::', 0],
      ['TIME_WAIT', '127.0.0.1', 40001, '127.0.0.1', 7001], // ours, client side
      ['TIME_WAIT', '127.0.0.1', 40002, '127.0.0.1', 7001], // ours
      ['TIME_WAIT', '127.0.0.1', 40003, '127.0.0.1', 7001], // someone else's
      ['FIN_WAIT2', '127.0.0.1', 40004, '127.0.0.1', 7001], // ours, still closing
      ['TIME_WAIT', '::ffff:127.0.0.1', 7001, '::ffff:127.0.0.1', 40005], // ours, server side (dual-stack)
      ['LAST_ACK', '127.0.0.1', 7001, '127.0.0.1', 40006], // ours, server side
      ['TIME_WAIT', '127.0.0.1', 40007, '127.0.0.1', 7002], // another port
      ['TIME_WAIT', '10.0.0.1', 40001, '127.0.0.1', 7001], // same port, other local address: not ours
    ]);
    const ours = endpointSet([40001, 40002, 40004, 40005, 40006].map((port) => ({ addr: '127.0.0.1', port })));
    const c = countTimeWait(t, target, ours);
    assert.deepEqual(c, {
      client: { timeWait: 4, ours: { TIME_WAIT: 2, FIN_WAIT2: 1 } },
      server: { timeWait: 1, ours: { TIME_WAIT: 1, LAST_ACK: 1 } },
      serverVisible: true,
    });
    assert.equal(stillClosing(c), 2); // FIN_WAIT2 + LAST_ACK
  });

  it('a server elsewhere is not visible; IPv6 addresses compare case-insensitively', () => {
    const t = table([['TIME_WAIT', 'fd00::2', 50000, 'fd00::1', 443]]);
    const c = countTimeWait(t, { addr: 'FD00::1', port: 443 }, endpointSet([{ addr: 'fd00::2', port: 50000 }]));
    assert.equal(c.serverVisible, false);
    assert.deepEqual(c.client, { timeWait: 1, ours: { TIME_WAIT: 1 } });
    assert.equal(normalizeAddr('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddr('::ffff:abcd'), '::ffff:abcd');
  });
});

describe('probe summary', () => {
  const run = (over: Partial<ProbeRunResult> = {}): ProbeRunResult => ({
    attempted: 150,
    ok: 100,
    failed: 50,
    errors: { EADDRNOTAVAIL: 50 },
    latenciesMs: Float64Array.from({ length: 100 }, (_, i) => (i + 1) / 10),
    closeTimeouts: 0,
    errorsAfterConnect: {},
    endpoints: [],
    startedAt: 0,
    durationMs: 150,
    interrupted: false,
    ...over,
  });
  const target = { address: '127.0.0.1', port: 7001, name: null, candidates: [], addressClass: 'loopback' as const };
  const settings = { count: 150, concurrency: 20, ratePerS: 1000, timeoutS: 3, closeFirst: 'client' as const };
  const side = (tw: number, ours: Record<string, number>) => ({ timeWait: tw, ours });

  it('client first with exhaustion: counts, percentiles, TIME_WAIT, the exhaustion sentence', () => {
    const r = buildReport(
      target,
      settings,
      run(),
      {
        source: 'netlink',
        before: { client: side(0, {}), server: side(0, {}), serverVisible: true },
        after: { client: side(100, { TIME_WAIT: 100 }), server: side(0, {}), serverVisible: true },
      },
      { low: 40000, high: 40099, twReuse: '0' },
    );
    assert.equal(r.exitCode, 1);
    assert.deepEqual(r.latencyMs && [r.latencyMs.p50, r.latencyMs.p90, r.latencyMs.p99, r.latencyMs.max], [5, 9, 9.9, 10]);
    const text = formatReport(r);
    assert.match(text, /^waitline probe 127\.0\.0\.1:7001: 150 connects, concurrency 20, at most 1,000\/s, timeout 3 s, the client closes first$/m);
    assert.match(text, /^ {2}connected {3}100 of 150 in 0\.15 s/m);
    assert.match(text, /^ {2}latency {5}p50 5\.00 ms {3}p90 9\.00 ms {3}p99 9\.90 ms {3}max 10\.0 ms$/m);
    assert.match(text, /^ {2}errors {6}50 EADDRNOTAVAIL no free local port/m);
    assert.match(text, /client side \(toward 127\.0\.0\.1:7001\): 100 of this probe's connections; all programs 0 before → 100 after/);
    assert.match(text, /The client closed first, so the client holds the TIME_WAIT: 100 sockets here/);
    assert.match(text, /ran out of ephemeral ports toward 127\.0\.0\.1:7001: ip_local_port_range 40000–40099 \(100 ports\), tcp_tw_reuse 0; 50 connects found no free local port\. .*see `waitline snapshot`/);
  });

  it('server first, partly closed by the probe; server elsewhere; a resolved name; no table', () => {
    const r = buildReport(
      { address: '2001:db8::5', port: 443, name: 'example.com', candidates: ['2001:db8::5', '93.184.216.34'], addressClass: 'public' },
      { ...settings, count: 10, closeFirst: 'server', timeoutS: 0.5 },
      run({ attempted: 10, ok: 10, failed: 0, errors: {}, closeTimeouts: 4, latenciesMs: new Float64Array(10).fill(20) }),
      {
        source: 'procfs',
        before: { client: side(0, {}), server: side(0, {}), serverVisible: false },
        after: { client: side(4, { TIME_WAIT: 4 }), server: side(0, {}), serverVisible: false },
      },
      null,
    );
    assert.equal(r.exitCode, 0);
    const text = formatReport(r);
    assert.match(text, /^waitline probe \[2001:db8::5\]:443: /);
    assert.match(text, /example\.com resolved once to 2001:db8::5 \(first of 2 addresses: 2001:db8::5, 93\.184\.216\.34\)/);
    assert.match(text, /server side \(at \[2001:db8::5\]:443\): not visible/);
    assert.match(text, /The server closed first \(6 of 10 connections\), so the server holds the TIME_WAIT — on its own machine, not visible from here; the client holds 4\./);
    assert.match(text, /4 connections: the server had not closed within 0\.5 s, so the probe closed them first — the client holds their TIME_WAIT \(4 here\)/);
    assert.doesNotMatch(text, /ran out of ephemeral ports/);
    const none = formatReport(buildReport(target, settings, run(), { source: null, reason: 'the netlink source is unavailable (x)' }, null));
    assert.match(none, /TIME_WAIT {3}not counted: the netlink source is unavailable \(x\)/);
    assert.match(none, /ip_local_port_range \(unreadable\)/);
  });

  it('exit codes: 0 all connected, 1 any failed, 130 interrupted', () => {
    assert.equal(probeExitCode({ failed: 0, interrupted: false }), 0);
    assert.equal(probeExitCode({ failed: 1, interrupted: false }), 1);
    assert.equal(probeExitCode({ failed: 0, interrupted: true }), 130);
  });
});
