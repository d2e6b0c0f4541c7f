// Window state persistence and the app menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMenuTemplate } from '../../../../electron/main/menu';
import { nodeFiles } from '../../../../electron/settings/node-files';
import {
  DEFAULT_WINDOW_SIZE,
  parseWindowState,
  restoreWindowState,
  WindowStateStore,
} from '../../../../electron/settings/window-state';

type MenuItemConstructorOptions = ReturnType<typeof buildMenuTemplate>[number];

const LAPTOP = { x: 0, y: 0, width: 1920, height: 1050 };
const RIGHT_MONITOR = { x: 1920, y: 0, width: 2560, height: 1410 };

test('malformed or missing state files fall back to defaults', () => {
  for (const text of [null, '', 'not json', '[]', 'null', '{"width":"800","height":600}', '{"width":0,"height":600}', '{"width":1e9,"height":600}']) {
    assert.equal(parseWindowState(text), null, String(text));
    assert.deepEqual(restoreWindowState(parseWindowState(text), [LAPTOP]), { ...DEFAULT_WINDOW_SIZE, maximized: false });
  }
  // Fractional or absurd coordinates drop the position only.
  assert.deepEqual(parseWindowState('{"x":1.5,"y":10,"width":900,"height":700,"maximized":true}'), { width: 900, height: 700, maximized: true });
});

test('a position on a connected display is kept; one on an unplugged monitor is dropped (centered)', () => {
  const onRight = { x: 2100, y: 100, width: 1400, height: 900, maximized: false };
  assert.deepEqual(restoreWindowState(onRight, [LAPTOP, RIGHT_MONITOR]), onRight);
  // The right monitor is gone: no x/y, so the window manager centers it; size fits the laptop.
  assert.deepEqual(restoreWindowState(onRight, [LAPTOP]), { width: 1400, height: 900, maximized: false });
  // Title bar above the top of every display: unreachable, dropped.
  assert.equal(restoreWindowState({ x: 100, y: -200, width: 1000, height: 800, maximized: false }, [LAPTOP]).x, undefined);
  // Only a sliver (< 64 px) horizontally on screen: dropped.
  assert.equal(restoreWindowState({ x: 1900, y: 100, width: 1000, height: 800, maximized: false }, [LAPTOP]).x, undefined);
  // Larger than the display: clamped to it.
  assert.deepEqual(restoreWindowState({ x: 0, y: 0, width: 4000, height: 3000, maximized: true }, [LAPTOP]), {
    x: 0,
    y: 0,
    width: 1920,
    height: 1050,
    maximized: true,
  });
  // Smaller than the minimum: grown to it.
  assert.deepEqual(restoreWindowState({ x: 10, y: 10, width: 100, height: 100, maximized: false }, [LAPTOP]), {
    x: 10,
    y: 10,
    width: 800,
    height: 560,
    maximized: false,
  });
});

test('saved state round-trips through a real file, written atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-winstate-'));
  try {
    const path = join(dir, 'sub', 'window-state.json');
    const store = new WindowStateStore(path, nodeFiles);
    assert.deepEqual(store.load([LAPTOP]), { ...DEFAULT_WINDOW_SIZE, maximized: false }, 'no file yet');
    store.save({ x: 40.4, y: 30, width: 1500.6, height: 900, maximized: undefined } as never, true);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { x: 40, y: 30, width: 1501, height: 900, maximized: true });
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['window-state.json'], 'no temporary file left behind');
    assert.deepEqual(new WindowStateStore(path, nodeFiles).load([LAPTOP]), { x: 40, y: 30, width: 1501, height: 900, maximized: true });
    writeFileSync(path, '{"x": 5, "y":');
    assert.deepEqual(store.load([LAPTOP]), { ...DEFAULT_WINDOW_SIZE, maximized: false }, 'a truncated file is ignored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

test('the menu switches views with Ctrl+1…4, reloads, shows About, and hides DevTools when packaged', () => {
  const calls: string[] = [];
  const actions = {
    navigate: (v: string) => calls.push(`navigate:${v}`),
    reload: () => calls.push('reload'),
    about: () => calls.push('about'),
    openExternal: (u: string) => calls.push(`open:${u}`),
    quit: () => calls.push('quit'),
  };
  const items = flatten(buildMenuTemplate(actions, { devTools: false }));
  const byId = (id: string) => items.find((i) => i.id === id)!;
  const views = ['overview', 'connections', 'timewait', 'tuning'];
  views.forEach((v, i) => {
    const item = byId(`view-${v}`);
    assert.equal(item.accelerator, `CmdOrCtrl+${i + 1}`);
    (item.click as () => void)();
  });
  (byId('reload').click as () => void)();
  (byId('about').click as () => void)();
  (byId('kernel-docs').click as () => void)();
  (byId('quit').click as () => void)();
  assert.deepEqual(calls, [
    'navigate:overview',
    'navigate:connections',
    'navigate:timewait',
    'navigate:tuning',
    'reload',
    'about',
    'open:https://docs.kernel.org/networking/ip-sysctl.html',
    'quit',
  ]);
  assert.equal(items.some((i) => i.role === 'toggleDevTools'), false);
  assert.equal(flatten(buildMenuTemplate(actions, { devTools: true })).some((i) => i.role === 'toggleDevTools'), true);
});
