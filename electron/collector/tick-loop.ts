// The one tick loop of every collector host (the Electron utility process, `waitline serve`): one tick
// per period at a fixed cadence, never two at once. The next tick is due one period after the previous
// one was due; a slow tick delays the next instead of letting ticks overlap or pile up. The tick
// function handles its own errors (each host reports them its own way).

export interface LoopTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** monotonic ms */
  now(): number;
}

export const realTimers: LoopTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

export interface TickLoop {
  /** no tick starts after this; resolves once the tick in flight (if any) has finished */
  stop(): Promise<void>;
}

/** Starts the loop: the first tick runs at once unless `firstAfterMs` is given. */
export function startTickLoop(opts: { periodMs: number; tick: () => Promise<void>; timers?: LoopTimers; firstAfterMs?: number }): TickLoop {
  const timers = opts.timers ?? realTimers;
  let stopped = false;
  let timer: unknown = null;
  let inFlight: Promise<void> | null = null;
  let nextAt = timers.now() + (opts.firstAfterMs ?? 0);

  const run = (): void => {
    timer = null;
    if (stopped) return;
    inFlight = opts
      .tick()
      .catch(() => undefined)
      .finally(() => {
        inFlight = null;
        if (stopped) return;
        nextAt += opts.periodMs;
        const now = timers.now();
        if (nextAt < now) nextAt = now;
        timer = timers.setTimeout(run, nextAt - now);
      });
  };

  if (opts.firstAfterMs === undefined) run();
  else timer = timers.setTimeout(run, opts.firstAfterMs);

  return {
    async stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      if (inFlight !== null) await inFlight;
    },
  };
}
