// electron/main/main.ts, the composition root, run under plain Node against a stand-in `electron` module
// (the real one is never loaded): main.ts is bundled with esbuild, its `electron` import pointed at a
// double that records what the shell asks of Electron (fake-electron.ts). Checks the window's security
// settings, the app:// protocol, IPC registration with the sender check, the collector utility process
// and its MessagePort hand-off, history through IPC, the menu, permission and navigation guards,
// graceful quit and the single-instance lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from '../../shared/history-fixtures';
import { historySampleOf } from '../../../../electron/ipc/collector-protocol';
import { bundleMain, Emitter, fakeElectron, type Fn } from './fake-electron';

const flush = () => new Promise((r) => setImmediate(r));

test('main.ts wires a hardened window, the collector process, typed IPC, menu and quit', async () => {
  const bundle = await bundleMain();
  const f = fakeElectron({ lock: true });
  try {
    bundle.load(f.electron);
    // Before ready: the app:// scheme is registered as standard + secure.
    assert.match(f.log[0]!, /^registerSchemes \[\{"scheme":"app","privileges":\{"standard":true,"secure":true,"supportFetchAPI":true\}\}\]$/);
    f.makeReady();
    await flush();
    await flush();
    assert.ok(f.log.includes('protocol.handle app'));
    assert.ok(f.log.includes('setApplicationMenu'));

    // One window, locked down, loading our page.
    assert.equal(f.windows.length, 1);
    const win = f.windows[0]!;
    const prefs = win.options.webPreferences as Record<string, unknown>;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.webSecurity, true);
    assert.match(String(prefs.preload), /preload\.cjs$/);
    assert.equal(win.loaded, 'app://waitline/index.html');

    // The protocol handler answers with the CSP header.
    const res = await f.protocolHandler()!({ url: 'app://waitline/definitely-missing.js', method: 'GET' });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);

    // Every contract channel has a handler.
    assert.equal(f.handlers.size, 15);

    // The collector runs in a named utility process.
    assert.equal(f.children.length, 1);
    const child = f.children[0]!;
    assert.match(child.modulePath, /collector-host\.cjs$/);
    assert.equal(child.options.serviceName, 'Waitline collector');

    // Page loaded → the renderer gets a port whose twin goes to the collector process, and a status.
    win.webContents.emit('did-finish-load');
    assert.deepEqual(child.received.at(-1), [{ type: 'attachRenderer' }, [{ name: 'port1' }]]);
    assert.deepEqual(win.webContents.posted.at(-1), ['waitline:snapshotPort', null, [{ name: 'port2' }]]);
    assert.equal(win.webContents.sent.at(-1)![0], 'waitline:collectorStatus');

    // The collector process reports in; its history sample is served through IPC to our page only.
    const t = 1_763_700_000_000;
    child.emit('message', { type: 'ready', pid: 99 });
    child.emit('message', { type: 'sample', sample: historySampleOf(makeSnapshot({ time: t, states: { TIME_WAIT: 321 } })) });
    assert.deepEqual(win.webContents.sent.at(-1), ['waitline:collectorStatus', { state: 'running', message: null, restarts: 0, nextRestartAt: null }]);
    const ours = { sender: { id: 17 }, senderFrame: { url: 'app://waitline/index.html', parent: null } };
    const h = (await f.handlers.get('waitline:getHistory')!(ours, { fromMs: t, toMs: t, maxPoints: 10 })) as { states: { TIME_WAIT: number[] } };
    assert.deepEqual(h.states.TIME_WAIT, [321]);
    const stranger = { sender: { id: 99 }, senderFrame: { url: 'app://waitline/index.html', parent: null } };
    await assert.rejects(Promise.resolve(f.handlers.get('waitline:getHistory')!(stranger, { fromMs: t, toMs: t, maxPoints: 10 })), /not the Waitline window/);
    const info = (await f.handlers.get('waitline:getInfo')!(ours)) as { transport: string; readOnly: boolean };
    assert.equal(info.transport, 'electron');

    // The menu's Tuning item tells the renderer to switch views.
    type Item = { id?: string; click?: () => void; submenu?: unknown[] };
    const items: Item[] = f.menu().flatMap((m): Item[] => [m, ...((m.submenu as Item[] | undefined) ?? [])]);
    items.find((i) => i.id === 'view-tuning')!.click!();
    assert.deepEqual(win.webContents.sent.at(-1), ['waitline:navigate', 'tuning']);

    // Permissions are denied; every new webContents gets the navigation guards.
    let granted: boolean | null = null;
    f.permissionRequest()!(null, 'media', (g) => (granted = g));
    assert.equal(granted, false);
    const contents = Object.assign(new Emitter(), { windowOpenHandler: null as Fn | null, setWindowOpenHandler(hh: Fn) { this.windowOpenHandler = hh; } });
    f.app.emit('web-contents-created', {}, contents);
    assert.deepEqual((contents.windowOpenHandler as (d: { url: string }) => unknown)({ url: 'https://evil.example/' }), { action: 'deny' });
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    assert.equal(prevented, true);

    // Closing the window saves its state; quitting first stops the collector process cleanly.
    win.emit('close');
    let quitPrevented = false;
    f.app.emit('before-quit', { preventDefault: () => (quitPrevented = true) });
    assert.equal(quitPrevented, true);
    assert.deepEqual(child.received.at(-1), [{ type: 'stop' }, undefined]);
    assert.equal(f.handlers.size, 0, 'IPC handlers removed');
    assert.ok(!f.log.includes('app.quit'));
    child.emit('exit', 0);
    // then the history file is closed (its last samples written), then the app quits
    for (let i = 0; i < 200 && !f.log.includes('app.quit'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(f.log.includes('app.quit'), 'quits once the collector has exited and history is closed');
    assert.equal(f.children.length, 1, 'no restart during quit');
  } finally {
    rmSync(join(tmpdir(), `waitline-main-test-${process.pid}-userData`), { recursive: true, force: true });
    bundle.cleanup();
  }
});

test('a second instance quits at once and opens nothing', async () => {
  const bundle = await bundleMain();
  const f = fakeElectron({ lock: false });
  try {
    bundle.load(f.electron);
    f.makeReady();
    await flush();
    assert.ok(f.log.includes('app.quit'));
    assert.equal(f.windows.length, 0);
    assert.equal(f.children.length, 0);
    assert.equal(f.handlers.size, 0);
  } finally {
    bundle.cleanup();
  }
});

test('main.ts: alert settings persist in userData and reach the collector after ready; alert events notify, click shows the view', async () => {
  const bundle = await bundleMain();
  const userData = mkdtempSync(join(tmpdir(), 'waitline-main-alerts-'));
  const ours = { sender: { id: 17 }, senderFrame: { url: 'app://waitline/index.html', parent: null } };
  const boot = async () => {
    const f = fakeElectron({ lock: true, userData });
    bundle.load(f.electron);
    f.makeReady();
    await flush();
    await flush();
    return f;
  };
  // Quits like the app does (stops the collector process), so no supervisor timer outlives the boot.
  const shutdown = async (f: ReturnType<typeof fakeElectron>) => {
    f.app.emit('before-quit', { preventDefault: () => {} });
    for (const c of f.children) c.emit('exit', 0);
    await flush();
  };
  const noteClass = () => (f1.electron.Notification as unknown as { shown: (Emitter & { options: { title: string; body: string } })[] });
  let f1 = await boot();
  try {
    noteClass().shown.length = 0;
    const child = f1.children[0]!;
    child.emit('message', { type: 'ready', pid: 5 });
    const sent = child.received.map(([m]) => m as { type: string; settings?: { budgetWarnPercent: number } });
    assert.deepEqual(sent.filter((m) => m.type === 'setAlertSettings').map((m) => m.settings?.budgetWarnPercent), [70], 'defaults after ready');

    // a change through IPC is validated, saved and forwarded
    await assert.rejects(Promise.resolve(f1.handlers.get('waitline:setAlertSettings')!(ours, { budgetWarnPercent: 'high' })), /budgetWarnPercent must be a finite number/);
    const r = (await f1.handlers.get('waitline:setAlertSettings')!(ours, { budgetWarnPercent: 80 })) as { ok: boolean };
    assert.equal(r.ok, true);
    assert.deepEqual(child.received.at(-1)![0], { type: 'setAlertSettings', settings: { ...JSON.parse(readFileSync(join(userData, 'alert-settings.json'), 'utf8')) } });
    assert.equal(JSON.parse(readFileSync(join(userData, 'alert-settings.json'), 'utf8')).budgetWarnPercent, 80);

    // the collector process reports events: a notification per non-quiet one, and a marker
    const win = f1.windows[0]!;
    win.minimized = true;
    const t = 1_763_700_000_000;
    const alert = {
      id: 'port_exhausted:127.0.0.1 → 127.0.0.1:8080', rule: 'port_exhausted', severity: 'critical', subject: '127.0.0.1 → 127.0.0.1:8080',
      view: 'timewait', message: 'Exhausted: all 28,232 ports held.', value: 100, raisedAt: t, conditionGoneAt: null, clearedAt: null, lastNotifiedAt: t,
    };
    child.emit('message', {
      type: 'alerts',
      events: [
        { kind: 'raised', time: t, alert, quiet: false },
        { kind: 'raised', time: t, alert: { ...alert, id: 'port_budget:x', rule: 'port_budget' }, quiet: true },
      ],
    });
    const shown = noteClass().shown;
    assert.equal(shown.length, 1, 'the quiet event shows nothing');
    assert.deepEqual(shown[0]!.options, { title: 'Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', body: 'Exhausted: all 28,232 ports held.' });
    f1.log.length = 0;
    shown[0]!.emit('click');
    assert.deepEqual(f1.log, ['restore', 'show', 'focus']);
    assert.deepEqual(win.webContents.sent.at(-1), ['waitline:navigate', 'timewait']);
    const h = (await f1.handlers.get('waitline:getHistory')!(ours, { fromMs: t - 1, toMs: t + 1, maxPoints: 10 })) as { markers: { label: string }[] };
    assert.deepEqual(h.markers.map((m) => m.label), ['alert raised: Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', 'alert raised: Port budget: 127.0.0.1 → 127.0.0.1:8080']);

    // a restart reads the saved settings and sends them to the new collector process
    await shutdown(f1);
    f1 = await boot();
    const child2 = f1.children[0]!;
    child2.emit('message', { type: 'ready', pid: 6 });
    const s2 = child2.received.map(([m]) => m as { type: string; settings?: { budgetWarnPercent: number } }).filter((m) => m.type === 'setAlertSettings');
    assert.equal(s2.at(-1)?.settings?.budgetWarnPercent, 80);
    assert.equal(((await f1.handlers.get('waitline:getAlertSettings')!(ours)) as { budgetWarnPercent: number }).budgetWarnPercent, 80);

    // a corrupt file: defaults, no crash
    writeFileSync(join(userData, 'alert-settings.json'), '{ not json');
    await shutdown(f1);
    f1 = await boot();
    assert.equal(f1.windows.length, 1, 'the app started');
    assert.ok(!f1.log.some((l) => l.startsWith('app.exit')));
    assert.equal(((await f1.handlers.get('waitline:getAlertSettings')!(ours)) as { budgetWarnPercent: number }).budgetWarnPercent, 70);
    await shutdown(f1);
  } finally {
    rmSync(userData, { recursive: true, force: true });
    rmSync(join(tmpdir(), `waitline-main-test-${process.pid}-userData`), { recursive: true, force: true });
    bundle.cleanup();
  }
});
