// `waitline serve` under hostile HTTP, over raw TCP (node:net, exact bytes): malformed request targets,
// poisoned cookies, bad and duplicate headers, wrong/truncated tokens, odd methods, broken body
// framing, slow clients and clients that stop reading their event stream. Each request gets its
// specific status and the server keeps answering a valid request after every class. The server is
// the real one (collector in its worker thread, from the TypeScript sources).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { bearerToken, cookieValues, parseTarget, sameToken } from '../../../../electron/serve/http-guard';
import { createCollector } from '../../../../electron/collector/index';
import type { Snapshot } from '../../../../shared/snapshot';
import { rawRequest, req } from './serve-raw';

function makeStatic(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wl-adv-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Waitline</title><div id="root"></div>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

describe('waitline serve: hostile requests over raw TCP', () => {
  let server: ServeHandle;
  let staticDir: string;
  let H: string;
  let T: string;
  let sent = 0;
  const logs: string[] = [];

  before(async () => {
    staticDir = makeStatic();
    server = await startServe({
      staticDir,
      port: 0,
      tickMs: 200,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      log: (l) => logs.push(l),
    });
    H = `127.0.0.1:${server.port}`;
    T = server.token;
  });
  after(async () => {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  async function expect(name: string, data: string | Buffer, status: number, extra?: (r: Awaited<ReturnType<typeof rawRequest>>) => void): Promise<void> {
    const r = await rawRequest(server.port, data, { timeoutMs: 4000 });
    sent++;
    assert.equal(r.status, status, `${name}: got ${r.status} ${r.body.slice(0, 200)}`);
    extra?.(r);
  }

  async function alive(): Promise<void> {
    const r = await rawRequest(server.port, req('GET', '/api/info', H, [`Authorization: Bearer ${T}`]));
    assert.equal(r.status, 200, 'the server still answers a valid request');
    assert.equal(JSON.parse(r.body).transport, 'serve');
  }

  it('malformed request targets: 400/401/404/414/431, never a crash', async () => {
    const cases: [string, string | Buffer, number][] = [
      ['//', req('GET', '//', H), 401],
      ['// with token', req('GET', `//?token=${T}`, H), 404],
      ['///', req('GET', `///?token=${T}`, H), 404],
      ['/%', req('GET', '/%', H), 400],
      ['/%zz', req('GET', '/%zz', H), 400],
      ['/%E0%A4%A', req('GET', '/%E0%A4%A', H), 400],
      ['/% with token', req('GET', `/%?token=${T}`, H), 400],
      ['/%zz in query', req('GET', `/api/info?token=${T}&x=%zz`, H), 400],
      ['bad UTF-8 path', req('GET', `/%C3%28?token=${T}`, H), 404],
      ['%00 path', req('GET', `/%00?token=${T}`, H), 404],
      ['%2e%2e', req('GET', `/%2e%2e/etc/passwd?token=${T}`, H), 404],
      ['..%2f', req('GET', `/assets/..%2f..%2fetc%2fpasswd?token=${T}`, H), 404],
      ['backslash', req('GET', `/assets\\..\\index.html?token=${T}`, H), 404],
      ['absolute-form bad host', req('GET', 'http://[bad/', H), 400],
      ['absolute-form other host', req('GET', `http://attacker.example:${server.port}/?token=${T}`, H), 403],
      ['absolute-form served host', req('GET', `http://${H}/api/info?token=${T}`, H), 200],
      ['absolute-form https', req('GET', `https://${H}/`, H), 400],
      ['asterisk', req('GET', '*', H), 400],
      ['OPTIONS *', req('OPTIONS', '*', H), 405],
      ['authority-form', req('GET', `${H}`, H), 400],
      ['relative', req('GET', 'index.html', H), 400],
      ['9 KB target', req('GET', '/' + 'a'.repeat(9000), H), 414],
      ['20 KB target', req('GET', '/' + 'a'.repeat(20_000), H), 431],
      ['100 KB target', req('GET', '/?q=' + 'a'.repeat(100_000), H), 431],
      ['NUL byte', Buffer.from(`GET /a\0b HTTP/1.1\r\nHost: ${H}\r\nConnection: close\r\n\r\n`, 'latin1'), 400],
      ['non-ASCII UTF-8', Buffer.from(`GET /é HTTP/1.1\r\nHost: ${H}\r\nConnection: close\r\n\r\n`, 'utf8'), 400],
      ['non-ASCII latin1', Buffer.from(`GET /\xff HTTP/1.1\r\nHost: ${H}\r\nConnection: close\r\n\r\n`, 'latin1'), 400],
      ['space in target', req('GET', '/a b', H), 400],
      ['tab in target', req('GET', '/a\tb', H), 400],
      ['fragment', req('GET', `/api/info?token=${T}#x`, H), 200],
      ['empty socket query', req('GET', `/api/sockets?q=&token=${T}`, H), 200],
      ['socket query bad JSON', req('GET', `/api/sockets?q=%7B&token=${T}`, H), 400],
      ['socket query too long', req('GET', `/api/sockets?q=${'a'.repeat(5000)}&token=${T}`, H), 400],
      ['history bad numbers', req('GET', `/api/history?from=x&to=%FF&maxPoints=1&token=${T}`, H), 400],
      ['unknown API', req('GET', `/api/nope?token=${T}`, H), 404],
      ['/api', req('GET', `/api?token=${T}`, H), 404],
      ['deep path', req('GET', `/${'a/'.repeat(40)}x?token=${T}`, H), 404],
      ['HTTP/2.0 line', `GET / HTTP/2.0\r\nHost: ${H}\r\nConnection: close\r\n\r\n`, 505],
      ['HTTP/9.9 line', `GET / HTTP/9.9\r\nHost: ${H}\r\n\r\n`, 400],
      ['LF-only line ends', `GET / HTTP/1.1\nHost: ${H}\n\n`, 400],
      ['HTTP/0.9 (no version)', `GET /\r\nHost: ${H}\r\n\r\n`, 505],
    ];
    for (const [name, data, status] of cases) await expect(name, data, status);
    await alive();
  });

  it('cookies: a poisoned or planted waitline_token is ignored, a valid credential still works', async () => {
    const bad = 'waitline_token=%E0%A4%A';
    const cases: [string, string[], string, number][] = [
      ['poisoned cookie alone', [`Cookie: ${bad}`], '/api/info', 401],
      ['poisoned cookie on the page', [`Cookie: ${bad}`], '/', 401],
      ['poisoned cookie + Bearer', [`Cookie: ${bad}`, `Authorization: Bearer ${T}`], '/api/info', 200],
      ['poisoned cookie + query', [`Cookie: ${bad}`], `/api/info?token=${T}`, 200],
      ['poisoned cookie before the real one', [`Cookie: ${bad}; waitline_token=${T}`], '/api/info', 200],
      ['poisoned cookie after the real one', [`Cookie: waitline_token=${T}; ${bad}`], '/api/info', 200],
      ['planted wrong cookie before the real one', [`Cookie: waitline_token=nope; waitline_token=${T}`], '/api/info', 200],
      ['100 planted cookies before the real one', [`Cookie: ${Array.from({ length: 100 }, () => 'waitline_token=x').join('; ')}; waitline_token=${T}`], '/api/info', 200],
      ['two Cookie headers', [`Cookie: ${bad}`, `Cookie: waitline_token=${T}`], '/api/info', 200],
      ['empty Cookie', ['Cookie: '], '/api/info', 401],
      ['empty value', ['Cookie: waitline_token='], '/api/info', 401],
      ['no name', ['Cookie: =x; ;;=;'], '/api/info', 401],
      ['only semicolons', ['Cookie: ;;;;;'], '/api/info', 401],
      ['quoted real token', [`Cookie: waitline_token="${T}"`], '/api/info', 200],
      ['lone %', ['Cookie: waitline_token=%'], '/api/info', 401],
      ['%00', ['Cookie: waitline_token=%00'], '/api/info', 401],
      ['name case', [`Cookie: WAITLINE_TOKEN=${T}`], '/api/info', 401],
      ['truncated cookie', [`Cookie: waitline_token=${T.slice(0, -1)}`], '/api/info', 401],
      ['500 cookies', [`Cookie: ${Array.from({ length: 500 }, (_, i) => `c${i}=v`).join('; ')}`], '/api/info', 401],
      ['20 KB cookie', [`Cookie: waitline_token=${'a'.repeat(20_000)}`], '/api/info', 431],
      ['encoded real token', [`Cookie: waitline_token=${encodeURIComponent(T)}`], '/api/info', 200],
    ];
    for (const [name, headers, path, status] of cases) await expect(name, req('GET', path, H, headers), status);
    await alive();
  });

  it('headers: Host, Origin, Authorization (truncated, extended, wrong-case tokens are all 401)', async () => {
    const cases: [string, string | Buffer, number][] = [
      ['missing Host (HTTP/1.1)', `GET /api/info?token=${T} HTTP/1.1\r\nConnection: close\r\n\r\n`, 400],
      ['missing Host (HTTP/1.0)', `GET /api/info?token=${T} HTTP/1.0\r\n\r\n`, 400],
      ['empty Host', req('GET', `/api/info?token=${T}`, '', []), 400],
      ['foreign Host', req('GET', `/api/info?token=${T}`, `attacker.example:${server.port}`), 403],
      ['Host without port', req('GET', `/api/info?token=${T}`, '127.0.0.1'), 403],
      ['Host userinfo', req('GET', `/api/info?token=${T}`, `127.0.0.1:${server.port}@evil`), 403],
      ['Host non-ASCII', Buffer.from(`GET / HTTP/1.1\r\nHost: é:1\r\nConnection: close\r\n\r\n`, 'utf8'), 403],
      ['duplicate Host', req('GET', `/api/info?token=${T}`, H, [`Host: ${H}`]), 400],
      ['duplicate Host, second foreign', req('GET', `/api/info?token=${T}`, H, ['Host: attacker.example']), 400],
      ['Origin null', req('GET', `/api/info?token=${T}`, H, ['Origin: null']), 403],
      ['Origin foreign', req('GET', `/api/info?token=${T}`, H, ['Origin: http://attacker.example']), 403],
      ['Origin https', req('GET', `/api/info?token=${T}`, H, [`Origin: https://${H}`]), 403],
      ['Origin served', req('GET', `/api/info?token=${T}`, H, [`Origin: http://${H}`]), 200],
      ['20 KB header', req('GET', '/', H, ['X-A: ' + 'a'.repeat(20_000)]), 431],
      ['500 small headers', req('GET', '/', H, Array.from({ length: 500 }, (_, i) => `X-${i}: v`)), 401],
      ['obs-fold', req('GET', '/', H, ['X-A: a', ' folded']), 400],
      ['space in header name', req('GET', '/', H, ['Bad Header: x']), 400],
      ['header without colon', req('GET', '/', H, ['NoColon']), 400],
      ['NUL in header value', Buffer.from(`GET / HTTP/1.1\r\nHost: ${H}\r\nX-A: a\0b\r\n\r\n`, 'latin1'), 400],
      ['CR in header value', `GET / HTTP/1.1\r\nHost: ${H}\r\nX-A: a\rb\r\n\r\n`, 400],
      ['duplicate Authorization (valid + wrong)', req('GET', '/api/info', H, [`Authorization: Bearer ${T}`, 'Authorization: Bearer x']), 400],
      ['duplicate Authorization (both valid)', req('GET', '/api/info', H, [`Authorization: Bearer ${T}`, `Authorization: Bearer ${T}`]), 400],
      ['Bearer, no token', req('GET', '/api/info', H, ['Authorization: Bearer']), 401],
      ['Bearer + space', req('GET', '/api/info', H, ['Authorization: Bearer ']), 401],
      ['Basic', req('GET', '/api/info', H, [`Authorization: Basic ${Buffer.from(`x:${T}`).toString('base64')}`]), 401],
      ['token without scheme', req('GET', '/api/info', H, [`Authorization: ${T}`]), 401],
      ['lower-case scheme', req('GET', '/api/info', H, [`Authorization: bearer ${T}`]), 200],
      ['upper-case scheme', req('GET', '/api/info', H, [`Authorization: BEARER ${T}`]), 200],
      ['two tokens', req('GET', '/api/info', H, [`Authorization: Bearer ${T} ${T}`]), 401],
      ['query token twice, wrong first', req('GET', `/api/info?token=x&token=${T}`, H), 401],
      ['query token empty', req('GET', '/api/info?token=', H), 401],
      ['query token with %00', req('GET', `/api/info?token=${T}%00`, H), 401],
      ['query token with +', req('GET', `/api/info?token=${T}+`, H), 401],
      ['Expect: 100-continue', req('GET', '/api/info', H, ['Expect: 100-continue']), 401],
      ['Upgrade: websocket on events', req('GET', '/api/events', H, ['Upgrade: websocket', 'Connection: Upgrade']), 401],
    ];
    for (const [name, data, status] of cases) await expect(name, data, status);

    // wrong tokens through each channel: every one must be 401 (a server that accepted a truncated
    // prefix, a longer string, or another case would fail here)
    const variants: [string, string][] = [];
    for (let n = 0; n < T.length; n += 3) variants.push([`prefix ${n}`, T.slice(0, n)]);
    variants.push([`prefix ${T.length - 1}`, T.slice(0, -1)]);
    variants.push(['suffix dropped first char', T.slice(1)]);
    for (const extra of ['x', '=', 'A', '0', '_']) variants.push([`token + "${extra}"`, T + extra]);
    variants.push(['upper case', T.toUpperCase()], ['lower case', T.toLowerCase()], ['reversed', [...T].reverse().join('')]);
    variants.push(['last char changed', T.slice(0, -1) + (T.endsWith('A') ? 'B' : 'A')]);
    let checked = 0;
    for (const [name, v] of variants) {
      if (v === T) continue;
      const enc = encodeURIComponent(v);
      await expect(`Bearer ${name}`, req('GET', '/api/info', H, [`Authorization: Bearer ${v}`]), 401);
      await expect(`query ${name}`, req('GET', `/api/info?token=${enc}`, H), 401);
      await expect(`cookie ${name}`, req('GET', '/api/info', H, [`Cookie: waitline_token=${enc}`]), 401);
      checked++;
    }
    assert.ok(checked >= 20);
    await alive();
  });

  it('methods: anything but GET/HEAD (and POST on the tuning endpoints) is 405; junk is 400', async () => {
    for (const m of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'FOO', 'get', 'Get']) {
      for (const path of ['/', '/api/info', `/api/events?token=${T}`]) {
        await expect(`${m} ${path}`, req(m, path, H), 405, (r) => assert.match(r.headers.allow ?? '', /GET/));
      }
    }
    await expect('CONNECT', `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`, 405);
    await expect('CONNECT to self', `CONNECT ${H} HTTP/1.1\r\nHost: ${H}\r\n\r\n`, 405);
    await expect('G@T', req('G@T', '/', H), 400);
    await expect('TLS hello', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), 400);
    await expect('binary junk', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)), 400);
    await expect('empty line then junk', '\r\n\r\nxx\r\n\r\n', 400);
    await expect('POST /api/info', req('POST', `/api/info?token=${T}`, H), 405);
    await expect('POST /', req('POST', `/?token=${T}`, H), 405);
    await expect('POST apply without token', req('POST', '/api/tuning/apply', H), 401);
    await expect('POST apply', req('POST', `/api/tuning/apply?token=${T}`, H, ['Content-Length: 2'], '{}'), 200, (r) =>
      assert.equal(JSON.parse(r.body).code, 'read_only'),
    );
    await expect('GET apply', req('GET', `/api/tuning/apply?token=${T}`, H), 405);
    await expect('HEAD page', req('HEAD', `/?token=${T}`, H), 200, (r) => assert.equal(r.body, ''));
    await expect('HEAD events', req('HEAD', `/api/events?token=${T}`, H), 200);
    await alive();
  });

  it('body framing: chunked, bad Transfer-Encoding, Content-Length mismatch', async () => {
    const cases: [string, string, number][] = [
      ['chunked GET', req('GET', `/api/info?token=${T}`, H, ['Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n'), 200],
      ['chunked GET without token', req('GET', '/api/info', H, ['Transfer-Encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n'), 401],
      ['bad chunk size', req('GET', '/api/info', H, ['Transfer-Encoding: chunked'], 'zz\r\nabc\r\n'), 401],
      ['Transfer-Encoding: gzip', req('GET', `/api/info?token=${T}`, H, ['Transfer-Encoding: gzip']), 400],
      ['Transfer-Encoding: chunked, gzip', req('GET', `/api/info?token=${T}`, H, ['Transfer-Encoding: chunked, gzip']), 400],
      ['Transfer-Encoding: xchunked', req('GET', `/api/info?token=${T}`, H, ['Transfer-Encoding: xchunked']), 400],
      ['TE + CL', req('GET', '/', H, ['Transfer-Encoding: chunked', 'Content-Length: 5'], '0\r\n\r\n'), 400],
      ['CL not a number', req('GET', '/', H, ['Content-Length: abc']), 400],
      ['CL negative', req('GET', '/', H, ['Content-Length: -1']), 400],
      ['two different CL', req('GET', '/', H, ['Content-Length: 1', 'Content-Length: 2'], 'ab'), 400],
      ['CL larger than the body', req('GET', '/api/info', H, ['Content-Length: 100'], 'abc'), 401],
      ['CL smaller than the body', req('GET', '/api/info', H, ['Content-Length: 1'], 'abcdef'), 401],
      ['POST apply, 10 MB declared', req('POST', `/api/tuning/apply?token=${T}`, H, ['Content-Length: 10000000'], 'x'), 413],
      ['POST apply, chunked', req('POST', `/api/tuning/apply?token=${T}`, H, ['Transfer-Encoding: chunked'], '2\r\n{}\r\n0\r\n\r\n'), 200],
    ];
    for (const [name, data, status] of cases) await expect(name, data, status);
    await alive();
  });

  it('slow clients: partial headers time out with 408 (slowloris), an idle connection is closed', async () => {
    const t0 = Date.now();
    const drips = Array.from({ length: 5 }, () =>
      rawRequest(server.port, `GET / HTTP/1.1\r\nHost: ${H}\r\n`, { timeoutMs: 10_000, drip: { chunks: Array(80).fill('X-Slow: y\r\n'), everyMs: 100 } }),
    );
    const idle = rawRequest(server.port, '', { timeoutMs: 10_000 });
    const partialLine = rawRequest(server.port, 'GET /api/in', { timeoutMs: 10_000 });
    // while they dribble, others are served
    await alive();
    for (const r of await Promise.all(drips)) {
      sent++;
      assert.equal(r.status, 408, 'headers that never finish get 408');
      assert.ok(r.closed);
      assert.ok(r.ms < 5000, `timed out after ${r.ms} ms`);
    }
    const i = await idle;
    const p = await partialLine;
    sent += 2;
    assert.ok(i.closed && i.ms < 5000, `idle connection closed after ${i.ms} ms`);
    assert.equal(p.status, 408);
    assert.ok(Date.now() - t0 < 8000);
    await alive();
  });

  it('sent at least 200 hostile requests, and the server still answers', async () => {
    assert.ok(sent >= 200, `${sent} hostile requests so far`);
    await alive();
  });
});

describe('waitline serve: event-stream backpressure (big snapshots, stalled clients)', () => {
  it('drops clients that stop reading once 1 MiB is queued, logs one line each, keeps serving the others', async () => {
    const staticDir = makeStatic();
    const real = createCollector();
    const pad = 'x'.repeat(256 * 1024);
    const collector = {
      tick: async () => ({ ...(await real.tick()), pad }) as Snapshot,
      querySockets: (q: Parameters<typeof real.querySockets>[0]) => real.querySockets(q),
      setDemand: (d: Parameters<typeof real.setDemand>[0]) => real.setDemand(d),
    };
    const logs: string[] = [];
    const server = await startServe({ collector, staticDir, port: 0, tickMs: 25, log: (l) => logs.push(l), locale: 'en' });
    const H = `127.0.0.1:${server.port}`;
    const stalled: Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const s = connect({ host: '127.0.0.1', port: server.port });
        s.on('error', () => undefined);
        s.on('connect', () => {
          s.write(req('GET', `/api/events?token=${server.token}`, H).replace('Connection: close\r\n', ''));
          s.pause(); // never read again
        });
        stalled.push(s);
      }
      // a reading client alongside
      let readBytes = 0;
      const reader = connect({ host: '127.0.0.1', port: server.port });
      reader.on('error', () => undefined);
      reader.on('connect', () => reader.write(req('GET', `/api/events?token=${server.token}`, H).replace('Connection: close\r\n', '')));
      reader.on('data', (d: Buffer) => (readBytes += d.length));
      const deadline = Date.now() + 30_000;
      while (server.droppedClients < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.droppedClients, 4, 'every stalled client was dropped');
      const drops = logs.filter((l) => /dropped the event stream of 127\.0\.0\.1:\d+: it stopped reading \(\d+ KiB unsent, limit 1024 KiB\)/.test(l));
      assert.equal(drops.length, 4, logs.join('\n'));
      for (const l of drops) assert.ok(!l.includes('\n'), 'one line');
      assert.equal(server.clients, 1, 'the reading client stays');
      const before = readBytes;
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(readBytes > before, 'the reading client keeps receiving');
      reader.destroy();
      const r = await rawRequest(server.port, req('GET', '/api/info', H, [`Authorization: Bearer ${server.token}`]));
      assert.equal(r.status, 200);
    } finally {
      for (const s of stalled) s.destroy();
      await server.close();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});

describe('serve request parsing helpers never throw', () => {
  it('parseTarget, cookieValues, bearerToken and sameToken on junk', () => {
    const junk = ['', '/', '//', '/%', '/%zz', '%', '*', 'http://[bad/', 'http://', '\0', '/\uffff', '/'.repeat(10_000), '?', '#', 'http://a:99999999/'];
    for (const j of junk) {
      assert.doesNotThrow(() => parseTarget(j));
      assert.doesNotThrow(() => cookieValues(j, 'waitline_token'));
      assert.doesNotThrow(() => bearerToken(j));
      assert.doesNotThrow(() => sameToken(j, 'abc'));
    }
    assert.deepEqual(cookieValues('waitline_token=%E0%A4%A; waitline_token=ok', 'waitline_token'), ['ok']);
    assert.equal(sameToken('abc', 'abcd'), false, 'a truncated prefix never matches');
    assert.equal(sameToken('abcde', 'abcd'), false);
    assert.equal(sameToken('abcd', 'abcd'), true);
    assert.equal(bearerToken('Bearer  x '), 'x');
    assert.equal(bearerToken('Bearerx'), null);
  });
});
