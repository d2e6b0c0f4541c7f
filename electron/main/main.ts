// Electron main process: the composition root of the desktop shell. It wires real Electron objects into
// the pieces under electron/main/ and electron/ipc/ (which are tested under plain Node with doubles):
// one hardened window served from app://waitline, the collector in a supervised utilityProcess whose
// snapshots reach the renderer over a MessagePort, history, tuning and alert settings answered over typed
// IPC, desktop notifications for the alerts the collector process raises.

import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  MessageChannelMain,
  Notification,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type MessagePortMain,
} from 'electron';
import { hostname, release } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppInfo, CollectorStatus, ViewName } from '../../shared/api';
import { enT, renderMsg, type MsgKey } from '../../shared/i18n';
import { createMainIpc } from '../ipc/electron-main';
import { sendEvent, sendPort, type MainIpc } from '../ipc/ipc-main';
import { trustedSender } from '../ipc/sender';
import { TuningClient } from '../privileged/client';
import { KillClient } from '../privileged/kill-client';
import { createProbeService } from './probe-service';
import { ALERT_SETTINGS_FILE, AlertService, AlertSettingsStore, notificationText, type NotificationFactory } from '../settings/alert-service';
import { APP_INDEX_URL, APP_SCHEME, createAppProtocolHandler, filesUnder } from './app-protocol';
import { CollectorConnection, type CollectorChild } from './collector-connection';
import { appInfoServices } from '../collector/services-file';
import { ReverseDns } from '../collector/reverse-dns';
import { createInvokeHandlers } from './handlers';
import { ExportService } from './export-service';
import { HistoryService } from './history-service';
import { buildMenuTemplate } from './menu';
import { MainLocale } from './locale';
import { LOCALE_SETTING_FILE, LocaleSettingStore } from '../settings/locale-setting';
import { nodeFiles } from '../settings/node-files';
import { denyAllPermissions, guardContents, isAllowedExternalUrl } from './security';
import { TuningService } from './tuning-service';
import { MIN_WINDOW_SIZE, WindowStateStore } from '../settings/window-state';

const TICK_MS = 1000;
/** dist/electron (this bundle's directory) → dist/renderer, dist/electron/preload.cjs … */
const RENDERER_DIR = resolve(__dirname, '..', 'renderer');
const PRELOAD_PATH = join(__dirname, 'preload.cjs');
const COLLECTOR_HOST_PATH = join(__dirname, 'collector-host.cjs');

function log(message: string): void {
  console.error(`waitline: ${message}`);
}

// Must run before `ready`: app:// behaves like https (standard, secure origin, fetch, CSP).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;
let ipc: MainIpc | null = null;
let quitting = false;

const history = new HistoryService();
// The client reports the 30 s auto-revert through onChanged; the service marks it on the charts.
const tuningClient = new TuningClient({ onChanged: (change) => tuning.onClientChange(change) });
const tuning = new TuningService(tuningClient, history);
// closing a connection: its own helper and polkit action (docs/kill.md)
const killClient = new KillClient();
// the probe panel: one run at a time, only when asked (docs/probe.md)
const probeService = createProbeService();

function pushStatus(status: CollectorStatus): void {
  if (status.state === 'restarting' || status.state === 'failed') log(`collector ${status.state}: ${status.message ?? ''}`);
  if (mainWindow !== null) sendEvent(mainWindow.webContents, 'waitline:collectorStatus', status);
}

const collector = new CollectorConnection<MessagePortMain>({
  spawn: (): CollectorChild =>
    utilityProcess.fork(COLLECTOR_HOST_PATH, [], { serviceName: 'Waitline collector', stdio: 'inherit' }),
  createChannel: () => new MessageChannelMain(),
  onSample: (sample) => history.pushSample(sample),
  onAlerts: (events) => alerts?.onEvents(events),
  onStatus: pushStatus,
  onTickError: (message) => log(`collector tick failed: ${message}`),
});

// reverse DNS for the rows on screen, only while the user has names turned on in the Connections
// view (the renderer asks nothing otherwise; docs/names.md)
const reverseDns = new ReverseDns({ enabled: true });

function appInfo(): AppInfo {
  return {
    transport: 'electron',
    version: app.getVersion(),
    kernel: release(),
    hostname: hostname(),
    readOnly: false,
    tickMs: TICK_MS,
    ...appInfoServices(),
    reverseDns: true,
    kill: killAvailability(),
    ...(locale ? { locale: { system: locale.system(), current: locale.current } } : {}),
  };
}

/** Whether "Close connection…" can work here, asked once (the kernel's build config and the installed
 *  helper do not change while the app runs). */
let killSupport: NonNullable<AppInfo['kill']> | null = null;
function killAvailability(): NonNullable<AppInfo['kill']> {
  if (killSupport === null) {
    const a = killClient.availability();
    killSupport =
      a.installed !== null ? { available: false, reason: a.installed, reasonMsg: a.installedMsg } : { available: a.available, reason: a.reason, reasonMsg: a.reasonMsg };
  }
  return killSupport;
}

function openExternal(url: string): void {
  if (!isAllowedExternalUrl(url)) {
    log(`refused to open ${url}: not on the external allowlist`);
    return;
  }
  void shell.openExternal(url);
}

function navigate(view: ViewName): void {
  if (mainWindow !== null) sendEvent(mainWindow.webContents, 'waitline:navigate', view);
}

/** Brings the window back (restored, shown, focused): a second launch, a notification click. */
function focusWindow(): void {
  if (mainWindow === null) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** A sentence of main's catalog in `tf`'s language (keys checked at compile time). */
function mainText(tf: NonNullable<MainLocale['t']>): (key: MsgKey, params?: Record<string, string>) => string {
  return (key, params) => renderMsg(tf, params ? { key, params } : { key });
}

/** Created once the app is ready (userData is known then); until then events are dropped. */
let alerts: AlertService | null = null;
/** main's language (./locale.ts); created once the app is ready (userData, system languages) */
let locale: MainLocale | null = null;

function notificationFactory(): NotificationFactory | null {
  if (!Notification.isSupported()) {
    log('desktop notifications are not supported here; alerts are shown in the window only');
    return null;
  }
  return (options) => new Notification({ title: options.title, body: options.body });
}

function createWindow(): BrowserWindow {
  const stateStore = new WindowStateStore(join(app.getPath('userData'), 'window-state.json'), nodeFiles);
  const state = stateStore.load(screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Waitline',
    show: false,
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => stateStore.save(win.getNormalBounds(), win.isMaximized()));
  win.on('closed', () => {
    collector.disconnectRenderer();
    if (mainWindow === win) mainWindow = null;
  });
  // After every page load (first load and reloads): a fresh snapshot port and the current status.
  win.webContents.on('did-finish-load', () => {
    collector.connectRenderer((port) => sendPort(win.webContents, 'waitline:snapshotPort', null, port));
    sendEvent(win.webContents, 'waitline:collectorStatus', collector.status);
  });
  win.webContents.on('render-process-gone', (_e, details) => log(`renderer gone: ${details.reason}`));
  void win.loadURL(APP_INDEX_URL);
  return win;
}

function installMenu(): void {
  const t = locale?.t;
  const template = buildMenuTemplate(
    {
      navigate,
      reload: () => mainWindow?.webContents.reload(),
      about: () => app.showAboutPanel(),
      openExternal,
      quit: () => app.quit(),
    },
    { devTools: !app.isPackaged, ...(t ? { t } : {}) },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The About panel's texts, in main's language. */
function installAboutPanel(): void {
  const t = locale ? mainText(locale.t) : null;
  if (!t) return;
  app.setAboutPanelOptions({
    applicationName: 'Waitline',
    applicationVersion: app.getVersion(),
    version: t('main.about.version', { electron: process.versions.electron ?? '', kernel: release() }),
    copyright: t('main.about.copyright'),
  });
}

async function start(): Promise<void> {
  locale = new MainLocale({
    store: new LocaleSettingStore(join(app.getPath('userData'), LOCALE_SETTING_FILE), nodeFiles),
    systemLanguages: () => app.getPreferredSystemLanguages(),
    onChange: () => {
      installMenu();
      installAboutPanel();
    },
    log,
  });
  installAboutPanel();
  denyAllPermissions(session.defaultSession, (permission) => log(`denied permission request: ${permission}`));
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ readFile: filesUnder(RENDERER_DIR) }));

  ipc = createMainIpc(
    trustedSender({ windowContentsId: () => mainWindow?.webContents.id ?? null, expectedUrl: APP_INDEX_URL }),
    { onRejected: (channel, reason) => log(`rejected ${channel}: ${reason}`) },
  );
  // not awaited: the window does not wait for the disk; samples meanwhile are handed over
  void history.open(join(app.getPath('userData'), 'history'), log);
  alerts = new AlertService({
    store: new AlertSettingsStore(join(app.getPath('userData'), ALERT_SETTINGS_FILE), nodeFiles, log),
    collector,
    history,
    notification: notificationFactory(),
    notificationText: (alert) => notificationText(locale?.t ?? enT(), alert),
    show: (view) => {
      focusWindow();
      navigate(view);
    },
    log,
  });
  const exporter = new ExportService({
    sources: {
      // a getter: the history file opens after start (HistoryService.open replaces what it holds)
      get history() {
        return history.history;
      },
      querySockets: (q) => collector.querySockets(q),
      budgets: () => collector.lastBudgets(),
      tuning: async () => (await tuning.getState()).history,
    },
    chooseFile: async (defaultName, req) => {
      const t = mainText(locale?.t ?? enT());
      const options = {
        title: t('main.export.dialogTitle'),
        defaultPath: join(app.getPath('downloads'), defaultName),
        filters: [req.format === 'csv' ? { name: t('main.export.csvFiles'), extensions: ['csv'] } : { name: t('main.export.jsonlFiles'), extensions: ['jsonl'] }],
      };
      const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  ipc.handleAll(
    createInvokeHandlers({
      info: appInfo,
      history,
      sockets: collector,
      tuning,
      alerts,
      exporter,
      names: reverseDns,
      details: collector,
      kill: killClient,
      probe: probeService,
      locale,
    }),
  );

  installMenu();
  collector.start();
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Waitline is running: it gets focused (second-instance) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', focusWindow);

  // Every webContents (ours, and any a bug might create) is locked down the same way.
  app.on('web-contents-created', (_event, contents) => {
    guardContents(contents, {
      openExternal,
      onBlocked: (what, url) => log(`blocked ${what}${url ? ` to ${url}` : ''}`),
    });
  });

  app.on('window-all-closed', () => app.quit());

  // Graceful quit: stop the collector process (it finishes its tick and exits) before leaving.
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    ipc?.dispose();
    void collector
      .stop()
      .then(() => history.close())
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      log(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
      app.exit(1);
    });
}
