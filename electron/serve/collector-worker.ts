// The worker-thread side of `waitline serve`'s collector: the Collector runs here, off the HTTP thread,
// so a slow tick (the /proc fallback on a huge table) never stalls a request. The main thread
// (worker-collector.ts) asks for ticks and socket pages by message, each with a request id, and sends
// the demand. Started as a worker_threads Worker: from the TypeScript sources under tsx in development
// and tests, or from the CLI bundle itself once built (see docs/serve.md, "Threads": the collector worker).

import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createCollector, type Demand, type SocketSource } from '../collector/index';
import type { AlertSettings } from '../../shared/alerts';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints } from '../../shared/names';
import type { Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';

/** Marker key in workerData: a thread started with it is a collector worker. */
export const COLLECTOR_WORKER_MARK = 'waitlineServeCollectorWorker';

export interface CollectorWorkerConfig {
  /** default 'auto' */
  socketSource?: 'auto' | 'netlink' | 'procfs';
  /** default "/proc" */
  procRoot?: string;
  /** Tests: a module (absolute path) exporting `createSocketSource(options)` → SocketSource, used as
   *  the socket table source inside the worker (e.g. an artificially slow one). */
  sourceModule?: string;
  sourceOptions?: unknown;
  /** run the alert engine with these (validated) settings; absent: no alerts */
  alerts?: AlertSettings;
  /** budgets and CLOSE_WAIT processes listed per snapshot (CollectorOptions.listLimit) */
  listLimit?: number;
}

export type ToWorker =
  | { type: 'tick'; id: number }
  | { type: 'query'; id: number; q: SocketQuery; hosts?: HostNameHints | null }
  | { type: 'connInfo'; id: number; keys: ConnKey[] }
  | { type: 'demand'; demand: Demand }
  | { type: 'alerts'; settings: AlertSettings };

export type FromWorker =
  | { type: 'tick'; id: number; snapshot: Snapshot }
  | { type: 'query'; id: number; page: SocketPage }
  | { type: 'connInfo'; id: number; reply: ConnInfoReply }
  | { type: 'error'; id: number; message: string };

/** Whether this thread was started as a collector worker. */
export function isCollectorWorker(): boolean {
  return !isMainThread && !!workerData && typeof workerData === 'object' && COLLECTOR_WORKER_MARK in workerData;
}

function loadSource(config: CollectorWorkerConfig): SocketSource | undefined {
  if (!config.sourceModule) return undefined;
  // a computed path: bundlers leave it alone; under tsx the require hook compiles TypeScript
  const load = require as (id: string) => { createSocketSource(o: unknown): SocketSource };
  return load(config.sourceModule).createSocketSource(config.sourceOptions);
}

/** Serves ticks and queries on `port` until the thread is terminated. */
export function runCollectorWorker(port: MessagePort, config: CollectorWorkerConfig): void {
  const collector = createCollector({
    socketSource: loadSource(config) ?? config.socketSource ?? 'auto',
    procRoot: config.procRoot,
    alerts: config.alerts,
    listLimit: config.listLimit,
  });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'demand') return collector.setDemand(m.demand);
    if (m.type === 'alerts') return collector.setAlertSettings(m.settings);
    if (m.type === 'tick') {
      collector.tick().then(
        (snapshot) => port.postMessage({ type: 'tick', id: m.id, snapshot } satisfies FromWorker),
        (e: unknown) => port.postMessage({ type: 'error', id: m.id, message: (e as Error)?.message ?? String(e) } satisfies FromWorker),
      );
      return;
    }
    if (m.type === 'connInfo') {
      collector.connInfo(m.keys).then(
        (reply) => port.postMessage({ type: 'connInfo', id: m.id, reply } satisfies FromWorker),
        (e: unknown) => port.postMessage({ type: 'error', id: m.id, message: (e as Error)?.message ?? String(e) } satisfies FromWorker),
      );
      return;
    }
    if (m.type === 'query') {
      try {
        port.postMessage({ type: 'query', id: m.id, page: collector.querySockets(m.q, m.hosts ?? null) } satisfies FromWorker);
      } catch (e) {
        port.postMessage({ type: 'error', id: m.id, message: (e as Error)?.message ?? String(e) } satisfies FromWorker);
      }
    }
  });
}

/** Entry for a thread started with the marker: runs the worker on parentPort. Returns a promise that
 *  never settles (the thread lives until the main thread terminates it). */
export function runCollectorWorkerFromData(): Promise<never> {
  if (!parentPort || !isCollectorWorker()) throw new Error('not started as a waitline serve collector worker');
  runCollectorWorker(parentPort, (workerData as Record<string, CollectorWorkerConfig>)[COLLECTOR_WORKER_MARK]);
  return new Promise<never>(() => undefined);
}
