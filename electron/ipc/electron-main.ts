// Binds the typed main-side wrapper to Electron's real ipcMain. Only electron/ipc/ may touch ipcMain.
import { ipcMain } from 'electron';
import { MainIpc, type MainIpcOptions } from './ipc-main';
import type { SenderCheck } from './sender';

export function createMainIpc(checkSender: SenderCheck, opts?: MainIpcOptions): MainIpc {
  return new MainIpc(ipcMain, checkSender, opts);
}
