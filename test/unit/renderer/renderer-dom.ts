// jsdom globals for renderer tests. Import this FIRST (before React DOM or any renderer module): it
// installs window/document/localStorage on globalThis. jsdom does no layout, so elements report a
// fixed 1200×600 box (the charts and the virtualized table size themselves from it).
import { JSDOM } from 'jsdom';

export const PAGE_URL = 'http://127.0.0.1:7780/?token=test-token';

const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
  url: PAGE_URL,
  pretendToBeVisual: true,
});
const w = dom.window;
const g = globalThis as Record<string, unknown>;
for (const key of [
  'window',
  'document',
  'localStorage',
  'HTMLElement',
  'HTMLInputElement',
  'Element',
  'Node',
  'Event',
  'KeyboardEvent',
  'MouseEvent',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'SVGElement',
  'DocumentFragment',
  'MutationObserver',
]) {
  g[key] = (w as unknown as Record<string, unknown>)[key];
}
Object.defineProperty(globalThis, 'navigator', { value: w.navigator, configurable: true });
g.IS_REACT_ACT_ENVIRONMENT = true;

const BOX = { x: 0, y: 0, top: 0, left: 0, width: 1200, height: 600, right: 1200, bottom: 600, toJSON() {} };
w.HTMLElement.prototype.getBoundingClientRect = () => BOX as DOMRect;
Object.defineProperty(w.HTMLElement.prototype, 'offsetWidth', { get: () => 1200, configurable: true });
Object.defineProperty(w.HTMLElement.prototype, 'offsetHeight', { get: () => 600, configurable: true });
Object.defineProperty(w.HTMLElement.prototype, 'clientWidth', { get: () => 1200, configurable: true });
Object.defineProperty(w.HTMLElement.prototype, 'clientHeight', { get: () => 600, configurable: true });

class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(w as unknown as Record<string, unknown>).ResizeObserver = NoopResizeObserver;
g.ResizeObserver = NoopResizeObserver;

export const jsdomWindow = w;
