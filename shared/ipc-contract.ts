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

/** WaitlineApi methods that are request/response calls over both transports (`waitline serve` has a
 *  route for each: shared/serve-protocol.ts SERVE_ROUTES). */
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

/** Request/response calls of the desktop app only (optional in WaitlineApi, absent over `waitline
 *  serve`): the page's language, for main's menus, dialogs and notifications. */
export type ElectronOnlyInvokeMethod = 'setLocale';

type ContractMethod = InvokeMethod | ElectronOnlyInvokeMethod;

// NonNullable: the Electron-only methods are optional in WaitlineApi (absent over `waitline serve`)
type MethodArgs<M extends ContractMethod> = Parameters<NonNullable<WaitlineApi[M]>>;
type MethodResult<M extends ContractMethod> = Awaited<ReturnType<NonNullable<WaitlineApi[M]>>>;

/** channel → { args, result } for ipcRenderer.invoke / ipcMain.handle */
export type InvokeContract = {
  [M in ContractMethod as `waitline:${M}`]: { args: MethodArgs<M>; result: MethodResult<M> };
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
