// The main-thread side of the collector worker (collector-worker.ts): a ServeCollector whose tick()
// and querySockets() are messages with request ids and timeouts. A worker that crashes, exits or stops
// answering a tick is terminated and a fresh one is started at the next tick; the failures reject, so
// the server shows its usual "restarting" status.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Demand } from '../collector/index';
import type { AlertSettings } from '../../shared/alerts';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints } from '../../shared/names';
import type { Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';
import { COLLECTOR_WORKER_MARK, type CollectorWorkerConfig, type FromWorker, type ToWorker } from './collector-worker';

export class CollectorBusy extends Error {}

const seconds = (ms: number): string => String(Math.round(ms / 100) / 10);

export interface WorkerCollectorOptions extends CollectorWorkerConfig {
  /** a socket-table query waits this long for the worker (default 5000 ms), then answers 503 */
  queryTimeoutMs?: number;
  /** a tick that takes longer than this (default 60 s) means the worker is stuck: it is replaced */
  tickTimeoutMs?: number;
  /** starts the worker thread (default: startCollectorWorker) */
  spawn?: (workerData: Record<string, unknown>) => Worker;
}

/** A request to the worker, before its id is assigned. */
type RequestBody = { type: 'tick' } | { type: 'query'; q: SocketQuery; hosts?: HostNameHints | null } | { type: 'connInfo'; keys: ConnKey[] };
type Answer = Snapshot | SocketPage | ConnInfoReply;

interface Pending {
  resolve(v: Answer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Starts a collector worker thread from wherever this module runs: the TypeScript sources (under
 *  tsx: the worker registers tsx's require hook, then loads collector-worker.ts) or the CLI bundle
 *  (dist/cli.mjs: the bundle is its own worker entry, dispatched by `serve`, which sees the marker). */
export function startCollectorWorker(workerData: Record<string, unknown>, here: string = import.meta.url): Worker {
  const common: WorkerOptions = { workerData, stdout: false, stderr: false };
  if (/\.[cm]?ts$/.test(here)) {
    const file = fileURLToPath(new URL('./collector-worker.ts', here));
    const tsx = createRequire(fileURLToPath(here)).resolve('tsx/cjs/api');
    const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)}).runCollectorWorkerFromData();`;
    return new Worker(boot, { ...common, eval: true });
  }
  return new Worker(new URL(here), { ...common, argv: ['serve'] });
}

export class WorkerCollector {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private demand: Demand = { table: false, owners: false };
  private alerts: AlertSettings | undefined;
  private closed = false;
  private readonly queryTimeoutMs: number;
  private readonly tickTimeoutMs: number;
  /** number of worker threads started (1 + restarts) */
  started = 0;

  constructor(private readonly opts: WorkerCollectorOptions = {}) {
    this.queryTimeoutMs = opts.queryTimeoutMs ?? 5000;
    this.tickTimeoutMs = opts.tickTimeoutMs ?? 60_000;
    this.alerts = opts.alerts;
  }

  private ensure(): Worker {
    if (this.closed) throw new Error('the collector is stopped');
    if (this.worker) return this.worker;
    const config: CollectorWorkerConfig = {
      socketSource: this.opts.socketSource,
      procRoot: this.opts.procRoot,
      sourceModule: this.opts.sourceModule,
      sourceOptions: this.opts.sourceOptions,
      listLimit: this.opts.listLimit,
      // a restarted worker starts with the current settings (its alert state starts afresh)
      alerts: this.alerts,
    };
    const data = { [COLLECTOR_WORKER_MARK]: config };
    const w = (this.opts.spawn ?? startCollectorWorker)(data);
    this.started++;
    this.worker = w;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e: Error) => this.lost(w, `the collector thread failed: ${e.message}`));
    w.on('exit', (code) => this.lost(w, `the collector thread exited (code ${code})`));
    w.postMessage({ type: 'demand', demand: this.demand } satisfies ToWorker);
    return w;
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return; // answered after its timeout
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m.type === 'tick' ? m.snapshot : m.type === 'connInfo' ? m.reply : m.page);
  }

  /** The worker is gone (or is being replaced): every pending request fails with `why`. */
  private lost(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    void w.terminate().catch(() => undefined);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
      this.pending.delete(id);
    }
  }

  private request<T extends Answer>(msg: RequestBody, timeoutMs: number, onTimeout: (w: Worker) => Error): Promise<T> {
    let w: Worker;
    try {
      w = this.ensure();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(onTimeout(w));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: Answer) => void, reject, timer });
      w.postMessage({ ...msg, id } as ToWorker);
    });
  }

  tick(): Promise<Snapshot> {
    return this.request<Snapshot>({ type: 'tick' }, this.tickTimeoutMs, (w) => {
      const why = `the collector did not finish a tick in ${seconds(this.tickTimeoutMs)} s; restarting it`;
      this.lost(w, why);
      return new Error(why);
    });
  }

  querySockets(q: SocketQuery, hosts?: HostNameHints | null): Promise<SocketPage> {
    return this.request<SocketPage>(
      { type: 'query', q, ...(hosts ? { hosts } : {}) },
      this.queryTimeoutMs,
      () => new CollectorBusy(`the collector is busy (no answer in ${seconds(this.queryTimeoutMs)} s); try again`),
    );
  }

  /** tcp_info of a few connections, read in the worker (docs/conn-info.md) */
  connInfo(keys: ConnKey[]): Promise<ConnInfoReply> {
    return this.request<ConnInfoReply>(
      { type: 'connInfo', keys },
      this.queryTimeoutMs,
      () => new CollectorBusy(`the collector is busy (no answer in ${seconds(this.queryTimeoutMs)} s); try again`),
    );
  }

  setDemand(d: Demand): void {
    this.demand = { ...this.demand, ...d };
    this.worker?.postMessage({ type: 'demand', demand: this.demand } satisfies ToWorker);
  }

  /** New alert settings (validated by the caller): kept for a restarted worker and sent to this one. */
  setAlertSettings(settings: AlertSettings): void {
    this.alerts = settings;
    this.worker?.postMessage({ type: 'alerts', settings } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (w) {
      this.lost(w, 'the collector is stopped');
      await w.terminate().catch(() => undefined);
    }
  }
}
