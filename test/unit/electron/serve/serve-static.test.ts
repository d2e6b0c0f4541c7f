// `waitline serve` static files: symlinks inside the served directory are never followed, files that
// vanish while being served answer 404 without a crash; and the 401/403 answers a person sees in a
// browser (an HTML page that passes the CSP) versus what the API gets (JSON).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeHandle } from '../../../../electron/serve/server';
import { openStatic, pathSegments } from '../../../../electron/serve/static-files';
import { rawRequest, req } from './serve-raw';

const SECRET = 'TOP-SECRET-OUTSIDE-CONTENT';

describe('waitline serve static files: no symlinks, no crash on vanishing files', () => {
  let root: string;
  let outside: string;
  let staticDir: string;
  let server: ServeHandle;
  let H: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'wl-static-sym-'));
    outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), SECRET);
    writeFileSync(join(outside, 'app.js'), SECRET);
    staticDir = join(root, 'renderer');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    symlinkSync(join(outside, 'secret.txt'), join(staticDir, 'assets', 'evil.js'));
    symlinkSync(outside, join(staticDir, 'linkdir'));
    symlinkSync('../assets', join(staticDir, 'assets', 'loop'));
    symlinkSync('app.js', join(staticDir, 'assets', 'inside-link.js'));
    symlinkSync('/etc/passwd', join(staticDir, 'passwd'));
    execFileSync('mkfifo', [join(staticDir, 'assets', 'fifo.js')]);
    server = await startServe({ collector: fakeCollector(), staticDir, port: 0, tickMs: 1000 });
    H = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 404 for every symlink (final or intermediate, inside or outside the root) and a FIFO', async () => {
    for (const path of ['/assets/evil.js', '/linkdir/secret.txt', '/linkdir/app.js', '/assets/loop/app.js', '/assets/inside-link.js', '/passwd', '/linkdir', '/assets/fifo.js', '/assets']) {
      const r = await rawRequest(server.port, req('GET', `${path}?token=${server.token}`, H));
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, new RegExp(SECRET));
      assert.doesNotMatch(r.body, /root:/);
    }
    const ok = await rawRequest(server.port, req('GET', `/assets/app.js?token=${server.token}`, H));
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'console.log(1)');
  });

  it('openStatic refuses symlinks and paths that leave the root', async () => {
    const real = join(staticDir); // the temp dir is not behind a symlink
    for (const segs of [['assets', 'evil.js'], ['linkdir', 'secret.txt'], ['passwd'], ['assets', 'nope.js']]) {
      const r = await openStatic(real, segs);
      assert.equal(r.ok, false, segs.join('/'));
    }
    for (const p of ['/..', '/a/../b', '/%2e%2e/x', '/a//b', '/a%2fb', '/a%5cb', '/%00']) assert.equal(pathSegments(p), null, p);
    assert.deepEqual(pathSegments('/'), ['index.html']);
    const r = await openStatic(real, ['assets', 'app.js']);
    assert.ok(r.ok);
    if (r.ok) await r.file.handle.close();
  });

  it('a file removed, replaced or swapped for a symlink while it is requested: 200 or 404, never the secret, never a crash', async () => {
    const file = join(staticDir, 'assets', 'flaky.js');
    const body = 'A'.repeat(64 * 1024);
    let stop = false;
    let flips = 0;
    const churn = (async () => {
      while (!stop && flips < 100_000) {
        flips++;
        const tmp = `${file}.tmp`;
        try {
          switch (flips % 4) {
            case 0:
              writeFileSync(tmp, body);
              renameSync(tmp, file);
              break;
            case 1:
              unlinkSync(file);
              break;
            case 2:
              symlinkSync(join(outside, 'secret.txt'), tmp);
              renameSync(tmp, file);
              break;
            default:
              rmSync(file, { force: true });
              writeFileSync(file, body);
          }
        } catch {
          // racing ourselves is fine
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const counts: Record<number, number> = {};
    for (let i = 0; i < 300; i++) {
      const r = await rawRequest(server.port, req('GET', `/assets/flaky.js?token=${server.token}`, H));
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      assert.ok(r.status === 200 || r.status === 404, `status ${r.status}`);
      assert.doesNotMatch(r.body, new RegExp(SECRET));
      if (r.status === 200) assert.equal(r.body, body);
    }
    stop = true;
    await churn;
    assert.ok(flips > 10, `the file changed ${flips} times`);
    const ok = await rawRequest(server.port, req('GET', `/api/info?token=${server.token}`, H));
    assert.equal(ok.status, 200);
  });
});

describe('waitline serve: 401/403 for people and for programs', () => {
  let server: ServeHandle;
  let staticDir: string;
  let H: string;
  const HTML_ACCEPT = 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-static-401-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    server = await startServe({ collector: fakeCollector(), staticDir, port: 0, tickMs: 1000 });
    H = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  function assertPlainPage(body: string): void {
    assert.match(body, /^<!doctype html>/);
    assert.doesNotMatch(body, /<script|<style|\sstyle=|\son[a-z]+=/i, 'no inline script or style (the CSP forbids scripts)');
  }

  it('a browser without the token gets an HTML page saying where the token is and how to open the URL', async () => {
    const r = await rawRequest(server.port, req('GET', '/', H, [HTML_ACCEPT]));
    assert.equal(r.status, 401);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.match(r.headers['content-security-policy'], /script-src 'self'/);
    assertPlainPage(r.body);
    assert.match(r.body, /access token that <code>waitline serve<\/code> printed in the terminal/);
    assert.match(r.body, /\?token=…/);
    assert.match(r.body, new RegExp(`ssh -L ${server.port}:127\\.0\\.0\\.1:${server.port}`));
  });

  it('a wrong token gets a page saying it is not the current one', async () => {
    const r = await rawRequest(server.port, req('GET', '/?token=old', H, [HTML_ACCEPT]));
    assert.equal(r.status, 401);
    assertPlainPage(r.body);
    assert.match(r.body, /not the one this server printed/);
  });

  it('a foreign Host in a browser gets a 403 page naming the served address (escaped)', async () => {
    const r = await rawRequest(server.port, req('GET', '/', `<b>evil</b>:${server.port}`, [HTML_ACCEPT]));
    assert.equal(r.status, 403);
    assertPlainPage(r.body);
    assert.match(r.body, new RegExp(`answers only to the address it serves, <code>127\\.0\\.0\\.1:${server.port}</code>`));
    assert.match(r.body, /&#60;b&#62;evil/);
    assert.doesNotMatch(r.body, /<b>evil/);
  });

  it('the API, and clients that ask for JSON, get JSON', async () => {
    for (const [path, accept] of [
      ['/api/info', HTML_ACCEPT],
      ['/api/events', HTML_ACCEPT],
      ['/', 'Accept: application/json'],
      ['/', 'Accept: */*'],
      ['/assets/app.js', 'Accept: */*'],
    ]) {
      const r = await rawRequest(server.port, req('GET', path, H, [accept]));
      assert.equal(r.status, 401, path);
      assert.match(r.headers['content-type'], /^application\/json/, `${path} ${accept}`);
      assert.match(JSON.parse(r.body).error, /access token/);
    }
    const host = await rawRequest(server.port, req('GET', '/api/info', `evil:${server.port}`, [HTML_ACCEPT]));
    assert.equal(host.status, 403);
    assert.match(host.headers['content-type'], /^application\/json/);
  });
});

function fakeCollector() {
  let seq = 0;
  return {
    tick: async () => ({ seq: seq++, time: Date.now() }) as never,
    querySockets: () => ({ tableAt: null, total: 0, tableSize: 0, offset: 0, rows: [] }) as never,
    setDemand: () => undefined,
  };
}
