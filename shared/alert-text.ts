// How alerts (shared/alerts.ts) are put into words outside the list itself: notification titles, the
// chart markers main and the renderer both add for an event (identical labels, so the renderer's merge
// by time and label keeps one of each), and which events notify. Pure; shared by main, the renderer
// and `waitline serve`. Design notes: docs/alerts.md.

import { ALERT_RULES, NETNS_SUBJECT, type Alert, type AlertEvent, type AlertRuleId } from './alerts';
import { msg, renderMsg, type TFunction } from './i18n';

/** A short name per rule, for titles and markers: English, stable (chart markers stored in the history
 *  carry it; alertTitleText / markerLabelText show them in the reader's language). */
export const ALERT_RULE_TITLES: Record<AlertRuleId, string> = {
  port_exhausted: 'Port exhaustion',
  port_forecast: 'Ports running out',
  port_budget: 'Port budget',
  close_wait_leak: 'CLOSE_WAIT leak',
  tw_overflow: 'TIME_WAIT overflow',
  tw_buckets: 'TIME_WAIT buckets',
};

/** "Port exhaustion: 127.0.0.1 → 127.0.0.1:8080" — English, stable (markers, logs, the API). */
export function alertTitle(alert: Pick<Alert, 'rule' | 'subject'>): string {
  return `${ALERT_RULE_TITLES[alert.rule] ?? alert.rule}: ${alert.subject}`;
}

/** Whether an event is worth a desktop notification: news (raised, escalated, repeated) that no
 *  stronger alert on the same subject already tells. Whether notifications are on at all is the
 *  caller's business (AlertSettings.notify). */
export function notifies(e: AlertEvent): boolean {
  return !e.quiet && (e.kind === 'raised' || e.kind === 'escalated' || e.kind === 'repeated');
}

export const ALERT_MARKER_PREFIX = 'alert ';

/** The chart-marker label of an event: one per raised and cleared alert; null for the others. */
export function alertMarkerLabel(e: AlertEvent): string | null {
  if (e.kind !== 'raised' && e.kind !== 'cleared') return null;
  return `${ALERT_MARKER_PREFIX}${e.kind}: ${alertTitle(e.alert)}`;
}

/** What kind of chart marker a label is: an alert raised, an alert cleared, or a tuning change. */
export function markerKind(label: string): 'alert-raised' | 'alert-cleared' | 'tuning' {
  if (label.startsWith(`${ALERT_MARKER_PREFIX}raised: `)) return 'alert-raised';
  if (label.startsWith(`${ALERT_MARKER_PREFIX}cleared: `)) return 'alert-cleared';
  return 'tuning';
}

// ---------------------------------------------------------------- in the reader's language

/** A subject as a person reads it: the namespace-wide one translated, addresses and "comm (pid N)"
 *  as they are. */
export function alertSubjectText(t: TFunction, subject: string): string {
  if (subject !== NETNS_SUBJECT) return subject;
  return renderMsg(t, msg('alerts.subject.netns'));
}

/** A rule's short name in the reader's language (an unknown rule id as is). */
export function alertRuleText(t: TFunction, rule: string): string {
  if (!(ALERT_RULES as readonly string[]).includes(rule)) return rule;
  return renderMsg(t, msg(`alerts.rule.${rule as AlertRuleId}`));
}

/** alertTitle in the reader's language: "端口耗尽：127.0.0.1 → 127.0.0.1:8080". */
export function alertTitleText(t: TFunction, alert: Pick<Alert, 'rule' | 'subject'>): string {
  return renderMsg(t, msg('alerts.title', { rule: alertRuleText(t, alert.rule), subject: alertSubjectText(t, alert.subject) }));
}

const PROBE_MARKER_PREFIX = 'probe ';

/** The label of a chart marker as shown, in the reader's language. Labels are stored in English
 *  (alertMarkerLabel: "alert raised: Port exhaustion: 127.0.0.1 → …"; the probe panel's "probe
 *  HOST:PORT"), so the history never depends on the locale; this parses the known prefixes and rule
 *  titles back. Any other label (a tuning change, an unknown rule) is shown as it is. */
export function markerLabelText(t: TFunction, label: string): string {
  for (const kind of ['raised', 'cleared'] as const) {
    const prefix = `${ALERT_MARKER_PREFIX}${kind}: `;
    if (!label.startsWith(prefix)) continue;
    const title = label.slice(prefix.length);
    const rule = ALERT_RULES.find((r) => title.startsWith(`${ALERT_RULE_TITLES[r]}: `));
    const shown = rule ? alertTitleText(t, { rule, subject: title.slice(ALERT_RULE_TITLES[rule].length + 2) }) : title;
    return renderMsg(t, msg(`alerts.marker.${kind}`, { title: shown }));
  }
  if (label.startsWith(PROBE_MARKER_PREFIX) && label.length > PROBE_MARKER_PREFIX.length) {
    return renderMsg(t, msg('timewait.probe.marker', { target: label.slice(PROBE_MARKER_PREFIX.length) }));
  }
  return label;
}

/** The stored (English) label of the probe panel's marker: "probe HOST:PORT". */
export function probeMarkerLabel(target: string): string {
  return `${PROBE_MARKER_PREFIX}${target}`;
}
