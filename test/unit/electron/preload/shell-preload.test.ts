// The preload's WaitlineApi: domain functions only, typed invokes on the contract's channels, snapshot
// delivery over the MessagePort main hands it (replaced on every collector restart / page load),
// status and navigation events, replay for late subscribers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { CollectorStatus } from '../../../../shared/api';
import { RendererIpc } from '../../../../electron/ipc/ipc-renderer';
import { createPreloadApi } from '../../../../electron/preload/preload-api';
import { makeSnapshot } from '../../shared/history-fixtures';
import { FakeIpcRenderer, settle, waitFor } from '../main/shell-doubles';

const T0 = 1_763_700_000_000;
type DomPort = globalThis.MessagePort;

function setup() {
  const ipcRenderer = new FakeIpcRenderer(null);
  const handle = createPreloadApi(new RendererIpc(ipcRenderer));
  return { ipcRenderer, api: handle.api, dispose: handle.dispose };
}

test('the exposed API is exactly the WaitlineApi domain functions — no ipcRenderer, no raw send/invoke', () => {
  const { api, dispose } = setup();
  assert.deepEqual(Object.keys(api).sort(), [
    'applyTuning',
    'confirmTuning',
    'connectionDetails',
    'exportData',
    'getAlertSettings',
    'getHistory',
    'getInfo',
    'getTuning',
    'killConnection',
    'onCollectorStatus',
    'onNavigate',
    'onSnapshot',
    'querySockets',
    'resolveNames',
    'revertTuning',
    'runProbe',
    'setAlertSettings',
    'setLocale',
  ]);
  for (const v of Object.values(api)) assert.equal(typeof v, 'function');
  dispose();
});

test('calls use the contract channel names and pass the arguments through', async () => {
  const { api, ipcRenderer, dispose } = setup();
  await api.getInfo();
  await api.getHistory({ fromMs: 1, toMs: 2, maxPoints: 3 });
  await api.querySockets({ limit: 4 });
  await api.getTuning();
  await api.applyTuning({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
  await api.confirmTuning('a');
  await api.revertTuning('b');
  await api.getAlertSettings();
  await api.setAlertSettings({ budgetWarnPercent: 75, notify: false });
  await api.exportData({ kind: 'budgets', format: 'jsonl' });
  await api.resolveNames(['93.184.216.34']);
  await api.setLocale?.('zh-CN');
  assert.deepEqual(ipcRenderer.invoked, [
    { channel: 'waitline:getInfo', args: [] },
    { channel: 'waitline:getHistory', args: [{ fromMs: 1, toMs: 2, maxPoints: 3 }] },
    { channel: 'waitline:querySockets', args: [{ limit: 4 }] },
    { channel: 'waitline:getTuning', args: [] },
    { channel: 'waitline:applyTuning', args: [{ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false }] },
    { channel: 'waitline:confirmTuning', args: ['a'] },
    { channel: 'waitline:revertTuning', args: ['b'] },
    { channel: 'waitline:getAlertSettings', args: [] },
    { channel: 'waitline:setAlertSettings', args: [{ budgetWarnPercent: 75, notify: false }] },
    { channel: 'waitline:exportData', args: [{ kind: 'budgets', format: 'jsonl' }] },
    { channel: 'waitline:resolveNames', args: [['93.184.216.34']] },
    { channel: 'waitline:setLocale', args: ['zh-CN'] },
  ]);
  dispose();
});

test('snapshots come through the port main delivers; a new port replaces the old one', async () => {
  const { api, ipcRenderer, dispose } = setup();
  const a = new MessageChannel();
  const b = new MessageChannel();
  try {
    const seqs: number[] = [];
    api.onSnapshot((s) => seqs.push(s.seq));
    ipcRenderer.emit('waitline:snapshotPort', null, [a.port2 as unknown as DomPort]);
    a.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0, seq: 1 }) });
    a.port1.postMessage({ type: 'garbage' }); // ignored
    a.port1.postMessage('not even an object');
    a.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0, seq: 3 }) });
    await waitFor(() => seqs.length >= 2, 'two snapshots');
    assert.deepEqual(seqs, [1, 3], 'malformed messages are ignored');
    // Collector restarted: a new port. The old one is closed, so its late messages never arrive.
    let oldClosed = false;
    a.port1.on('close', () => (oldClosed = true));
    ipcRenderer.emit('waitline:snapshotPort', null, [b.port2 as unknown as DomPort]);
    a.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0, seq: 99 }) });
    b.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0 + 1000, seq: 4 }) });
    await waitFor(() => seqs.length >= 3 && oldClosed, 'the new port and the old port closed');
    await settle();
    assert.deepEqual(seqs, [1, 3, 4]);
  } finally {
    dispose();
    a.port1.close();
    b.port1.close();
  }
});

test('a throwing subscriber does not starve the others; the same callback twice is two subscriptions', async () => {
  const { api, ipcRenderer, dispose } = setup();
  const ch = new MessageChannel();
  const errors: unknown[] = [];
  const origError = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const seen: number[] = [];
    api.onSnapshot(() => {
      throw new Error('bad view');
    });
    const cb = (s: { seq: number }) => seen.push(s.seq);
    const off1 = api.onSnapshot(cb);
    api.onSnapshot(cb);
    ipcRenderer.emit('waitline:snapshotPort', null, [ch.port2 as unknown as DomPort]);
    ch.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0, seq: 1 }) });
    await waitFor(() => seen.length >= 2, 'first snapshot');
    assert.deepEqual(seen, [1, 1]);
    off1();
    off1(); // idempotent
    ch.port1.postMessage({ type: 'snapshot', snapshot: makeSnapshot({ time: T0, seq: 2 }) });
    await waitFor(() => seen.length >= 3, 'second snapshot');
    await settle();
    assert.deepEqual(seen, [1, 1, 2]);
    assert.equal(errors.length, 2);
    assert.throws(() => api.onSnapshot(undefined as never), /callback function is required/);
  } finally {
    console.error = origError;
    dispose();
    ch.port1.close();
  }
});

test('collector status is pushed and replayed to late subscribers; navigation is not replayed', async () => {
  const { api, ipcRenderer, dispose } = setup();
  const failed: CollectorStatus = { state: 'failed', message: 'gave up', restarts: 8, nextRestartAt: null };
  ipcRenderer.emit('waitline:collectorStatus', failed);
  const seen: CollectorStatus[] = [];
  const off = api.onCollectorStatus((s) => seen.push(s));
  await settle();
  assert.deepEqual(seen, [failed]);
  off();
  const views: string[] = [];
  ipcRenderer.emit('waitline:navigate', 'tuning');
  api.onNavigate!((v) => views.push(v));
  await settle();
  assert.deepEqual(views, []);
  ipcRenderer.emit('waitline:navigate', 'connections');
  assert.deepEqual(views, ['connections']);
  dispose();
  assert.equal(ipcRenderer.listenerCount('waitline:navigate'), 0, 'dispose removes the IPC listeners');
});
