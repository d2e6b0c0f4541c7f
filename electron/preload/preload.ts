// Preload (sandboxed, context-isolated): exposes the WaitlineApi as window.waitline — domain functions
// only (onSnapshot(cb) → unsubscribe, getHistory(q), applyTuning(req) …), never ipcRenderer.
import { contextBridge } from 'electron';
import { createRendererIpc } from '../ipc/electron-renderer';
import { createPreloadApi } from './preload-api';

const { api } = createPreloadApi(createRendererIpc());
contextBridge.exposeInMainWorld('waitline', api);
