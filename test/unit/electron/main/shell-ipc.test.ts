// Main-side IPC: every call passes the sender check and its channel's argument validation before the
// domain code runs; history and tuning are answered through the real handlers. Electron is replaced by
// doubles only at the ipcMain boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryQuery } from '../../../../shared/api';
import { HistoryStore } from '../../../../shared/history';
import type { ApplyTuningRequest, TuningResult, TuningState } from '../../../../shared/tuning';
import { MainIpc } from '../../../../electron/ipc/ipc-main';
import { trustedSender } from '../../../../electron/ipc/sender';
import { historySampleOf } from '../../../../electron/ipc/collector-protocol';
import { createInvokeHandlers } from '../../../../electron/main/handlers';
import { HistoryService } from '../../../../electron/main/history-service';
import { AlertService } from '../../../../electron/settings/alert-service';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../../../shared/alerts';
import { TuningService, type TuningBackend } from '../../../../electron/main/tuning-service';
import { makeSnapshot } from '../../shared/history-fixtures';
import { APP_URL, FakeIpcMain, invokeEvent, WINDOW_ID } from './shell-doubles';

const T0 = 1_763_700_000_000;

class FakeTuningBackend implements TuningBackend {
  calls: { method: string; arg?: unknown }[] = [];
  async getState(): Promise<TuningState> {
    this.calls.push({ method: 'getState' });
    return { writable: true, readOnlyReason: null, knobs: [], history: [] };
  }
  async apply(req: ApplyTuningRequest): Promise<TuningResult> {
    this.calls.push({ method: 'apply', arg: req });
    const changes = Object.entries(req.changes).map(([key, after]) => ({ key, before: '2', after }));
    return {
      ok: true,
      change: { id: 'c1', time: T0 + 5000, changes, persisted: req.persist, state: 'pending_confirm', confirmDeadline: T0 + 35_000 },
    };
  }
  async confirm(id: string): Promise<TuningResult> {
    this.calls.push({ method: 'confirm', arg: id });
    return { ok: false, code: 'helper_failed', message: 'no such change' };
  }
  async revert(id: string): Promise<TuningResult> {
    this.calls.push({ method: 'revert', arg: id });
    throw new Error('helper crashed');
  }
}

function setup(opts: { windowId?: number | null } = {}) {
  const ipcMain = new FakeIpcMain();
  const rejected: string[] = [];
  const history = new HistoryService(new HistoryStore(10_000));
  const backend = new FakeTuningBackend();
  const tuning = new TuningService(backend, history, () => T0 + 9000);
  const socketQueries: unknown[] = [];
  const saved: AlertSettings[] = [];
  const forwarded: AlertSettings[] = [];
  const alerts = new AlertService({
    store: { load: () => ({ ...DEFAULT_ALERT_SETTINGS }), save: (s) => void saved.push(s) },
    collector: { setAlertSettings: (s) => void forwarded.push(s) },
    history,
    notification: null,
    show: () => {},
    log: () => {},
  });
  const windowId = opts.windowId === undefined ? WINDOW_ID : opts.windowId;
  const ipc = new MainIpc(ipcMain, trustedSender({ windowContentsId: () => windowId, expectedUrl: APP_URL }), {
    onRejected: (channel, reason) => rejected.push(`${channel}: ${reason}`),
  });
  ipc.handleAll(
    createInvokeHandlers({
      info: () => ({ transport: 'electron', version: '0.1.0', kernel: '6.18', hostname: 'h', readOnly: false, tickMs: 1000 }),
      history,
      sockets: {
        querySockets: async (q) => {
          socketQueries.push(q);
          return { tableAt: T0, total: 0, tableSize: 0, offset: q.offset ?? 0, rows: [] };
        },
      },
      tuning,
      alerts,
      exporter: { exportData: async () => ({ ok: false, canceled: true }) },
      names: { request: (addresses) => Object.fromEntries(addresses.map((a) => [a, a === '127.0.0.1' ? 'localhost' : null])) },
    }),
  );
  return { ipcMain, ipc, history, backend, tuning, rejected, socketQueries, saved, forwarded };
}

test('every channel of the contract gets a handler, and dispose removes them all', () => {
  const { ipcMain, ipc } = setup();
  assert.deepEqual([...ipcMain.handlers.keys()].sort(), [
    'waitline:applyTuning',
    'waitline:confirmTuning',
    'waitline:connectionDetails',
    'waitline:exportData',
    'waitline:getAlertSettings',
    'waitline:getHistory',
    'waitline:getInfo',
    'waitline:getTuning',
    'waitline:killConnection',
    'waitline:querySockets',
    'waitline:resolveNames',
    'waitline:revertTuning',
    'waitline:runProbe',
    'waitline:setAlertSettings',
    'waitline:setLocale',
  ]);
  assert.throws(
    () => ipc.handle('waitline:getInfo', { validate: () => [], run: () => ({}) as never }),
    /already has a handler/,
  );
  ipc.dispose();
  assert.equal(ipcMain.handlers.size, 0);
});

test('history recorded from collector samples is answered through main, downsampled, with markers', async () => {
  const { ipcMain, history } = setup();
  // One hour at 1 s with one spike in TIME_WAIT; the min/max downsampling must keep it.
  for (let i = 0; i < 3600; i++) {
    const tw = i === 1234 ? 50_000 : 100 + (i % 7);
    history.pushSample(historySampleOf(makeSnapshot({ time: T0 + i * 1000, states: { TIME_WAIT: tw }, rates: { 'TcpExt.TW': 3, 'TcpExt.TWKilled': 1 } })));
  }
  history.addMarker(T0 + 600_000, 'applied: tcp_tw_reuse 2→1');
  const q: HistoryQuery = { fromMs: T0, toMs: T0 + 3_599_000, maxPoints: 300 };
  const r = (await ipcMain.invoke('waitline:getHistory', invokeEvent(), q)) as Awaited<ReturnType<HistoryService['query']>>;
  assert.ok(r.times.length > 0 && r.times.length <= 300, `got ${r.times.length} points`);
  assert.equal(Math.max(...r.states.TIME_WAIT), 50_000, 'the spike survived downsampling');
  assert.equal(Math.min(...r.states.TIME_WAIT), 100);
  assert.ok(r.rates.timeWaitArrivals.every((v) => v === 4), 'TW + TWKilled per second');
  assert.deepEqual(r.markers, [{ time: T0 + 600_000, label: 'applied: tcp_tw_reuse 2→1' }]);
  assert.equal(r.oldestMs, T0);
  // A range outside the marker leaves it out.
  const later = (await ipcMain.invoke('waitline:getHistory', invokeEvent(), { fromMs: T0 + 700_000, toMs: T0 + 800_000, maxPoints: 4000 })) as typeof r;
  assert.equal(later.times.length, 101);
  assert.deepEqual(later.markers, []);
});

test('the sender check compares the scheme: the same host and path under another scheme is refused', () => {
  const check = trustedSender({ windowContentsId: () => WINDOW_ID, expectedUrl: APP_URL });
  // our page, also with a query, a fragment or an upper-case scheme (URL normalizes it)
  for (const ok of [APP_URL, `${APP_URL}?x=1`, `${APP_URL}#/tuning`, 'APP://waitline/index.html']) {
    assert.equal(check(invokeEvent({ url: ok })), null, ok);
  }
  // same host "waitline" and path "/index.html": only the scheme (or user info / port) differs
  for (const bad of [
    'http://waitline/index.html',
    'https://waitline/index.html',
    'file://waitline/index.html',
    'ws://waitline/index.html',
    'apps://waitline/index.html',
    'ap://waitline/index.html',
    'blob:app://waitline/index.html',
    'app://waitline:8080/index.html',
    'app://user@waitline/index.html',
    'app://user:pw@waitline/index.html',
    'app:waitline/index.html',
  ]) {
    const host = (() => {
      try {
        return new URL(bad).host;
      } catch {
        return '(unparsable)';
      }
    })();
    assert.match(check(invokeEvent({ url: bad })) ?? 'accepted', /^the sending page is not app:\/\/waitline\/index.html$/, `${bad} (host ${host})`);
  }
});

test('calls from anything but our window main frame at our URL are refused before any handler runs', async () => {
  const { ipcMain, socketQueries, rejected } = setup();
  const q = { limit: 10 };
  const cases: [string, ReturnType<typeof invokeEvent>, RegExp][] = [
    ['another webContents', invokeEvent({ senderId: WINDOW_ID + 1 }), /not the Waitline window/],
    ['a subframe', invokeEvent({ subframe: true }), /subframe/],
    ['a page the window navigated to', invokeEvent({ url: 'https://evil.example/index.html' }), /sending page is not app:\/\/waitline\/index.html/],
    ['another page of our scheme', invokeEvent({ url: 'app://waitline/other.html' }), /sending page is not/],
    ['a lookalike host', invokeEvent({ url: 'app://waitline.evil/index.html' }), /sending page is not/],
    ['file:// with the same path', invokeEvent({ url: 'file:///index.html' }), /sending page is not/],
    ['http:// with the same host and path', invokeEvent({ url: 'http://waitline/index.html' }), /sending page is not/],
    ['file:// with the same host and path', invokeEvent({ url: 'file://waitline/index.html' }), /sending page is not/],
    ['a destroyed frame', invokeEvent({ frameGone: true }), /frame is gone/],
  ];
  for (const [what, event, message] of cases) {
    await assert.rejects(ipcMain.invoke('waitline:querySockets', event, q), (e: Error) => {
      assert.equal(e.name, 'IpcSenderError', what);
      assert.match(e.message, message, what);
      return true;
    });
  }
  assert.equal(socketQueries.length, 0, 'no handler ran');
  assert.equal(rejected.length, cases.length);
  // The same call from our page (with a fragment, as a router may add) goes through.
  await ipcMain.invoke('waitline:querySockets', invokeEvent({ url: `${APP_URL}#/connections` }), q);
  assert.equal(socketQueries.length, 1);
});

test('no window yet: every call is refused', async () => {
  const { ipcMain } = setup({ windowId: null });
  await assert.rejects(ipcMain.invoke('waitline:getInfo', invokeEvent()), /not the Waitline window/);
});

test('getHistory arguments are validated with specific messages', async () => {
  const { ipcMain } = setup();
  const ok = { fromMs: T0, toMs: T0 + 1000, maxPoints: 10 };
  const bad: [unknown[], RegExp][] = [
    [[], /expected 1 argument, got 0/],
    [[ok, ok], /expected 1 argument, got 2/],
    [['yesterday'], /history query must be an object, got "yesterday"/],
    [[[1, 2]], /must be an object, got an array/],
    [[{ ...ok, fromMs: '0' }], /fromMs must be a finite number, got "0"/],
    [[{ ...ok, toMs: null }], /toMs must be a finite number, got null/],
    [[{ ...ok, maxPoints: 4001 }], /maxPoints must be an integer from 1 to 4000, got 4001/],
    [[{ ...ok, maxPoints: 2.5 }], /maxPoints must be an integer/],
    [[{ ...ok, toMs: T0 - 1 }], /toMs .* is before fromMs/],
    [[{ ...ok, extra: 1 }], /unknown field "extra"/],
  ];
  for (const [args, message] of bad) {
    await assert.rejects(ipcMain.invoke('waitline:getHistory', invokeEvent(), ...args), (e: Error) => {
      assert.equal(e.name, 'IpcArgumentError', JSON.stringify(args));
      assert.match(e.message, /^waitline:getHistory: /);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace in the message');
      return true;
    });
  }
  // NaN and Infinity cannot even be expressed by a renderer through JSON, but structured clone can.
  await assert.rejects(ipcMain.invoke('waitline:getHistory', invokeEvent(), { ...ok, fromMs: NaN }), /fromMs must be a finite number, got NaN/);
  await assert.rejects(ipcMain.invoke('waitline:getHistory', invokeEvent(), { ...ok, toMs: Infinity }), /toMs must be a finite number/);
});

test('querySockets arguments are validated and normalized before reaching the collector', async () => {
  const { ipcMain, socketQueries } = setup();
  const bad: [unknown, RegExp][] = [
    [{ states: ['TIME_WAIT', 'TIMEWAIT'] }, /states contains "TIMEWAIT", which is not a TCP state/],
    [{ states: 'TIME_WAIT' }, /states must be an array/],
    [{ limit: 0 }, /limit must be an integer from 1 to 1000, got 0/],
    [{ limit: 1001 }, /limit must be an integer from 1 to 1000/],
    [{ offset: -1 }, /offset must be an integer from 0/],
    [{ port: 65536 }, /port must be an integer from 0 to 65535/],
    [{ sort: 'inode' }, /sort must be one of state, local/],
    [{ descending: 'yes' }, /descending must be true or false/],
    [{ address: 'x'.repeat(201) }, /address is longer than 200 characters/],
    [{ process: 42 }, /process must be a string, got 42/],
    [{ where: '1=1' }, /unknown field "where"/],
    [new Date(0), /plain object/],
  ];
  for (const [q, message] of bad) {
    await assert.rejects(ipcMain.invoke('waitline:querySockets', invokeEvent(), q), message);
  }
  assert.equal(socketQueries.length, 0);
  await ipcMain.invoke('waitline:querySockets', invokeEvent(), {
    states: ['TIME_WAIT', 'CLOSE_WAIT', 'TIME_WAIT'],
    port: 443,
    sort: 'timerLeftMs',
    descending: true,
    offset: 0,
    limit: 100,
  });
  assert.deepEqual(socketQueries, [
    { states: ['TIME_WAIT', 'CLOSE_WAIT'], port: 443, sort: 'timerLeftMs', descending: true, offset: 0, limit: 100 },
  ]);
});

test('applyTuning: malformed requests throw, catalog-invalid ones answer "invalid" and never reach the helper', async () => {
  const { ipcMain, backend, history } = setup();
  await assert.rejects(ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: { 'net.ipv4.tcp_tw_reuse': 1 }, persist: false }), /the value of "net.ipv4.tcp_tw_reuse" must be a string, got 1/);
  await assert.rejects(ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: {} }), /persist must be true or false, got undefined/);
  await assert.rejects(ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: [], persist: false }), /changes must be an object/);
  await assert.rejects(ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: {}, persist: false, as: 'root' }), /unknown field "as"/);
  // the request limits are the catalog's (the helper's too): 24 keys, 512 characters a value
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`net.ipv4.k${i}`, '1']));
  await assert.rejects(ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: many(25), persist: false }), /changes has 25 keys; at most 24/);
  const at24 = (await ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: many(24), persist: false })) as TuningResult;
  assert.equal(at24.ok, false, 'the shape passes; the catalog then refuses the unknown keys');
  if (!at24.ok) assert.equal(at24.code, 'invalid');
  await assert.rejects(
    ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes: { 'net.ipv4.ip_local_reserved_ports': '1'.repeat(513) }, persist: false }),
    /is longer than 512 characters/,
  );

  const invalid: [Record<string, string>, RegExp][] = [
    [{ 'kernel.core_pattern': '|/tmp/x' }, /kernel.core_pattern: not a sysctl Waitline may change/],
    [{ 'net.ipv4.tcp_tw_reuse': '7' }, /tcp_tw_reuse: 7 is not one of 0, 1, 2/],
    [{ 'net.ipv4.tcp_tw_recycle': '1' }, /removed in Linux 4.12/],
    [{ 'net.ipv4.tcp_fin_timeout': '30; reboot' }, /tcp_fin_timeout/],
    [{}, /no changes given/],
  ];
  for (const [changes, message] of invalid) {
    const r = (await ipcMain.invoke('waitline:applyTuning', invokeEvent(), { changes, persist: false })) as TuningResult;
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.code === 'invalid');
    assert.ok(!r.ok && message.test(r.message), `${JSON.stringify(changes)} → ${!r.ok ? r.message : ''}`);
  }
  // "__proto__" arrives as an own key (structured clone) and is refused as a key, not merged.
  const proto = JSON.parse('{"changes":{"__proto__":"1"},"persist":false}') as unknown;
  const pr = (await ipcMain.invoke('waitline:applyTuning', invokeEvent(), proto)) as TuningResult;
  assert.equal(pr.ok, false);
  assert.equal(backend.calls.filter((c) => c.method === 'apply').length, 0, 'the helper never ran');
  assert.equal((await history.query({ fromMs: 0, toMs: T0 * 2, maxPoints: 10 })).markers.length, 0);
});

test('a valid apply is forwarded with normalized values and leaves a marker on the charts', async () => {
  const { ipcMain, backend, history } = setup();
  const r = (await ipcMain.invoke('waitline:applyTuning', invokeEvent(), {
    changes: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '15000\t64000' },
    persist: true,
  })) as TuningResult;
  assert.equal(r.ok, true);
  assert.deepEqual(backend.calls, [
    { method: 'apply', arg: { changes: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '15000 64000' }, persist: true } },
  ]);
  const markers = (await history.query({ fromMs: T0, toMs: T0 + 60_000, maxPoints: 10 })).markers;
  assert.deepEqual(markers, [{ time: T0 + 5000, label: 'applied: tcp_tw_reuse 2→1, ip_local_port_range 2→15000 64000' }]);
});

test('confirm/revert ids are validated; helper failures come back as results, not exceptions', async () => {
  const { ipcMain, backend } = setup();
  // the helper's own form (shared/tuning.ts CHANGE_ID_PATTERN) and nothing else, near misses included
  for (const id of [
    '',
    '../../etc/passwd',
    'a b',
    'x'.repeat(65),
    42,
    null,
    'c1',
    '20261121T053700-1a2b',
    '20261121T053700Z-0123456789abcde',
    '20261121T053700Z-0123456789abcdef0',
    '20261121T053700Z-0123456789ABCDEF',
    '20261121T053700Z-0123456789abcdef\n',
    '2026112T053700Z-0123456789abcdef',
  ]) {
    await assert.rejects(ipcMain.invoke('waitline:revertTuning', invokeEvent(), id), /waitline:revertTuning: the change id must look like 20261121T053700Z-0123456789abcdef/, String(id));
  }
  await assert.rejects(ipcMain.invoke('waitline:confirmTuning', invokeEvent()), /expected 1 argument, got 0/);
  const c = (await ipcMain.invoke('waitline:confirmTuning', invokeEvent(), '20261121T053700Z-0123456789abcdef')) as TuningResult;
  assert.deepEqual(c, { ok: false, code: 'helper_failed', message: 'no such change' });
  const r = (await ipcMain.invoke('waitline:revertTuning', invokeEvent(), '20261121T053700Z-4242')) as TuningResult;
  assert.deepEqual(r, { ok: false, code: 'helper_failed', message: 'helper crashed' });
  assert.deepEqual(backend.calls.map((x) => x.method), ['confirm', 'revert']);
});

test('getInfo and getTuning take no arguments', async () => {
  const { ipcMain } = setup();
  await assert.rejects(ipcMain.invoke('waitline:getInfo', invokeEvent(), 'x'), /waitline:getInfo: expected 0 arguments, got 1/);
  const info = (await ipcMain.invoke('waitline:getInfo', invokeEvent())) as { transport: string };
  assert.equal(info.transport, 'electron');
  const t = (await ipcMain.invoke('waitline:getTuning', invokeEvent())) as TuningState;
  assert.equal(t.writable, true);
});
