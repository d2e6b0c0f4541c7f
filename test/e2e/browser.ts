// Real Chromium for end-to-end tests: Debian's /usr/bin/chromium through playwright-core (never
// `npx playwright install`). A browser can be started inside a network namespace through a tiny
// wrapper script, so it reaches a `waitline serve` bound to that namespace's loopback.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

// the same flags the render bench uses: headless, no background network, no first-run UI, and no
// sandbox (Chromium refuses to start as root with its sandbox on)
export { CHROMIUM_ARGS } from '../../electron/bench/bench-render';
import { CHROMIUM_ARGS } from '../../electron/bench/bench-render';

export const CHROMIUM = '/usr/bin/chromium';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Tests that need Chromium: fail loudly in CI, skip with a printed reason elsewhere. */
export function requireChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
  if (IN_CI) throw new Error(`CI: ${reason}`);
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launch Chromium, optionally inside network namespace `netns` (needs root). */
export async function launchChromium(netns?: string): Promise<LaunchedBrowser> {
  let dir: string | null = null;
  let executablePath = CHROMIUM;
  if (netns) {
    dir = mkdtempSync(join(tmpdir(), 'wl-chromium-'));
    executablePath = join(dir, 'chromium-in-netns');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${netns} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    // No D-Bus: a system bus that another test starts and stops must not take the browser down.
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/waitline', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/waitline' },
    timeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Luminance statistics of a PNG, computed by the browser itself (no image library needed). */
export async function imageStats(page: Page, png: Buffer): Promise<{ width: number; height: number; stddev: number; colors: number }> {
  return page.evaluate(async (b64: string) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let sum2 = 0;
    const colors = new Set<number>();
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      sum += y;
      sum2 += y * y;
      if (colors.size < 5000) colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    const mean = sum / n;
    return { width: c.width, height: c.height, stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), colors: colors.size };
  }, png.toString('base64'));
}
