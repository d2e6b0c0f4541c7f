// The probe engine against in-process loopback servers (no root, no namespace; the kernel tests in
// test/kernel/probe.test.ts count TIME_WAIT with ss as the oracle): counts, close modes, refusals,
// the caps and the rate limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runProbe } from '../../../../electron/probe/engine';
import { ProbeInputError } from '../../../../electron/probe/options';

function server(mode: 'wait' | 'close'): Promise<net.Server> {
  return new Promise((resolve) => {
    const s = net.createServer({ allowHalfOpen: mode === 'close' }, (c) => {
      c.on('error', () => {});
      c.resume();
      if (mode === 'close') c.end();
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
const base = { address: '127.0.0.1', count: 20, concurrency: 4, ratePerS: 2000, timeoutS: 2, closeFirst: 'client' as const };

describe('probe engine (loopback)', () => {
  let waiting: net.Server;
  let closing: net.Server;
  let freePort = 0;

  before(async () => {
    waiting = await server('wait');
    closing = await server('close');
    // a port nothing listens on: bind, note, close
    const tmp = await server('wait');
    freePort = portOf(tmp);
    await new Promise((r) => tmp.close(r));
  });
  after(() => {
    waiting.close();
    closing.close();
  });

  it('client first: every connect succeeds, each with a latency and a local endpoint', async () => {
    const r = await runProbe({ ...base, port: portOf(waiting) });
    assert.deepEqual([r.attempted, r.ok, r.failed, r.errors, r.closeTimeouts, r.interrupted], [20, 20, 0, {}, 0, false]);
    assert.equal(r.latenciesMs.length, 20);
    assert.ok([...r.latenciesMs].every((x) => x > 0 && x < 2000));
    assert.equal(new Set(r.endpoints.map((e) => e.port)).size, 20);
    assert.ok(r.endpoints.every((e) => e.addr === '127.0.0.1'));
  });

  it('server first against a closing server: no close timeouts', async () => {
    const r = await runProbe({ ...base, port: portOf(closing), closeFirst: 'server' });
    assert.deepEqual([r.ok, r.closeTimeouts, r.errorsAfterConnect], [20, 0, {}]);
  });

  it('server first against a server that waits: every connection waits --timeout, then the probe closes', async () => {
    const t0 = Date.now();
    const r = await runProbe({ ...base, count: 4, port: portOf(waiting), closeFirst: 'server', timeoutS: 0.2 });
    assert.deepEqual([r.ok, r.closeTimeouts], [4, 4]);
    assert.ok(Date.now() - t0 >= 190);
  });

  it('nothing listening: ECONNREFUSED for each', async () => {
    const r = await runProbe({ ...base, port: freePort });
    assert.deepEqual([r.ok, r.failed, r.errors, r.latenciesMs.length], [0, 20, { ECONNREFUSED: 20 }, 0]);
  });

  it('the rate cap spaces connect starts: 30 at 200/s take ≥ 145 ms', async () => {
    const r = await runProbe({ ...base, count: 30, concurrency: 30, ratePerS: 200, port: portOf(waiting) });
    assert.equal(r.ok, 30);
    assert.ok(r.durationMs >= 145, `${r.durationMs} ms`);
  });

  it('an aborted run stops starting connects and says so', async () => {
    const ac = new AbortController();
    const r = await runProbe({ ...base, count: 1000, ratePerS: 100, port: portOf(waiting), signal: ac.signal, onAttempt: (done) => done >= 5 && ac.abort() });
    assert.equal(r.interrupted, true);
    assert.ok(r.attempted >= 5 && r.attempted < 20, `${r.attempted}`);
  });

  it('refuses settings over the caps before connecting', async () => {
    await assert.rejects(runProbe({ ...base, port: portOf(waiting), count: 100_001 }), ProbeInputError);
    await assert.rejects(runProbe({ ...base, port: portOf(waiting), ratePerS: 5000 }), ProbeInputError);
    await assert.rejects(runProbe({ ...base, port: portOf(waiting), concurrency: 1000 }), ProbeInputError);
    await assert.rejects(runProbe({ ...base, port: portOf(waiting), timeoutS: 60 }), ProbeInputError);
  });
});
