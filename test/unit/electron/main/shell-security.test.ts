// Window hardening: the app:// protocol (CSP on every response, no escape from the renderer folder),
// navigation / window.open / webview blocking, the external-link allowlist, permission denial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { APP_INDEX_URL, createAppProtocolHandler, filesUnder, resolveAppPath } from '../../../../electron/main/app-protocol';
import {
  CONTENT_SECURITY_POLICY,
  denyAllPermissions,
  guardContents,
  isAllowedExternalUrl,
  type GuardedContents,
} from '../../../../electron/main/security';

test('the CSP allows scripts only from the app (no inline, no eval), styles from the app plus <style> elements, no network', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'none'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(directives.get('style-src-attr'), ["'none'"]);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval/);
  assert.doesNotMatch(directives.get('script-src')!.join(' '), /unsafe-inline/);
  // Nothing inline at all: every style comes from the app's stylesheets.
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline/);
  assert.deepEqual(directives.get('style-src-elem'), ["'self'"]);
});

test('app:// URLs map to files inside the renderer folder only', () => {
  assert.equal(APP_INDEX_URL, 'app://waitline/index.html');
  assert.equal(resolveAppPath('app://waitline/'), 'index.html');
  assert.equal(resolveAppPath('app://waitline/index.html?x=1#/tuning'), 'index.html');
  assert.equal(resolveAppPath('app://waitline/assets/index-abc.js'), 'assets/index-abc.js');
  assert.equal(resolveAppPath('app://waitline/assets/a%20b.css'), 'assets/a b.css');
  // Plain and %2e dot segments are removed by the URL parser itself: the path stays inside the folder
  // (renderer/etc/passwd, which does not exist → 404).
  assert.equal(resolveAppPath('app://waitline/../../etc/passwd'), 'etc/passwd');
  assert.equal(resolveAppPath('app://waitline/%2e%2e/%2e%2e/etc/passwd'), 'etc/passwd');
  for (const url of [
    'app://waitline/assets/..%2f..%2f..%2fetc%2fpasswd', // encoded slashes: ".." survives decoding
    'app://waitline/..%5c..%5cetc', // backslashes
    'app://waitline/.env', // dotfiles
    'app://waitline/a%00b', // NUL
    'app://waitline/%E0%A4%A', // broken escape
    'app://other/index.html', // another host
    'file:///etc/passwd',
    'https://waitline/index.html',
    'not a url',
  ]) {
    assert.equal(resolveAppPath(url), null, url);
  }
});

test('the protocol handler serves built files with the CSP header, 404 outside, 405 for writes', async () => {
  const root = mkdtempSync(join(tmpdir(), 'waitline-renderer-'));
  const outside = `${root}-secret.txt`;
  try {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Waitline</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(outside, 'secret');
    const handler = createAppProtocolHandler({ readFile: filesUnder(root) });
    const index = await handler({ url: 'app://waitline/', method: 'GET' });
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await index.text(), /<title>Waitline<\/title>/);
    const js = await handler({ url: 'app://waitline/assets/app.js', method: 'GET' });
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'console.log(1)');
    const missing = await handler({ url: 'app://waitline/nope.js', method: 'GET' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    const escape = await handler({ url: `app://waitline/..%2f${encodeURIComponent(outside.split(sep).pop()!)}`, method: 'GET' });
    assert.equal(escape.status, 404);
    assert.equal((await handler({ url: 'app://waitline/index.html', method: 'POST' })).status, 405);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { force: true });
  }
});

test('only https links to allowlisted hosts may leave the app', () => {
  for (const url of [
    'https://docs.kernel.org/networking/ip-sysctl.html',
    'https://man7.org/linux/man-pages/man8/ss.8.html',
    'https://github.com/iproute2/iproute2',
  ]) {
    assert.equal(isAllowedExternalUrl(url), true, url);
  }
  for (const url of [
    'http://docs.kernel.org/',
    'https://docs.kernel.org.evil.example/',
    'https://evil.example/?u=https://docs.kernel.org',
    'https://user:pw@github.com/',
    'https://github.com:8443/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'app://waitline/index.html',
    'smb://github.com/share',
    '',
  ]) {
    assert.equal(isAllowedExternalUrl(url), false, url);
  }
});

class FakeContents implements GuardedContents {
  openHandler: ((d: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = h;
  }
  on(event: string, listener: (event: { preventDefault(): void }, url: string) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  fire(event: string, url: string): boolean {
    let prevented = false;
    this.listeners.get(event)!({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

test('navigation, redirects, window.open and webviews are blocked; allowlisted links open outside', () => {
  const contents = new FakeContents();
  const opened: string[] = [];
  const blocked: string[] = [];
  guardContents(contents, { openExternal: (u) => opened.push(u), onBlocked: (what, url) => blocked.push(`${what} ${url}`) });
  assert.equal(contents.fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(contents.fire('will-navigate', 'app://waitline/index.html'), true, 'even our own URL: reloads are not navigations');
  assert.equal(contents.fire('will-navigate', 'https://docs.kernel.org/x.html'), true);
  assert.equal(contents.fire('will-redirect', 'https://docs.kernel.org/y.html'), true);
  assert.equal(contents.fire('will-attach-webview', ''), true);
  assert.deepEqual(contents.openHandler!({ url: 'https://man7.org/tcp.7' }), { action: 'deny' });
  assert.deepEqual(contents.openHandler!({ url: 'https://evil.example/popup' }), { action: 'deny' });
  assert.deepEqual(opened, ['https://docs.kernel.org/x.html', 'https://man7.org/tcp.7']);
  assert.deepEqual(blocked, [
    'navigation https://evil.example/',
    'navigation app://waitline/index.html',
    'redirect https://docs.kernel.org/y.html',
    'webview ',
    'window.open https://evil.example/popup',
  ]);
});

test('every permission request and check is denied', () => {
  let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
  let check: ((wc: unknown, p: string) => boolean) | null = null;
  const denied: string[] = [];
  denyAllPermissions(
    { setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) },
    (p) => denied.push(p),
  );
  for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
    let granted: boolean | null = null;
    request!(null, p, (g) => (granted = g));
    assert.equal(granted, false, p);
    assert.equal(check!(null, p), false, p);
  }
  assert.equal(denied.length, 5);
});
