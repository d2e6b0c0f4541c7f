// Alerts in the desktop shell, under plain Node with doubles: the alert service's notifications and
// history markers, the settings file (atomic, reloaded, corrupt → defaults), IPC validation of
// setAlertSettings, the collector host taking the settings and posting each tick's events, and the
// collector connection re-sending the settings after every (re)start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ALERT_SETTINGS, type Alert, type AlertEvent, type AlertEventKind, type AlertSettings } from '../../../../shared/alerts';
import { HistoryStore } from '../../../../shared/history';
import type { Snapshot, SocketPage } from '../../../../shared/snapshot';
import { MainIpc } from '../../../../electron/ipc/ipc-main';
import { trustedSender } from '../../../../electron/ipc/sender';
import { ALERT_SETTINGS_FILE, AlertService, AlertSettingsStore, type NotificationLike } from '../../../../electron/settings/alert-service';
import { CollectorConnection, type CollectorChild } from '../../../../electron/main/collector-connection';
import { runCollectorHost, type HostPortLike } from '../../../../electron/utility/collector-host-core';
import { createInvokeHandlers } from '../../../../electron/main/handlers';
import { HistoryService } from '../../../../electron/main/history-service';
import { nodeFiles } from '../../../../electron/settings/node-files';
import { makeSnapshot } from '../../shared/history-fixtures';
import { alertEvent, exhaustedAlert } from '../../shared/alert-fixtures';
import { APP_URL, FakeIpcMain, invokeEvent, ManualClock, WINDOW_ID } from './shell-doubles';

const T0 = 1_763_700_000_000;

const ALERT: Alert = exhaustedAlert(T0);

function ev(kind: AlertEventKind, time: number, quiet = false, alert: Partial<Alert> = {}): AlertEvent {
  return alertEvent(ALERT, kind, time, quiet, alert);
}

class FakeNote implements NotificationLike {
  listeners = new Map<string, () => void>();
  shown = false;
  constructor(readonly options: { title: string; body: string }) {}
  on(event: 'click' | 'close', fn: () => void): this {
    this.listeners.set(event, fn);
    return this;
  }
  show(): void {
    this.shown = true;
  }
}

function service(opts: { settings?: AlertSettings; notification?: boolean } = {}) {
  const notes: FakeNote[] = [];
  const shownViews: string[] = [];
  const forwarded: AlertSettings[] = [];
  const saved: AlertSettings[] = [];
  const logs: string[] = [];
  const history = new HistoryService(new HistoryStore(1000));
  const svc = new AlertService({
    store: { load: () => ({ ...(opts.settings ?? DEFAULT_ALERT_SETTINGS) }), save: (s) => void saved.push(s) },
    collector: { setAlertSettings: (s) => void forwarded.push(s) },
    history,
    notification: opts.notification === false ? null : (o) => {
      const n = new FakeNote(o);
      notes.push(n);
      return n;
    },
    show: (view) => void shownViews.push(view),
    log: (m) => void logs.push(m),
  });
  return { svc, notes, shownViews, forwarded, saved, logs, history };
}

test('alert events become desktop notifications (not quiet or cleared ones) and one history marker per raised/cleared', async () => {
  const { svc, notes, shownViews, forwarded, history } = service();
  assert.deepEqual(forwarded, [DEFAULT_ALERT_SETTINGS], 'the loaded settings go to the collector at once');
  svc.onEvents([
    ev('raised', T0),
    ev('raised', T0, true, { id: 'port_budget:127.0.0.1 → 127.0.0.1:8080', rule: 'port_budget', severity: 'warning' }),
    ev('escalated', T0 + 1000),
    ev('repeated', T0 + 2000),
    ev('cleared', T0 + 3000),
  ]);
  assert.deepEqual(
    notes.map((n) => [n.options.title, n.options.body, n.shown]),
    [
      ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', ALERT.message, true],
      ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', ALERT.message, true],
      ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', ALERT.message, true],
    ],
  );
  notes[0]!.listeners.get('click')!();
  assert.deepEqual(shownViews, ['timewait']);
  const markers = (await history.query({ fromMs: T0 - 1, toMs: T0 + 5000, maxPoints: 10 })).markers;
  assert.deepEqual(markers, [
    { time: T0, label: 'alert raised: Port exhaustion: 127.0.0.1 → 127.0.0.1:8080' },
    { time: T0, label: 'alert raised: Port budget: 127.0.0.1 → 127.0.0.1:8080' },
    { time: T0 + 3000, label: 'alert cleared: Port exhaustion: 127.0.0.1 → 127.0.0.1:8080' },
  ]);
});

test('notify=false or no notification support: markers still, notifications never', async () => {
  const off = service({ settings: { ...DEFAULT_ALERT_SETTINGS, notify: false } });
  off.svc.onEvents([ev('raised', T0)]);
  assert.equal(off.notes.length, 0);
  assert.equal((await off.history.query({ fromMs: T0, toMs: T0, maxPoints: 2 })).markers.length, 1);
  const none = service({ notification: false });
  assert.doesNotThrow(() => none.svc.onEvents([ev('raised', T0)]));
  // garbage from the collector process is skipped, not thrown over
  assert.doesNotThrow(() => none.svc.onEvents([null as unknown as AlertEvent, { kind: 'raised' } as unknown as AlertEvent]));
});

/** The validator's answer to budgetWarnPercent=101: the English message, and its Msg for the UI. */
const WARN_101 = {
  field: 'budgetWarnPercent',
  message: 'Budget warning must be from 1 to 100 %; got 101',
  msg: { key: 'alerts.settings.error.range', params: { field: 'budgetWarnPercent', min: '1', max: '100', value: '101' } },
};

test('set() validates on top of the settings in force, saves and forwards only a wholly valid patch', () => {
  const { svc, saved, forwarded } = service();
  const bad = svc.set({ budgetWarnPercent: 101 });
  assert.deepEqual(bad, { ok: false, errors: [WARN_101] });
  const inconsistent = svc.set({ budgetClearPercent: 80 });
  assert.equal(inconsistent.ok, false);
  assert.match(!inconsistent.ok ? inconsistent.errors[0]!.message : '', /must be below budget warning \(70 %\)/);
  assert.equal(saved.length, 0);
  assert.equal(forwarded.length, 1);
  const good = svc.set({ budgetWarnPercent: 75, notify: false });
  assert.ok(good.ok);
  assert.deepEqual(saved, [{ ...DEFAULT_ALERT_SETTINGS, budgetWarnPercent: 75, notify: false }]);
  assert.deepEqual(forwarded.at(-1), saved[0]);
  assert.deepEqual(svc.get(), saved[0]);
});

test('settings are persisted atomically in userData and reloaded; a corrupt file gives the defaults and one log line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-alerts-'));
  try {
    const path = join(dir, 'nested', ALERT_SETTINGS_FILE);
    const logs: string[] = [];
    const store = new AlertSettingsStore(path, nodeFiles, (m) => logs.push(m));
    assert.deepEqual(store.load(), DEFAULT_ALERT_SETTINGS, 'no file: defaults, silently');
    assert.equal(logs.length, 0);
    const a = service();
    const svc = new AlertService({ ...serviceDeps(), store });
    assert.ok(svc.set({ forecastMinutes: 12, clearAfterS: 30 }).ok);
    assert.deepEqual(readdirSync(join(dir, 'nested')), [ALERT_SETTINGS_FILE], 'no temporary file left behind');
    // a restart: a new store and service read what was saved
    const again = new AlertService({ ...serviceDeps(), store: new AlertSettingsStore(path, nodeFiles, (m) => logs.push(m)) });
    assert.equal(again.get().forecastMinutes, 12);
    assert.equal(again.get().clearAfterS, 30);
    void a;

    for (const [content, why] of [
      ['{"forecastMinutes": 12,', /not valid JSON/],
      ['{"budgetWarnPercent": 500}', /Budget warning must be from 1 to 100 %; got 500/],
      ['[1,2]', /alert settings must be an object/],
    ] as const) {
      writeFileSync(path, content);
      logs.length = 0;
      let loaded: AlertSettings | null = null;
      assert.doesNotThrow(() => (loaded = new AlertSettingsStore(path, nodeFiles, (m) => logs.push(m)).load()));
      assert.deepEqual(loaded, DEFAULT_ALERT_SETTINGS);
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, why);
      assert.match(logs[0]!, /using the default alert settings$/);
      assert.equal(logs[0]!.includes('\n'), false, 'one line');
    }
    // unreadable (a directory where the file should be): defaults, logged
    const dirPath = join(dir, 'is-a-dir');
    nodeFiles.write(join(dirPath, 'x'), '');
    logs.length = 0;
    assert.deepEqual(new AlertSettingsStore(dirPath, nodeFiles, (m) => logs.push(m)).load(), DEFAULT_ALERT_SETTINGS);
    assert.match(logs[0]!, /cannot be read/);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).length, 2, 'load never rewrites the file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function serviceDeps() {
  return {
    collector: { setAlertSettings: () => {} },
    history: { addMarker: () => {} },
    notification: null,
    show: () => {},
    log: () => {},
  };
}

test('IPC setAlertSettings: bad arguments are refused with specific errors before the service runs', async () => {
  const ipcMain = new FakeIpcMain();
  const { svc, saved } = service();
  const ipc = new MainIpc(ipcMain, trustedSender({ windowContentsId: () => WINDOW_ID, expectedUrl: APP_URL }));
  ipc.handleAll(
    createInvokeHandlers({
      info: () => ({ transport: 'electron', version: '0', kernel: 'k', hostname: 'h', readOnly: false, tickMs: 1000 }),
      history: { query: () => ({}) as never },
      sockets: { querySockets: async () => ({}) as SocketPage },
      tuning: { getState: async () => ({}) as never, apply: async () => ({}) as never, confirm: async () => ({}) as never, revert: async () => ({}) as never },
      alerts: svc,
      exporter: { exportData: async () => ({ ok: false, canceled: true }) },
    }),
  );
  const call = (...args: unknown[]) => ipcMain.invoke('waitline:setAlertSettings', invokeEvent(), ...args);
  await assert.rejects(call(), /waitline:setAlertSettings: expected 1 argument, got 0/);
  await assert.rejects(call('warn=70'), /the alert settings must be an object, got "warn=70"/);
  await assert.rejects(call([1]), /the alert settings must be an object, got an array/);
  await assert.rejects(call({ budgetWarnPercent: 70, evil: 1 }), /the alert settings has an unknown field "evil"/);
  await assert.rejects(call(JSON.parse('{"__proto__": {"notify": false}}')), /the alert settings has an unknown field "__proto__"/);
  await assert.rejects(call({ notify: 'yes' }), /notify must be true or false, got "yes"/);
  await assert.rejects(call({ budgetWarnPercent: '70' }), /budgetWarnPercent must be a finite number, got "70"/);
  await assert.rejects(call({ budgetWarnPercent: Number.NaN }), /budgetWarnPercent must be a finite number, got NaN/);
  await assert.rejects(ipcMain.invoke('waitline:setAlertSettings', invokeEvent({ senderId: 99 }), { notify: false }), /not the Waitline window/);
  await assert.rejects(ipcMain.invoke('waitline:getAlertSettings', invokeEvent(), 1), /expected 0 arguments, got 1/);
  assert.equal(saved.length, 0);
  // well-formed but out of range: an answer with the validator's message, nothing saved
  assert.deepEqual(await call({ budgetWarnPercent: 101 }), { ok: false, errors: [WARN_101] });
  assert.equal(saved.length, 0);
  const ok = (await call({ twBucketsPercent: 85 })) as { ok: boolean; settings: AlertSettings };
  assert.equal(ok.ok, true);
  assert.equal(ok.settings.twBucketsPercent, 85);
  assert.equal(((await ipcMain.invoke('waitline:getAlertSettings', invokeEvent())) as AlertSettings).twBucketsPercent, 85);
});

test('the collector host hands the settings to the collector and posts each tick’s alert events (only when there are some)', async () => {
  const clock = new ManualClock(T0);
  const received: AlertSettings[] = [];
  const posted: { type: string; events?: AlertEvent[] }[] = [];
  let listener: ((e: { data: unknown; ports: HostPortLike[] }) => void) | null = null;
  let seq = 0;
  const host = runCollectorHost({
    parentPort: { on: (_e, l) => (listener = l), postMessage: (m) => posted.push(m as { type: string }) },
    collector: {
      tick: async (): Promise<Snapshot> => {
        seq++;
        const events = seq === 2 ? [ev('raised', clock.now())] : [];
        return makeSnapshot({ time: clock.now(), seq, overrides: { alerts: { active: [], recent: [], events } } });
      },
      querySockets: () => ({}) as SocketPage,
      setDemand: () => {},
      setAlertSettings: (s) => void received.push(s),
    },
    pid: 1,
    exit: () => {},
    timers: clock,
  });
  const custom = { ...DEFAULT_ALERT_SETTINGS, forecastMinutes: 9 };
  listener!({ data: { type: 'setAlertSettings', settings: custom }, ports: [] });
  assert.deepEqual(received, [custom]);
  const settle = () => new Promise((r) => setImmediate(r));
  await settle();
  clock.advance(1000);
  await settle();
  clock.advance(1000);
  await settle();
  const alertsMsgs = posted.filter((m) => m.type === 'alerts');
  assert.equal(posted.filter((m) => m.type === 'sample').length, 3);
  assert.equal(alertsMsgs.length, 1, 'ticks without events post none');
  assert.equal(alertsMsgs[0]!.events![0]!.alert.id, ALERT.id);
  await host.stop();
});

test('the collector connection sends the settings after every ready (restarts too) and passes alert events on', () => {
  const clock = new ManualClock(T0);
  const children: (CollectorChild & { received: unknown[]; emit(m: unknown): void; die(): void })[] = [];
  const got: AlertEvent[][] = [];
  const conn = new CollectorConnection<object>({
    spawn: () => {
      const messageListeners: ((m: unknown) => void)[] = [];
      const exitListeners: ((c: number) => void)[] = [];
      const child = {
        received: [] as unknown[],
        postMessage(m: unknown) {
          this.received.push(m);
        },
        on(event: 'exit' | 'message', l: (x: never) => void) {
          if (event === 'exit') exitListeners.push(l as (c: number) => void);
          else messageListeners.push(l as (m: unknown) => void);
          return child;
        },
        kill: () => true,
        emit: (m: unknown) => messageListeners.forEach((l) => l(m)),
        die: () => exitListeners.forEach((l) => l(1)),
      };
      children.push(child as never);
      return child as never;
    },
    createChannel: () => ({ port1: {}, port2: {} }),
    onSample: () => {},
    onStatus: () => {},
    onAlerts: (e) => void got.push(e),
    timers: clock,
  });
  const settings = { ...DEFAULT_ALERT_SETTINGS, repeatMinutes: 5 };
  conn.setAlertSettings(settings); // before start: remembered
  conn.start();
  const first = children[0]!;
  first.emit({ type: 'ready', pid: 10 });
  assert.deepEqual(first.received, [{ type: 'setAlertSettings', settings }]);
  const changed = { ...settings, enabled: false };
  conn.setAlertSettings(changed);
  assert.deepEqual(first.received.at(-1), { type: 'setAlertSettings', settings: changed });
  first.emit({ type: 'alerts', events: [ev('raised', T0)] });
  assert.equal(got.length, 1);
  first.die();
  clock.advance(1000);
  const second = children[1]!;
  assert.ok(second, 'restarted');
  second.emit({ type: 'ready', pid: 11 });
  assert.deepEqual(second.received.at(-1), { type: 'setAlertSettings', settings: changed }, 'the restarted process gets the settings in force');
  void conn.stop();
});
