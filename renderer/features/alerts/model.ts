// Pure logic of the alert views: what the banner and the Overview tab's badge show, and the settings
// panel's drafts → patch → inline validation (validateAlertSettings, the same check main and serve run).
import {
  ALERT_SETTING_LIMITS,
  validateAlertSettings,
  type Alert,
  type AlertSettings,
  type AlertSettingsError,
  type AlertRuleId,
  type AlertSeverity,
  type AlertView,
} from '../../../shared/alerts';
import { msgText, type Msg } from '../../../shared/i18n';
import { budgetMsg, rankBudgets } from '../../../shared/port-budget';
import type { Snapshot } from '../../../shared/snapshot';
import { fmtEndpoint } from '../../format';

/** One line of the banner: its title is alertTitleText(t, item), its text the Msg in the page's
 *  language (or the host's English `text` when it sent none). */
export interface BannerItem {
  key: string;
  severity: AlertSeverity;
  rule: AlertRuleId;
  subject: string;
  /** English (the host's message) */
  text: string;
  msg?: Msg;
  view: AlertView;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 1, warning: 0 };

/** Critical first, then the order the engine gave (strongest rule, oldest). */
export function sortActive(active: readonly Alert[]): Alert[] {
  return active
    .map((a, i) => ({ a, i }))
    .sort((x, y) => SEVERITY_RANK[y.a.severity] - SEVERITY_RANK[x.a.severity] || x.i - y.i)
    .map((x) => x.a);
}

/** What needs attention now: every active alert, plus any exhausted destination no active alert
 *  tells about (alerts turned off, or a collector without the engine) — exhaustion is always shown. */
export function attentionItems(snapshot: Snapshot | null): BannerItem[] {
  if (!snapshot) return [];
  const active = sortActive(snapshot.alerts?.active ?? []);
  const items: BannerItem[] = active.map((a) => ({ key: a.id, severity: a.severity, rule: a.rule, subject: a.subject, text: a.message, msg: a.msg, view: a.view }));
  const told = new Set(active.filter((a) => a.rule === 'port_exhausted').map((a) => a.subject));
  const extra: BannerItem[] = [];
  for (const b of rankBudgets(snapshot.portBudgets)) {
    if (b.verdict !== 'exhausted') continue;
    const subject = `${b.localAddr} → ${fmtEndpoint(b.remoteAddr, b.remotePort)}`;
    if (told.has(subject)) continue;
    const m = budgetMsg(b);
    extra.push({ key: `budget:${subject}`, severity: 'critical', rule: 'port_exhausted', subject, text: msgText(m), msg: m, view: 'timewait' });
  }
  // exhaustion is critical: it goes before warnings, after the alerts already critical
  const firstWarning = items.findIndex((i) => i.severity !== 'critical');
  if (firstWarning < 0) return [...items, ...extra];
  return [...items.slice(0, firstWarning), ...extra, ...items.slice(firstWarning)];
}

// ---------------------------------------------------------------- settings panel

export type NumericSetting = keyof typeof ALERT_SETTING_LIMITS;
export const NUMERIC_SETTINGS = Object.keys(ALERT_SETTING_LIMITS) as NumericSetting[];

/** What the user typed (numbers as text) or toggled; absent = unchanged. */
export type AlertDrafts = Partial<Record<NumericSetting, string>> & { enabled?: boolean; notify?: boolean };

export interface AlertPlan {
  /** the changed fields, parsed */
  patch: Partial<AlertSettings>;
  /** inline messages by field ('' = not tied to one field) */
  errors: Record<string, AlertSettingsError[]>;
  valid: boolean;
  changed: boolean;
}

/** Text → number: an empty or non-numeric entry becomes NaN, which validateAlertSettings names. */
function parseNumber(text: string): number {
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t);
}

export function planAlertSettings(current: AlertSettings, drafts: AlertDrafts): AlertPlan {
  const patch: Partial<AlertSettings> = {};
  for (const k of NUMERIC_SETTINGS) {
    const d = drafts[k];
    if (d === undefined) continue;
    const v = parseNumber(d);
    if (v !== current[k]) patch[k] = v;
  }
  if (drafts.enabled !== undefined && drafts.enabled !== current.enabled) patch.enabled = drafts.enabled;
  if (drafts.notify !== undefined && drafts.notify !== current.notify) patch.notify = drafts.notify;
  const r = validateAlertSettings(patch, current);
  return { patch, errors: r.ok ? {} : errorsByField(r.errors), valid: r.ok, changed: Object.keys(patch).length > 0 };
}

/** Errors grouped by field (the panel shows each field's joined by "; ", in the page's language). */
export function errorsByField(errors: readonly AlertSettingsError[]): Record<string, AlertSettingsError[]> {
  const out: Record<string, AlertSettingsError[]> = {};
  for (const e of errors) (out[e.field] ??= []).push(e);
  return out;
}
