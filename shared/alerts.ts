// Alerts with hysteresis: one engine, fed one Snapshot per tick, used by the desktop app (in the
// collector process) and by `waitline serve`. Pure: its clock is the snapshot's own time, so a test
// drives it on a manual clock. The model is Netdata's: the threshold that clears an alert depends on
// the alert's current status (raise at 70 %, stay raised down to 60 %), a condition must hold for a
// while before it raises and stay gone for a while before it clears, and an alert still active is
// repeated at most every 30 minutes. Why each default: docs/alerts.md.

import { msg, msgText, type Msg, type MsgKey } from './i18n';
import { budgetMsg } from './port-budget';
import type { PortBudget, Snapshot } from './snapshot';

export type AlertSeverity = 'warning' | 'critical';

export const ALERT_RULES = ['port_exhausted', 'port_forecast', 'port_budget', 'close_wait_leak', 'tw_overflow', 'tw_buckets'] as const;
export type AlertRuleId = (typeof ALERT_RULES)[number];

/** Where a person goes to see what an alert is about. */
export type AlertView = 'overview' | 'timewait' | 'connections' | 'tuning';

export interface AlertSettings {
  /** evaluate alerts at all */
  enabled: boolean;
  /** desktop notifications for raised / escalated / repeated alerts */
  notify: boolean;
  /** a destination forecast to run out within this many minutes raises port_forecast */
  forecastMinutes: number;
  /** share of a destination's budget held now: warning from here … */
  budgetWarnPercent: number;
  /** … critical from here … */
  budgetCriticalPercent: number;
  /** … and a raised budget alert clears only below this, held for clearAfterS */
  budgetClearPercent: number;
  /** a condition must be gone this long before its alert clears */
  clearAfterS: number;
  /** a process holding at least this many CLOSE_WAIT sockets … */
  closeWaitMinCount: number;
  /** … with the count not falling for this long is leaking */
  closeWaitHoldS: number;
  /** sockstat tw at this share of tcp_max_tw_buckets raises tw_buckets */
  twBucketsPercent: number;
  /** an alert still active is notified again at most this often */
  repeatMinutes: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  enabled: true,
  notify: true,
  forecastMinutes: 5,
  budgetWarnPercent: 70,
  budgetCriticalPercent: 90,
  budgetClearPercent: 60,
  clearAfterS: 120,
  closeWaitMinCount: 10,
  closeWaitHoldS: 120,
  twBucketsPercent: 80,
  repeatMinutes: 30,
};

type NumericSetting = Exclude<keyof AlertSettings, 'enabled' | 'notify'>;

/** Allowed range, unit and label of each number (shared by the settings panel and every transport).
 *  `label` and `unit` are the English of `labelKey` and `unitKey` (the panel shows the keys). */
export const ALERT_SETTING_LIMITS: Record<NumericSetting, { min: number; max: number; unit: string; label: string; integer: boolean; labelKey: MsgKey; unitKey: MsgKey }> = {
  forecastMinutes: { min: 1, max: 1440, unit: 'min', label: 'Forecast horizon', integer: false, labelKey: 'alerts.settings.field.forecastMinutes.label', unitKey: 'alerts.settings.field.forecastMinutes.unit' },
  budgetWarnPercent: { min: 1, max: 100, unit: '%', label: 'Budget warning', integer: false, labelKey: 'alerts.settings.field.budgetWarnPercent.label', unitKey: 'alerts.settings.field.budgetWarnPercent.unit' },
  budgetCriticalPercent: { min: 1, max: 100, unit: '%', label: 'Budget critical', integer: false, labelKey: 'alerts.settings.field.budgetCriticalPercent.label', unitKey: 'alerts.settings.field.budgetCriticalPercent.unit' },
  budgetClearPercent: { min: 0, max: 100, unit: '%', label: 'Budget clears below', integer: false, labelKey: 'alerts.settings.field.budgetClearPercent.label', unitKey: 'alerts.settings.field.budgetClearPercent.unit' },
  clearAfterS: { min: 0, max: 3600, unit: 's', label: 'Clear after', integer: true, labelKey: 'alerts.settings.field.clearAfterS.label', unitKey: 'alerts.settings.field.clearAfterS.unit' },
  closeWaitMinCount: { min: 1, max: 1_000_000, unit: 'sockets', label: 'CLOSE_WAIT leak from', integer: true, labelKey: 'alerts.settings.field.closeWaitMinCount.label', unitKey: 'alerts.settings.field.closeWaitMinCount.unit' },
  closeWaitHoldS: { min: 0, max: 86_400, unit: 's', label: 'CLOSE_WAIT not falling for', integer: true, labelKey: 'alerts.settings.field.closeWaitHoldS.label', unitKey: 'alerts.settings.field.closeWaitHoldS.unit' },
  twBucketsPercent: { min: 1, max: 100, unit: '%', label: 'TIME_WAIT buckets warning', integer: false, labelKey: 'alerts.settings.field.twBucketsPercent.label', unitKey: 'alerts.settings.field.twBucketsPercent.unit' },
  repeatMinutes: { min: 1, max: 1440, unit: 'min', label: 'Repeat at most every', integer: false, labelKey: 'alerts.settings.field.repeatMinutes.label', unitKey: 'alerts.settings.field.repeatMinutes.unit' },
};

export interface AlertSettingsError {
  field: string;
  /** English (the API's) */
  message: string;
  /** the same in a reader's language (absent from an older host) */
  msg?: Msg;
}

function settingsError(field: string, m: Msg): AlertSettingsError {
  return { field, message: msgText(m), msg: m };
}

/** Validates a full or partial settings object on top of `base`. Unknown fields, wrong types,
 *  out-of-range numbers and inconsistent thresholds each get a specific message; nothing is applied
 *  unless everything is valid. */
export function validateAlertSettings(
  input: unknown,
  base: AlertSettings = DEFAULT_ALERT_SETTINGS,
): { ok: true; settings: AlertSettings } | { ok: false; errors: AlertSettingsError[] } {
  const errors: AlertSettingsError[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [settingsError('', msg('alerts.settings.error.notObject'))] };
  }
  const out: AlertSettings = { ...base };
  for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
    if (field === 'enabled' || field === 'notify') {
      if (typeof value !== 'boolean') errors.push(settingsError(field, msg('alerts.settings.error.boolean', { field })));
      else out[field] = value;
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(ALERT_SETTING_LIMITS, field)) {
      errors.push(settingsError(field, msg('alerts.settings.error.unknown', { field })));
      continue;
    }
    const lim = ALERT_SETTING_LIMITS[field as NumericSetting];
    // the label and unit come from the catalog by field (alerts.settings.field.<field>); figures as
    // the English always wrote them (no grouping)
    const range = { field, min: String(lim.min), max: String(lim.max) };
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      errors.push(settingsError(field, msg('alerts.settings.error.notNumber', range)));
    } else if (value < lim.min || value > lim.max) {
      errors.push(settingsError(field, msg('alerts.settings.error.range', { ...range, value: String(value) })));
    } else if (lim.integer && !Number.isInteger(value)) {
      errors.push(settingsError(field, msg('alerts.settings.error.whole', { field, value: String(value) })));
    } else {
      out[field as NumericSetting] = value;
    }
  }
  if (errors.length === 0) {
    if (out.budgetCriticalPercent < out.budgetWarnPercent) {
      errors.push(
        settingsError(
          'budgetCriticalPercent',
          msg('alerts.settings.error.criticalBelowWarn', { critical: String(out.budgetCriticalPercent), warn: String(out.budgetWarnPercent) }),
        ),
      );
    }
    if (out.budgetClearPercent >= out.budgetWarnPercent) {
      errors.push(
        settingsError(
          'budgetClearPercent',
          msg('alerts.settings.error.clearNotBelowWarn', { clear: String(out.budgetClearPercent), warn: String(out.budgetWarnPercent) }),
        ),
      );
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, settings: out };
}

export interface Alert {
  /** rule + subject: stable while the same thing is alerting */
  id: string;
  rule: AlertRuleId;
  severity: AlertSeverity;
  /** what it is about: "127.0.0.1 → 127.0.0.1:8080", "python3 (pid 4242)", "this network namespace" */
  subject: string;
  view: AlertView;
  /** why, in one sentence, as of the last tick the condition held (English: the API's) */
  message: string;
  /** the same sentence in a reader's language (absent from an older host) */
  msg?: Msg;
  /** the figure the rule judges (percent, seconds, count, rate) */
  value: number;
  raisedAt: number;
  /** epoch ms when the condition was last seen gone (the alert clears after clearAfterS of it) */
  conditionGoneAt: number | null;
  clearedAt: number | null;
  lastNotifiedAt: number;
}

export type AlertEventKind = 'raised' | 'escalated' | 'repeated' | 'cleared';

export interface AlertEvent {
  kind: AlertEventKind;
  time: number;
  alert: Alert;
  /** a stronger alert on the same subject is active: list it, but do not notify */
  quiet: boolean;
}

/** What travels in each Snapshot: bounded. */
export interface AlertsState {
  active: Alert[];
  /** cleared alerts, newest first */
  recent: Alert[];
  /** what happened at this tick */
  events: AlertEvent[];
}

export const ALERT_LIMITS = { activeInSnapshot: 20, recentInSnapshot: 10, recentKept: 100 } as const;

/** Rules that raise as soon as the condition holds, and the delay for the others (s). */
const RAISE_AFTER_S: Record<AlertRuleId, number> = {
  port_exhausted: 0,
  port_forecast: 3,
  port_budget: 5,
  close_wait_leak: 0, // its hold (closeWaitHoldS) is part of the condition
  tw_overflow: 0,
  tw_buckets: 5,
};

/** On one subject, a stronger rule's alert makes a weaker one's events quiet. */
const STRENGTH: Record<AlertRuleId, number> = {
  port_exhausted: 3,
  port_forecast: 2,
  port_budget: 1,
  close_wait_leak: 0,
  tw_overflow: 0,
  tw_buckets: 0,
};

const VIEW: Record<AlertRuleId, AlertView> = {
  port_exhausted: 'timewait',
  port_forecast: 'timewait',
  port_budget: 'timewait',
  close_wait_leak: 'overview',
  tw_overflow: 'timewait',
  tw_buckets: 'timewait',
};

interface Condition {
  id: string;
  rule: AlertRuleId;
  subject: string;
  severity: AlertSeverity;
  value: number;
  message: string;
  msg: Msg;
}

/** A condition's sentence: its Msg and the English of it. */
function said(m: Msg): { msg: Msg; message: string } {
  return { msg: m, message: msgText(m) };
}

/** The subject of the rules about the whole network namespace (the UI shows alerts.subject.netns). */
export const NETNS_SUBJECT = 'this network namespace';

interface Track {
  rule: AlertRuleId;
  subject: string;
  /** condition holding since (for the raise delay) */
  since: number | null;
  alert: Alert | null;
}

interface LeakTrack {
  count: number;
  /** not falling since */
  since: number;
  seen: number;
}

function destSubject(b: PortBudget): string {
  const host = b.remoteAddr.includes(':') ? `[${b.remoteAddr}]` : b.remoteAddr;
  return `${b.localAddr} → ${host}:${b.remotePort}`;
}

export class AlertEngine {
  private settings: AlertSettings;
  private readonly tracks = new Map<string, Track>();
  private readonly leaks = new Map<number, LeakTrack>();
  private recent: Alert[] = [];

  constructor(settings: AlertSettings = DEFAULT_ALERT_SETTINGS) {
    this.settings = { ...settings };
  }

  get currentSettings(): AlertSettings {
    return { ...this.settings };
  }

  /** Replaces the settings (already validated). Disabling clears nothing silently: active alerts are
   *  cleared at the next evaluation, with events. */
  setSettings(settings: AlertSettings): void {
    this.settings = { ...settings };
  }

  /** Every active alert, most severe first. */
  active(): Alert[] {
    const list: Alert[] = [];
    for (const t of this.tracks.values()) if (t.alert) list.push({ ...t.alert });
    return list.sort(
      (a, b) =>
        (b.severity === 'critical' ? 1 : 0) - (a.severity === 'critical' ? 1 : 0) ||
        STRENGTH[b.rule] - STRENGTH[a.rule] ||
        a.raisedAt - b.raisedAt ||
        a.id.localeCompare(b.id),
    );
  }

  /** Cleared alerts, newest first (at most ALERT_LIMITS.recentKept). */
  recentCleared(): Alert[] {
    return this.recent.map((a) => ({ ...a }));
  }

  /** Evaluates one snapshot; returns the bounded state to attach to it. */
  evaluate(s: Snapshot): AlertsState {
    const now = s.time;
    const conditions = this.settings.enabled ? this.conditions(s) : [];
    const byId = new Map(conditions.map((c) => [c.id, c]));
    const events: AlertEvent[] = [];

    for (const c of conditions) {
      let t = this.tracks.get(c.id);
      if (!t) this.tracks.set(c.id, (t = { rule: c.rule, subject: c.subject, since: null, alert: null }));
      if (t.since === null) t.since = now;
      const a = t.alert;
      if (a) {
        a.message = c.message;
        a.msg = c.msg;
        a.value = c.value;
        a.conditionGoneAt = null;
        if (a.severity === 'warning' && c.severity === 'critical') {
          a.severity = 'critical';
          a.lastNotifiedAt = now;
          events.push({ kind: 'escalated', time: now, alert: { ...a }, quiet: false });
        } else if (a.severity === 'critical' && c.severity === 'warning') {
          a.severity = 'warning'; // de-escalation is not news
        } else if (now - a.lastNotifiedAt >= this.settings.repeatMinutes * 60_000) {
          a.lastNotifiedAt = now;
          events.push({ kind: 'repeated', time: now, alert: { ...a }, quiet: false });
        }
      } else if (now - t.since >= RAISE_AFTER_S[c.rule] * 1000) {
        t.alert = {
          id: c.id,
          rule: c.rule,
          severity: c.severity,
          subject: c.subject,
          view: VIEW[c.rule],
          message: c.message,
          msg: c.msg,
          value: c.value,
          raisedAt: now,
          conditionGoneAt: null,
          clearedAt: null,
          lastNotifiedAt: now,
        };
        events.push({ kind: 'raised', time: now, alert: { ...t.alert }, quiet: false });
      }
    }

    for (const [id, t] of this.tracks) {
      if (byId.has(id)) continue;
      t.since = null;
      const a = t.alert;
      if (!a) {
        this.tracks.delete(id);
        continue;
      }
      if (a.conditionGoneAt === null) a.conditionGoneAt = now;
      if (!this.settings.enabled || now - a.conditionGoneAt >= this.settings.clearAfterS * 1000) {
        a.clearedAt = now;
        events.push({ kind: 'cleared', time: now, alert: { ...a }, quiet: false });
        this.recent.unshift({ ...a });
        if (this.recent.length > ALERT_LIMITS.recentKept) this.recent.length = ALERT_LIMITS.recentKept;
        this.tracks.delete(id);
      }
    }

    // quiet: a stronger active alert on the same subject already tells it
    for (const e of events) {
      if (e.kind === 'cleared') continue;
      for (const t of this.tracks.values()) {
        if (t.alert && t.subject === e.alert.subject && STRENGTH[t.rule] > STRENGTH[e.alert.rule]) e.quiet = true;
      }
    }

    return {
      active: this.active().slice(0, ALERT_LIMITS.activeInSnapshot),
      recent: this.recent.slice(0, ALERT_LIMITS.recentInSnapshot).map((a) => ({ ...a })),
      events,
    };
  }

  private conditions(s: Snapshot): Condition[] {
    const cfg = this.settings;
    const out: Condition[] = [];
    const now = s.time;

    for (const b of s.portBudgets) {
      const subject = destSubject(b);
      if (b.verdict === 'exhausted') {
        out.push({ id: `port_exhausted:${subject}`, rule: 'port_exhausted', subject, severity: 'critical', value: b.percentUsed, ...said(budgetMsg(b)) });
      } else if (b.verdict === 'will_exhaust' && b.secondsToExhaustion !== null && b.secondsToExhaustion < cfg.forecastMinutes * 60) {
        out.push({
          id: `port_forecast:${subject}`,
          rule: 'port_forecast',
          subject,
          severity: b.secondsToExhaustion < 60 ? 'critical' : 'warning',
          value: b.secondsToExhaustion,
          ...said(budgetMsg(b)),
        });
      }
      // budget use now, with thresholds that depend on the alert's current status
      const id = `port_budget:${subject}`;
      const current = this.tracks.get(id)?.alert?.severity ?? null;
      const p = b.percentUsed;
      let sev: AlertSeverity | null = null;
      if (p >= cfg.budgetCriticalPercent || (current === 'critical' && p >= cfg.budgetWarnPercent)) sev = 'critical';
      else if (p >= cfg.budgetWarnPercent || (current !== null && p >= cfg.budgetClearPercent)) sev = 'warning';
      if (sev) {
        out.push({
          id,
          rule: 'port_budget',
          subject,
          severity: sev,
          value: p,
          ...said(msg('alerts.message.port_budget', { blocking: Math.round(b.blocking), usable: Math.round(b.usable), dest: subject.split(' → ')[1]!, percent: p })),
        });
      }
    }

    // CLOSE_WAIT leak: count ≥ N and not falling for the hold time
    const seen = new Set<number>();
    for (const p of s.owners?.closeWait ?? []) {
      seen.add(p.pid);
      let l = this.leaks.get(p.pid);
      if (!l || p.count < l.count) this.leaks.set(p.pid, (l = { count: p.count, since: now, seen: now }));
      l.count = p.count;
      l.seen = now;
      const id = `close_wait_leak:${p.pid}`;
      const raised = this.tracks.get(id)?.alert != null;
      const holding = (now - l.since) / 1000;
      if (p.count >= cfg.closeWaitMinCount && (raised || holding >= cfg.closeWaitHoldS)) {
        const subject = `${p.comm} (pid ${p.pid})`;
        out.push({
          id,
          rule: 'close_wait_leak',
          subject,
          severity: 'warning',
          value: p.count,
          ...said(msg('alerts.message.close_wait_leak', { subject, sockets: Math.round(p.count), seconds: Math.round(holding) })),
        });
      }
    }
    for (const [pid, l] of this.leaks) if (!seen.has(pid) && now - l.seen > 60_000) this.leaks.delete(pid);

    const overflow = s.counters?.rates?.['TcpExt.TCPTimeWaitOverflow'];
    if (overflow !== undefined && overflow > 0) {
      out.push({
        id: 'tw_overflow:netns',
        rule: 'tw_overflow',
        subject: NETNS_SUBJECT,
        severity: 'warning',
        value: overflow,
        ...said(msg('alerts.message.tw_overflow', { rate: overflow })),
      });
    }

    const maxTw = s.sysctls['net.ipv4.tcp_max_tw_buckets'];
    if (s.sockstat && maxTw?.available && /^\d+$/.test(maxTw.raw) && Number(maxTw.raw) > 0) {
      const cap = Number(maxTw.raw);
      const pct = (s.sockstat.tw / cap) * 100;
      const raised = this.tracks.get('tw_buckets:netns')?.alert != null;
      // stays raised down to 10 points below its threshold
      if (pct >= cfg.twBucketsPercent || (raised && pct >= cfg.twBucketsPercent - 10)) {
        out.push({
          id: 'tw_buckets:netns',
          rule: 'tw_buckets',
          subject: NETNS_SUBJECT,
          severity: pct >= 100 ? 'critical' : 'warning',
          value: pct,
          ...said(msg('alerts.message.tw_buckets', { tw: Math.round(s.sockstat.tw), percent: pct, cap: Math.round(cap) })),
        });
      }
    }
    return out;
  }
}
