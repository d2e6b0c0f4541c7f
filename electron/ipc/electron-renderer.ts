// Binds the typed renderer-side wrapper to Electron's real ipcRenderer. Only electron/ipc/ may touch it.
import { ipcRenderer } from 'electron';
import { RendererIpc } from './ipc-renderer';

export function createRendererIpc(): RendererIpc {
  return new RendererIpc(ipcRenderer);
}
