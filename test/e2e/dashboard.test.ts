// The real UI in a real browser against the real kernel: inside a private network namespace, start
// `waitline serve`, open it in Debian Chromium (also inside the namespace), make a few hundred
// TIME_WAIT sockets there, and check the dashboard against `ss` — the independent oracle.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { createNetns, requireRoot, type Netns } from '../kernel/netns';
import { LineReader } from '../kernel/lines';
import { imageStats, launchChromium, requireChromium, type LaunchedBrowser } from './browser';
import { dashboardCsp } from '../../shared/web-content';

const ARTIFACTS = 'test-artifacts/e2e';
const TIME_WAIT_SOCKETS = 300;

/** Digits of a count as displayed ("1,234" → 1234). */
function displayedCount(text: string | null): number {
  const digits = (text ?? '').replace(/[^\d]/g, '');
  return digits === '' ? NaN : Number(digits);
}

async function ssTimeWait(ns: Netns): Promise<number> {
  const r = await ns.exec('ss', ['-tanH', 'state', 'time-wait']);
  if (r.code !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

/** One HTTP request from inside the namespace, with exact headers (Host included). */
async function httpStatus(ns: Netns, port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const script = `
    const http = require('node:http');
    const req = http.request({ host: '127.0.0.1', port: ${port}, path: ${JSON.stringify(path)}, headers: ${JSON.stringify(headers)}, setHost: false }, (res) => {
      let body = ''; res.on('data', (d) => body += d); res.on('end', () => { console.log(JSON.stringify({ status: res.statusCode, body: body.slice(0, 500) })); });
    });
    req.on('error', (e) => { console.log(JSON.stringify({ status: -1, body: e.message })); });
    req.end();`;
  const r = await ns.exec(process.execPath, ['-e', script]);
  return JSON.parse(r.stdout.trim()) as { status: number; body: string };
}

describe('dashboard in Chromium against waitline serve (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let serve: ChildProcess | null = null;
  let serveOut: LineReader | null = null;
  let factory: LineReader | null = null;
  let launched: LaunchedBrowser | null = null;
  let context: BrowserContext | null = null;
  let page: Page | null = null;
  let url = '';
  let port = 0;
  let ready = false;

  before(async () => {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/chromium')) return;
    assert.ok(existsSync('dist/cli.mjs') && existsSync('dist/renderer/index.html'), 'the CLI and the renderer are built (npm test builds first)');
    mkdirSync(ARTIFACTS, { recursive: true });
    ns = await createNetns('wl-e2e');
    // TIME_WAIT reuse would let connect() recycle tuples and blur the count; keep them all.
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    serve = ns.spawn(process.execPath, ['dist/cli.mjs', 'serve', '--no-history', '--port', '0']);
    serveOut = new LineReader(serve);
    url = await serveOut.until(/^http:\/\//);
    port = Number(new URL(url).port);
    launched = await launchChromium(ns.name);
    context = await launched.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    // every Content-Security-Policy violation the page reports (a string: tsx would add helpers)
    await context.addInitScript(`window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`);
    page = await context.newPage();
    ready = true;
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await launched?.close();
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await ns?.close();
  });

  it('prints the URL with a token on its own line and refuses requests without it (401)', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    const host = `127.0.0.1:${port}`;
    const token = new URL(url).searchParams.get('token')!;
    assert.equal((await httpStatus(ns!, port, '/', { Host: host })).status, 401);
    assert.equal((await httpStatus(ns!, port, '/api/info', { Host: host })).status, 401);
    assert.equal((await httpStatus(ns!, port, '/api/events', { Host: host })).status, 401);
    assert.equal((await httpStatus(ns!, port, '/api/info', { Host: host, Authorization: 'Bearer wrong' })).status, 401);
    const ok = await httpStatus(ns!, port, '/api/info', { Host: host, Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    // the body is cut at 500 characters (the service names follow): look for the field, do not parse
    assert.match(ok.body, /"readOnly":true/);
    // DNS rebinding / cross-site: a foreign Host or Origin is refused even with the token
    const badHost = await httpStatus(ns!, port, `/api/info?token=${token}`, { Host: `evil.example:${port}` });
    assert.equal(badHost.status, 403);
    assert.match(badHost.body, /Host header/);
    const badOrigin = await httpStatus(ns!, port, `/api/info?token=${token}`, { Host: host, Origin: 'http://evil.example' });
    assert.equal(badOrigin.status, 403);
    assert.match(badOrigin.body, /origin/);
  });

  it('shows the TIME_WAIT count that ss reports, within a few seconds', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    await page!.goto(url);
    await page!.waitForSelector('[data-testid="state-count-TIME_WAIT"]', { timeout: 15_000 });
    factory = new LineReader(
      ns!.spawn(process.execPath, [
        'test/kernel/socket-factory.mjs',
        JSON.stringify({ groups: [{ host: '127.0.0.1', port: 7000, established: 5, halfClosed: 3, timeWait: TIME_WAIT_SOCKETS }] }),
      ]),
    );
    await factory.expect('READY', 60_000);
    // The kernel holds these for 60 s: the count is stable apart from the browser's own traffic.
    const deadline = Date.now() + 8000;
    let shown = NaN;
    let oracle = NaN;
    while (Date.now() < deadline) {
      shown = displayedCount(await page!.textContent('[data-testid="state-count-TIME_WAIT"]'));
      oracle = await ssTimeWait(ns!);
      if (shown === oracle && shown >= TIME_WAIT_SOCKETS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(oracle >= TIME_WAIT_SOCKETS, `ss sees ${oracle} TIME_WAIT sockets`);
    assert.equal(shown, oracle, `the dashboard shows ${shown} TIME_WAIT, ss reports ${oracle}`);
    // ESTABLISHED: 5 pairs from the factory, plus the browser's own connection(s) to serve
    const est = displayedCount(await page!.textContent('[data-testid="state-count-ESTABLISHED"]'));
    assert.ok(est >= 10, `ESTABLISHED shown ${est}`);
    // 3 half-closed connections: the factory's server side sits in CLOSE_WAIT, and the leak card
    // names the process (serve runs as root here, so it can read every process's fds)
    // (the browser's own idle keep-alive connections can add one briefly: compare with ss, retrying)
    let cwShown = NaN;
    let cwOracle = NaN;
    for (const until = Date.now() + 8000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      cwShown = displayedCount(await page!.textContent('[data-testid="state-count-CLOSE_WAIT"]'));
      const r = await ns!.exec('ss', ['-tanH', 'state', 'close-wait']);
      cwOracle = r.stdout.split('\n').filter((l) => l.trim()).length;
      if (cwShown === cwOracle && cwShown >= 3) break;
    }
    assert.equal(cwShown, cwOracle, `CLOSE_WAIT shown ${cwShown}, ss ${cwOracle}`);
    assert.ok(cwShown >= 3);
    await page!.waitForFunction(() => /node \(\d+\)/.test(document.querySelector('[data-testid="close-wait"]')?.textContent ?? ''), null, {
      timeout: 15_000,
    });
  });

  it('the state chart draws new points every tick and shows the TIME_WAIT rise', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const chart = page!.locator('[data-testid="state-chart"]');
    const read = async () => ({
      last: Number(await chart.getAttribute('data-last-time')),
      points: Number(await chart.getAttribute('data-points')),
      paths: await chart.locator('path.fast-area, path.recharts-area-area').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? '')),
    });
    const a = await read();
    await page!.waitForFunction(
      (prev) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-last-time')) > prev,
      a.last,
      { timeout: 5000 },
    );
    await page!.waitForTimeout(1200);
    const b = await read();
    assert.ok(b.last > a.last, `newest point moved from ${a.last} to ${b.last}`);
    assert.ok(b.points >= a.points, `points ${a.points} → ${b.points}`);
    assert.ok(b.paths.length >= 2, `at least two stacked areas drawn (got ${b.paths.length})`);
    assert.notDeepEqual(b.paths, a.paths, 'the SVG paths changed');
    // the y axis must reach the TIME_WAIT level
    const ticks = await chart.locator('.recharts-cartesian-axis-tick-value').allTextContents();
    // x ticks are clock times (05:40:45); y ticks are counts
    const maxTick = Math.max(...ticks.filter((x) => !x.includes(':')).map((x) => displayedCount(x)).filter((n) => Number.isFinite(n)));
    assert.ok(maxTick >= TIME_WAIT_SOCKETS * 0.8, `y axis reaches ${maxTick}`);
  });

  it('hovering the chart shows recharts\' tooltip with the values at that time', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const chart = page!.locator('[data-testid="state-chart"]');
    const box = (await chart.boundingBox())!;
    await page!.mouse.move(box.x + box.width - 40, box.y + box.height / 2);
    await page!.waitForSelector('[data-testid="state-chart"] .recharts-tooltip-wrapper', { timeout: 5000 });
    await page!.waitForFunction(
      () => /TIME_WAIT\s*:?\s*\d/.test(document.querySelector('[data-testid="state-chart"] .recharts-tooltip-wrapper')?.textContent ?? ''),
      null,
      { timeout: 5000 },
    );
    assert.ok((await chart.locator('path.recharts-area-area').count()) >= 2, 'recharts draws its own areas while hovered');
    await chart.screenshot({ path: `${ARTIFACTS}/overview-chart-hover.png` });
    await page!.mouse.move(5, 5);
    await page!.waitForSelector('[data-testid="state-chart"] path.fast-area', { timeout: 5000 });
  });

  it('pause freezes the chart while the counts stay live; resume catches up', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const chart = page!.locator('[data-testid="state-chart"]');
    await page!.click('[data-testid="pause"]');
    const frozen = Number(await chart.getAttribute('data-last-time'));
    const statusBefore = await page!.textContent('[data-testid="status-line"]');
    await page!.waitForTimeout(2300);
    assert.equal(Number(await chart.getAttribute('data-last-time')), frozen, 'paused chart did not move');
    assert.notEqual(await page!.textContent('[data-testid="status-line"]'), statusBefore, 'collection continued while paused');
    await page!.click('[data-testid="pause"]');
    await page!.waitForFunction((f) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-last-time')) > f + 1500, frozen, {
      timeout: 3000,
    });
  });

  it('every view renders real content; screenshots in light and dark are not blank', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const views = ['overview', 'timewait', 'connections', 'tuning', 'alerts'] as const;
    const blank = await context!.newPage();
    for (const scheme of ['light', 'dark'] as const) {
      await page!.emulateMedia({ colorScheme: scheme });
      for (const v of views) {
        await page!.click(`[data-testid="nav-${v}"]`);
        await page!.waitForTimeout(v === 'connections' ? 2500 : 1200);
        if (v === 'timewait') {
          await page!.waitForSelector('[data-testid="port-budgets"]', { timeout: 5000 });
          const budget = await page!.textContent('[data-testid="port-budgets"]');
          assert.match(budget ?? '', /127\.0\.0\.1 → 127\.0\.0\.1:7000/, 'the budget row of the factory destination');
          assert.match(budget ?? '', /Fine|At risk|Will run out/);
        }
        if (v === 'connections') {
          const total = displayedCount((await page!.textContent('[data-testid="connections-total"]'))?.split(' of ')[0] ?? '');
          assert.ok(total >= TIME_WAIT_SOCKETS, `connection table holds ${total} rows`);
          const rendered = await page!.locator('[data-testid="connections-table"] [role="row"]').count();
          assert.ok(rendered > 10 && rendered < 120, `virtualized: ${rendered} row elements for ${total} sockets`);
          assert.ok(
            (await page!.locator('text=no owner — TIME_WAIT sockets belong to the kernel').count()) > 0,
            'TIME_WAIT rows explain that they have no owner',
          );
        }
        // nothing wider than the window: a user never scrolls sideways
        const widths = await page!.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(widths[0] <= widths[1], `${v}/${scheme} is ${widths[0]} px wide in a ${widths[1]} px window`);
        const png = await page!.screenshot({ fullPage: true });
        writeFileSync(`${ARTIFACTS}/${v}-${scheme}.png`, png);
        const s = await imageStats(blank, png);
        assert.ok(s.width >= 1000 && s.height >= 600, `${v}/${scheme}: ${s.width}×${s.height}`);
        assert.ok(s.stddev > 4, `${v}/${scheme} looks blank: luminance stddev ${s.stddev.toFixed(1)}`);
        assert.ok(s.colors > 30, `${v}/${scheme} looks blank: ${s.colors} colours`);
      }
    }
    await blank.close();
    // the served page runs under the dashboard's strict CSP (its own origin only) without a violation
    // (asked from the page itself: the server listens inside the namespace, like the browser)
    const csp = await page!.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.equal(csp, dashboardCsp('self'));
    assert.deepEqual(await page!.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');
  });

  it('stops cleanly on SIGTERM', async (t) => {
    if (!requireRoot(t, 'the dashboard e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    await context!.close();
    context = null;
    const exited = new Promise<number | null>((r) => serve!.once('exit', (code) => r(code)));
    serve!.kill('SIGTERM');
    assert.equal(await exited, 0);
    factory?.send('quit');
  });
});
