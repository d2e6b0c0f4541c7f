// Alerts in the main process. The engine itself runs in the collector process (shared/alerts.ts, fed
// every snapshot); main owns its settings — persisted in `alert-settings.json` in the user-data folder,
// validated with validateAlertSettings, sent to the collector process after each start and change —
// and turns the events the collector process posts into desktop notifications (clicking one shows the
// window and the view the alert concerns) and history markers (one per raised and cleared alert, so
// they are in getHistory for the 24 h chart). Plain Node: files, notifications and the window are
// injected. Design notes: docs/alerts.md.

import {
  DEFAULT_ALERT_SETTINGS,
  validateAlertSettings,
  type Alert,
  type AlertEvent,
  type AlertSettings,
  type AlertView,
} from '../../shared/alerts';
import { alertMarkerLabel, alertTitle, alertTitleText, notifies } from '../../shared/alert-text';
import type { AlertSettingsResult } from '../../shared/api';
import { renderMsg, type Msg, type TFunction } from '../../shared/i18n';
import type { WindowStateFiles } from './window-state';

export const ALERT_SETTINGS_FILE = 'alert-settings.json';

/** Electron's Notification, as far as used here. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export type NotificationFactory = (options: { title: string; body: string }) => NotificationLike;

/** An alert's desktop notification (and `waitline serve`'s log line) in `t`'s language: the rule's
 *  short name and the subject as title (shared/alert-text.ts alertTitleText), the alert's sentence as
 *  body (its Msg when the collector sent one, else the English message). */
export function notificationText(t: TFunction, alert: Pick<Alert, 'rule' | 'subject' | 'message'> & { msg?: Msg | null }): { title: string; body: string } {
  return {
    title: alertTitleText(t, alert),
    body: alert.msg ? renderMsg(t, alert.msg) : alert.message,
  };
}

/** Loads and saves the settings file; never throws on a bad file. */
export class AlertSettingsStore {
  constructor(
    private readonly path: string,
    private readonly files: WindowStateFiles,
    private readonly log: (message: string) => void,
  ) {}

  /** The saved settings, or the defaults (a missing file silently; a corrupt, unreadable or invalid
   *  one with a one-line reason in the log). */
  load(): AlertSettings {
    let text: string | null;
    try {
      text = this.files.read(this.path);
    } catch (e) {
      this.log(`${this.path}: cannot be read (${e instanceof Error ? e.message : String(e)}); using the default alert settings`);
      return { ...DEFAULT_ALERT_SETTINGS };
    }
    if (text === null) return { ...DEFAULT_ALERT_SETTINGS };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      this.log(`${this.path}: not valid JSON (${e instanceof Error ? e.message : String(e)}); using the default alert settings`);
      return { ...DEFAULT_ALERT_SETTINGS };
    }
    const r = validateAlertSettings(parsed, DEFAULT_ALERT_SETTINGS);
    if (!r.ok) {
      this.log(`${this.path}: ${r.errors.map((e) => e.message).join('; ')}; using the default alert settings`);
      return { ...DEFAULT_ALERT_SETTINGS };
    }
    return r.settings;
  }

  /** Writes atomically (temporary file + rename). Throws when the file cannot be written. */
  save(settings: AlertSettings): void {
    this.files.write(this.path, `${JSON.stringify(settings, null, 2)}\n`);
  }
}

export interface AlertServiceDeps {
  store: Pick<AlertSettingsStore, 'load' | 'save'>;
  /** the collector connection: receives the settings in force */
  collector: { setAlertSettings(settings: AlertSettings): void };
  history: { addMarker(time: number, label: string): void };
  /** null where desktop notifications are unsupported */
  notification: NotificationFactory | null;
  /** restore and focus the window, then switch it to the view */
  show(view: AlertView): void;
  log(message: string): void;
  /** a notification's title and body in the desktop's language (notificationText above, with main's
   *  electron/main/locale.ts); absent: English */
  notificationText?(alert: Alert): { title: string; body: string };
}

/** Notifications still on screen are referenced here: one that is garbage-collected stops
 *  delivering its click. */
const MAX_LIVE_NOTIFICATIONS = 20;

export class AlertService {
  private settings: AlertSettings;
  private readonly live: NotificationLike[] = [];

  constructor(private readonly deps: AlertServiceDeps) {
    this.settings = deps.store.load();
    deps.collector.setAlertSettings(this.settings);
  }

  get(): AlertSettings {
    return { ...this.settings };
  }

  /** Validates the patch on top of the settings in force; saves and applies only a wholly valid one. */
  set(patch: Partial<AlertSettings>): AlertSettingsResult {
    const r = validateAlertSettings(patch, this.settings);
    if (!r.ok) return r;
    try {
      this.deps.store.save(r.settings);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.deps.log(`could not save the alert settings: ${why}`);
      return { ok: false, errors: [{ field: '', message: `the settings could not be saved (${why}); nothing changed` }] };
    }
    this.settings = r.settings;
    this.deps.collector.setAlertSettings(this.settings);
    return { ok: true, settings: this.get() };
  }

  /** One tick's events from the collector process. */
  onEvents(events: readonly AlertEvent[]): void {
    for (const e of events) {
      if (e === null || typeof e !== 'object' || e.alert === null || typeof e.alert !== 'object') continue;
      const label = alertMarkerLabel(e);
      if (label !== null && Number.isFinite(e.time)) this.deps.history.addMarker(e.time, label);
      if (this.settings.notify && notifies(e)) this.notify(e);
    }
  }

  private notify(e: AlertEvent): void {
    if (this.deps.notification === null) return;
    try {
      const text = this.deps.notificationText?.(e.alert) ?? { title: alertTitle(e.alert), body: e.alert.message };
      const n = this.deps.notification(text);
      const view = e.alert.view;
      const forget = (): void => {
        const i = this.live.indexOf(n);
        if (i >= 0) this.live.splice(i, 1);
      };
      n.on('click', () => {
        forget();
        this.deps.show(view);
      });
      n.on('close', forget);
      this.live.push(n);
      if (this.live.length > MAX_LIVE_NOTIFICATIONS) this.live.shift();
      n.show();
    } catch (err) {
      this.deps.log(`could not show a notification: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
