// Main-side typed IPC wrapper. Types come from shared/ipc-contract.ts; the only casts of IPC payloads
// live here. Every handler passes the sender check and its channel's runtime validator before the
// domain code runs. The electron `ipcMain` object is injected (electron/ipc/electron-main.ts binds the
// real one), so this module is tested under plain Node with a double.

import type {
  EventChannel,
  EventPayload,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
} from '../../shared/ipc-contract';
import type { InvokeEventLike, SenderCheck } from './sender';

/** The part of Electron's ipcMain this wrapper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's WebContents used to push events. */
export interface EventTargetLike {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  postMessage(channel: string, message: unknown, transfer?: unknown[]): void;
}

/** Thrown for arguments that fail validation; the message names the channel and the problem. */
export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError';
}

/** Thrown when a call comes from a sender other than our window's main frame at our URL. */
export class IpcSenderError extends Error {
  override name = 'IpcSenderError';
}

export interface InvokeHandler<C extends InvokeChannel> {
  /** checks the untrusted arguments and returns them typed; throws IpcArgumentError */
  validate(args: readonly unknown[]): InvokeArgs<C>;
  run(...args: InvokeArgs<C>): Promise<InvokeResult<C>> | InvokeResult<C>;
}

/** One handler per channel of the contract: a missing channel is a compile error. */
export type InvokeHandlers = { [C in InvokeChannel]: InvokeHandler<C> };

export interface MainIpcOptions {
  /** called for each rejected call (untrusted sender or bad arguments), e.g. to log it */
  onRejected?: (channel: string, reason: string) => void;
}

export class MainIpc {
  private readonly registered = new Set<string>();

  constructor(
    private readonly ipcMain: IpcMainLike,
    private readonly checkSender: SenderCheck,
    private readonly opts: MainIpcOptions = {},
  ) {}

  handle<C extends InvokeChannel>(channel: C, handler: InvokeHandler<C>): void {
    if (this.registered.has(channel)) throw new Error(`IPC channel ${channel} already has a handler`);
    this.registered.add(channel);
    this.ipcMain.handle(channel, async (event, ...rawArgs) => {
      const senderProblem = this.checkSender(event);
      if (senderProblem !== null) {
        this.opts.onRejected?.(channel, senderProblem);
        throw new IpcSenderError(`${channel}: refused, ${senderProblem}`);
      }
      let args: InvokeArgs<C>;
      try {
        args = handler.validate(rawArgs);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.opts.onRejected?.(channel, message);
        throw e instanceof IpcArgumentError ? e : new IpcArgumentError(`${channel}: ${message}`);
      }
      return handler.run(...args);
    });
  }

  handleAll(handlers: InvokeHandlers): void {
    for (const channel of Object.keys(handlers) as InvokeChannel[]) {
      // Each entry is the handler of its own channel (InvokeHandlers is a mapped type).
      this.handle(channel, handlers[channel] as InvokeHandler<typeof channel>);
    }
  }

  dispose(): void {
    for (const channel of this.registered) this.ipcMain.removeHandler(channel);
    this.registered.clear();
  }
}

/** Pushes a typed event to a renderer; a destroyed target is skipped (the window closed meanwhile). */
export function sendEvent<C extends EventChannel>(target: EventTargetLike, channel: C, payload: EventPayload<C>): void {
  if (target.isDestroyed()) return;
  target.send(channel, payload);
}

/** Hands a renderer a MessagePort (the snapshot stream) along with a typed event. */
export function sendPort<C extends EventChannel>(
  target: EventTargetLike,
  channel: C,
  payload: EventPayload<C>,
  port: unknown,
): void {
  if (target.isDestroyed()) return;
  target.postMessage(channel, payload, [port]);
}
