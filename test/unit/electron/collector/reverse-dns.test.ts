// electron/collector/reverse-dns.ts against a real node:dns Resolver talking to a tiny DNS server of
// our own (dns-responder.ts) on 127.0.0.1: caching, TTL expiry, bounded concurrency, timeouts, the
// queue's cap, and no query without the toggle or for local addresses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localAnswer, ReverseDns } from '../../../../electron/collector/reverse-dns';
import { type Answer, startResponder, type Responder } from './dns-responder';

const NAMES: Record<string, Answer> = {
  '93.184.216.34': 'example.com.',
  '192.0.2.1': 'one.test',
  '192.0.2.2': 'two.test',
  '192.0.2.99': 'NXDOMAIN',
  '203.0.113.5': 'SILENT', // never answers: the timeout path
};
const answer = (addr: string): Answer => NAMES[addr] ?? (addr.startsWith('198.51.100.') ? `h${addr.split('.')[3]}.test` : 'NXDOMAIN');

describe('ReverseDns against a local DNS server', () => {
  let dns: Responder;
  let slow: Responder;
  before(async () => {
    dns = await startResponder(answer);
    slow = await startResponder(answer, 150);
  });
  after(async () => {
    await dns.close();
    await slow.close();
  });
  const server = (r: Responder) => [`127.0.0.1:${r.port}`];

  it('resolves a PTR name (trailing dot removed) and caches it: the second request sends nothing', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(dns) });
    const before = dns.questions.length;
    assert.deepEqual(await r.resolve(['93.184.216.34']), { '93.184.216.34': 'example.com' });
    assert.equal(dns.questions.length - before, 1);
    assert.equal(dns.questions.at(-1), '34.216.184.93.in-addr.arpa');
    assert.deepEqual(await r.resolve(['93.184.216.34']), { '93.184.216.34': 'example.com' });
    assert.deepEqual(r.request(['93.184.216.34']), { '93.184.216.34': 'example.com' });
    assert.equal(dns.questions.length - before, 1, 'answered from the cache');
    assert.equal(r.stats().cacheHits, 2);
  });

  it('caches failures for the negative TTL, names for the positive TTL (injected clock)', async () => {
    let now = 1_000_000;
    const r = new ReverseDns({ enabled: true, servers: server(dns), now: () => now, positiveTtlMs: 600_000, negativeTtlMs: 60_000 });
    const count = () => dns.questions.length;
    const c0 = count();
    assert.deepEqual(await r.resolve(['192.0.2.1', '192.0.2.99']), { '192.0.2.1': 'one.test', '192.0.2.99': null });
    assert.equal(count() - c0, 2);
    now += 59_000;
    await r.resolve(['192.0.2.1', '192.0.2.99']);
    assert.equal(count() - c0, 2, 'both still cached at 59 s');
    now += 2_000; // 61 s: the failure expired, the name did not
    assert.deepEqual(await r.resolve(['192.0.2.1', '192.0.2.99']), { '192.0.2.1': 'one.test', '192.0.2.99': null });
    assert.equal(count() - c0, 3);
    assert.equal(dns.questions.at(-1), '99.2.0.192.in-addr.arpa');
    now += 600_000; // the name expired too
    assert.equal(r.peek('192.0.2.1'), undefined);
    await r.resolve(['192.0.2.1']);
    assert.equal(count() - c0, 4);
  });

  it('request() never waits: unknown addresses are left out and answered by a later call', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(slow) });
    const t0 = Date.now();
    assert.deepEqual(r.request(['192.0.2.2', '127.0.0.1']), { '127.0.0.1': 'localhost' });
    assert.ok(Date.now() - t0 < 50);
    assert.equal(r.stats().inFlight, 1);
    const v = r.version;
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(r.request(['192.0.2.2']), { '192.0.2.2': 'two.test' });
    assert.equal(r.version, v + 1, 'a new name bumps the version (the filter memo)');
    assert.equal(r.name('192.0.2.2'), 'two.test');
    assert.equal(r.name('192.0.2.200'), null, 'name() never looks up');
  });

  it('keeps at most `concurrency` queries in flight and the same address in flight once', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(slow), concurrency: 3 });
    const addrs = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);
    const c0 = slow.questions.length;
    slow.maxInFlight = 0;
    const [res] = await Promise.all([r.resolve(addrs), r.resolve(addrs.slice(0, 4))]);
    assert.equal(Object.keys(res).length, 12);
    assert.equal(res['198.51.100.7'], 'h7.test');
    assert.equal(slow.questions.length - c0, 12, 'one query per address, even asked twice');
    assert.equal(r.stats().maxInFlight, 3);
    assert.ok(slow.maxInFlight <= 3, `the server saw ${slow.maxInFlight} at once`);
    assert.ok(slow.maxInFlight >= 2, 'queries do overlap');
  });

  it('times out a server that never answers: null within the timeout, negative-cached', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(dns), timeoutMs: 300 });
    const c0 = dns.questions.length;
    const t0 = Date.now();
    assert.deepEqual(await r.resolve(['203.0.113.5']), { '203.0.113.5': null });
    const took = Date.now() - t0;
    assert.ok(took < 1000, `took ${took} ms`);
    assert.ok(dns.questions.length - c0 >= 1);
    assert.equal(r.stats().timeouts, 1);
    const c1 = dns.questions.length;
    assert.deepEqual(await r.resolve(['203.0.113.5']), { '203.0.113.5': null });
    assert.equal(dns.questions.length, c1, 'the timeout is cached as a failure');
  });

  it('drops the oldest waiting address when the queue is full', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(slow), concurrency: 1, maxQueue: 2 });
    const c0 = slow.questions.length;
    // 198.51.100.101 runs; .102 and .103 queue; .104 pushes .102 out
    const res = await r.resolve(['198.51.100.101', '198.51.100.102', '198.51.100.103', '198.51.100.104']);
    assert.deepEqual(res, { '198.51.100.101': 'h101.test', '198.51.100.102': null, '198.51.100.103': 'h103.test', '198.51.100.104': 'h104.test' });
    assert.equal(r.stats().dropped, 1);
    assert.equal(slow.questions.length - c0, 3);
    assert.equal(r.peek('198.51.100.102'), undefined, 'a dropped address is not cached: asked again later');
  });

  it('sends nothing with the toggle off, and nothing for loopback, unspecified or link-local', async () => {
    const r = new ReverseDns({ servers: server(dns) });
    const c0 = dns.questions.length;
    assert.equal(r.enabled, false);
    assert.deepEqual(await r.resolve(['93.184.216.34', '127.0.0.1']), { '93.184.216.34': null, '127.0.0.1': 'localhost' });
    assert.deepEqual(r.request(['93.184.216.34']), {});
    r.setEnabled(true);
    const local = ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1', '0.0.0.0', '::', '169.254.1.1', 'fe80::1', 'not an address'];
    const res = await r.resolve(local);
    assert.deepEqual(res, {
      '127.0.0.1': 'localhost',
      '127.5.6.7': 'localhost',
      '::1': 'localhost',
      '::ffff:127.0.0.1': 'localhost',
      '0.0.0.0': null,
      '::': null,
      '169.254.1.1': null,
      'fe80::1': null,
      'not an address': null,
    });
    assert.equal(dns.questions.length, c0, 'not one query');
    assert.equal(r.stats().queries, 0);
    // v4-mapped addresses are asked as IPv4
    assert.deepEqual(await r.resolve(['::ffff:192.0.2.1']), { '::ffff:192.0.2.1': 'one.test' });
    assert.equal(dns.questions.at(-1), '1.2.0.192.in-addr.arpa');
  });

  it('turning names off drops the queue', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(slow), concurrency: 1 });
    const p = r.resolve(['198.51.100.201', '198.51.100.202', '198.51.100.203']);
    r.setEnabled(false);
    const res = await p;
    assert.equal(res['198.51.100.201'], 'h201.test', 'the query in flight finishes');
    assert.equal(res['198.51.100.202'], null);
    assert.equal(res['198.51.100.203'], null);
    assert.equal(r.stats().queries, 1);
  });

  it('bounds the cache (least recently used out first)', async () => {
    const r = new ReverseDns({ enabled: true, servers: server(dns), maxEntries: 2 });
    await r.resolve(['198.51.100.51']);
    await r.resolve(['198.51.100.52']);
    r.request(['198.51.100.51']); // touch .51
    await r.resolve(['198.51.100.53']);
    assert.equal(r.stats().cacheSize, 2);
    assert.equal(r.peek('198.51.100.52'), undefined);
    assert.equal(r.peek('198.51.100.51'), 'h51.test');
  });
});

describe('localAnswer', () => {
  it('classifies without DNS', () => {
    assert.equal(localAnswer('127.0.0.1').answer, 'localhost');
    assert.equal(localAnswer('10.1.2.3').answer, undefined);
    assert.equal(localAnswer('2001:db8::1').answer, undefined);
    assert.equal(localAnswer('FE80::1').answer, null);
    assert.equal(localAnswer('224.0.0.1').answer, null);
    assert.equal(localAnswer('::ffff:10.0.0.1').ip, '10.0.0.1');
  });
});
