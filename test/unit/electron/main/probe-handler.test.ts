// The runProbe channel in main (electron/main/handlers.ts + probe-service.ts) with the real engine
// and the real socket table sources, against a real TCP server on 127.0.0.1 in this process (plain
// Node, no Electron): the request is validated (shared check), parsed strictly (the CLI's parser),
// run, and the report comes back as plain data. One probe at a time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AlertSettings } from '../../../../shared/alerts';
import type { AlertSettingsResult, AppInfo, HistoryResult } from '../../../../shared/api';
import type { SocketPage } from '../../../../shared/snapshot';
import type { TuningResult, TuningState } from '../../../../shared/tuning';
import { checkProbeRequest, QueryError } from '../../../../shared/query-checks';
import { PROBE_LIMITS as SHARED_LIMITS, type ProbeOutcome, type ProbeRequest } from '../../../../shared/probe';
import { PROBE_LIMITS as CLI_LIMITS } from '../../../../electron/probe/options';
import { validateProbeRequest } from '../../../../electron/ipc/validate';
import { createInvokeHandlers, type HandlerDeps } from '../../../../electron/main/handlers';
import { createProbeService } from '../../../../electron/main/probe-service';

function handlers(probe: HandlerDeps['probe']) {
  return createInvokeHandlers({
    info: () => ({}) as AppInfo,
    history: { query: async () => ({}) as HistoryResult },
    exporter: { exportData: async () => ({ ok: false, canceled: true }) },
    sockets: { querySockets: async () => ({}) as SocketPage },
    tuning: {
      getState: async () => ({}) as TuningState,
      apply: async () => ({}) as TuningResult,
      confirm: async () => ({}) as TuningResult,
      revert: async () => ({}) as TuningResult,
    },
    alerts: { get: () => ({}) as AlertSettings, set: () => ({}) as AlertSettingsResult },
    probe,
  });
}

/** What ipcMain.handle does with a handler: validate the raw arguments, then run. */
async function invoke(h: ReturnType<typeof handlers>, raw: unknown): Promise<ProbeOutcome> {
  const entry = h['waitline:runProbe'];
  const args = entry.validate([raw]);
  return await entry.run(...args);
}

describe('runProbe in main: real engine, real loopback server', () => {
  let server: Server;
  let port = 0;
  let accepted = 0;
  const open = new Set<Socket>();

  before(async () => {
    server = createServer((s) => {
      accepted++;
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('client-first, 20 connections: all connect, latency and TIME_WAIT on the client side', async () => {
    const h = handlers(createProbeService());
    const out = await invoke(h, { target: `127.0.0.1:${port}`, count: 20, concurrency: 5, timeoutS: 3, closeFirst: 'client' });
    assert.ok(out.ok, JSON.stringify(out));
    const r = out.report;
    assert.equal(r.attempted, 20);
    assert.equal(r.ok, 20);
    assert.equal(r.failed, 0);
    assert.deepEqual(r.errors, {});
    assert.equal(r.exitCode, 0);
    assert.equal(accepted, 20);
    assert.equal(r.latencyMs?.count, 20);
    assert.ok(r.latencyMs!.p50 <= r.latencyMs!.p90 && r.latencyMs!.p90 <= r.latencyMs!.p99 && r.latencyMs!.p99 <= r.latencyMs!.max);
    assert.deepEqual(r.settings, { count: 20, concurrency: 5, ratePerS: 1000, timeoutS: 3, closeFirst: 'client' });
    assert.deepEqual(r.target, { address: '127.0.0.1', port, name: null, candidates: [], addressClass: 'loopback' });
    // the socket table is readable unprivileged (/proc/net/tcp at least): the client holds the TIME_WAIT
    assert.notEqual(r.timeWait.source, null, JSON.stringify(r.timeWait));
    if (r.timeWait.source !== null) {
      assert.equal(r.timeWait.client.ours.TIME_WAIT, 20);
      assert.equal(r.timeWait.serverVisible, true);
      assert.equal(r.timeWait.server.ours.TIME_WAIT ?? 0, 0);
    }
    assert.match(out.whoClosedFirst.join(' '), /The client closed first, so the client holds the TIME_WAIT: 20 sockets here/);
    // plain data: survives structured cloning (what IPC does) unchanged
    assert.deepEqual(structuredClone(out), out);
  });

  it('answers invalid for a target the CLI refuses, with the CLI\'s message, without connecting', async () => {
    const h = handlers(createProbeService());
    const before = accepted;
    for (const target of ['0.0.0.0:80', '127.1:80', `::1:${port}`, 'no-port', '[fe80::1%eth0]:80']) {
      const out = await invoke(h, { target, count: 1, concurrency: 1, timeoutS: 1, closeFirst: 'client' });
      assert.equal(out.ok, false, target);
      if (!out.ok) {
        assert.equal(out.code, 'invalid', target);
        assert.ok(out.message.length > 10);
      }
    }
    assert.equal(accepted, before);
  });

  it('runs one probe at a time: a second answers busy', async () => {
    const h = handlers(createProbeService());
    const req: ProbeRequest = { target: `127.0.0.1:${port}`, count: 5, concurrency: 1, timeoutS: 3, closeFirst: 'client' };
    const [a, b] = await Promise.all([invoke(h, req), invoke(h, req)]);
    assert.equal(a.ok, true);
    assert.deepEqual(b.ok ? null : b.code, 'busy');
    assert.equal((await invoke(h, req)).ok, true, 'free again afterwards');
  });

  it('answers failed when the probe is not wired', async () => {
    const out = await invoke(handlers(undefined), { target: `127.0.0.1:${port}`, count: 1, concurrency: 1, timeoutS: 1, closeFirst: 'client' });
    assert.deepEqual(out.ok ? null : out.code, 'failed');
  });
});

describe('the probe request check (shared; IPC validates with it)', () => {
  const good: ProbeRequest = { target: '10.0.0.5:80', count: 100, concurrency: 10, timeoutS: 3, closeFirst: 'client' };

  it('the CLI and the app share one set of caps', () => {
    assert.equal(CLI_LIMITS, SHARED_LIMITS);
  });

  it('accepts requests within PROBE_LIMITS', () => {
    assert.deepEqual(checkProbeRequest(good), good);
    const edge = { target: 'x.example:1', count: SHARED_LIMITS.maxCount, concurrency: SHARED_LIMITS.maxConcurrency, timeoutS: SHARED_LIMITS.minTimeoutS, closeFirst: 'server' };
    assert.deepEqual(checkProbeRequest(edge), edge);
    assert.deepEqual(validateProbeRequest([good]), [good]);
  });

  it('refuses a bad shape or numbers beyond the caps', () => {
    const bad: unknown[] = [
      null,
      'x',
      [],
      {},
      { ...good, extra: 1 },
      { ...good, target: 5 },
      { ...good, target: '' },
      { ...good, target: 'a'.repeat(301) },
      { ...good, count: 0 },
      { ...good, count: SHARED_LIMITS.maxCount + 1 },
      { ...good, count: 1.5 },
      { ...good, count: '10' },
      { ...good, concurrency: SHARED_LIMITS.maxConcurrency + 1 },
      { ...good, timeoutS: 0.05 },
      { ...good, timeoutS: 31 },
      { ...good, timeoutS: Number.NaN },
      { ...good, closeFirst: 'both' },
      { target: '10.0.0.5:80', count: 1, concurrency: 1, timeoutS: 1 },
    ];
    for (const b of bad) {
      assert.throws(() => checkProbeRequest(b), QueryError, JSON.stringify(b));
      assert.throws(() => validateProbeRequest([b]), /waitline:runProbe/);
    }
    assert.throws(() => validateProbeRequest([good, good]), /waitline:runProbe/);
  });
});
