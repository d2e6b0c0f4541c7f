// The WaitlineApi the preload exposes to the renderer (contextBridge → window.waitline): domain
// functions only, never ipcRenderer. Snapshots arrive on a MessagePort whose other end is in the
// collector process; main sends a new port after every collector restart and page load, and this
// module switches to it. The newest snapshot and collector status are replayed to new subscribers so a
// view mounted late has data at once.

import type { CollectorStatus, Unsubscribe, ViewName, WaitlineApi } from '../../shared/api';
import type { Snapshot } from '../../shared/snapshot';
import type { RendererIpc } from '../ipc/ipc-renderer';

/** The renderer side of the snapshot stream (a DOM MessagePort in the preload). */
export interface SnapshotPortLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  start(): void;
  close(): void;
}

class Subscribers<T> {
  private readonly callbacks = new Set<(v: T) => void>();
  latest: T | null = null;

  add(cb: (v: T) => void, replay: boolean): Unsubscribe {
    if (typeof cb !== 'function') throw new TypeError('a callback function is required');
    // Wrapped so that subscribing the same function twice yields two independent subscriptions.
    const entry = (v: T): void => cb(v);
    this.callbacks.add(entry);
    if (replay && this.latest !== null) {
      const v = this.latest;
      queueMicrotask(() => {
        if (this.callbacks.has(entry)) entry(v);
      });
    }
    return () => {
      this.callbacks.delete(entry);
    };
  }

  emit(v: T, keep: boolean): void {
    if (keep) this.latest = v;
    for (const cb of [...this.callbacks]) {
      try {
        cb(v);
      } catch (e) {
        // one faulty subscriber must not starve the others
        console.error('waitline: a subscriber threw', e);
      }
    }
  }
}

function isSnapshotMessage(v: unknown): v is { type: 'snapshot'; snapshot: Snapshot } {
  return (
    v !== null &&
    typeof v === 'object' &&
    (v as { type?: unknown }).type === 'snapshot' &&
    typeof (v as { snapshot?: unknown }).snapshot === 'object'
  );
}

export interface PreloadApiHandle {
  api: WaitlineApi;
  /** for tests: detach from IPC */
  dispose(): void;
}

export function createPreloadApi(ipc: RendererIpc): PreloadApiHandle {
  const snapshots = new Subscribers<Snapshot>();
  const statuses = new Subscribers<CollectorStatus>();
  const navigation = new Subscribers<ViewName>();
  let port: SnapshotPortLike | null = null;

  const usePort = (next: SnapshotPortLike): void => {
    if (port !== null) port.close();
    port = next;
    next.onmessage = (event) => {
      if (isSnapshotMessage(event.data)) snapshots.emit(event.data.snapshot, true);
    };
    next.start();
  };

  const offs = [
    ipc.on('waitline:snapshotPort', (_payload, ports) => {
      const p = ports[0];
      if (p !== undefined) usePort(p as unknown as SnapshotPortLike);
    }),
    ipc.on('waitline:collectorStatus', (status) => statuses.emit(status, true)),
    ipc.on('waitline:navigate', (view) => navigation.emit(view, false)),
  ];

  const api: WaitlineApi = {
    getInfo: () => ipc.invoke('waitline:getInfo'),
    onSnapshot: (cb) => snapshots.add(cb, true),
    onCollectorStatus: (cb) => statuses.add(cb, true),
    getHistory: (query) => ipc.invoke('waitline:getHistory', query),
    querySockets: (query) => ipc.invoke('waitline:querySockets', query),
    exportData: (request) => ipc.invoke('waitline:exportData', request),
    getTuning: () => ipc.invoke('waitline:getTuning'),
    applyTuning: (request) => ipc.invoke('waitline:applyTuning', request),
    confirmTuning: (id) => ipc.invoke('waitline:confirmTuning', id),
    revertTuning: (id) => ipc.invoke('waitline:revertTuning', id),
    getAlertSettings: () => ipc.invoke('waitline:getAlertSettings'),
    setAlertSettings: (patch) => ipc.invoke('waitline:setAlertSettings', patch),
    resolveNames: (addresses) => ipc.invoke('waitline:resolveNames', addresses),
    connectionDetails: (keys) => ipc.invoke('waitline:connectionDetails', keys),
    killConnection: (request) => ipc.invoke('waitline:killConnection', request),
    runProbe: (request) => ipc.invoke('waitline:runProbe', request),
    setLocale: (locale) => ipc.invoke('waitline:setLocale', locale),
    onNavigate: (cb) => navigation.add(cb, false),
  };

  return {
    api,
    dispose() {
      for (const off of offs) off();
      if (port !== null) port.close();
      port = null;
    },
  };
}
