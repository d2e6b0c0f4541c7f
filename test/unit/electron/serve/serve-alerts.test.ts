// Alerts in `waitline serve`, end to end over real HTTP with the collector in its worker thread and
// real sockets: this process leaks CLOSE_WAIT sockets on loopback (it never closes what its peers
// closed), the alert engine in the worker raises close_wait_leak naming this process, and the server
// sends it as an `alert` event and in every snapshot, answers /api/alerts, logs one line, marks the
// history; the settings come from the file given (the desktop app's alert-settings.json), are
// changed with PUT (saved atomically, validated: nothing changes on a bad request) and reach the
// worker. Closing the sockets clears the alert. Needs no root: loopback in this namespace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { DEFAULT_ALERT_SETTINGS, type AlertEvent, type AlertSettings } from '../../../../shared/alerts';
import type { Snapshot } from '../../../../shared/snapshot';
import { openEvents } from './sse-client';

interface Reply {
  status: number;
  body: string;
}

function call(port: number, path: string, token: string, method = 'GET', body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) },
        setHost: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An event stream that collects every `alert` and `snapshot` event until stopped. */
function listen(port: number, token: string): { alerts: AlertEvent[]; snaps: Snapshot[]; stop(): void } {
  const alerts: AlertEvent[] = [];
  const snaps: Snapshot[] = [];
  const stream = openEvents(port, token, (name, data) => {
    if (name === 'alert') alerts.push(data as AlertEvent);
    if (name === 'snapshot') snaps.push(data as Snapshot);
  });
  return { alerts, snaps, stop: () => stream.stop() };
}

async function until<T>(what: string, f: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('waitline serve: alerts (worker collector, real CLOSE_WAIT sockets)', () => {
  let dir = '';
  let settingsFile = '';
  let server: ServeHandle | null = null;
  let leakServer: ReturnType<typeof createTcpServer> | null = null;
  const held: Socket[] = [];
  const logs: string[] = [];
  const mine = `close_wait_leak:${process.pid}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wl-serve-alerts-'));
    settingsFile = join(dir, 'Waitline', 'alert-settings.json');
    const staticDir = join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    mkdirSync(join(dir, 'Waitline'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    // the file the desktop app saved: a lower leak threshold than the default 10, no hold
    writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_ALERT_SETTINGS, closeWaitMinCount: 4, closeWaitHoldS: 0, clearAfterS: 1 }));
    server = await startServe({ staticDir, port: 0, tickMs: 250, alertSettingsFile: settingsFile, log: (l) => logs.push(l), locale: 'en' });
  });

  after(async () => {
    for (const s of held) s.destroy();
    leakServer?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /api/alert-settings answers the saved file; a bad PUT changes nothing and says why', async () => {
    const { port, token } = server!;
    const got = JSON.parse((await call(port, '/api/alert-settings', token)).body) as AlertSettings;
    assert.equal(got.closeWaitMinCount, 4);
    assert.equal(got.closeWaitHoldS, 0);
    const before_ = readFileSync(settingsFile, 'utf8');

    const bad = await call(port, '/api/alert-settings', token, 'PUT', JSON.stringify({ budgetWarnPercent: 101 }));
    assert.equal(bad.status, 400);
    const badBody = JSON.parse(bad.body) as { ok: boolean; errors: { field: string; message: string }[] };
    assert.equal(badBody.ok, false);
    assert.equal(badBody.errors[0].field, 'budgetWarnPercent');
    assert.match(badBody.errors[0].message, /100/);
    const notJson = await call(port, '/api/alert-settings', token, 'PUT', '{"budgetWarnPercent": 7');
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.body).errors[0].message, /not JSON/);
    const unknown = await call(port, '/api/alert-settings', token, 'PUT', JSON.stringify({ budgetWarnPercentt: 50 }));
    assert.equal(unknown.status, 400);
    assert.equal(readFileSync(settingsFile, 'utf8'), before_, 'the file is untouched by refused requests');
    const noToken = await call(port, '/api/alert-settings', 'wrong', 'PUT', JSON.stringify({ notify: false }));
    assert.equal(noToken.status, 401);
    const post = await call(port, '/api/alert-settings', token, 'POST', '{}');
    assert.equal(post.status, 405);
    assert.equal(readFileSync(settingsFile, 'utf8'), before_);
  });

  it('a leak of real CLOSE_WAIT sockets raises close_wait_leak: event, snapshot, /api/alerts, log line, history marker', async () => {
    const { port, token } = server!;
    const stream = listen(port, token);
    try {
      leakServer = createTcpServer({ allowHalfOpen: true }, (s) => {
        held.push(s);
        s.on('error', () => undefined);
      });
      await new Promise<void>((r) => leakServer!.listen(0, '127.0.0.1', r));
      const lport = (leakServer.address() as AddressInfo).port;
      for (let i = 0; i < 6; i++) {
        await new Promise<void>((r) => {
          const c = connect(lport, '127.0.0.1', () => {
            c.end();
            r();
          });
          c.on('error', () => undefined);
        });
      }
      const raised = await until('the alert event', () => stream.alerts.find((e) => e.kind === 'raised' && e.alert.id === mine));
      assert.equal(raised.alert.rule, 'close_wait_leak');
      assert.match(raised.alert.message, new RegExp(`\\b${process.pid}\\b`));
      assert.ok(raised.alert.value >= 6, `the alert counts this process's CLOSE_WAIT sockets (${raised.alert.value})`);
      await until('a snapshot carrying it', () => stream.snaps.some((s) => s.alerts?.active.some((a) => a.id === mine)));
      const api = JSON.parse((await call(port, '/api/alerts', token)).body) as { active: { id: string }[]; settings: AlertSettings };
      assert.ok(api.active.some((a) => a.id === mine));
      assert.equal(api.settings.closeWaitMinCount, 4);
      assert.ok(logs.some((l) => l.startsWith('waitline serve: alert: ') && l.includes(String(process.pid))), logs.join('\n'));
      const now = Date.now();
      const hist = JSON.parse((await call(port, `/api/history?from=${now - 60_000}&to=${now + 1000}&maxPoints=10`, token)).body) as {
        markers: { time: number; label: string }[];
      };
      assert.ok(hist.markers.some((m) => Math.abs(m.time - raised.time) < 1 && /^alert /.test(m.label)), JSON.stringify(hist.markers));

      // the threshold raised above the leak through PUT reaches the worker: the condition is gone → cleared
      const put = await call(port, '/api/alert-settings', token, 'PUT', JSON.stringify({ closeWaitMinCount: 50 }));
      assert.equal(put.status, 200, put.body);
      assert.equal((JSON.parse(put.body) as { settings: AlertSettings }).settings.closeWaitMinCount, 50);
      assert.equal((JSON.parse(readFileSync(settingsFile, 'utf8')) as AlertSettings).closeWaitMinCount, 50, 'saved to the file');
      const cleared = await until('the clear event', () => stream.alerts.find((e) => e.kind === 'cleared' && e.alert.id === mine));
      assert.ok(cleared.time >= raised.time);
      assert.ok(logs.some((l) => l.startsWith('waitline serve: cleared: ')), logs.join('\n'));

      // back to 4 with the sockets still leaked: raised again; closing them clears it
      assert.equal((await call(port, '/api/alert-settings', token, 'PUT', JSON.stringify({ closeWaitMinCount: 4 }))).status, 200);
      await until('raised again', () => stream.alerts.filter((e) => e.kind === 'raised' && e.alert.id === mine).length >= 2);
      for (const s of held.splice(0)) s.destroy();
      await until('cleared after the sockets closed', () => stream.alerts.filter((e) => e.kind === 'cleared' && e.alert.id === mine).length >= 2);
    } finally {
      stream.stop();
    }
  });
});
