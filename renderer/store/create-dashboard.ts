// One dashboard instance: every store of the renderer (dashboard, tuning, alerts) and everything they
// remember (live history, chart markers, redraw counter, browser notifier), created together over the
// WaitlineApi the bridge chose. Nothing lives at module level: main.tsx creates one instance and hands
// it to the components through <DashboardProvider>; tests create their own over an in-memory API.
// start() connects it: back-fill history, then one store update per pushed snapshot.
import type { WaitlineApi } from '../../shared/api';
import type { NotificationCtorLike } from '../alerts/notify';
import { BridgeError } from '../bridge';
import { createLocalization, type Localization } from '../i18n';
import { measureRender } from '../perf';
import { createAlertsSlice, type AlertsSlice } from './alerts';
import { createDashboardSlice, type DashboardSlice, type DashboardState, type UiText } from './dashboard';
import { msg } from '../../shared/i18n';
import { createTuningSlice, type TuningSlice } from './tuning';

/** The page the dashboard runs in, as far as start() uses it (read when notifications are enabled). */
export interface DashboardEnv {
  /** the browser's Notification constructor (serve only) */
  Notification?: unknown;
  /** brings the page to the front (a clicked notification) */
  focus?: () => void;
}

export interface DashboardOptions {
  /** the transport the bridge picked (serve is read-only); default 'electron' */
  transport?: DashboardState['transport'];
  /** why there is no usable API (the bridge's reason): start() shows it instead of the views */
  fatal?: UiText | null;
  env?: DashboardEnv;
  /** the page's language (renderer/i18n.tsx); default: English, not persisted (tests) */
  localization?: Localization;
}

export interface Dashboard {
  /** the WaitlineApi every store talks to (the connection table queries it directly) */
  readonly api: WaitlineApi;
  readonly dashboard: DashboardSlice;
  readonly tuning: TuningSlice;
  readonly alerts: AlertsSlice;
  readonly localization: Localization;
  /** Starts the data flow (info, back-fill, subscriptions). Resolves to a function that stops it. */
  start(): Promise<() => void>;
}

export function createDashboard(api: WaitlineApi, opts: DashboardOptions = {}): Dashboard {
  const transport = opts.transport ?? 'electron';
  const fatal = opts.fatal ?? null;
  const env = opts.env ?? {};
  const localization = opts.localization ?? createLocalization({ preference: 'en', persist: false });
  const dashboard = createDashboardSlice((fromMs, toMs, maxPoints) => api.getHistory({ fromMs, toMs, maxPoints }));
  const tuning = createTuningSlice(api, dashboard.addMarkers);
  const alerts = createAlertsSlice(api, dashboard.setView, () => localization.i18n.t);

  async function start(): Promise<() => void> {
    dashboard.setTransport(transport);
    if (fatal !== null) {
      dashboard.setFatal(fatal);
      return () => {};
    }
    try {
      const info = await api.getInfo();
      dashboard.setInfo(info);
      // the desktop's languages (Electron main asks the system); serve keeps the browser's
      if (info.locale?.system?.length) localization.setSystemTags(info.locale.system);
      // main shows menus, dialogs and notifications in the page's language (Electron only)
      if (api.setLocale && info.locale) {
        let told = info.locale.current;
        const tell = () => {
          const now = localization.locale();
          if (now === told) return;
          told = now;
          void api.setLocale?.(now).catch(() => undefined);
        };
        tell();
        localization.subscribe(tell);
      }
      // Over `waitline serve` the browser shows the notifications; in the desktop app main does.
      if (info.transport === 'serve') {
        alerts.enableBrowserNotifier((env.Notification as NotificationCtorLike | undefined) ?? null, () => env.focus?.());
        void alerts.load();
      }
    } catch (e) {
      dashboard.setFatal(e instanceof BridgeError ? (e.msg ?? e.message) : msg('app.fatal.cannotTalk', { error: (e as Error).message }));
      return () => {};
    }
    try {
      const now = Date.now();
      dashboard.backfill(await api.getHistory({ fromMs: now - 3_600_000, toMs: now + 60_000, maxPoints: 4000 }));
    } catch (e) {
      dashboard.setNotice(msg('app.notice.historyUnavailable', { error: (e as Error).message }));
    }
    const offs = [
      api.onCollectorStatus(dashboard.setStatus),
      api.onSnapshot((s) => {
        measureRender('tick', () => dashboard.ingestSnapshot(s));
        alerts.browserNotifier()?.handle(s.alerts?.events);
      }),
      // Electron menu navigation; nothing elsewhere
      api.onNavigate ? api.onNavigate(dashboard.setView) : () => {},
    ];
    return () => offs.forEach((off) => off());
  }

  return { api, dashboard, tuning, alerts, localization, start };
}
