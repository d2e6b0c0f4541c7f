// `waitline serve` and names (docs/names.md): getInfo carries the service names; GET /api/names
// answers reverse-DNS names only when serve was started with them allowed — by default it sends no
// DNS query at all — and refuses anything that is not a short list of addresses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Collector, createCollector, type SocketSource } from '../../../../electron/collector/index';
import { SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { createServeTransport } from '../../../../renderer/bridge';
import type { AppInfo } from '../../../../shared/api';
import { MAX_NAME_REQUEST } from '../../../../shared/names';

describe('waitline serve names', () => {
  let staticDir: string;
  let off: ServeHandle;
  let on: ServeHandle;
  const askedOff: string[] = [];
  const askedOn: string[] = [];

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const reverse = (log: string[]) => async (ip: string) => {
      log.push(ip);
      return ip === '93.184.216.34' ? ['example.com'] : [];
    };
    // names not allowed (the default); the lookup is injected only to count that it never runs
    off = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 1000, reverseDns: { enabled: false, reverse: reverse(askedOff) } });
    on = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 1000, reverseDns: { enabled: true, reverse: reverse(askedOn) } });
  });
  after(async () => {
    await off.close();
    await on.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  const get = (s: ServeHandle, path: string) => fetch(`http://127.0.0.1:${s.port}${path}`, { headers: { Authorization: `Bearer ${s.token}` } });

  it('getInfo carries the service names and whether names are looked up', async () => {
    const info = (await (await get(off, '/api/info')).json()) as AppInfo;
    assert.equal(info.reverseDns, false);
    assert.equal(typeof info.services, 'object');
    if (info.servicesNote === null) assert.equal(info.services?.[22], 'ssh', '/etc/services names 22/tcp ssh');
    const infoOn = (await (await get(on, '/api/info')).json()) as AppInfo;
    assert.equal(infoOn.reverseDns, true);
  });

  it('by default sends no DNS query: only loopback is answered', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${off.port}`, token: off.token });
    assert.deepEqual(await api.resolveNames(['93.184.216.34', '127.0.0.1', '::1']), { '127.0.0.1': 'localhost', '::1': 'localhost' });
    assert.deepEqual(askedOff, []);
  });

  it('with names allowed: answers what it knows at once and the rest on a later request', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${on.port}`, token: on.token });
    const first = await api.resolveNames(['93.184.216.34', '2001:db8::7', '127.0.0.1']);
    assert.deepEqual(first, { '127.0.0.1': 'localhost' }, 'the lookups run in the background');
    await new Promise((r) => setTimeout(r, 20));
    const second = await api.resolveNames(['93.184.216.34', '2001:db8::7']);
    assert.deepEqual(second, { '93.184.216.34': 'example.com', '2001:db8::7': null });
    assert.deepEqual(askedOn.sort(), ['2001:db8::7', '93.184.216.34']);
    await api.resolveNames(['93.184.216.34']);
    assert.equal(askedOn.length, 2, 'cached');
  });

  it('refuses what is not a short list of addresses (400, a reason)', async () => {
    for (const a of ['example.com', '1.2.3.4,<script>', '1.2.3.4,,5.6.7.8', Array.from({ length: MAX_NAME_REQUEST + 1 }, (_, i) => `10.0.0.${i % 250}`).join(',')]) {
      const r = await get(on, `/api/names?a=${encodeURIComponent(a)}`);
      assert.equal(r.status, 400, a.slice(0, 40));
      assert.match(((await r.json()) as { error: string }).error, /address/);
    }
    const none = await get(on, '/api/names');
    assert.equal(none.status, 200);
    assert.deepEqual(await none.json(), {});
    const post = await fetch(`http://127.0.0.1:${on.port}/api/names`, { method: 'POST', headers: { Authorization: `Bearer ${on.token}` } });
    assert.equal(post.status, 405);
    const anon = await fetch(`http://127.0.0.1:${on.port}/api/names?a=1.2.3.4`);
    assert.equal(anon.status, 401);
  });
});

describe('waitline serve --resolve-names', () => {
  /** starts the CLI, reads its URL, asks /api/info, stops it */
  async function infoOf(args: string[]): Promise<AppInfo> {
    const child = spawn(process.execPath, ['bin/waitline.mjs', 'serve', '--port', '0', '--no-history', '--no-metrics', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const deadline = Date.now() + 15_000;
      while (!/^Stop with/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = new URL(/^http:\S+$/m.exec(out)?.[0] ?? assert.fail(`no URL in ${out}`));
      const r = await fetch(`http://127.0.0.1:${url.port}/api/info`, { headers: { Authorization: `Bearer ${url.searchParams.get('token')}` } });
      return (await r.json()) as AppInfo;
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }

  it('turns reverse DNS on only when asked on the command line', async () => {
    assert.equal((await infoOf([])).reverseDns, false);
    assert.equal((await infoOf(['--resolve-names'])).reverseDns, true);
  });
});

describe('the connection filter matches host names already resolved (serve, a synthetic table)', () => {
  let staticDir: string;
  let on: ServeHandle;
  let off: ServeHandle;
  const table = () => {
    const b = new SocketTableBuilder(4);
    const row = (remoteAddr: string, remotePort: number, localPort: number) =>
      b.push({ family: 4, state: 1, localAddr: '10.0.0.1', localPort, remoteAddr, remotePort, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode: localPort });
    row('93.184.216.34', 443, 40001);
    row('93.184.216.34', 443, 40002);
    row('10.0.0.9', 5432, 40003);
    return b.finish();
  };
  const source: SocketSource = { name: 'netlink', read: async () => ({ table: table(), source: 'netlink', skipped: {}, unknownStates: 0 }) };
  const reverse = async (ip: string) => (ip === '93.184.216.34' ? ['www.example.com'] : ['db.internal']);

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    on = await startServe({ collector: new Collector({ socketSource: source }), staticDir, port: 0, tickMs: 1000, reverseDns: { enabled: true, reverse } });
    off = await startServe({ collector: new Collector({ socketSource: source }), staticDir, port: 0, tickMs: 1000, reverseDns: { enabled: false, reverse } });
  });
  after(async () => {
    await on.close();
    await off.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('finds the rows whose remote name contains the text, once the name is known; numbers stay numbers', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${on.port}`, token: on.token });
    assert.equal((await api.querySockets({ address: 'example' })).total, 0, 'no name is known yet (and the filter starts no lookup)');
    await api.resolveNames(['93.184.216.34', '10.0.0.9']);
    await new Promise((r) => setTimeout(r, 30));
    const page = await api.querySockets({ address: 'Example.COM' });
    assert.equal(page.total, 2);
    assert.deepEqual(page.rows.map((r) => r.localPort).sort(), [40001, 40002]);
    assert.equal((await api.querySockets({ address: 'db.internal' })).rows[0]?.remoteAddr, '10.0.0.9');
    assert.equal((await api.querySockets({ address: '10.0.0.9' })).total, 1, 'an address still matches as text');
    assert.equal((await api.querySockets({ address: 'nomatch.example' })).total, 0);
  });

  it('a serve without names never matches host names', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${off.port}`, token: off.token });
    await api.resolveNames(['93.184.216.34']);
    assert.equal((await api.querySockets({ address: 'example' })).total, 0);
  });
});
