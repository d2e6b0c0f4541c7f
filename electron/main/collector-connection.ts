// Main's side of the collector process: supervises it (restart with backoff), gives the renderer a
// direct MessagePort to it after every (re)start and page load, feeds the history samples it posts to
// the HistoryService, hands the alert events it posts to main's alert service, sends it the alert
// settings after every (re)start and change, and forwards socket-table queries (asynchronously: main
// never holds or scans the table). Electron's utilityProcess and MessageChannelMain are injected.

import type { AlertEvent, AlertSettings } from '../../shared/alerts';
import type { CollectorStatus } from '../../shared/api';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints } from '../../shared/names';
import type { PortBudget, SocketPage, SocketQuery } from '../../shared/snapshot';
import type { HistorySample, HostMessage, HostRequest } from '../ipc/collector-protocol';
import { Supervisor, type SupervisedChild, type SupervisorOptions, type SupervisorTimers } from './supervisor';

/** Electron's UtilityProcess, as far as used here. */
export interface CollectorChild extends SupervisedChild {
  postMessage(message: unknown, transfer?: never[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface PortPair<P> {
  port1: P;
  port2: P;
}

export interface CollectorConnectionOptions<P> {
  spawn(): CollectorChild;
  /** new MessageChannelMain() */
  createChannel(): PortPair<P>;
  onSample(sample: HistorySample): void;
  onStatus(status: CollectorStatus): void;
  /** the alert events of one tick */
  onAlerts?(events: AlertEvent[]): void;
  /** a tick failed inside the collector (logged; not fatal) */
  onTickError?(message: string): void;
  timers?: SupervisorTimers;
  queryTimeoutMs?: number;
  supervisor?: Pick<
    SupervisorOptions<CollectorChild>,
    'backoffMs' | 'stableAfterMs' | 'maxConsecutiveFailures' | 'hangTimeoutMs' | 'stopTimeoutMs'
  >;
}

interface PendingQuery {
  resolve(answer: unknown): void;
  reject(e: Error): void;
  timer: unknown;
}

function isHostMessage(v: unknown): v is HostMessage {
  return v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
}

export class CollectorConnection<P> {
  private readonly supervisor: Supervisor<CollectorChild>;
  private readonly timers: SupervisorTimers;
  private readonly queryTimeoutMs: number;
  private readonly pending = new Map<number, PendingQuery>();
  private nextQueryId = 1;
  /** the port budgets of the last tick (exports) */
  private budgets: { time: number; budgets: PortBudget[] } | null = null;
  /** hands the renderer its end of a channel; null while no window is there */
  private deliverToRenderer: ((port: P) => void) | null = null;
  /** sent to every collector process once it is ready; null: it keeps its own defaults */
  private alertSettings: AlertSettings | null = null;

  constructor(private readonly opts: CollectorConnectionOptions<P>) {
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
    };
    this.queryTimeoutMs = opts.queryTimeoutMs ?? 10_000;
    this.supervisor = new Supervisor<CollectorChild>({
      ...opts.supervisor,
      timers: this.timers,
      spawn: () => opts.spawn(),
      onStart: (child) => this.wire(child),
      requestStop: (child) => this.post(child, { type: 'stop' }),
      onStatus: (s) => {
        if (s.state !== 'running') this.failPending('the collector process is not running');
        opts.onStatus(s);
      },
    });
  }

  get status(): CollectorStatus {
    return this.supervisor.status;
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    this.failPending('Waitline is shutting down');
    return this.supervisor.stop();
  }

  /** Gives the renderer a fresh snapshot port now (if the collector runs) and after every restart. */
  connectRenderer(deliver: (port: P) => void): void {
    this.deliverToRenderer = deliver;
    const child = this.supervisor.process;
    if (child !== null) this.attach(child);
  }

  /** The alert settings in force: sent now (if the collector runs) and after every restart. */
  setAlertSettings(settings: AlertSettings): void {
    this.alertSettings = { ...settings };
    const child = this.supervisor.process;
    if (child !== null) this.post(child, { type: 'setAlertSettings', settings: this.alertSettings });
  }

  disconnectRenderer(): void {
    this.deliverToRenderer = null;
  }

  /** The port budgets of the last tick, or null before the first. */
  lastBudgets(): { time: number; budgets: PortBudget[] } | null {
    return this.budgets;
  }

  querySockets(query: SocketQuery, hosts?: HostNameHints | null): Promise<SocketPage> {
    return this.ask<SocketPage>('socket query', (id) => ({ type: 'querySockets', id, query, ...(hosts ? { hosts } : {}) }));
  }

  /** tcp_info of a few connections, read in the collector process (docs/conn-info.md). */
  connInfo(keys: ConnKey[]): Promise<ConnInfoReply> {
    return this.ask<ConnInfoReply>('connection details request', (id) => ({ type: 'connInfo', id, keys }));
  }

  /** One request to the collector process, answered by id or failed after queryTimeoutMs. */
  private ask<T>(what: string, request: (id: number) => HostRequest): Promise<T> {
    const child = this.supervisor.process;
    if (child === null) {
      return Promise.reject(new Error(`the collector process is not running (${this.status.state})`));
    }
    const id = this.nextQueryId++;
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the collector did not answer the ${what} within ${this.queryTimeoutMs / 1000} s`));
      }, this.queryTimeoutMs);
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      this.post(child, request(id));
    });
  }

  private post(child: CollectorChild, m: HostRequest, transfer?: P[]): void {
    // MessagePortMain is the only transferable here; the cast keeps Electron's type out of this module.
    child.postMessage(m, transfer as never[] | undefined);
  }

  private wire(child: CollectorChild): void {
    child.on('message', (m) => {
      if (this.supervisor.process !== child || !isHostMessage(m)) return;
      this.supervisor.heartbeat();
      switch (m.type) {
        case 'ready':
          if (this.alertSettings !== null) this.post(child, { type: 'setAlertSettings', settings: this.alertSettings });
          return;
        case 'sample':
          if (Array.isArray(m.budgets) && typeof m.sample?.time === 'number') this.budgets = { time: m.sample.time, budgets: m.budgets };
          this.opts.onSample(m.sample);
          return;
        case 'alerts':
          if (Array.isArray(m.events)) this.opts.onAlerts?.(m.events);
          return;
        case 'querySocketsResult':
        case 'querySocketsError':
        case 'connInfoResult':
        case 'connInfoError': {
          const p = this.pending.get(m.id);
          if (p === undefined) return;
          this.pending.delete(m.id);
          this.timers.clearTimeout(p.timer);
          if (m.type === 'querySocketsResult') p.resolve(m.page);
          else if (m.type === 'connInfoResult') p.resolve(m.reply);
          else p.reject(new Error(m.message));
          return;
        }
        case 'tickError':
          this.opts.onTickError?.(m.message);
          return;
      }
    });
    if (this.deliverToRenderer !== null) this.attach(child);
  }

  private attach(child: CollectorChild): void {
    const deliver = this.deliverToRenderer;
    if (deliver === null) return;
    const { port1, port2 } = this.opts.createChannel();
    this.post(child, { type: 'attachRenderer' }, [port1]);
    deliver(port2);
  }

  private failPending(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      this.timers.clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
  }
}
