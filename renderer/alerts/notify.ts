// Browser notifications for alerts over `waitline serve` (in the desktop app the main process shows
// them; the renderer never does). Once the user granted permission, each non-quiet raised, escalated
// or repeated event becomes one Notification (tagged with the alert id, so a repeat replaces the
// previous one); clicking it focuses the page and shows the view the alert concerns. The Notification
// constructor is injected so tests run without a browser.
import type { AlertEvent, AlertView } from '../../shared/alerts';
import { alertTitleText, notifies } from '../../shared/alert-text';
import { enT, renderMsg, type TFunction } from '../../shared/i18n';

export type PermissionState = 'default' | 'granted' | 'denied';

export interface NotificationInstanceLike {
  onclick: ((ev: unknown) => void) | null;
  close(): void;
}

/** The browser's Notification, as far as used here. */
export interface NotificationCtorLike {
  new (title: string, options: { body: string; tag: string }): NotificationInstanceLike;
  readonly permission: PermissionState;
  requestPermission(): Promise<PermissionState>;
}

export interface BrowserNotifierOptions {
  /** null where the browser has no Notification API */
  Notification: NotificationCtorLike | null;
  /** bring the page to the front */
  focus(): void;
  /** show the view an alert concerns */
  open(view: AlertView): void;
  /** whether the user wants notifications at all (AlertSettings.notify); default: yes */
  wanted?: () => boolean;
  /** the page's current translation: title and body are written in the page's language (English
   *  without it) */
  t?: () => TFunction;
}

const SEEN_MAX = 500;

export class BrowserNotifier {
  private readonly seen = new Set<string>();

  constructor(private readonly opts: BrowserNotifierOptions) {}

  get supported(): boolean {
    return this.opts.Notification !== null;
  }

  get permission(): PermissionState | 'unsupported' {
    return this.opts.Notification?.permission ?? 'unsupported';
  }

  /** Asks the browser (call from a click: browsers ignore requests without a user gesture). */
  async requestPermission(): Promise<PermissionState | 'unsupported'> {
    if (this.opts.Notification === null) return 'unsupported';
    try {
      return await this.opts.Notification.requestPermission();
    } catch {
      return this.opts.Notification.permission;
    }
  }

  /** Shows one notification per new event worth one; returns how many were shown. */
  handle(events: readonly AlertEvent[] | undefined): number {
    const N = this.opts.Notification;
    if (!events || events.length === 0 || N === null || N.permission !== 'granted') return 0;
    if (this.opts.wanted && !this.opts.wanted()) return 0;
    let shown = 0;
    const t = this.opts.t?.() ?? enT();
    for (const e of events) {
      if (!notifies(e)) continue;
      const key = `${e.kind}|${e.alert.id}|${e.time}`;
      if (this.seen.has(key)) continue; // the same snapshot delivered twice
      this.seen.add(key);
      if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value as string);
      try {
        const body = e.alert.msg ? renderMsg(t, e.alert.msg) : e.alert.message;
        const n = new N(alertTitleText(t, e.alert), { body, tag: e.alert.id });
        const view = e.alert.view;
        n.onclick = () => {
          this.opts.focus();
          this.opts.open(view);
          n.close();
        };
        shown++;
      } catch {
        // some browsers refuse the constructor (e.g. Android Chrome wants a service worker): the list
        // and banner still show the alert
      }
    }
    return shown;
  }
}
