// /metrics in `waitline serve` over real HTTP with the real collector: who may scrape (the dashboard
// token, the metrics-only token, nothing else), the Host check a bearer token skips and a cookie does
// not, both formats, --metrics-only, and the CLI's flags and token files as a user meets them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../../../../electron/collector/index';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { parseExposition } from './exposition';
import { http } from './http-client';

const METRICS_TOKEN = 'metrics-only-0123456789abcdef';
const CLI = 'bin/waitline.mjs';

describe('/metrics in waitline serve (in process, real collector)', () => {
  let server: ServeHandle;
  let only: ServeHandle;
  let staticDir: string;

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-metrics-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Waitline</title>');
    server = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 200, version: '7.7.7', metrics: { token: METRICS_TOKEN, topK: 5 } });
    only = await startServe({ collector: createCollector(), staticDir: null, port: 0, tickMs: 200, version: '7.7.7', metrics: { only: true } });
  });
  after(async () => {
    await server.close();
    await only.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('answers the dashboard token and the metrics token, in the text format by default', async () => {
    for (const t of [server.token, METRICS_TOKEN]) {
      const r = await http(server.port, '/metrics', { Authorization: `Bearer ${t}` });
      assert.equal(r.status, 200, r.body.slice(0, 200));
      assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
      const build = parseExposition(r.body).find((s) => s.name === 'waitline_build_info');
      assert.deepEqual(build, { name: 'waitline_build_info', labels: { version: '7.7.7' }, value: 1 });
    }
    const om = await http(server.port, '/metrics', { Authorization: `Bearer ${METRICS_TOKEN}`, Accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' });
    assert.equal(om.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.ok(om.body.endsWith('# EOF\n'));
  });

  it('refuses a scrape without a token or with a wrong one (401, with WWW-Authenticate)', async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: `Bearer ${METRICS_TOKEN}x` }, { Authorization: `Basic ${METRICS_TOKEN}` }]) {
      const r = await http(server.port, '/metrics', headers);
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.match(JSON.parse(r.body).error, /Authorization: Bearer/);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="waitline"');
    }
  });

  it('the metrics token opens /metrics only: never the dashboard or its API', async () => {
    for (const path of ['/', '/api/info', '/api/events', `/api/sockets?q=${encodeURIComponent('{}')}`]) {
      assert.equal((await http(server.port, path, { Authorization: `Bearer ${METRICS_TOKEN}` })).status, 401, path);
    }
    assert.equal((await http(server.port, `/api/info?token=${METRICS_TOKEN}`)).status, 401);
  });

  it('a bearer token skips the Host check (a scraper uses its own name for the server); a cookie does not', async () => {
    const evil = { Host: `prometheus-target.example:${server.port}` };
    assert.equal((await http(server.port, '/metrics', { ...evil, Authorization: `Bearer ${METRICS_TOKEN}` })).status, 200);
    assert.equal((await http(server.port, '/metrics', { ...evil, Cookie: `waitline_token=${server.token}` })).status, 403);
    assert.equal((await http(server.port, '/metrics', { Cookie: `waitline_token=${server.token}` })).status, 200);
    // and the bypass is for /metrics only
    assert.equal((await http(server.port, '/api/info', { ...evil, Authorization: `Bearer ${server.token}` })).status, 403);
  });

  it('takes GET and HEAD only', async () => {
    const auth = { Authorization: `Bearer ${METRICS_TOKEN}` };
    assert.equal((await http(server.port, '/metrics', auth, 'POST')).status, 405);
    const head = await http(server.port, '/metrics', auth, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('lists at most K destinations of its own (topK 5 here): the collector lists as many as the metrics need', async () => {
    const r = await http(server.port, '/metrics', { Authorization: `Bearer ${server.token}` });
    const dsts = new Set(parseExposition(r.body).filter((s) => s.name === 'waitline_destination_ports_held').map((s) => s.labels.dst));
    dsts.delete('other');
    assert.ok(dsts.size <= 5, [...dsts].join(', '));
  });

  it('--metrics-only serves /metrics (bearer only) and says so everywhere else', async () => {
    const ok = await http(only.port, '/metrics', { Authorization: `Bearer ${only.token}` });
    assert.equal(ok.status, 200);
    for (const path of ['/', '/index.html', '/api/info', `/api/info?token=${only.token}`]) {
      const r = await http(only.port, path, { Authorization: `Bearer ${only.token}` });
      assert.equal(r.status, 404, path);
      assert.match(JSON.parse(r.body).error, /--metrics-only/);
    }
    assert.equal((await http(only.port, '/metrics', { Cookie: `waitline_token=${only.token}` })).status, 401);
    assert.equal((await http(only.port, `/metrics?token=${only.token}`)).status, 401);
  });
});

describe('waitline serve: metrics flags and token files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wl-metrics-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--no-history', ...args], { encoding: 'utf8', timeout: 20_000 });
  const file = (name: string, text: string, mode: number) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    return p;
  };

  it('refuses a bad token file with what is wrong and how to fix it (exit 2, nothing served)', () => {
    const cases: [string, RegExp][] = [
      [file('world', 'abcdefghijklmnopqrstuvwxyz\n', 0o644), /readable by every user \(mode 644\); chmod o-r it/],
      [file('short', 'abc123\n', 0o600), /at least 16 characters \(it has 6\)/],
      [file('spaces', 'abcdefgh ijklmnopqrstuvwxyz\n', 0o600), /one word of visible ASCII/],
      [join(dir, 'missing'), /cannot read it \(ENOENT\)/],
      [dir, /not a regular file/],
    ];
    for (const [path, re] of cases) {
      const r = run(['--metrics-token-file', path]);
      assert.equal(r.status, 2, `${path}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stdout, /http:/);
    }
  });

  it('refuses contradicting or out-of-range metrics flags', () => {
    const cases: [string[], RegExp][] = [
      [['--no-metrics', '--metrics-only'], /--no-metrics contradicts/],
      [['--metrics-top', '0'], /--metrics-top takes a whole number from 1 to 200; got "0"/],
      [['--metrics-top', '201'], /from 1 to 200; got "201"/],
      [['--metrics-top', '2x'], /got "2x"/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    const same = file('same', 'abcdefghijklmnopqrstuvwxyz\n', 0o600);
    const r = run(['--token-file', same, '--metrics-token-file', same]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /hold the same token/);
  });

  it('--metrics-only with a token file: prints where to scrape, serves it with the file\'s token, stops on SIGTERM', async () => {
    const tok = file('tok', '  s3cret-token-0123456789abcdef\n', 0o640);
    const child = spawn(process.execPath, [CLI, 'serve', '--metrics-only', '--port', '0', '--no-history', '--metrics-token-file', tok, '--metrics-top', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const deadline = Date.now() + 15_000;
      while (!/^Stop with/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /^Waitline Prometheus metrics on .*: (http:\S+\/metrics)$/m.exec(out)?.[1] ?? assert.fail(`no metrics URL in ${out}`);
      assert.doesNotMatch(out, /token=/, 'no dashboard URL is printed');
      const port = Number(new URL(url).port);
      const r = await http(port, '/metrics', { Authorization: 'Bearer s3cret-token-0123456789abcdef' });
      assert.equal(r.status, 200, r.body.slice(0, 200));
      assert.ok(parseExposition(r.body).some((s) => s.name === 'waitline_tcp_sockets'));
      assert.equal((await http(port, '/', { Authorization: 'Bearer s3cret-token-0123456789abcdef' })).status, 404);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0);
  });
});
