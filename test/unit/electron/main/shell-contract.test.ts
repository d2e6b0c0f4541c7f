// The IPC contract is derived from WaitlineApi, and the wrappers enforce it at compile time: these
// checks run when `npm run typecheck` compiles the test project (a broken one fails the build), and
// the runtime part confirms the channel list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertSettings } from '../../../../shared/alerts';
import type { AlertSettingsResult, AppInfo, CollectorStatus, HistoryQuery, HistoryResult, ViewName } from '../../../../shared/api';
import type { EventPayload, InvokeArgs, InvokeChannel, InvokeResult } from '../../../../shared/ipc-contract';
import type { SocketPage, SocketQuery } from '../../../../shared/snapshot';
import type { ApplyTuningRequest, TuningResult, TuningState } from '../../../../shared/tuning';
import { RendererIpc } from '../../../../electron/ipc/ipc-renderer';
import { createInvokeHandlers } from '../../../../electron/main/handlers';
import { FakeIpcRenderer } from './shell-doubles';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const derived: [
  Equal<InvokeArgs<'waitline:getInfo'>, []>,
  Equal<InvokeResult<'waitline:getInfo'>, AppInfo>,
  Equal<InvokeArgs<'waitline:getHistory'>, [query: HistoryQuery]>,
  Equal<InvokeResult<'waitline:getHistory'>, HistoryResult>,
  Equal<InvokeArgs<'waitline:querySockets'>, [query: SocketQuery]>,
  Equal<InvokeResult<'waitline:querySockets'>, SocketPage>,
  Equal<InvokeResult<'waitline:getTuning'>, TuningState>,
  Equal<InvokeArgs<'waitline:applyTuning'>, [request: ApplyTuningRequest]>,
  Equal<InvokeResult<'waitline:applyTuning'>, TuningResult>,
  Equal<InvokeArgs<'waitline:revertTuning'>, [id: string]>,
  Equal<EventPayload<'waitline:collectorStatus'>, CollectorStatus>,
  Equal<EventPayload<'waitline:navigate'>, ViewName>,
  Equal<InvokeArgs<'waitline:getAlertSettings'>, []>,
  Equal<InvokeResult<'waitline:getAlertSettings'>, AlertSettings>,
  Equal<InvokeArgs<'waitline:setAlertSettings'>, [patch: Partial<AlertSettings>]>,
  Equal<InvokeResult<'waitline:setAlertSettings'>, AlertSettingsResult>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

// Wrong arguments or channel names do not compile.
function compileTimeChecks(ipc: RendererIpc): void {
  // @ts-expect-error a history query is an object, not a string
  void ipc.invoke('waitline:getHistory', 'last hour');
  // @ts-expect-error no such channel
  void ipc.invoke('waitline:setSysctl', { key: 'x' });
  // @ts-expect-error getInfo takes no argument
  void ipc.invoke('waitline:getInfo', 1);
  // @ts-expect-error alert settings are an object of known fields
  void ipc.invoke('waitline:setAlertSettings', { budgetWarnPercent: '70' });
  // @ts-expect-error the navigate payload is a view name
  ipc.on('waitline:navigate', (view: number) => view);
}
void compileTimeChecks;

test('the contract types are derived from WaitlineApi', () => {
  assert.ok(derived.every((x) => x === true));
});

test('the handler table covers exactly the contract channels', () => {
  const handlers = createInvokeHandlers({
    info: () => ({}) as AppInfo,
    history: { query: async () => ({}) as HistoryResult },
    exporter: { exportData: async () => ({ ok: false, canceled: true }) },
    sockets: { querySockets: async () => ({}) as SocketPage },
    tuning: {
      getState: async () => ({}) as TuningState,
      apply: async () => ({}) as TuningResult,
      confirm: async () => ({}) as TuningResult,
      revert: async () => ({}) as TuningResult,
    },
    alerts: { get: () => ({}) as AlertSettings, set: () => ({}) as AlertSettingsResult },
    names: { request: () => ({}) },
  });
  const channels: InvokeChannel[] = Object.keys(handlers) as InvokeChannel[];
  assert.deepEqual(channels.sort(), [
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
  // Every renderer-side call lands on one of them.
  const ipc = new FakeIpcRenderer(null);
  const r = new RendererIpc(ipc);
  void r.invoke('waitline:getInfo');
  assert.ok(channels.includes(ipc.invoked[0]!.channel as InvokeChannel));
});
