// Connection details and close through `waitline serve` over real HTTP, with the real collector
// (netlink) and a real loopback connection carrying known bytes; and the shared checks both transports
// use for the new requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../../../../electron/collector/index';
import { validateConnKeys, validateKillRequest } from '../../../../electron/ipc/validate';
import { parseConnKeys } from '../../../../electron/serve/validate';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { createServeTransport } from '../../../../renderer/bridge';
import type { ConnKey } from '../../../../shared/conn-info';
import { checkConnKeys, checkKillRequest, QueryError } from '../../../../shared/query-checks';

const SENT = 123_457;

describe('connection details and close over waitline serve (real collector, real loopback connection)', () => {
  let server: ServeHandle;
  let staticDir: string;
  let listener: Server;
  let client: Socket;
  let accepted: Socket;
  let received = 0;

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-details-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Waitline</title>');
    server = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 500 });
    listener = createServer((s) => {
      accepted = s;
      s.on('data', (d: Buffer) => (received += d.length));
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    client = connect((listener.address() as { port: number }).port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    client.write(Buffer.alloc(SENT, 7));
    const deadline = Date.now() + 5000;
    while (received < SENT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received, SENT);
  });
  after(async () => {
    client?.destroy();
    accepted?.destroy();
    listener?.close();
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('answers the kernel\'s tcp_info for one exact connection: the server side received what the client wrote', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: server.token });
    const key: ConnKey = { family: 'ipv4', localAddr: '127.0.0.1', localPort: (listener.address() as { port: number }).port, remoteAddr: '127.0.0.1', remotePort: client.localPort! };
    const reply = await api.connectionDetails([key]);
    assert.ok(reply.available, JSON.stringify(reply));
    const a = reply.answers[0];
    assert.equal(a.status, 'ok');
    assert.equal(a.state, 'ESTABLISHED');
    assert.equal(a.tcp?.bytesReceived, SENT);
    assert.ok((a.tcp?.rttUs ?? 0) > 0);
    // the client's end: what it wrote went out (bytes_acked counts the SYN too)
    const mine = await api.connectionDetails([{ ...key, localPort: key.remotePort, remotePort: key.localPort }]);
    assert.ok(mine.available);
    assert.equal(mine.answers[0].tcp?.bytesAcked, SENT + 1);
    const gone = await api.connectionDetails([{ ...key, remotePort: 1 }]);
    assert.ok(gone.available && gone.answers[0].status === 'not_found');
  });

  it('is read-only for closing: the route answers read_only and the info says why the action is unavailable', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: server.token });
    const info = await api.getInfo();
    assert.equal(info.kill?.available, false);
    assert.match(info.kill?.reason ?? '', /read-only/);
    const r = await fetch(`http://127.0.0.1:${server.port}/api/kill`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { code: string }).code, 'read_only');
    assert.equal(client.destroyed, false, 'nothing was closed');
  });

  it('is read-only for probing: the route and the serve transport answer read_only, and nothing connects', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${server.port}`, token: server.token });
    assert.equal((await api.getInfo()).readOnly, true);
    const target = `127.0.0.1:${(listener.address() as { port: number }).port}`;
    const viaBridge = await api.runProbe({ target, count: 5, concurrency: 1, timeoutS: 1, closeFirst: 'client' });
    assert.equal(viaBridge.ok ? null : viaBridge.code, 'read_only');
    assert.match(viaBridge.ok ? '' : viaBridge.message, /read-only: a probe is an active network action/);
    const r = await fetch(`http://127.0.0.1:${server.port}/api/probe`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ target, count: 5, concurrency: 1, timeoutS: 1, closeFirst: 'client' }),
    });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { ok: boolean; code: string; message: string };
    assert.deepEqual([body.ok, body.code], [false, 'read_only']);
    assert.match(body.message, /a probe is an active network action/);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/api/probe`, { headers: { Authorization: `Bearer ${server.token}` } })).status, 405, 'GET is refused');
  });

  it('refuses malformed connection lists with 400 and a reason', async () => {
    for (const k of ['', 'not json', '[]', '{"family":"ipv4"}', JSON.stringify([{ family: 'ipv5', localAddr: '1.2.3.4', localPort: 1, remoteAddr: '1.2.3.4', remotePort: 2 }])]) {
      const r = await fetch(`http://127.0.0.1:${server.port}/api/connection-details?k=${encodeURIComponent(k)}`, { headers: { Authorization: `Bearer ${server.token}` } });
      assert.equal(r.status, 400, k);
      assert.ok(((await r.json()) as { error: string }).error.length > 10);
    }
  });
});

describe('the checks of connection keys and kill requests: IPC and serve agree', () => {
  const good: ConnKey = { family: 'ipv4', localAddr: '10.0.0.1', localPort: 40000, remoteAddr: '10.0.0.9', remotePort: 443 };
  const cases: [string, unknown, boolean][] = [
    ['one key', [good], true],
    ['IPv6', [{ ...good, family: 'ipv6', localAddr: '2001:db8::1', remoteAddr: '::1' }], true],
    ['v4-mapped', [{ ...good, family: 'ipv6', localAddr: '::ffff:127.0.0.1', remoteAddr: '::ffff:127.0.0.1' }], true],
    ['cookie', [{ ...good, cookie: '18446744073709551615' }], true],
    ['200 keys', Array.from({ length: 200 }, () => good), true],
    ['201 keys', Array.from({ length: 201 }, () => good), false],
    ['none', [], false],
    ['not a list', good, false],
    ['IPv6 text for ipv4', [{ ...good, localAddr: '::1' }], false],
    ['host name', [{ ...good, remoteAddr: 'example.com' }], false],
    ['port 65536', [{ ...good, remotePort: 65536 }], false],
    ['port -1', [{ ...good, localPort: -1 }], false],
    ['port 1.5', [{ ...good, localPort: 1.5 }], false],
    ['cookie as number', [{ ...good, cookie: 7 }], false],
    ['cookie with letters', [{ ...good, cookie: '7a' }], false],
    ['extra field', [{ ...good, pid: 1 }], false],
    ['__proto__', [JSON.parse('{"__proto__":{"x":1},"family":"ipv4"}')], false],
  ];
  for (const [name, v, ok] of cases) {
    it(`connection keys: ${name} → ${ok ? 'accepted' : 'refused'} by both`, () => {
      const ipc = (() => {
        try {
          validateConnKeys([v]);
          return true;
        } catch {
          return false;
        }
      })();
      const serve = (() => {
        try {
          parseConnKeys(JSON.stringify(v));
          return true;
        } catch {
          return false;
        }
      })();
      assert.equal(ipc, ok, 'IPC');
      // serve limits the URL text, so 200 full keys are too long there: agree on everything else
      if (name !== '200 keys') assert.equal(serve, ok, 'serve');
      if (!ok) assert.throws(() => checkConnKeys(v), QueryError);
    });
  }

  it('kill requests: strict ends only, each refusal says why', () => {
    assert.deepEqual(checkKillRequest({ local: '[2001:db8::2]:40000', remote: '[2001:db8::1]:443' }), { local: '[2001:db8::2]:40000', remote: '[2001:db8::1]:443' });
    assert.deepEqual(validateKillRequest([{ local: '10.0.0.1:40000', remote: '10.0.0.9:443' }]), [{ local: '10.0.0.1:40000', remote: '10.0.0.9:443' }]);
    for (const bad of [{ local: '10.0.0.1:40000', remote: '[2001:db8::1]:443' }, { local: '10.0.0.1:40000' }, { local: '10.0.0.1', remote: '10.0.0.2:1' }, { local: '10.0.0.1:1;rm', remote: '10.0.0.2:1' }, { local: '0.0.0.0:1', remote: '10.0.0.2:1' }, 'x', null]) {
      assert.throws(() => checkKillRequest(bad), QueryError, JSON.stringify(bad));
      assert.throws(() => validateKillRequest([bad]), /waitline:killConnection/);
    }
  });
});
