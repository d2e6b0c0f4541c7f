// `waitline serve`'s collector in a worker thread (the real worker, started from the TypeScript sources
// under tsx): ticks arrive, socket pages answer, and the HTTP thread keeps answering while a tick is
// artificially slow (a socket source that spins for 1.5 s inside the worker). The same slow source in
// the HTTP thread stalls requests — which shows the measurement can see a blocked event loop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createCollector } from '../../../../electron/collector/index';
import { startServe, type ServeHandle, type ServeOptions } from '../../../../electron/serve/server';
import { WorkerCollector } from '../../../../electron/serve/worker-collector';
import { rawRequest, req } from './serve-raw';
import { CTRL, createSocketSource, newControl } from './serve-slow-source';

const SLOW_SOURCE = resolve(__dirname, 'serve-slow-source.ts');

async function withServer(opts: Partial<ServeOptions>, fn: (s: ServeHandle, H: string) => Promise<void>): Promise<void> {
  const staticDir = mkdtempSync(join(tmpdir(), 'wl-worker-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const server = await startServe({ staticDir, port: 0, tickMs: 100, ...opts });
  try {
    await fn(server, `127.0.0.1:${server.port}`);
  } finally {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls /api/info every 20 ms while `busy()` holds (at most `ms`); returns the latencies. */
async function latenciesWhile(port: number, H: string, token: string, busy: () => boolean, ms: number): Promise<number[]> {
  const out: number[] = [];
  const end = Date.now() + ms;
  while (busy() && Date.now() < end) {
    const r = await rawRequest(port, req('GET', '/api/info', H, [`Authorization: Bearer ${token}`]));
    assert.equal(r.status, 200);
    out.push(r.ms);
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

describe('waitline serve: the collector worker thread', () => {
  it('the real worker (real /proc) delivers ticks and answers socket pages', async () => {
    await withServer({}, async (server, H) => {
      const before = server.history.memory.size;
      await waitFor(() => server.history.memory.size >= before + 3, 5000, 'three ticks');
      const q = encodeURIComponent(JSON.stringify({ limit: 5 }));
      const r = await rawRequest(server.port, req('GET', `/api/sockets?q=${q}&token=${server.token}`, H));
      assert.equal(r.status, 200);
      const page = JSON.parse(r.body);
      assert.ok(page.tableSize >= 1, 'at least our own listening socket');
      assert.ok(page.rows.length <= 5);
    });
  });

  it('HTTP answers within milliseconds while a worker tick spins for 1.5 s; sockets answer after it', async () => {
    const control = newControl();
    await withServer({ collectorWorker: { sourceModule: SLOW_SOURCE, sourceOptions: { control: control.buffer } } }, async (server, H) => {
      Atomics.store(control, CTRL.busyMs, 1500);
      await waitFor(() => Atomics.load(control, CTRL.busy) === 1, 5000, 'the worker to start a slow read');
      const t0 = Date.now();
      const sockets = rawRequest(server.port, req('GET', `/api/sockets?token=${server.token}`, H), { timeoutMs: 10_000 });
      const lat = await latenciesWhile(server.port, H, server.token, () => Atomics.load(control, CTRL.busy) === 1, 3000);
      const s = await sockets;
      assert.ok(lat.length >= 10, `${lat.length} requests answered while the worker was busy`);
      const max = Math.max(...lat);
      console.log(`worker busy 1.5 s: ${lat.length} requests, max latency ${max} ms; /api/sockets answered after ${s.ms} ms`);
      assert.ok(max < 250, `max latency ${max} ms while the worker spun`);
      assert.equal(s.status, 200, 'the socket page is answered once the worker is free');
      assert.ok(s.ms >= 500 && Date.now() - t0 < 5000, `socket page after ${s.ms} ms`);
      const seq = server.history.memory.size;
      await waitFor(() => server.history.memory.size > seq, 3000, 'a tick after the slow one');
    });
  });

  it('control: the same slow source in the HTTP thread blocks requests for the whole read', async () => {
    const control = newControl();
    const collector = createCollector({ socketSource: createSocketSource({ control: control.buffer as SharedArrayBuffer }) });
    await withServer({ collector }, async (server, H) => {
      await rawRequest(server.port, req('GET', `/api/info?token=${server.token}`, H));
      Atomics.store(control, CTRL.busyMs, 1500);
      const lat: number[] = [];
      const end = Date.now() + 4000;
      while (Atomics.load(control, CTRL.busyDone) === 0 && Date.now() < end) {
        const r = await rawRequest(server.port, req('GET', '/api/info', H, [`Authorization: Bearer ${server.token}`]));
        lat.push(r.ms);
      }
      const max = Math.max(...lat);
      console.log(`in-thread busy 1.5 s: max latency ${max} ms`);
      assert.ok(max >= 1000, `a request waited ${max} ms: the measurement sees a blocked loop`);
    });
  });

  it('a socket query waits at most queryTimeoutMs for a busy worker, then 503', async () => {
    const control = newControl();
    await withServer(
      { collectorWorker: { sourceModule: SLOW_SOURCE, sourceOptions: { control: control.buffer }, queryTimeoutMs: 300 } },
      async (server, H) => {
        Atomics.store(control, CTRL.busyMs, 2000);
        await waitFor(() => Atomics.load(control, CTRL.busy) === 1, 5000, 'a slow read');
        const r = await rawRequest(server.port, req('GET', `/api/sockets?token=${server.token}`, H));
        assert.equal(r.status, 503);
        assert.match(JSON.parse(r.body).error, /the collector is busy/);
        assert.ok(r.ms < 1000, `503 after ${r.ms} ms`);
      },
    );
  });

  it('a worker that dies is reported as restarting and replaced; a stuck tick is cut off', async () => {
    const control = newControl();
    const worker = new WorkerCollector({ sourceModule: SLOW_SOURCE, sourceOptions: { control: control.buffer }, tickTimeoutMs: 700 });
    await withServer({ collector: worker }, async (server, H) => {
      // watch the event stream for the statuses
      let events = '';
      const sse = connect({ host: '127.0.0.1', port: server.port });
      sse.on('error', () => undefined);
      sse.on('data', (d: Buffer) => (events += d.toString('utf8')));
      sse.write(req('GET', `/api/events?token=${server.token}`, H).replace('Connection: close\r\n', ''));
      // the next table read kills the worker thread
      Atomics.store(control, CTRL.crash, 1);
      await waitFor(() => worker.started >= 2, 8000, 'a replacement worker');
      const before = server.history.memory.size;
      await waitFor(() => server.history.memory.size > before, 5000, 'ticks from the new worker');
      // a tick that spins past tickTimeoutMs: the worker is terminated and replaced
      Atomics.store(control, CTRL.busyMs, 5000);
      const started = worker.started;
      await waitFor(() => worker.started > started, 10_000, 'the stuck worker to be replaced');
      const after = server.history.memory.size;
      await waitFor(() => server.history.memory.size > after, 5000, 'ticks again');
      const info = await rawRequest(server.port, req('GET', `/api/info?token=${server.token}`, H));
      assert.equal(info.status, 200);
      sse.destroy();
      assert.match(events, /"state":"restarting","message":"the collector failed: the collector thread exited \(code 3\)"/);
      assert.match(events, /the collector failed: the collector did not finish a tick in 0\.7 s; restarting it/);
      assert.match(events, /"state":"running"/);
    });
  });
});
