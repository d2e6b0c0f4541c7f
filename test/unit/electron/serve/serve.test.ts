// `waitline serve` over real HTTP with the real collector (it only reads /proc), in this process:
// authentication, Host/Origin refusal, the read-only API, the event stream, static files; and the
// CLI as a user runs it (URL line, warnings, usage errors, clean shutdown).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../../../../electron/collector/index';
import { allowedHosts, startServe, type ServeHandle } from '../../../../electron/serve/server';
import { parseHistoryQuery, parseSocketQuery } from '../../../../electron/serve/validate';
import { createServeTransport, BridgeError } from '../../../../renderer/bridge';
import type { Snapshot } from '../../../../shared/snapshot';
import { SERVE_ROUTES } from '../../../../shared/serve-protocol';
import { openEvents } from './sse-client';
import { http } from './http-client';

/** Reads server-sent events until `count` events of `name` arrived. */
function readEvents(port: number, token: string, name: string, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const got: unknown[] = [];
    const stream = openEvents(
      port,
      token,
      (ev, data) => {
        if (ev === name && got.length < count) got.push(data);
        if (got.length >= count) {
          stream.stop();
          resolve(got);
        }
      },
      (e) => {
        if (got.length < count) reject(e);
      },
    );
  });
}

describe('waitline serve (in process, real collector)', () => {
  let server: ServeHandle;
  let staticDir: string;
  let port: number;
  let token: string;

  // the served folder and, beside it, a file no request may reach ('/../wl-outside-secret.txt')
  let parentDir: string;
  before(async () => {
    parentDir = mkdtempSync(join(tmpdir(), 'wl-serve-'));
    staticDir = join(parentDir, 'static');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Waitline</title><div id="root"></div>');
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(parentDir, 'wl-outside-secret.txt'), 'secret');
    server = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 200, version: '9.9.9' });
    port = server.port;
    token = server.token;
  });
  after(async () => {
    await server.close();
    rmSync(parentDir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 by default and prints a URL carrying a long random token', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{40,}$`));
    assert.ok(token.length >= 40);
  });

  it('answers every WaitlineApi method at its route (SERVE_ROUTES, derived from the IPC contract), and only with its HTTP method', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const query: Partial<Record<keyof typeof SERVE_ROUTES, string>> = {
      getHistory: '?from=0&to=1&maxPoints=1',
      exportData: `?r=${encodeURIComponent(JSON.stringify({ kind: 'budgets', format: 'csv' }))}`,
      connectionDetails: `?k=${encodeURIComponent(JSON.stringify([{ family: 'ipv4', localAddr: '127.0.0.1', localPort: 1, remoteAddr: '127.0.0.1', remotePort: 2 }]))}`,
    };
    for (const [name, route] of Object.entries(SERVE_ROUTES) as [keyof typeof SERVE_ROUTES, (typeof SERVE_ROUTES)[keyof typeof SERVE_ROUTES]][]) {
      const r = await http(port, route.path + (query[name] ?? ''), auth, route.method);
      // a PUT without a body is a 400 that says why; every other route answers 200
      assert.equal(r.status, route.method === 'PUT' ? 400 : 200, `${name}: ${route.method} ${route.path} → ${r.status} ${r.body.slice(0, 200)}`);
      const wrong = route.method === 'GET' ? 'POST' : route.method === 'POST' ? 'GET' : 'POST';
      assert.equal((await http(port, route.path + (query[name] ?? ''), auth, wrong)).status, 405, `${name}: ${wrong} is refused`);
    }
    const ro = JSON.parse((await http(port, SERVE_ROUTES.applyTuning.path, auth, 'POST')).body) as { ok: boolean; code: string };
    assert.deepEqual([ro.ok, ro.code], [false, 'read_only']);
  });

  it('answers 401 without the token or with a wrong one, on pages, API and events', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/api/info', '/api/events', '/api/history?from=0&to=1&maxPoints=1']) {
      const r = await http(port, path);
      assert.equal(r.status, 401, path);
      assert.match(JSON.parse(r.body).error, /access token/);
    }
    assert.equal((await http(port, '/api/info', { Authorization: 'Bearer nope' })).status, 401);
    assert.equal((await http(port, `/api/info?token=${token}x`)).status, 401);
    assert.equal((await http(port, '/api/info', { Cookie: 'waitline_token=nope' })).status, 401);
  });

  it('refuses a Host or Origin that is not the served address, even with the token', async () => {
    const evil = await http(port, `/api/info?token=${token}`, { Host: `attacker.example:${port}` });
    assert.equal(evil.status, 403);
    assert.match(JSON.parse(evil.body).error, /Host header "attacker\.example/);
    assert.equal((await http(port, `/api/info?token=${token}`, { Host: `127.0.0.1:${port + 1}` })).status, 403);
    const origin = await http(port, `/api/info?token=${token}`, { Origin: 'http://attacker.example' });
    assert.equal(origin.status, 403);
    assert.equal((await http(port, `/api/info?token=${token}`, { Origin: 'null' })).status, 403);
    assert.equal((await http(port, `/api/info?token=${token}`, { Origin: `http://127.0.0.1:${port}` })).status, 200);
    assert.equal((await http(port, `/api/info?token=${token}`, { Host: `localhost:${port}` })).status, 200);
  });

  it('serves the page with the token and sets an HttpOnly cookie so its assets load', async () => {
    const page = await http(port, `/?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<div id="root">/);
    // the desktop app's strict policy, with the page's own origin the only place it may connect to
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe/);
    const cookie = String(page.headers['set-cookie']);
    assert.match(cookie, /waitline_token=.+; HttpOnly; SameSite=Strict; Path=\//);
    const asset = await http(port, '/assets/app.js', { Cookie: cookie.split(';')[0] });
    assert.equal(asset.status, 200);
    assert.match(String(asset.headers['content-type']), /javascript/);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const path of ['/../wl-outside-secret.txt', '/%2e%2e/wl-outside-secret.txt', '/assets/../../wl-outside-secret.txt', '/%00']) {
      const r = await http(port, path, { Authorization: `Bearer ${token}` });
      assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
      assert.doesNotMatch(r.body, /secret/);
    }
  });

  it('getInfo says serve, read-only, this kernel', async () => {
    const r = await http(port, '/api/info', { Authorization: `Bearer ${token}` });
    const info = JSON.parse(r.body);
    assert.equal(info.transport, 'serve');
    assert.equal(info.readOnly, true);
    assert.equal(info.version, '9.9.9');
    assert.equal(info.tickMs, 200);
    assert.match(info.kernel, /^\d+\.\d+/);
  });

  it('streams the current status and a snapshot per tick over server-sent events', async () => {
    const [status] = await readEvents(port, token, 'status', 1);
    assert.equal((status as { state: string }).state, 'running');
    const snaps = (await readEvents(port, token, 'snapshot', 3)) as Snapshot[];
    assert.equal(snaps.length, 3);
    assert.ok(snaps[2].seq > snaps[0].seq, 'new snapshots keep coming');
    assert.equal(typeof snaps[0].states.TIME_WAIT, 'number');
  });

  it('answers history from its ring buffer, downsampled, and rejects bad queries with 400', async () => {
    const now = Date.now();
    const r = await http(port, `/api/history?from=${now - 60_000}&to=${now + 1000}&maxPoints=2`, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    const h = JSON.parse(r.body);
    assert.ok(server.history.memory.size >= 3);
    assert.ok(h.times.length >= 1 && h.times.length <= 2, `downsampled to ${h.times.length}`);
    assert.equal(h.states.TIME_WAIT.length, h.times.length);
    const bad = await http(port, `/api/history?from=10&to=5&maxPoints=2`, { Authorization: `Bearer ${token}` });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /toMs \(5\) is before fromMs \(10\)/);
    const big = await http(port, `/api/history?from=0&to=5&maxPoints=99999`, { Authorization: `Bearer ${token}` });
    assert.equal(big.status, 400);
    assert.match(JSON.parse(big.body).error, /maxPoints/);
  });

  it('pages the socket table and rejects bad socket queries with a specific 400', async () => {
    const q = encodeURIComponent(JSON.stringify({ limit: 5, sort: 'localPort' }));
    const r = await http(port, `/api/sockets?q=${q}`, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    const page = JSON.parse(r.body);
    assert.ok(page.rows.length <= 5);
    assert.equal(typeof page.tableSize, 'number');
    const bad = await http(port, `/api/sockets?q=${encodeURIComponent('{"states":["WAITING"]}')}`, { Authorization: `Bearer ${token}` });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error, /states contains "WAITING", which is not a TCP state/);
    const notJson = await http(port, `/api/sockets?q=%7B`, { Authorization: `Bearer ${token}` });
    assert.equal(notJson.status, 400);
  });

  it('is read-only: tuning reads say why, writes answer read_only', async () => {
    const t = JSON.parse((await http(port, '/api/tuning', { Authorization: `Bearer ${token}` })).body);
    assert.equal(t.writable, false);
    assert.match(t.readOnlyReason, /read-only/);
    assert.ok(t.knobs.some((k: { key: string }) => k.key === 'net.ipv4.tcp_tw_reuse'));
    for (const path of ['/api/tuning/apply', '/api/tuning/confirm', '/api/tuning/revert']) {
      const r = await http(port, path, { Authorization: `Bearer ${token}` }, 'POST');
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body).code, 'read_only');
    }
    assert.equal((await http(port, '/api/info', { Authorization: `Bearer ${token}` }, 'POST')).status, 405);
  });

  it('the renderer bridge talks to it over fetch, and reports a refused token clearly', async () => {
    const api = createServeTransport({ baseUrl: `http://127.0.0.1:${port}`, token });
    const info = await api.getInfo();
    assert.equal(info.transport, 'serve');
    const now = Date.now();
    const h = await api.getHistory({ fromMs: now - 60_000, toMs: now + 1000, maxPoints: 100 });
    assert.ok(h.times.length >= 1);
    const page = await api.querySockets({ limit: 3 });
    assert.ok(page.rows.length <= 3);
    const w = await api.applyTuning({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.deepEqual(w.ok, false);
    const wrong = createServeTransport({ baseUrl: `http://127.0.0.1:${port}`, token: 'wrong' });
    await assert.rejects(wrong.getInfo(), (e: unknown) => e instanceof BridgeError && /access token was refused/.test(e.message));
    const gone = createServeTransport({ baseUrl: 'http://127.0.0.1:1', token });
    await assert.rejects(gone.getInfo(), /cannot reach waitline serve/);
  });
});

describe('waitline serve with a failing collector', () => {
  it('keeps serving and streams a restarting status with the reason; recovers when ticks succeed', async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'wl-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const real = createCollector();
    let failing = true;
    // fault injection around the real collector: the first ticks throw
    const collector = {
      tick: () => (failing ? Promise.reject(new Error('cannot read /proc/net/tcp: EACCES')) : real.tick()),
      querySockets: (q: Parameters<typeof real.querySockets>[0]) => real.querySockets(q),
      setDemand: (d: Parameters<typeof real.setDemand>[0]) => real.setDemand(d),
    };
    const server = await startServe({ collector, staticDir, port: 0, tickMs: 100 });
    try {
      const [status] = (await readEvents(server.port, server.token, 'status', 1)) as { state: string; message: string }[];
      assert.equal(status.state, 'restarting');
      assert.match(status.message, /the collector failed: cannot read \/proc\/net\/tcp: EACCES/);
      const info = await http(server.port, '/api/info', { Authorization: `Bearer ${server.token}` });
      assert.equal(info.status, 200, 'the API still answers');
      failing = false;
      const snaps = (await readEvents(server.port, server.token, 'snapshot', 1)) as Snapshot[];
      assert.equal(typeof snaps[0].states.ESTABLISHED, 'number');
    } finally {
      await server.close();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});

describe('serve helpers', () => {
  it('accepts loopback names for a loopback bind and only the bound address otherwise', () => {
    assert.deepEqual([...allowedHosts('127.0.0.1', 80)].sort(), ['127.0.0.1:80', 'localhost:80']);
    assert.deepEqual([...allowedHosts('::1', 80)].sort(), ['[::1]:80', 'localhost:80']);
    assert.deepEqual([...allowedHosts('10.1.2.3', 8080)], ['10.1.2.3:8080']);
    const wild = allowedHosts('0.0.0.0', 7780);
    assert.ok(wild.has('127.0.0.1:7780') && wild.has('localhost:7780'));
    assert.ok(!wild.has('attacker.example:7780'));
  });

  it('validates query parameters with specific messages', () => {
    assert.deepEqual(parseHistoryQuery(new URLSearchParams('from=1&to=2&maxPoints=3')), { fromMs: 1, toMs: 2, maxPoints: 3 });
    assert.throws(() => parseHistoryQuery(new URLSearchParams('to=2&maxPoints=3')), /missing parameter "from"/);
    assert.throws(() => parseHistoryQuery(new URLSearchParams('from=x&to=2&maxPoints=3')), /"from" must be a whole number/);
    assert.deepEqual(parseSocketQuery('{"states":["TIME_WAIT"],"port":80,"limit":10}'), { states: ['TIME_WAIT'], port: 80, limit: 10 });
    assert.throws(() => parseSocketQuery('{"port":70000}'), /port must be an integer from 0 to 65535, got 70000/);
    assert.throws(() => parseSocketQuery('{"limit":5000}'), /limit must be an integer from 1 to 1000, got 5000/);
    assert.throws(() => parseSocketQuery('{"sort":"pid"}'), /sort must be one of/);
    assert.throws(() => parseSocketQuery('{"evil":1}'), /the socket query has an unknown field "evil"/);
    assert.throws(() => parseSocketQuery('[1]'), /the socket query must be an object, got an array/);
    assert.throws(() => parseHistoryQuery(new URLSearchParams('from=5&to=2&maxPoints=3')), /toMs \(2\) is before fromMs \(5\)/);
    assert.throws(() => parseHistoryQuery(new URLSearchParams('from=1&to=2&maxPoints=4001')), /maxPoints must be an integer from 1 to 4000, got 4001/);
  });
});

describe('waitline serve CLI', () => {
  const CLI = 'dist/cli.mjs';
  // every `waitline serve` here records its history under a temp folder, never the user's
  const stateHome = mkdtempSync(join(tmpdir(), 'wl-serve-state-'));
  after(() => rmSync(stateHome, { recursive: true, force: true }));

  function run(
    args: string[],
    untilLine?: RegExp,
    uid?: number,
    env?: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; stdout: string; stderr: string; signalled: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(uid === undefined ? {} : { uid, gid: uid }),
        env: { ...process.env, XDG_STATE_HOME: stateHome, ...env },
      });
      let stdout = '';
      let stderr = '';
      let signalled = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`waitline ${args.join(' ')} did not finish; stdout: ${stdout}; stderr: ${stderr}`));
      }, 20_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (untilLine && !signalled && untilLine.test(stdout)) {
          signalled = true;
          child.kill('SIGTERM');
        }
      });
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, signalled });
      });
    });
  }

  it('prints the URL on its own line and exits 0 on SIGTERM', async () => {
    assert.ok(existsSync(CLI), 'the CLI is built (npm test runs the build first)');
    const r = await run(['serve', '--port', '0'], /^http:.*$/m);
    assert.ok(r.signalled, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/m);
    assert.match(r.stdout, /SIGTERM received, stopping/);
    assert.equal(r.stderr, '', 'no warning for the loopback default');
  });

  it('warns when listening on every interface', async () => {
    const r = await run(['serve', '--port', '0', '--host', '0.0.0.0'], /^http:.*$/m);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: --host 0\.0\.0\.0 listens on every network interface/);
  });

  it('rejects bad options with a usage error (exit 2), not a stack trace', async () => {
    for (const [args, msg] of [
      [['serve', '--port', 'eighty'], /--port must be a number from 0 to 65535, not "eighty"/],
      [['serve', '--port', '70000'], /--port must be a number/],
      [['serve', '--host', 'a b'], /--host must be an IP address of this machine .* or "localhost", not "a b"/],
      [['serve', '--bogus'], /unknown option --bogus/],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('validates --host before any warning: an IP literal or localhost, nothing to resolve', async () => {
    for (const h of ['999.1.1.1', 'example.com', '1.2.3', '::g', 'fe80::1%eth0', '[::1']) {
      const r = await run(['serve', '--port', '0', '--host', h]);
      assert.equal(r.code, 2, `${h}: ${r.stderr}`);
      assert.match(r.stderr, /--host must be an IP address of this machine \(e\.g\. 127\.0\.0\.1, ::1, or 0\.0\.0\.0 for every interface\) or "localhost"/);
      assert.doesNotMatch(r.stderr, /warning|EAI_|getaddrinfo/, h);
    }
    const local = await run(['serve', '--port', '0', '--host', 'localhost'], /^http:.*$/m);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/m);
    assert.equal(local.stderr, '');
  });

  it('a port in use is one clear line and exit 1', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await run(['serve', '--port', String(port)]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `waitline serve: port ${port} on 127.0.0.1 is already in use; pick another with --port\n`);
    } finally {
      busy.close();
    }
  });

  it('a privileged port for an unprivileged user is one clear line and exit 1', async (t) => {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    if (process.getuid?.() !== 0 || start <= 80) return t.skip('needs root to switch to an unprivileged user, and port 80 privileged');
    // HOME still names root's; the alert settings are looked for where this user can look (none there)
    const r = await run(['serve', '--port', '80'], undefined, 65534, { HOME: '/nonexistent', XDG_CONFIG_HOME: '' });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, 'waitline serve: not allowed to listen on port 80 (ports below 1024 need root)\n');
  });

  it('the built CLI runs its collector in a worker thread from the bundle: ticks and socket pages', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_STATE_HOME: stateHome } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const deadline = Date.now() + 15_000;
      while (!/^http:\S+$/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = new URL(/^http:\S+$/m.exec(out)?.[0] ?? assert.fail('no URL'));
      const port = Number(url.port);
      const token = url.searchParams.get('token') ?? '';
      const snaps = (await readEvents(port, token, 'snapshot', 3)) as Snapshot[];
      assert.ok(snaps[2].seq > snaps[0].seq);
      const threads = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/^Threads:\s+(\d+)/m)?.[1];
      assert.ok(Number(threads) > 1);
      const r = await http(port, `/api/sockets?q=${encodeURIComponent('{"limit":3}')}`, { Authorization: `Bearer ${token}` });
      assert.equal(r.status, 200);
      const page = JSON.parse(r.body);
      assert.ok(page.tableSize >= 1 && page.rows.length <= 3);
      assert.ok(page.rows.some((row: { localPort: number }) => row.localPort === port) || page.tableSize > 3, 'sees its own listening socket');
    } finally {
      child.kill('SIGTERM');
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.on('exit', () => r())));
    }
  });

  it("uses the desktop app's alert-settings.json by default ($XDG_CONFIG_HOME/Waitline), or --alert-settings FILE", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-serve-cli-alerts-'));
    try {
      mkdirSync(join(dir, 'Waitline'));
      const appFile = join(dir, 'Waitline', 'alert-settings.json');
      writeFileSync(appFile, JSON.stringify({ closeWaitMinCount: 7 }));
      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ closeWaitMinCount: 3 }));
      // the thresholds the server answers, read from a running server
      const thresholds = async (args: string[], env: NodeJS.ProcessEnv): Promise<{ min: number; out: string }> => {
        const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_STATE_HOME: stateHome, ...env } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        try {
          const deadline = Date.now() + 15_000;
          while (!/^Stop with/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          const url = new URL(/^http:\S+$/m.exec(out)?.[0] ?? assert.fail(`no URL in ${out}`));
          const r = await http(Number(url.port), '/api/alert-settings', { Authorization: `Bearer ${url.searchParams.get('token')}` });
          assert.equal(r.status, 200, r.body);
          return { min: (JSON.parse(r.body) as { closeWaitMinCount: number }).closeWaitMinCount, out };
        } finally {
          child.kill('SIGTERM');
          await new Promise<void>((r) => (child.exitCode !== null ? r() : child.on('exit', () => r())));
        }
      };
      const byDefault = await thresholds([], { XDG_CONFIG_HOME: dir });
      assert.equal(byDefault.min, 7);
      assert.ok(byDefault.out.includes(`Alert thresholds: ${appFile} `), byDefault.out);
      const given = await thresholds(['--alert-settings', other], { XDG_CONFIG_HOME: dir });
      assert.equal(given.min, 3);
      assert.ok(given.out.includes(`Alert thresholds: ${other} `), given.out);
      // no XDG_CONFIG_HOME: ~/.config under HOME
      const home = await thresholds([], { XDG_CONFIG_HOME: '', HOME: join(dir, 'home') });
      assert.ok(home.out.includes(`Alert thresholds: ${join(dir, 'home', '.config', 'Waitline', 'alert-settings.json')} `), home.out);
      assert.equal(home.min, 10, 'a missing file is the defaults');
      const bad = await run(['serve', '--port', '0', '--alert-settings'], undefined, undefined, { XDG_CONFIG_HOME: dir });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--alert-settings needs a value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the address is not on this machine', async () => {
    const r = await run(['serve', '--port', '0', '--host', '192.0.2.77']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot listen on 192\.0\.2\.77: no such address on this machine/);
  });
});
