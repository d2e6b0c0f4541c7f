// The built renderer as the desktop shell serves it: every file through the shell's app-protocol
// handler (so with its strict Content-Security-Policy header), in real Chromium, with a stand-in for
// the preload's window.waitline (plain data, the WaitlineApi shape). Asserts the dashboard renders
// live data with zero CSP violations, and that the menu's view switching (onNavigate) reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HistoryStore } from '../../shared/history';
import { createAppProtocolHandler, filesUnder } from '../../electron/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security';
import { makeSnapshot } from '../unit/shared/history-fixtures';
import { launchChromium, requireChromium } from './browser';

const RENDERER_DIR = resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');

/** Serves dist/renderer over loopback HTTP through the same handler Electron's protocol.handle uses. */
async function serveLikeTheShell(): Promise<{ server: Server; url: string }> {
  const handler = createAppProtocolHandler({
    readFile: filesUnder(RENDERER_DIR),
  });
  const server = createServer((req, res) => {
    void handler({ url: `app://waitline${req.url ?? '/'}`, method: req.method ?? 'GET' }).then(async (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${addr.port}/index.html` };
}

function fakeApiScript(): string {
  const t0 = Date.now() - 60_000;
  const history = new HistoryStore(1000);
  const snapshots = [];
  for (let i = 0; i <= 60; i++) {
    const s = makeSnapshot({
      time: t0 + i * 1000,
      seq: i + 1,
      states: { TIME_WAIT: 1200 + i * 10, ESTABLISHED: 40, CLOSE_WAIT: 3, LISTEN: 5 },
      rates: { 'TcpExt.TW': 20, 'Tcp.ActiveOpens': 21 },
    });
    history.push(s);
    snapshots.push(s);
  }
  const latest = snapshots[snapshots.length - 1]!;
  const historyResult = history.query({ fromMs: t0, toMs: t0 + 60_000, maxPoints: 1000 });
  // Runs in the page before its scripts (like a preload); init scripts are not subject to page CSP.
  return `
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
    });
    const latest = ${JSON.stringify(latest)};
    const historyResult = ${JSON.stringify(historyResult)};
    const navigateCbs = new Set();
    window.__navigate = (v) => navigateCbs.forEach((cb) => cb(v));
    window.waitline = {
      getInfo: async () => ({ transport: 'electron', version: '0.1.0', kernel: '6.18.0', hostname: 'test', readOnly: false, tickMs: 1000 }),
      onSnapshot: (cb) => { const t = setTimeout(() => cb(latest), 10); return () => clearTimeout(t); },
      onCollectorStatus: (cb) => { setTimeout(() => cb({ state: 'running', message: null, restarts: 0, nextRestartAt: null }), 5); return () => {}; },
      getHistory: async () => historyResult,
      querySockets: async (q) => ({ tableAt: latest.time, total: 0, tableSize: 0, offset: q.offset || 0, rows: [] }),
      getTuning: async () => ({ writable: true, readOnlyReason: null, knobs: [], history: [] }),
      applyTuning: async () => ({ ok: false, code: 'invalid', message: 'test' }),
      confirmTuning: async () => ({ ok: false, code: 'invalid', message: 'test' }),
      revertTuning: async () => ({ ok: false, code: 'invalid', message: 'test' }),
      resolveNames: async () => ({}),
      connectionDetails: async () => ({ available: false, reason: 'not in this test' }),
      killConnection: async () => ({ ok: false, code: 'not_installed', message: 'not in this test' }),
      runProbe: async () => ({ ok: false, code: 'failed', message: 'not in this test' }),
      setLocale: async () => undefined,
      onNavigate: (cb) => { navigateCbs.add(cb); return () => navigateCbs.delete(cb); },
    };
  `;
}

test('the built renderer runs under the shell CSP with no violation, shows live data and follows the menu', async (t) => {
  if (!requireChromium(t)) return;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    assert.fail(`${RENDERER_DIR}/index.html is missing: run npm run build first (npm test does)`);
  }
  const { server, url } = await serveLikeTheShell();
  const launched = await launchChromium();
  try {
    const page = await launched.browser.newPage({ viewport: { width: 1280, height: 820 } });
    const consoleProblems: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) consoleProblems.push(m.text());
    });
    page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
    await page.addInitScript(fakeApiScript());
    const response = await page.goto(url);
    assert.equal(response?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
    await page.getByTestId('state-count-TIME_WAIT').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => /1[,.  ]?800/.test(document.querySelector('[data-testid="state-count-TIME_WAIT"]')?.textContent ?? ''), null, { timeout: 20_000 });
    // Charts drew (SVG paths from recharts) from the history getHistory returned.
    await page.waitForFunction(() => document.querySelectorAll('svg path').length > 3, null, { timeout: 20_000 });

    // The app menu's "Tuning" item (Ctrl+4) arrives as onNavigate('tuning'); the tuning panel renders.
    await page.evaluate(() => (window as unknown as { __navigate(v: string): void }).__navigate('tuning'));
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-tuning"]')?.getAttribute('aria-selected') === 'true', null, { timeout: 10_000 });
    await page.evaluate(() => (window as unknown as { __navigate(v: string): void }).__navigate('connections'));
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-connections"]')?.getAttribute('aria-selected') === 'true', null, { timeout: 10_000 });

    const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(consoleProblems, []);

    // The listener does see violations: an inline script and a style="" attribute in markup are refused.
    await page.evaluate(() => {
      const js = document.createElement('script');
      js.textContent = 'window.__inlineRan = true';
      document.head.appendChild(js);
      const div = document.createElement('div');
      div.innerHTML = '<span id="styled" style="color: rgb(255, 0, 0)">x</span>';
      document.body.appendChild(div);
    });
    await page.waitForFunction(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.length >= 2, null, { timeout: 5000 });
    const after = await page.evaluate(() => ({
      v: (window as unknown as { __cspViolations: string[] }).__cspViolations,
      ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
      color: getComputedStyle(document.getElementById('styled')!).color,
    }));
    assert.equal(after.ran, false, 'inline script blocked');
    assert.notEqual(after.color, 'rgb(255, 0, 0)', 'style attribute blocked');
    assert.ok(after.v.some((v) => v.startsWith('style-src-attr')), after.v.join('\n'));
    assert.ok(after.v.some((v) => v.startsWith('script-src')), after.v.join('\n'));
  } finally {
    await launched.close();
    await new Promise((r) => server.close(r));
  }
});
