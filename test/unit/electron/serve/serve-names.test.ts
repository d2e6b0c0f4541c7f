// `waitline serve` and names (docs/names.md): getInfo carries the service names; GET /api/names
// answers reverse-DNS names only when serve was started with them allowed — by default it sends no
// DNS query at all — and refuses anything that is not a short list of addresses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCollector } from '../../../../electron/collector/index';
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
