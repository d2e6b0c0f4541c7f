// Supervises the collector process: starts it, restarts it with exponential backoff when it exits or
// stops answering, gives up after too many consecutive quick failures, and reports every change as a
// CollectorStatus (shown in the UI). Timers and the process factory are injected, so restart and
// backoff are tested with a fake clock under plain Node.

import type { CollectorStatus } from '../../shared/api';
import { msg, msgText, type Msg } from '../../shared/i18n';

/** Why a child went away, with what the sentence about it needs (main.collector.* in the catalog). */
type FailureReason =
  | { kind: 'exited'; code: number }
  | { kind: 'hung'; timeout: string }
  | { kind: 'spawn'; error: string };

function reasonParams(r: FailureReason): Record<string, string | number> {
  return r.kind === 'exited' ? { code: r.code } : r.kind === 'hung' ? { timeout: r.timeout } : { error: r.error };
}

/** Electron's UtilityProcess, as far as supervision needs it. */
export interface SupervisedChild {
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface SupervisorTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** wall clock, epoch ms (CollectorStatus.nextRestartAt is epoch ms) */
  now(): number;
}

export interface SupervisorOptions<C extends SupervisedChild> {
  /** starts a new child; may throw (reported like an exit) */
  spawn(): C;
  /** wires a freshly started child (messages, renderer port …) */
  onStart?(child: C): void;
  /** asks a child to shut down cleanly (e.g. posts {type:'stop'}) */
  requestStop?(child: C): void;
  onStatus(status: CollectorStatus): void;
  timers?: SupervisorTimers;
  /** restart delays; the last one repeats */
  backoffMs?: readonly number[];
  /** a child that ran this long before dying counts as a fresh failure (backoff starts over) */
  stableAfterMs?: number;
  /** consecutive quick failures after which the supervisor gives up */
  maxConsecutiveFailures?: number;
  /** no heartbeat for this long means the child hangs: it is killed and restarted; 0 disables */
  hangTimeoutMs?: number;
  /** how long stop() waits for a clean exit before killing */
  stopTimeoutMs?: number;
}

export const DEFAULT_BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000] as const;

const realTimers: SupervisorTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** "1", "1.5": seconds for the sentences (the unit is the catalog's) */
function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : s.toFixed(1);
}

export class Supervisor<C extends SupervisedChild> {
  private readonly timers: SupervisorTimers;
  private readonly backoff: readonly number[];
  private readonly stableAfterMs: number;
  private readonly maxFailures: number;
  private readonly hangTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  private child: C | null = null;
  private startedAt = 0;
  private consecutiveFailures = 0;
  private restarts = 0;
  private restartTimer: unknown = null;
  private hangTimer: unknown = null;
  private stopping = false;
  private stopWaiters: (() => void)[] = [];
  private current: CollectorStatus = { state: 'starting', message: null, restarts: 0, nextRestartAt: null };
  /** why the current child is being killed by us (hang), to report instead of a bare exit code */
  private killReason: FailureReason | null = null;

  constructor(private readonly opts: SupervisorOptions<C>) {
    this.timers = opts.timers ?? realTimers;
    this.backoff = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    if (this.backoff.length === 0) throw new Error('backoffMs must list at least one delay');
    this.stableAfterMs = opts.stableAfterMs ?? 30_000;
    this.maxFailures = opts.maxConsecutiveFailures ?? 8;
    this.hangTimeoutMs = opts.hangTimeoutMs ?? 15_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 3000;
  }

  get status(): CollectorStatus {
    return this.current;
  }

  /** the running child, if any */
  get process(): C | null {
    return this.child;
  }

  start(): void {
    if (this.stopping) throw new Error('supervisor was stopped');
    if (this.child !== null || this.restartTimer !== null) return;
    this.launch();
  }

  /** The child is alive and working (call on each message from it). Arms the hang detector. */
  heartbeat(): void {
    if (this.child === null || this.stopping) return;
    if (this.current.state !== 'running') {
      this.setStatus({ state: 'running', message: null, restarts: this.restarts, nextRestartAt: null });
    }
    this.armHangTimer();
  }

  /** Stops the child (cleanly if it obeys requestStop within stopTimeoutMs) and never restarts it. */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) {
      this.timers.clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.clearHangTimer();
    const child = this.child;
    if (child === null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.stopWaiters.push(resolve);
      if (this.stopWaiters.length > 1) return;
      try {
        this.opts.requestStop?.(child);
      } catch {
        // the child is already going away; the kill below covers it
      }
      const killTimer = this.timers.setTimeout(() => {
        if (this.child === child) child.kill();
      }, this.stopTimeoutMs);
      this.stopWaiters.push(() => this.timers.clearTimeout(killTimer));
    });
  }

  private launch(): void {
    this.restartTimer = null;
    this.setStatus({
      state: this.restarts === 0 ? 'starting' : 'restarting',
      message: this.restarts === 0 ? null : this.current.message,
      ...(this.restarts > 0 && this.current.msg ? { msg: this.current.msg } : {}),
      restarts: this.restarts,
      nextRestartAt: null,
    });
    let child: C;
    try {
      child = this.opts.spawn();
    } catch (e) {
      this.onFailure({ kind: 'spawn', error: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.child = child;
    this.startedAt = this.timers.now();
    this.killReason = null;
    child.on('exit', (code) => this.onExit(child, code));
    this.armHangTimer();
    this.opts.onStart?.(child);
  }

  private onExit(child: C, code: number): void {
    if (this.child !== child) return;
    this.child = null;
    this.clearHangTimer();
    if (this.stopping) {
      const waiters = this.stopWaiters;
      this.stopWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const ranMs = this.timers.now() - this.startedAt;
    if (ranMs >= this.stableAfterMs) this.consecutiveFailures = 0;
    const reason: FailureReason = this.killReason ?? { kind: 'exited', code };
    this.onFailure(reason);
  }

  private onFailure(reason: FailureReason): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.maxFailures) {
      const m: Msg = msg(`main.collector.failed.${reason.kind}`, { ...reasonParams(reason), count: this.consecutiveFailures });
      this.setStatus({
        state: 'failed',
        message: msgText(m),
        msg: m,
        restarts: this.restarts,
        nextRestartAt: null,
      });
      return;
    }
    const delay = this.backoff[Math.min(this.consecutiveFailures - 1, this.backoff.length - 1)]!;
    this.restarts++;
    const m: Msg = msg(`main.collector.restarting.${reason.kind}`, { ...reasonParams(reason), delay: seconds(delay), restart: this.restarts });
    this.setStatus({
      state: 'restarting',
      message: msgText(m),
      msg: m,
      restarts: this.restarts,
      nextRestartAt: this.timers.now() + delay,
    });
    this.restartTimer = this.timers.setTimeout(() => this.launch(), delay);
  }

  private armHangTimer(): void {
    this.clearHangTimer();
    if (this.hangTimeoutMs <= 0) return;
    const child = this.child;
    this.hangTimer = this.timers.setTimeout(() => {
      this.hangTimer = null;
      if (this.child !== child || child === null) return;
      this.killReason = { kind: 'hung', timeout: seconds(this.hangTimeoutMs) };
      child.kill();
    }, this.hangTimeoutMs);
  }

  private clearHangTimer(): void {
    if (this.hangTimer !== null) {
      this.timers.clearTimeout(this.hangTimer);
      this.hangTimer = null;
    }
  }

  private setStatus(s: CollectorStatus): void {
    this.current = s;
    this.opts.onStatus(s);
  }
}
