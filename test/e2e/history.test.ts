// History in Chromium against a real `waitline serve` that records to a real history file: a from/to
// picked in the date-time inputs shows exactly that range from the file; dragging across the chart
// zooms; back and forward step through the ranges; the 7-day preset; and the export download of the
// range shown, read back by a real CSV parser, holds the recorded values.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { PersistentHistory } from '../../electron/history/persistent-history';
import { createNetns, requireRoot, type Netns } from '../kernel/netns';
import { LineReader } from '../kernel/lines';
import { launchChromium, requireChromium, type LaunchedBrowser } from './browser';

const ARTIFACTS = 'test-artifacts/e2e';
const MIN = 60_000;
/** now, rounded to the second, when the history was seeded */
const NOW = Math.floor(Date.now() / 1000) * 1000;
/** a burst of TIME_WAIT recorded between 130 and 120 minutes ago; nothing else has any */
const BURST_FROM = NOW - 130 * MIN;
const BURST_TO = NOW - 120 * MIN;
const twAt = (t: number) => (t >= BURST_FROM && t < BURST_TO ? 700 + ((t / 1000) % 100) : 0);

/** the value an <input type=datetime-local step=1> takes for epoch ms (local time) */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function chartRange(page: Page): Promise<{ from: number; to: number; points: number }> {
  return page.$eval('[data-testid="state-chart"]', (el) => ({
    from: Number(el.getAttribute('data-from')),
    to: Number(el.getAttribute('data-to')),
    points: Number(el.getAttribute('data-points')),
  }));
}

async function legend(page: Page): Promise<string[]> {
  return page.$$eval('.state-legend button:not(.chart-scale-toggle)', (els) => els.map((e) => e.textContent ?? ''));
}

describe('history navigation and export in Chromium (waitline serve with a history file)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let serve: ChildProcess | null = null;
  let launched: LaunchedBrowser | null = null;
  let context: BrowserContext | null = null;
  let page: Page | null = null;
  let url = '';
  let ready = false;
  const stateDir = mkdtempSync(join(tmpdir(), 'wl-e2e-history-'));

  before(async () => {
    if (process.getuid?.() !== 0) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    // three hours of seconds, recorded before serve starts (fast: no waiting for real time)
    const h = await PersistentHistory.open({ dir: stateDir, capacity: 100 });
    for (let t = NOW - 180 * MIN; t < NOW - 60_000; t += 1000) {
      h.pushSample(t, { TIME_WAIT: twAt(t), ESTABLISHED: 5 }, {});
      if (t % 3_600_000 === 0) await h.flush();
    }
    h.addMarker(NOW - 125 * MIN, 'tcp_tw_reuse=1');
    await h.close();
    ns = await createNetns('wl-e2e-hist');
    serve = ns.spawn(process.execPath, ['dist/cli.mjs', 'serve', '--port', '0', '--state-dir', stateDir]);
    url = await new LineReader(serve).until(/^http:\/\//);
    if (!requireChromiumQuiet()) return;
    launched = await launchChromium(ns.name);
    context = await launched.browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-testid="state-chart"] svg', { timeout: 15_000 });
    ready = true;
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await launched?.close();
    if (serve && serve.exitCode === null) serve.kill('SIGTERM');
    await ns?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a from/to picked in the date-time inputs shows that range, read from the history file', async (t) => {
    if (!requireRoot(t, 'the history e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const p = page!;
    await p.click('[data-testid="range-pick"]');
    // an hour with nothing but ESTABLISHED in it
    await p.fill('[data-testid="range-from"]', localInput(NOW - 180 * MIN));
    await p.fill('[data-testid="range-to"]', localInput(NOW - 140 * MIN));
    await p.click('[data-testid="range-apply"]');
    await p.waitForFunction((from) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-from')) === from, NOW - 180 * MIN);
    let r = await chartRange(p);
    assert.equal(r.to, NOW - 140 * MIN);
    assert.ok(r.points > 100, `points drawn: ${r.points}`);
    assert.deepEqual(await legend(p), ['ESTABLISHED'], 'no TIME_WAIT was recorded in that hour');
    assert.match(await p.textContent('[data-testid="range-label"]') ?? '', /→/);
    // the burst
    await p.click('[data-testid="range-pick"]');
    await p.fill('[data-testid="range-from"]', localInput(NOW - 140 * MIN));
    await p.fill('[data-testid="range-to"]', localInput(NOW - 110 * MIN));
    await p.click('[data-testid="range-apply"]');
    await p.waitForFunction((from) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-from')) === from, NOW - 140 * MIN);
    assert.deepEqual(await legend(p), ['TIME_WAIT', 'ESTABLISHED']);
    r = await chartRange(p);
    assert.equal(r.to, NOW - 110 * MIN);
    // a "to" before "from" is refused in place
    await p.click('[data-testid="range-pick"]');
    await p.fill('[data-testid="range-from"]', localInput(NOW - 100 * MIN));
    await p.fill('[data-testid="range-to"]', localInput(NOW - 110 * MIN));
    assert.equal(await p.isDisabled('[data-testid="range-apply"]'), true);
    assert.match((await p.textContent('.range-picker .field-error')) ?? '', /after/);
    await p.click('[data-testid="range-pick"]');
    await p.screenshot({ path: join(ARTIFACTS, 'history-range.png') });
  });

  it('dragging across the chart zooms into that span; back and forward step through the ranges', async (t) => {
    if (!requireRoot(t, 'the history e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const p = page!;
    const before_ = await chartRange(p);
    const box = (await p.$('[data-testid="state-chart"] .recharts-cartesian-grid'))!;
    const g = (await box.boundingBox())!;
    // from 1/3 to 2/3 of the plot's width
    await p.mouse.move(g.x + g.width / 3, g.y + g.height / 2);
    await p.mouse.down();
    await p.mouse.move(g.x + g.width / 2, g.y + g.height / 2, { steps: 4 });
    assert.ok(await p.isVisible('[data-testid="zoom-selection"]'), 'the span being selected is shown');
    await p.mouse.move(g.x + (2 * g.width) / 3, g.y + g.height / 2, { steps: 4 });
    await p.mouse.up();
    await p.waitForFunction((from) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-from')) !== from, before_.from);
    const zoomed = await chartRange(p);
    const span = before_.to - before_.from;
    // about the middle third (a few pixels of slack either side)
    assert.ok(Math.abs(zoomed.from - (before_.from + span / 3)) < span * 0.02, `zoom start ${zoomed.from - before_.from} of ${span}`);
    assert.ok(Math.abs(zoomed.to - (before_.from + (2 * span) / 3)) < span * 0.02, `zoom end ${zoomed.to - before_.from} of ${span}`);
    await p.click('[data-testid="nav-back"]');
    await p.waitForFunction((from) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-from')) === from, before_.from);
    assert.equal((await chartRange(p)).to, before_.to);
    await p.click('[data-testid="nav-forward"]');
    await p.waitForFunction((from) => Number(document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-from')) === from, zoomed.from);
    assert.equal(await p.isDisabled('[data-testid="nav-forward"]'), true, 'nothing further forward');
  });

  it('exports the range shown as a CSV download that holds the recorded values', async (t) => {
    if (!requireRoot(t, 'the history e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const p = page!;
    const shown = await chartRange(p);
    await p.click('[data-testid="export-open"]');
    await p.check('[data-testid="export-kind-history"]');
    await p.check('[data-testid="export-format-csv"]');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="export-run"]')]);
    assert.match(download.suggestedFilename(), /^waitline-history-\d{8}-\d{6}\.csv$/);
    const file = join(stateDir, 'download.csv');
    await download.saveAs(file);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    const inRange = Math.floor((shown.to - shown.from) / 1000);
    assert.ok(Math.abs(rows.length - inRange) <= 2, `${rows.length} rows for ${inRange} s`);
    for (const r of rows) {
      const at = Date.parse(r.time);
      assert.ok(at >= shown.from && at <= shown.to, `${r.time} inside the range shown`);
      assert.equal(Number(r.time_wait), twAt(at), `TIME_WAIT at ${r.time}`);
      assert.equal(Number(r.established), 5);
    }
    assert.match((await p.textContent('[data-testid="export-result"]')) ?? '', /Download started/);
    await p.click('[data-testid="export-open"]');
  });

  it('the 7-day preset shows the last week, and Live returns to the live window', async (t) => {
    if (!requireRoot(t, 'the history e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const p = page!;
    await p.click('[data-testid="window-7d"]');
    await p.waitForFunction(() => {
      const el = document.querySelector('[data-testid="state-chart"]');
      return Number(el?.getAttribute('data-to')) - Number(el?.getAttribute('data-from')) === 7 * 86_400_000;
    });
    const r = await chartRange(p);
    assert.ok(Math.abs(r.to - Date.now()) < 30_000, 'ends now');
    assert.ok((await legend(p)).includes('TIME_WAIT'), 'the burst is inside the week');
    await p.click('[data-testid="go-live"]');
    await p.waitForSelector('[data-testid="pause"]');
    assert.equal(await p.isVisible('[data-testid="range-label"]'), false);
  });
});

/** Chromium missing: the tests themselves report it (requireChromium); setup just stops. */
function requireChromiumQuiet(): boolean {
  try {
    return readFileSync('/usr/bin/chromium').length > 0;
  } catch {
    return false;
  }
}
