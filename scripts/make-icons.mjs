#!/usr/bin/env node
// Renders electron/packaging/icon.svg to electron/packaging/icons/<N>x<N>.png at the standard hicolor sizes with real Chromium
// (playwright-core + Debian's /usr/bin/chromium; no browser download). Run after editing the SVG and
// commit the PNGs: electron-builder installs them under /usr/share/icons/hicolor/<N>x<N>/apps/.
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const svg = readFileSync(new URL('../electron/packaging/icon.svg', import.meta.url), 'utf8');
mkdirSync(new URL('../electron/packaging/icons/', import.meta.url), { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const size of ICON_SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const out = new URL(`../electron/packaging/icons/${size}x${size}.png`, import.meta.url);
    await page.locator('svg').screenshot({ path: out.pathname, omitBackground: true });
    console.log(`wrote electron/packaging/icons/${size}x${size}.png`);
  }
} finally {
  await browser.close();
}
