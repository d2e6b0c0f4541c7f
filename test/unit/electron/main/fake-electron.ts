// The stand-in `electron` module of the shell tests (the real one is never loaded under plain Node):
// a double that records what the main process asks of Electron, and the esbuild bundling that points
// an entry's `electron` import at it (globalThis.__fakeElectron). Shared by shell-main.test.ts (the
// composition root) and shell-cli.test.ts (the packaged app's entry: CLI or window).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cjsImportMetaUrl, sqliteBinding } from '../../../../scripts/esbuild-plugins.mjs';

export const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

export type Fn = (...args: never[]) => unknown;

export class Emitter {
  listeners = new Map<string, Fn[]>();
  on(event: string, fn: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: Fn): this {
    return this.on(event, fn);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(...args);
  }
}

class FakeNotification extends Emitter {
  static supported = true;
  static isSupported = () => FakeNotification.supported;
  static shown: FakeNotification[] = [];
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show = () => FakeNotification.shown.push(this);
}

export interface FakeMenuItem {
  id?: string;
  label?: string;
  role?: string;
  accelerator?: string;
  type?: string;
  click?: () => void;
  submenu?: unknown[];
}

export function fakeElectron(opts: { lock: boolean; userData?: string; systemLanguages?: string[] }) {
  const log: string[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const windows: FakeWindow[] = [];
  const children: FakeChild[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  let menuTemplate: FakeMenuItem[] = [];
  let aboutPanel: Record<string, unknown> = {};
  let permissionRequest: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
  let protocolHandler: ((req: { url: string; method: string }) => Promise<Response>) | null = null;

  class FakeContents extends Emitter {
    id = 17;
    sent: [string, unknown][] = [];
    posted: [string, unknown, unknown[]][] = [];
    windowOpenHandler: Fn | null = null;
    isDestroyed = () => false;
    send = (channel: string, payload: unknown) => this.sent.push([channel, payload]);
    postMessage = (channel: string, message: unknown, transfer: unknown[]) => this.posted.push([channel, message, transfer]);
    reload = () => log.push('reload');
    setWindowOpenHandler = (h: Fn) => (this.windowOpenHandler = h);
  }
  class FakeWindow extends Emitter {
    webContents = new FakeContents();
    loaded: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL = async (url: string) => {
      this.loaded = url;
    };
    maximize = () => log.push('maximize');
    show = () => log.push('show');
    getNormalBounds = () => ({ x: 1, y: 2, width: 1300, height: 900 });
    isMaximized = () => false;
    minimized = false;
    isMinimized = () => this.minimized;
    restore = () => {
      this.minimized = false;
      log.push('restore');
    };
    focus = () => log.push('focus');
  }
  class FakeChild extends Emitter {
    received: [unknown, unknown[] | undefined][] = [];
    constructor(
      readonly modulePath: string,
      readonly options: Record<string, unknown>,
    ) {
      super();
      children.push(this);
    }
    postMessage = (m: unknown, transfer?: unknown[]) => this.received.push([m, transfer]);
    kill = () => {
      this.emit('exit', -1);
      return true;
    };
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => opts.lock,
    whenReady: () => ready,
    quit: () => log.push('app.quit'),
    exit: (code: number) => log.push(`app.exit ${code}`),
    getVersion: () => '0.1.0',
    getPath: (name: string) =>
      name === 'userData' && opts.userData !== undefined ? opts.userData : join(tmpdir(), `waitline-main-test-${process.pid}-${name}`),
    setAboutPanelOptions: (o: Record<string, unknown>) => (aboutPanel = o),
    getPreferredSystemLanguages: () => opts.systemLanguages ?? ['en-US'],
    showAboutPanel: () => log.push('about'),
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: {
      buildFromTemplate: (t: typeof menuTemplate) => ((menuTemplate = t), { t }),
      setApplicationMenu: () => log.push('setApplicationMenu'),
    },
    Notification: FakeNotification,
    MessageChannelMain: class {
      port1 = { name: 'port1' };
      port2 = { name: 'port2' };
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => log.push(`registerSchemes ${JSON.stringify(schemes)}`),
      handle: (scheme: string, h: typeof protocolHandler) => {
        log.push(`protocol.handle ${scheme}`);
        protocolHandler = h;
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof permissionRequest) => (permissionRequest = h),
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async (url: string) => log.push(`openExternal ${url}`) },
    utilityProcess: { fork: (path: string, _args: string[], options: Record<string, unknown>) => new FakeChild(path, options) },
    ipcMain: {
      handle: (channel: string, h: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, h),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
  };
  return {
    electron,
    log,
    handlers,
    windows,
    children,
    app,
    makeReady: () => readyResolve(),
    menu: () => menuTemplate,
    aboutPanel: () => aboutPanel,
    permissionRequest: () => permissionRequest,
    protocolHandler: () => protocolHandler,
  };
}

/** Bundles an Electron main-process entry (default electron/main/main.ts; the packaged app's is
 *  electron/main/entry.ts) as scripts/build.mjs does, with `electron` resolved to
 *  globalThis.__fakeElectron; returns the bundle's path and a loader. */
export async function bundleMain(entry = 'electron/main/main.ts'): Promise<{ file: string; load(fake: unknown): void; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-main-'));
  const out = join(dir, 'main.cjs');
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    // as scripts/build.mjs builds dist/electron/main.cjs
    ...cjsImportMetaUrl,
    plugins: [
      sqliteBinding,
      {
        name: 'fake-electron',
        setup(b) {
          b.onResolve({ filter: /^electron$/ }, () => ({ path: 'fake-electron', namespace: 'fake' }));
          b.onLoad({ filter: /.*/, namespace: 'fake' }, () => ({ contents: 'module.exports = globalThis.__fakeElectron;', loader: 'js' }));
        },
      },
    ],
  });
  const require = createRequire(out);
  return {
    file: out,
    load(fake: unknown) {
      (globalThis as { __fakeElectron?: unknown }).__fakeElectron = fake;
      delete require.cache[out];
      require(out);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

