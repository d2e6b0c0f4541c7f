// The whole dashboard in Simplified Chinese, in real Chromium with locale zh-CN (CJK fonts from
// Debian's fonts-noto-cjk), against `waitline serve` in a private network namespace with real
// TIME_WAIT and CLOSE_WAIT sockets: every view renders in Chinese (no raw keys, no English prose),
// no element overflows its box at 1,000 px, screenshots in light and dark are saved and not blank,
// and switching the language at runtime re-renders without a reload and persists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { createNetns, requireRoot, type Netns } from '../kernel/netns';
import { LineReader } from '../kernel/lines';
import { imageStats, launchChromium, requireChromium, type LaunchedBrowser } from './browser';

const ARTIFACTS = 'test-artifacts/e2e';
const VIEWS = ['overview', 'timewait', 'connections', 'tuning', 'alerts'] as const;
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** What a page shows, as the checks below need it (computed in the page). */
interface PageReport {
  cjk: number;
  text: string;
  rawKeys: string[];
  englishProse: string[];
  overflowing: string[];
  truncated: string[];
  pageWidth: [number, number];
}

async function report(page: Page): Promise<PageReport> {
  return page.evaluate(() => {
    const areas = 'common|app|overview|timewait|connections|tuning|knobs|alerts|export|cli|main|host';
    const keyRe = new RegExp(`\\b(?:${areas})\\.[a-zA-Z_]+\\.[\\w.]+`, 'g');
    // English function words: prose has them, identifiers (tcp_tw_reuse, 127.0.0.1:7000, node) do not
    const stop = /\b(?:the|and|of|to|is|are|for|with|when|not|this|that|from|by|on|in|it|be|no|a|an)\b/gi;
    const root = document.body;
    const text = root.innerText;
    const rawKeys = [...new Set(text.match(keyRe) ?? [])];
    const englishProse: string[] = [];
    const overflowing: string[] = [];
    const truncated: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : ''}.${(el.getAttribute('class') ?? '').split(' ')[0]}: «${(el.textContent ?? '').trim().slice(0, 50)}»`;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.closest('svg') || el.closest('[data-i18n-skip]')) continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join(' ')
        .trim();
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (own && !/[\u4e00-\u9fff]/.test(own) && (own.match(stop) ?? []).length >= 2 && /[a-z]{3,} [a-z]{3,}/i.test(own)) {
        englishProse.push(describe(el));
      }
      const he = el as HTMLElement;
      // a box that clips (overflow hidden/clip) and holds more than it shows cuts its text, whoever
      // owns the text (an inline span inside a cell, say)
      if (!own && /hidden|clip/.test(style.overflowX) && he.clientWidth > 2 && he.scrollWidth > he.clientWidth + 1 && (he.textContent ?? '').trim()) {
        const title = el.getAttribute('title') ?? '';
        if (!(style.textOverflow === 'ellipsis' && title)) truncated.push(describe(el));
        continue;
      }
      if (!own || style.display === 'inline') continue;
      // screen-reader-only text lives in a clipped 1 px box on purpose
      if (he.clientWidth <= 2 || he.clientHeight <= 2) continue;
      const scrolls = /auto|scroll/.test(style.overflowX);
      if (!scrolls && he.scrollWidth > he.clientWidth + 1) {
        // a table cell cut with an ellipsis is fine when its full text is its tooltip
        const title = el.getAttribute('title') ?? '';
        if (style.textOverflow === 'ellipsis' && title && title.includes(own)) continue;
        if (style.textOverflow === 'ellipsis') truncated.push(describe(el));
        else if (style.overflowX === 'hidden' || style.overflowX === 'clip') truncated.push(describe(el));
        else overflowing.push(describe(el));
      }
    }
    return {
      cjk: (text.match(/[\u4e00-\u9fff]/g) ?? []).length,
      text: text.slice(0, 4000),
      rawKeys,
      englishProse,
      overflowing,
      truncated,
      pageWidth: [document.documentElement.scrollWidth, document.documentElement.clientWidth] as [number, number],
    };
  });
}

describe('the dashboard in Simplified Chinese (Chromium, locale zh-CN)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let serve: ChildProcess | null = null;
  let factory: ChildProcess | null = null;
  let launched: LaunchedBrowser | null = null;
  let context: BrowserContext | null = null;
  let page: Page | null = null;
  let url = '';
  let ready = false;

  before(async () => {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/chromium')) return;
    assert.ok(existsSync('dist/cli.mjs') && existsSync('dist/renderer/index.html'), 'the CLI and the renderer are built (npm test builds first)');
    mkdirSync(ARTIFACTS, { recursive: true });
    ns = await createNetns('wl-i18n');
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    serve = ns.spawn(process.execPath, ['dist/cli.mjs', 'serve', '--no-history', '--port', '0']);
    url = await new LineReader(serve).until(/^http:\/\//);
    factory = ns.spawn(process.execPath, [
      'test/kernel/socket-factory.mjs',
      JSON.stringify({ groups: [{ host: '127.0.0.1', port: 7000, established: 4, halfClosed: 3, timeWait: 200 }] }),
    ]);
    await new LineReader(factory).expect('READY', 60_000);
    launched = await launchChromium(ns.name);
    context = await launched.browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'zh-CN', colorScheme: 'light' });
    // tsx names inner functions with an __name helper the page lacks: give the page a no-op one
    await context.addInitScript(`window.__name = (f) => f;`);
    await context.addInitScript(`window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`);
    page = await context.newPage();
    ready = true;
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await launched?.close();
    if (factory && factory.exitCode === null) factory.kill('SIGKILL');
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await ns?.close();
  });

  it('has CJK fonts installed (fonts-noto-cjk), or the Chinese would render as boxes', async (t) => {
    if (!requireRoot(t, 'the i18n e2e test') || !requireChromium(t)) return;
    const { execFileSync } = await import('node:child_process');
    let fonts = '';
    try {
      fonts = execFileSync('fc-list', [':lang=zh-cn', 'family'], { encoding: 'utf8' });
    } catch {
      /* fc-list missing: no fonts either */
    }
    if (!fonts.trim()) {
      const reason = 'no CJK font (apt-get install fonts-noto-cjk)';
      if (IN_CI) throw new Error(`CI: ${reason}`);
      t.skip(reason);
    }
  });

  it('follows the browser language: the page is Chinese, lang="zh-CN", no raw keys, no English prose', async (t) => {
    if (!requireRoot(t, 'the i18n e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    await page!.goto(url);
    await page!.waitForSelector('[data-testid="state-count-TIME_WAIT"]', { timeout: 20_000 });
    assert.equal(await page!.evaluate(() => document.documentElement.lang), 'zh-CN');
    const tabs = await page!.locator('[role="tab"]').allTextContents();
    assert.equal(tabs.length, VIEWS.length);
    // TIME_WAIT is the kernel's name for the state, kept as is in every language
    for (const label of tabs) if (!/^TIME_WAIT/.test(label)) assert.match(label, /[\u4e00-\u9fff]/, `tab "${label}" is not Chinese`);
    assert.equal(await page!.locator('[data-testid="language-switch"]').inputValue(), 'system');
  });

  it('every view renders in Chinese, nothing overflows at 1,000 px, screenshots in light and dark', async (t) => {
    if (!requireRoot(t, 'the i18n e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const blank = await context!.newPage();
    for (const scheme of ['light', 'dark'] as const) {
      await page!.emulateMedia({ colorScheme: scheme });
      for (const v of VIEWS) {
        await page!.click(`[data-testid="nav-${v}"]`);
        await page!.waitForTimeout(v === 'connections' ? 2500 : 1200);
        const r = await report(page!);
        assert.ok(r.cjk >= 40, `${v}/${scheme}: only ${r.cjk} Chinese characters:\n${r.text.slice(0, 600)}`);
        assert.deepEqual(r.rawKeys, [], `${v}/${scheme}: catalog keys shown raw`);
        assert.deepEqual(r.englishProse, [], `${v}/${scheme}: English sentences left`);
        assert.deepEqual(r.overflowing, [], `${v}/${scheme}: text spills out of its box`);
        assert.deepEqual(r.truncated, [], `${v}/${scheme}: text cut off`);
        assert.ok(r.pageWidth[0] <= r.pageWidth[1], `${v}/${scheme} is ${r.pageWidth[0]} px wide in a ${r.pageWidth[1]} px window`);
        const png = await page!.screenshot({ fullPage: true });
        writeFileSync(`${ARTIFACTS}/zh-CN-${v}-${scheme}.png`, png);
        const s = await imageStats(blank, png);
        assert.ok(s.width >= 1000 && s.height >= 600, `${v}/${scheme}: ${s.width}×${s.height}`);
        assert.ok(s.stddev > 4, `${v}/${scheme} looks blank: luminance stddev ${s.stddev.toFixed(1)}`);
        assert.ok(s.colors > 30, `${v}/${scheme} looks blank: ${s.colors} colours`);
      }
    }
    await blank.close();
    await page!.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(await page!.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');
  });

  it('the TIME_WAIT view names the factory destination with a Chinese verdict and counts as ss does', async (t) => {
    if (!requireRoot(t, 'the i18n e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    await page!.click('[data-testid="nav-timewait"]');
    await page!.waitForSelector('[data-testid="port-budgets"]', { timeout: 5000 });
    const budget = (await page!.textContent('[data-testid="port-budgets"]')) ?? '';
    assert.match(budget, /127\.0\.0\.1 → 127\.0\.0\.1:7000/);
    assert.doesNotMatch(budget, /\b(?:Fine|At risk|Will run out)\b/, 'the verdict is translated');
    await page!.click('[data-testid="nav-overview"]');
    const shown = Number(((await page!.textContent('[data-testid="state-count-TIME_WAIT"]')) ?? '').replace(/[^\d]/g, ''));
    const r = await ns!.exec('ss', ['-tanH', 'state', 'time-wait']);
    const oracle = r.stdout.split('\n').filter((l) => l.trim()).length;
    assert.ok(Math.abs(shown - oracle) <= 2, `shown ${shown}, ss ${oracle}`);
  });

  it('switches to English and back at runtime without a reload, and remembers the choice', async (t) => {
    if (!requireRoot(t, 'the i18n e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    await page!.click('[data-testid="nav-tuning"]');
    await page!.evaluate(() => ((window as unknown as { __sameDocument: number }).__sameDocument = 42));
    const zhTab = await page!.textContent('[data-testid="nav-tuning"]');
    await page!.selectOption('[data-testid="language-switch"]', 'en');
    await page!.waitForFunction(() => !/[\u4e00-\u9fff]/.test(document.querySelector('[data-testid="nav-tuning"]')?.textContent ?? '中'), null, { timeout: 3000 });
    const en = await report(page!);
    assert.ok(en.cjk <= 8, `English page still has ${en.cjk} Chinese characters (the switch's own option 简体中文 is allowed)`);
    assert.equal(await page!.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page!.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument), 42, 'no reload');
    assert.notEqual(await page!.textContent('[data-testid="nav-tuning"]'), zhTab);
    // the choice persists: after a reload the page stays English although the browser says zh-CN
    await page!.reload();
    await page!.waitForSelector('[data-testid="nav-tuning"]', { timeout: 15_000 });
    assert.equal(await page!.locator('[data-testid="language-switch"]').inputValue(), 'en');
    assert.doesNotMatch((await page!.textContent('[data-testid="nav-tuning"]')) ?? '', /[\u4e00-\u9fff]/);
    await page!.selectOption('[data-testid="language-switch"]', 'system');
    await page!.waitForFunction(() => /[\u4e00-\u9fff]/.test(document.querySelector('[data-testid="nav-tuning"]')?.textContent ?? ''), null, { timeout: 3000 });
    assert.equal(await page!.evaluate(() => document.documentElement.lang), 'zh-CN');
  });
});
