// The alerts slice: the alert settings (loaded from and saved through the WaitlineApi), the outcome of
// the last save, and — over `waitline serve` only — the browser notifier. The alerts themselves travel
// in each snapshot (snapshot.alerts) and are read from the dashboard store. One store and at most one
// notifier per dashboard instance (createAlertsSlice, called by createDashboard).
import { createStore, type StoreApi } from 'zustand';
import type { AlertSettings, AlertSettingsError, AlertView } from '../../shared/alerts';
import type { WaitlineApi } from '../../shared/api';
import { msg, msgText, type Msg, type TFunction } from '../../shared/i18n';
import { BrowserNotifier, type NotificationCtorLike, type PermissionState } from '../alerts/notify';

export interface AlertsStore {
  settings: AlertSettings | null;
  /** why the settings could not be loaded (the error's own text; the panel says what failed) */
  loadError: string | null;
  saving: boolean;
  /** errors the host answered with (nothing was saved) */
  serverErrors: AlertSettingsError[];
  /** the outcome of the last save: `msg` in the page's language, `text` its English */
  message: { kind: 'ok' | 'error'; text: string; msg: Msg } | null;
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

function outcome(kind: 'ok' | 'error', m: Msg): AlertsStore['message'] {
  return { kind, text: msgText(m), msg: m };
}

/** Creates the alerts store over `api`; `open` shows a view (a clicked notification's); `t` gives the
 *  page's current translation (browser notifications are written in it; English without it). */
export function createAlertsSlice(api: AlertsApi, open: (view: AlertView) => void, t?: () => TFunction): AlertsSlice {
  const store = createStore<AlertsStore>(initialAlerts);
  let notifier: BrowserNotifier | null = null;

  async function load(): Promise<void> {
    try {
      const settings = await api.getAlertSettings();
      store.setState({ settings, loadError: null });
    } catch (e) {
      store.setState({ loadError: (e as Error).message });
    }
  }

  async function save(patch: Partial<AlertSettings>): Promise<boolean> {
    store.setState({ saving: true, message: null, serverErrors: [] });
    try {
      const r = await api.setAlertSettings(patch);
      if (r.ok) {
        store.setState({ settings: r.settings, saving: false, message: outcome('ok', msg('alerts.settings.saved')) });
        return true;
      }
      store.setState({ saving: false, serverErrors: r.errors, message: outcome('error', msg('alerts.settings.notSaved')) });
      return false;
    } catch (e) {
      store.setState({ saving: false, message: outcome('error', msg('alerts.settings.notSavedError', { error: (e as Error).message })) });
      return false;
    }
  }

  function enableBrowserNotifier(N: NotificationCtorLike | null, focus: () => void): BrowserNotifier {
    notifier = new BrowserNotifier({
      Notification: N,
      focus,
      open,
      t,
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
