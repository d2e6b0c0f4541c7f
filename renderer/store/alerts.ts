// The alerts slice: the alert settings (loaded from and saved through the WaitlineApi), the outcome of
// the last save, and — over `waitline serve` only — the browser notifier. The alerts themselves travel
// in each snapshot (snapshot.alerts) and are read from the dashboard store. One store and at most one
// notifier per dashboard instance (createAlertsSlice, called by createDashboard).
import { createStore, type StoreApi } from 'zustand';
import type { AlertSettings, AlertSettingsError, AlertView } from '../../shared/alerts';
import type { WaitlineApi } from '../../shared/api';
import { BrowserNotifier, type NotificationCtorLike, type PermissionState } from '../alerts/notify';

export interface AlertsStore {
  settings: AlertSettings | null;
  loadError: string | null;
  saving: boolean;
  /** errors the host answered with (nothing was saved) */
  serverErrors: AlertSettingsError[];
  message: { kind: 'ok' | 'error'; text: string } | null;
  /** browser notification permission (serve only); null under Electron */
  permission: PermissionState | 'unsupported' | null;
}

function initialAlerts(): AlertsStore {
  return { settings: null, loadError: null, saving: false, serverErrors: [], message: null, permission: null };
}

/** The two calls of the WaitlineApi the alerts slice makes. */
export type AlertsApi = Pick<WaitlineApi, 'getAlertSettings' | 'setAlertSettings'>;

/** The alerts store and its actions (see createAlertsSlice). */
export interface AlertsSlice {
  readonly store: StoreApi<AlertsStore>;
  /** Loads the alert settings from the host. */
  load(): Promise<void>;
  /** Sends a patch (already validated by the panel); true when the host saved it. */
  save(patch: Partial<AlertSettings>): Promise<boolean>;
  /** Over `waitline serve`: notifications through the browser (null Notification: unsupported). */
  enableBrowserNotifier(N: NotificationCtorLike | null, focus: () => void): BrowserNotifier;
  /** the browser notifier, once enabled; null under Electron (main notifies there) */
  browserNotifier(): BrowserNotifier | null;
  /** Asks the browser for permission (from a click); a no-op without a notifier. */
  requestBrowserNotifications(): Promise<void>;
}

/** Creates the alerts store over `api`; `open` shows a view (a clicked notification's). */
export function createAlertsSlice(api: AlertsApi, open: (view: AlertView) => void): AlertsSlice {
  const store = createStore<AlertsStore>(initialAlerts);
  let notifier: BrowserNotifier | null = null;

  async function load(): Promise<void> {
    try {
      const settings = await api.getAlertSettings();
      store.setState({ settings, loadError: null });
    } catch (e) {
      store.setState({ loadError: `Could not load the alert settings: ${(e as Error).message}` });
    }
  }

  async function save(patch: Partial<AlertSettings>): Promise<boolean> {
    store.setState({ saving: true, message: null, serverErrors: [] });
    try {
      const r = await api.setAlertSettings(patch);
      if (r.ok) {
        store.setState({ settings: r.settings, saving: false, message: { kind: 'ok', text: 'Saved: the collector uses the new settings from its next tick.' } });
        return true;
      }
      store.setState({ saving: false, serverErrors: r.errors, message: { kind: 'error', text: 'Not saved:' } });
      return false;
    } catch (e) {
      store.setState({ saving: false, message: { kind: 'error', text: `Not saved: ${(e as Error).message}` } });
      return false;
    }
  }

  function enableBrowserNotifier(N: NotificationCtorLike | null, focus: () => void): BrowserNotifier {
    notifier = new BrowserNotifier({
      Notification: N,
      focus,
      open,
      wanted: () => store.getState().settings?.notify ?? true,
    });
    store.setState({ permission: notifier.permission });
    return notifier;
  }

  async function requestBrowserNotifications(): Promise<void> {
    if (!notifier) return;
    const permission = await notifier.requestPermission();
    store.setState({ permission });
  }

  return { store, load, save, enableBrowserNotifier, browserNotifier: () => notifier, requestBrowserNotifications };
}
