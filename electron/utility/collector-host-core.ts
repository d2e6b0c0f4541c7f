// The collector process's loop (run by electron/utility/collector-host.ts inside Electron's utilityProcess, so
// a large socket table never blocks the main process). It ticks the collector about once a second,
// posts each full snapshot straight to the renderer through a MessagePort (main does no per-snapshot
// forwarding), posts a small history sample to main (and the tick's alert events, when there are any),
// takes the alert settings main sends, and answers socket-table queries.
// Plain Node: everything Electron-specific (parentPort, MessagePortMain) is injected.

import type { AlertSettings } from '../../shared/alerts';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints } from '../../shared/names';
import type { Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';
import type { Demand } from '../../shared/api';
import { realTimers, startTickLoop, type LoopTimers, type TickLoop } from '../collector/tick-loop';
import {
  historySampleOf,
  type HostMessage,
  type HostRequest,
  type RendererSnapshotMessage,
} from '../ipc/collector-protocol';

/** Electron's MessagePortMain, as far as used here. */
export interface HostPortLike {
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
  on(event: 'close', listener: () => void): unknown;
}

/** Electron's process.parentPort in a utility process, as far as used here. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: HostPortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The lead's Collector (electron/collector/index.ts), as far as used here. */
export interface CollectorLike {
  tick(): Promise<Snapshot>;
  querySockets(q: SocketQuery, hosts?: HostNameHints | null): SocketPage;
  /** tcp_info of a few connections (absent: the host answers that it is unavailable) */
  connInfo?(keys: readonly ConnKey[]): Promise<ConnInfoReply>;
  setDemand(d: Demand): void;
  setAlertSettings(settings: AlertSettings): void;
}

export interface CollectorHostOptions {
  parentPort: ParentPortLike;
  collector: CollectorLike;
  pid: number;
  /** called once the loop has stopped after a 'stop' request */
  exit: (code: number) => void;
  timers?: LoopTimers;
  tickMs?: number;
  /** the full table stays in demand this long after the last socket query */
  tableIdleMs?: number;
}

export interface CollectorHost {
  /** resolves when the loop has stopped (no tick in flight) */
  stop(): Promise<void>;
  /** for tests: whether a renderer port is attached */
  readonly rendererAttached: boolean;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isRequest(v: unknown): v is HostRequest {
  return v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}

export function runCollectorHost(opts: CollectorHostOptions): CollectorHost {
  const timers = opts.timers ?? realTimers;
  const tickMs = opts.tickMs ?? 1000;
  const tableIdleMs = opts.tableIdleMs ?? 10_000;
  const post = (m: HostMessage): void => opts.parentPort.postMessage(m);

  let renderer: HostPortLike | null = null;
  let stopped = false;
  let loop: TickLoop | null = null;
  let tableDemandTimer: unknown = null;

  const detachRenderer = (): void => {
    if (renderer === null) return;
    const old = renderer;
    renderer = null;
    try {
      old.close();
    } catch {
      // already closed by the other side
    }
  };

  const tickOnce = async (): Promise<void> => {
    let snapshot: Snapshot;
    try {
      snapshot = await opts.collector.tick();
    } catch (e) {
      post({ type: 'tickError', message: errorMessage(e) });
      return;
    }
    if (stopped) return;
    post({ type: 'sample', sample: historySampleOf(snapshot), budgets: snapshot.portBudgets });
    const events = snapshot.alerts?.events;
    if (events !== undefined && events.length > 0) post({ type: 'alerts', events });
    if (renderer !== null) {
      const m: RendererSnapshotMessage = { type: 'snapshot', snapshot };
      renderer.postMessage(m);
    }
  };

  const wantTable = (): void => {
    // The connection table (the only caller of querySockets) shows rows with their owners.
    opts.collector.setDemand({ table: true, owners: true });
    if (tableDemandTimer !== null) timers.clearTimeout(tableDemandTimer);
    tableDemandTimer = timers.setTimeout(() => {
      tableDemandTimer = null;
      if (!stopped) opts.collector.setDemand({ table: false, owners: false });
    }, tableIdleMs);
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    if (tableDemandTimer !== null) timers.clearTimeout(tableDemandTimer);
    tableDemandTimer = null;
    await loop?.stop();
    detachRenderer();
  };

  opts.parentPort.on('message', (e) => {
    const m = e.data;
    if (!isRequest(m)) return;
    switch (m.type) {
      case 'attachRenderer': {
        const port = e.ports[0];
        if (port === undefined || stopped) return;
        detachRenderer();
        renderer = port;
        port.on('close', () => {
          if (renderer === port) renderer = null;
        });
        port.start();
        return;
      }
      case 'querySockets': {
        wantTable();
        try {
          post({ type: 'querySocketsResult', id: m.id, page: opts.collector.querySockets(m.query, m.hosts ?? null) });
        } catch (err) {
          post({ type: 'querySocketsError', id: m.id, message: errorMessage(err) });
        }
        return;
      }
      case 'connInfo': {
        const ask = opts.collector.connInfo?.(m.keys) ?? Promise.resolve<ConnInfoReply>({ available: false, reason: 'this collector has no connection details' });
        ask.then(
          (reply) => post({ type: 'connInfoResult', id: m.id, reply }),
          (err: unknown) => post({ type: 'connInfoError', id: m.id, message: errorMessage(err) }),
        );
        return;
      }
      case 'setDemand':
        opts.collector.setDemand(m.demand);
        return;
      case 'setAlertSettings':
        // main validated them (validateAlertSettings) before persisting and sending
        opts.collector.setAlertSettings(m.settings);
        return;
      case 'stop':
        void stop().then(() => opts.exit(0));
        return;
    }
  });

  post({ type: 'ready', pid: opts.pid });
  loop = startTickLoop({ periodMs: tickMs, tick: tickOnce, timers });

  return {
    stop,
    get rendererAttached() {
      return renderer !== null;
    },
  };
}
