// A jsdom window as the global environment for the tuning panel tests. Imported first, so React and
// Testing Library see `window` and `document` when they load.
import { JSDOM } from 'jsdom';

export const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/' });
const g = globalThis as Record<string, unknown>;
g.window = dom.window;
g.document = dom.window.document;
g.HTMLElement = dom.window.HTMLElement;
g.Node = dom.window.Node;
g.getComputedStyle = dom.window.getComputedStyle.bind(dom.window);
if (!('navigator' in globalThis)) g.navigator = dom.window.navigator;
g.IS_REACT_ACT_ENVIRONMENT = true;
