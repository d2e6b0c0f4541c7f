// Test doubles for the Electron boundary of the shell (never the real `electron` module): a manual
// clock with timers, an ipcMain / ipcRenderer pair wired to each other, and invoke events.
import type { InvokeEventLike } from '../../../../electron/ipc/sender';
import type { IpcMainLike } from '../../../../electron/ipc/ipc-main';
import type { IpcRendererLike, RendererEventLike } from '../../../../electron/ipc/ipc-renderer';

export const APP_URL = 'app://waitline/index.html';
export const WINDOW_ID = 7;

/** A clock whose time only moves when the test says so; timers fire in order as it passes them. */
export class ManualClock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void; order: number }>();

  constructor(start = 1_763_700_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn, order: id });
    return id;
  };

  clearTimeout = (h: unknown): void => {
    this.timers.delete(h as number);
  };

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void; order: number }] | null = null;
      for (const e of this.timers) {
        if (e[1].at <= end && (next === null || e[1].at < next[1].at || (e[1].at === next[1].at && e[1].order < next[1].order))) next = e;
      }
      if (next === null) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

export function invokeEvent(opts: { senderId?: number; url?: string; subframe?: boolean; frameGone?: boolean } = {}): InvokeEventLike {
  return {
    sender: { id: opts.senderId ?? WINDOW_ID },
    senderFrame: opts.frameGone ? null : { url: opts.url ?? APP_URL, parent: opts.subframe ? {} : null },
  };
}

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** ipcMain double: records handlers; `invoke` calls one as Electron would for a renderer. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    // Electron structured-clones arguments and results; JSON round trips are close enough here and
    // catch any non-plain payload (functions, class instances) crossing the boundary.
    const cloned = args.map((a) => (a === undefined ? a : structuredClone(a)));
    return structuredClone(await h(event, ...cloned));
  }
}

type RendererListener = (event: RendererEventLike, ...args: unknown[]) => void;

/** ipcRenderer double: invoke goes to a FakeIpcMain with a chosen sender; `emit` plays main's send. */
export class FakeIpcRenderer implements IpcRendererLike {
  readonly listeners = new Map<string, Set<RendererListener>>();
  readonly invoked: { channel: string; args: unknown[] }[] = [];

  constructor(
    private readonly main: FakeIpcMain | null,
    private readonly event: InvokeEventLike = invokeEvent(),
  ) {}

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    if (this.main === null) return Promise.resolve(undefined);
    return this.main.invoke(channel, this.event, ...args);
  }

  on(channel: string, listener: RendererListener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  emit(channel: string, payload: unknown, ports: MessagePort[] = []): void {
    for (const l of this.listeners.get(channel) ?? []) l({ ports }, payload);
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}

/** Waits until queued microtasks and one macrotask turn have run (MessagePort delivery). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Waits (a few ms at a time, up to 5 s) until cond() holds; MessagePort delivery crosses the event
 *  loop. Not a timing assertion: it only bounds how long a broken pipeline can hang the test. */
export async function waitFor(cond: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
