// `waitline serve` and the browser's language: pages for people (401 / 403 / 404, the served
// index.html's <html lang>) follow Accept-Language; machine output — every /api JSON body and
// /metrics — is byte-for-byte the same whatever the browser asks for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../../../../electron/collector/index';
import { startServe, withHtmlLang, type ServeHandle } from '../../../../electron/serve/server';
import { http } from './http-client';

const ZH = { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const EN = { 'Accept-Language': 'en-US,en;q=0.9' };
const HTML = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const HAN = /\p{Script=Han}/u;
const RAW_KEY = /\bmain\.serve\.[A-Za-z_.]+/;

describe('waitline serve: Accept-Language', () => {
  let server: ServeHandle;
  let staticDir: string;

  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'wl-serve-locale-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>\n<html lang="en">\n<head><title>Waitline</title></head><body></body></html>\n');
    // one snapshot, no further ticks during the test: the answers can be compared byte for byte
    server = await startServe({ collector: createCollector(), staticDir, port: 0, tickMs: 3_600_000, version: '9.9.9', metrics: {}, locale: 'en' });
  });
  after(async () => {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('every /api JSON body and /metrics are identical with Accept-Language zh-CN and en', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const now = Date.now();
    const paths = [
      '/api/info',
      '/api/tuning',
      '/api/alert-settings',
      '/api/alerts',
      `/api/history?from=${now - 3_600_000}&to=${now + 60_000}&maxPoints=50`,
      '/api/no-such-thing',
      '/api/history?from=x',
      '/metrics',
    ];
    for (const path of paths) {
      const zh = await http(server.port, path, { ...auth, ...ZH });
      const en = await http(server.port, path, { ...auth, ...EN });
      const none = await http(server.port, path, auth);
      assert.equal(zh.status, en.status, path);
      assert.equal(zh.headers['content-type'], en.headers['content-type'], path);
      assert.equal(zh.body, en.body, path);
      assert.equal(zh.body, none.body, path);
      assert.doesNotMatch(zh.body, HAN, `${path}: no Chinese in machine output`);
      if (path.startsWith('/api/')) assert.match(String(zh.headers['content-type']), /^application\/json/, path);
    }
    // the read-only reasons stay English in the JSON; the info carries the Msg beside them
    const info = JSON.parse((await http(server.port, '/api/info', { ...auth, ...ZH })).body) as { kill: { reason: string; reasonMsg: { key: string } } };
    assert.match(info.kill.reason, /^waitline serve is read-only/);
    assert.equal(info.kill.reasonMsg.key, 'main.serve.killReadOnly');
    // a program without the token gets the same English JSON whatever its language
    const zh401 = await http(server.port, '/api/info', ZH);
    const en401 = await http(server.port, '/api/info', EN);
    assert.equal(zh401.status, 401);
    assert.equal(zh401.body, en401.body);
  });

  it('a browser without the token gets the 401 page in its language', async () => {
    const zh = await http(server.port, '/', { ...HTML, ...ZH });
    assert.equal(zh.status, 401);
    assert.match(String(zh.headers['content-type']), /^text\/html/);
    assert.match(zh.body, /<html lang="zh-CN">/);
    assert.match(zh.body, /<title>\nWaitline：需要访问令牌\n<\/title>/);
    assert.match(zh.body, /<code>waitline serve<\/code> 在启动它的终端里打印的令牌/);
    assert.match(zh.body, new RegExp(`ssh -L ${server.port}:127\\.0\\.0\\.1:${server.port}`));
    assert.doesNotMatch(zh.body, RAW_KEY);
    assert.doesNotMatch(zh.body, /access token|the terminal/, 'no English sentence left');
    const en = await http(server.port, '/', { ...HTML, ...EN });
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /access token that <code>waitline serve<\/code> printed in the terminal/);
    // q-values decide: English preferred over Chinese
    const q = await http(server.port, '/', { ...HTML, 'Accept-Language': 'zh-CN;q=0.5, en;q=0.9' });
    assert.match(q.body, /<html lang="en">/);
  });

  it('a foreign Host in a Chinese browser gets the 403 page in Chinese, still escaped', async () => {
    const r = await http(server.port, '/', { ...HTML, ...ZH, Host: `<b>x</b>:${server.port}` });
    assert.equal(r.status, 403);
    assert.match(r.body, /<html lang="zh-CN">/);
    assert.match(r.body, new RegExp(`本服务器只响应它所服务的地址 <code>127\\.0\\.0\\.1:${server.port}</code>`));
    assert.match(r.body, /&#60;b&#62;x/);
    assert.doesNotMatch(r.body, /<b>x/);
    assert.doesNotMatch(r.body, RAW_KEY);
  });

  it('index.html is served with <html lang> from Accept-Language; a missing page is a page too', async () => {
    const zh = await http(server.port, `/?token=${server.token}`, { ...HTML, ...ZH });
    assert.equal(zh.status, 200);
    assert.match(zh.body, /^<!doctype html>\n<html lang="zh-CN">\n<head>/);
    assert.equal(Number(zh.headers['content-length']), Buffer.byteLength(zh.body));
    const en = await http(server.port, `/?token=${server.token}`, { ...HTML, 'Accept-Language': 'fr-FR' });
    assert.match(en.body, /<html lang="en">/);
    const missing = await http(server.port, `/nope.html?token=${server.token}`, { ...HTML, ...ZH });
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['content-type']), /^text\/html/);
    assert.match(missing.body, /找不到页面/);
    assert.match(missing.body, /<code>\/nope\.html<\/code> 处没有页面/);
    // a script asking for a missing file still gets JSON
    const js = await http(server.port, `/nope.js?token=${server.token}`, { Accept: '*/*', ...ZH });
    assert.equal(js.status, 404);
    assert.deepEqual(JSON.parse(js.body), { error: 'not found' });
  });

  it('start-up errors and log lines follow the process language (the locale option), not the browser', async () => {
    const taken = { staticDir, port: server.port, tickMs: 3_600_000, collector: createCollector() };
    await assert.rejects(startServe({ ...taken, locale: 'zh-CN' }), new RegExp(`127\\.0\\.0\\.1 上的端口 ${server.port} 已被占用；请用 --port 换一个`));
    await assert.rejects(startServe({ ...taken, locale: 'en' }), new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is already in use; pick another with --port`));
  });

  it('withHtmlLang sets or adds the attribute', () => {
    assert.equal(withHtmlLang('<html lang="en"><body>', 'zh-CN'), '<html lang="zh-CN"><body>');
    assert.equal(withHtmlLang("<HTML class=x lang='en'>", 'zh-CN'), '<HTML class=x lang="zh-CN">');
    assert.equal(withHtmlLang('<html>', 'zh-CN'), '<html lang="zh-CN">');
    assert.equal(withHtmlLang('no html element', 'zh-CN'), 'no html element');
  });
});
