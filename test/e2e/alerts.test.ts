// Port exhaustion as a person sees it, in a real browser against the real kernel: inside a private
// network namespace with ip_local_port_range narrowed to 200 ports and tcp_tw_reuse=0, a client that
// closes first (test/kernel/churn.mjs) runs the destination out of ports. `waitline serve` runs in
// the namespace with its own alert-settings file; Debian Chromium (in the namespace too, with the
// notification permission granted) shows the page. Checked: the banner on the Overview and its tab
// badge while connects fail, the browser Notification the page creates for the raised alert (title,
// body, tag), the TIME_WAIT view's exhausted row against `ss`, and recovery told honestly — the banner
// stays while the client's own connects still fail and goes once they succeed again; the Alerts view
// then lists the alert as cleared.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createNetns, requireRoot, type Netns } from '../kernel/netns';
import { LineReader } from '../kernel/lines';
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts';
import { launchChromium, requireChromium, type LaunchedBrowser } from './browser';

const PORT = 8080;
const LO = 40000;
const HI = 40199;
const RANGE_SIZE = HI - LO + 1;
const DEST = `127.0.0.1:${PORT}`;

interface ChurnResult {
  startedAt: number;
  firstFail: number | null;
  lastFail: number | null;
  firstOkAfterFail: number | null;
  eaddrnotavail: number;
  ok: number;
  probes: { at: number; outcome: string }[];
}

interface Recorded {
  title: string;
  body: string;
  tag: string;
  at: number;
}

/** Ports in the range a listener holds (serve's own --port 0 lands there): connect() skips them. */
async function ssListenersInRange(ns: Netns): Promise<number> {
  const r = await ns.exec('ss', ['-tlnH']);
  assert.equal(r.code, 0, r.stderr);
  const ports = new Set<number>();
  for (const l of r.stdout.split('\n')) {
    const local = l.trim().split(/\s+/)[3];
    const port = Number(/:(\d+)$/.exec(local ?? '')?.[1]);
    if (port >= LO && port <= HI) ports.add(port);
  }
  return ports.size;
}

async function ssHeld(ns: Netns): Promise<number> {
  const r = await ns.exec('ss', ['-tanH', 'dst', DEST]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

describe('port exhaustion in Chromium: banner, badge, notification, honest recovery (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let dir = '';
  let serve: ChildProcess | null = null;
  let churn: LineReader | null = null;
  let launched: LaunchedBrowser | null = null;
  let context: BrowserContext | null = null;
  let page: Page | null = null;
  let ready = false;
  /** what happened to the browser, if anything: said in any failure that follows */
  const browserEvents: string[] = [];

  before(async () => {
    if (process.getuid?.() !== 0 || !existsSync('/usr/bin/chromium')) return;
    assert.ok(existsSync('dist/cli.mjs') && existsSync('dist/renderer/index.html'), 'the CLI and the renderer are built (npm test builds first)');
    dir = mkdtempSync(join(tmpdir(), 'wl-e2e-alerts-'));
    const settings = join(dir, 'alert-settings.json');
    // a short clear time keeps the test near the 60 s TIME_WAIT; everything else is the default
    writeFileSync(settings, JSON.stringify({ ...DEFAULT_ALERT_SETTINGS, clearAfterS: 2 }));
    ns = await createNetns('wl-e2e-al');
    await ns.sysctl('net.ipv4.ip_local_port_range', `${LO} ${HI}`);
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    serve = ns.spawn(process.execPath, ['dist/cli.mjs', 'serve', '--no-history', '--port', '0', '--interval', '0.5', '--alert-settings', settings]);
    const out = new LineReader(serve);
    let url = '';
    url = await out.until(/^http:\/\//);
    launched = await launchChromium(ns.name);
    context = await launched.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['notifications'], { origin: new URL(url).origin });
    // Record every Notification the page constructs (then construct the real one).
    // (A string, not a function: tsx's transform would add helpers the page does not have.)
    await context.addInitScript(`{
      const Real = window.Notification;
      window.__notes = [];
      class Recording extends Real {
        constructor(title, options) {
          window.__notes.push({ title, body: (options && options.body) || '', tag: (options && options.tag) || '', at: Date.now() });
          super(title, options);
        }
      }
      window.Notification = Recording;
    }`);
    page = await context.newPage();
    launched.browser.on('disconnected', () => browserEvents.push(`${new Date().toISOString()} browser disconnected`));
    page.on('crash', () => browserEvents.push(`${new Date().toISOString()} page crashed`));
    page.on('close', () => browserEvents.push(`${new Date().toISOString()} page closed`));
    page.on('pageerror', (e) => browserEvents.push(`${new Date().toISOString()} page error: ${e.message}`));
    await page.goto(url);
    await page.getByTestId('state-count-TIME_WAIT').waitFor({ timeout: 30_000 });
    churn = new LineReader(ns.spawn(process.execPath, ['test/kernel/churn.mjs', JSON.stringify({ port: PORT, rate: 100, durationS: 4, probeEveryMs: 500, probeUntilS: 80 })]));
    await churn.expect('READY');
    ready = true;
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await launched?.close();
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await ns?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exhausted: banner and badge on the Overview, one notification, the row says so; it clears only once connects succeed', { timeout: 150_000 }, async (t) => {
    if (!requireRoot(t, 'the alerts e2e test') || !requireChromium(t)) return;
    assert.ok(ready, 'setup completed');
    const p = page!;
    assert.equal(await p.getByTestId('alert-banner').count(), 0, 'no banner before the flow');
    assert.equal(await p.evaluate(() => Notification.permission), 'granted');

    churn!.send('go');
    // --- while the destination is out of ports
    const banner = p.getByTestId('alert-banner');
    await banner.waitFor({ timeout: 20_000 });
    const bannerAt = Date.now();
    // the budget by ss: the range minus the ports listeners hold (ss -tln), all of it held toward DEST
    const USABLE = RANGE_SIZE - (await ssListenersInRange(ns!));
    const item = p.getByTestId('alert-banner-item').filter({ hasText: DEST }).first();
    const itemText = (await item.textContent()) ?? '';
    assert.match(itemText, /critical/);
    assert.match(itemText, new RegExp(`Port exhaustion: 127\\.0\\.0\\.1 → 127\\.0\\.0\\.1:${PORT}`));
    assert.match(itemText, new RegExp(`Exhausted: all ${USABLE} ports held; new connections to 127\\.0\\.0\\.1:${PORT} fail with EADDRNOTAVAIL`));
    assert.ok(Number(await p.getByTestId('overview-badge').textContent()) >= 1, 'the Overview tab carries a badge');
    const held = await ssHeld(ns!);
    assert.equal(held, USABLE, `ss: every one of the ${USABLE} usable ports is held toward ${DEST}`);

    // the browser notification the page made for it (permission granted, notify on by default)
    await p.waitForFunction((dest) => (window as unknown as { __notes: Recorded[] }).__notes.some((n) => n.title.includes(dest)), DEST, { timeout: 10_000 });
    const notes = (await p.evaluate(() => (window as unknown as { __notes: Recorded[] }).__notes)).filter((n) => n.title.includes(DEST));
    assert.equal(notes.length, 1, `one notification for the exhausted destination, not one per tick: ${JSON.stringify(notes)}`);
    assert.equal(notes[0]!.title, `Port exhaustion: 127.0.0.1 → ${DEST}`);
    assert.match(notes[0]!.body, /EADDRNOTAVAIL/);
    assert.equal(notes[0]!.tag, `port_exhausted:127.0.0.1 → ${DEST}`);

    // the TIME_WAIT view's row for the destination: the exhausted verdict, never a green "fine"
    await p.getByTestId('nav-timewait').click();
    const row = p.locator('tr[data-verdict]').filter({ hasText: `→ ${DEST}` }).first();
    await row.waitFor({ timeout: 5_000 });
    assert.equal(await row.getAttribute('data-verdict'), 'exhausted');
    assert.match((await row.getByTestId('budget-exhausted').textContent()) ?? '', /^Exhausted since .*; (the first ports free|first ports free|no held port|due to free)/);
    assert.doesNotMatch((await row.getByTestId('budget-verdict-pill').textContent()) ?? '', /fine|at risk/i);
    await p.getByTestId('nav-overview').click();

    // --- recovery: the banner stays while the client's probes still fail, and goes once they succeed
    let goneAt = 0;
    const deadline = Date.now() + 100_000;
    while (Date.now() < deadline) {
      const shown = await banner.count().catch((e: Error) => {
        throw new Error(`${e.message}; browser events: ${JSON.stringify(browserEvents)}`);
      });
      if (shown === 0) {
        goneAt = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(goneAt > 0, 'the banner went away after the TIME_WAIT sockets expired');
    const result = JSON.parse(await churn!.expect('RESULT', 60_000)) as ChurnResult;
    assert.ok(result.firstFail !== null && result.lastFail !== null, `the client saw EADDRNOTAVAIL: ${JSON.stringify({ ...result, probes: result.probes.length })}`);
    assert.ok(bannerAt - result.firstFail < 10_000, `the banner came ${((bannerAt - result.firstFail) / 1000).toFixed(1)} s after the first EADDRNOTAVAIL`);
    // the client's last failing connect (its flow or a probe after it) and its first success after that
    const failedAt = [result.lastFail, ...result.probes.filter((x) => x.outcome === 'EADDRNOTAVAIL').map((x) => x.at)];
    const lastFail = Math.max(...failedAt);
    const okAgain = result.probes.find((x) => x.outcome === 'ok' && x.at > lastFail)?.at ?? null;
    const rel = (ms: number) => `+${((ms - result.startedAt) / 1000).toFixed(1)} s`;
    assert.ok(goneAt >= lastFail, `the banner went at ${rel(goneAt)}, before the last failing connect at ${rel(lastFail)}`);
    assert.ok(okAgain !== null, `connects succeeded again: ${JSON.stringify(result.probes.slice(-5))}`);
    // gone within the clear time (2 s) plus a few ticks of the first successful connect
    assert.ok(goneAt - okAgain < 10_000, `the banner stayed until ${rel(goneAt)}, connects succeeded again at ${rel(okAgain)}`);
    console.log(`# exhausted at ${rel(result.firstFail)}, banner at ${rel(bannerAt)}; last failing connect ${rel(lastFail)}, first success ${rel(okAgain)}, banner gone ${rel(goneAt)}`);

    // the Alerts view lists it as cleared, with its time
    await p.getByTestId('nav-alerts').click();
    const recent = p.getByTestId('alert-recent').filter({ hasText: `Port exhaustion: 127.0.0.1 → ${DEST}` });
    await recent.first().waitFor({ timeout: 5_000 });
    assert.equal(await recent.count(), 1);
    assert.match((await recent.textContent()) ?? '', /raised .*, cleared .* — lasted \d/);
    assert.equal(await p.getByTestId('alert-active').filter({ hasText: DEST }).count(), 0);
  });
});
