// Renderer-side (preload) typed IPC wrapper. Channel names, argument and result types come from
// shared/ipc-contract.ts; the casts of what arrives over IPC live only here. The preload builds the
// domain API on top of this (electron/preload/preload-api.ts) and never exposes ipcRenderer itself.
// The electron `ipcRenderer` object is injected (electron/ipc/electron-renderer.ts binds the real one).

import type { Unsubscribe } from '../../shared/api';
import type {
  EventChannel,
  EventPayload,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
} from '../../shared/ipc-contract';

/** What arrives with a pushed event: transferred MessagePorts, if any. */
export interface RendererEventLike {
  ports: readonly MessagePort[];
}

/** The part of Electron's ipcRenderer this wrapper uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: RendererEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: RendererEventLike, ...args: unknown[]) => void): unknown;
}

export class RendererIpc {
  constructor(private readonly ipcRenderer: IpcRendererLike) {}

  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>> {
    return this.ipcRenderer.invoke(channel, ...args) as Promise<InvokeResult<C>>;
  }

  on<C extends EventChannel>(
    channel: C,
    listener: (payload: EventPayload<C>, ports: readonly MessagePort[]) => void,
  ): Unsubscribe {
    const wrapped = (event: RendererEventLike, ...args: unknown[]): void => {
      listener(args[0] as EventPayload<C>, event.ports ?? []);
    };
    this.ipcRenderer.on(channel, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.ipcRenderer.removeListener(channel, wrapped);
    };
  }
}
