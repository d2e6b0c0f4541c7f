// The Electron IPC contract: one types-only module. Every invoke channel maps to its argument tuple and
// result, every pushed event to its payload, all derived from WaitlineApi (shared/api.ts) so the two
// cannot drift. Payloads are plain serializable data (epoch-ms numbers, arrays, records).
// The generic wrappers (electron/ipc/ipc-main.ts, electron/ipc/ipc-renderer.ts) derive their types
// from here; nothing else names a channel string.
//
// Snapshots do not travel over a channel here: main hands the renderer one end of a MessagePort whose
// other end is in the collector process (electron/utility/collector-host.ts), so snapshot traffic skips the
// main process. `snapshotPort` is the event that delivers that port.

import type { ViewName, WaitlineApi } from './api';

/** WaitlineApi methods that are request/response calls. */
export type InvokeMethod =
  | 'getInfo'
  | 'getHistory'
  | 'querySockets'
  | 'getTuning'
  | 'applyTuning'
  | 'confirmTuning'
  | 'revertTuning'
  | 'getAlertSettings'
  | 'setAlertSettings'
  | 'exportData'
  | 'resolveNames'
  | 'connectionDetails'
  | 'killConnection'
  | 'runProbe';

type MethodArgs<M extends InvokeMethod> = Parameters<WaitlineApi[M]>;
type MethodResult<M extends InvokeMethod> = Awaited<ReturnType<WaitlineApi[M]>>;

/** channel → { args, result } for ipcRenderer.invoke / ipcMain.handle */
export type InvokeContract = {
  [M in InvokeMethod as `waitline:${M}`]: { args: MethodArgs<M>; result: MethodResult<M> };
};
export type InvokeChannel = keyof InvokeContract;
export type InvokeArgs<C extends InvokeChannel> = InvokeContract[C]['args'];
export type InvokeResult<C extends InvokeChannel> = InvokeContract[C]['result'];

/** The payload a WaitlineApi subscription method (`onX(cb)`) hands its callback. */
type Pushed<M extends keyof WaitlineApi> = WaitlineApi[M] extends (cb: (payload: infer P) => void) => unknown
  ? P
  : never;

/** channel → payload for webContents.send / ipcRenderer.on (main → renderer) */
export interface EventContract {
  'waitline:collectorStatus': Pushed<'onCollectorStatus'>;
  /** carries no data: the MessagePort arrives in event.ports[0]; sent after each (re)start of the
   *  collector process and after each page load */
  'waitline:snapshotPort': null;
  /** the app menu asks the renderer to show a view */
  'waitline:navigate': ViewName;
}
export type EventChannel = keyof EventContract;
export type EventPayload<C extends EventChannel> = EventContract[C];
