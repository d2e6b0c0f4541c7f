// How alerts (shared/alerts.ts) are put into words outside the list itself: notification titles, the
// chart markers main and the renderer both add for an event (identical labels, so the renderer's merge
// by time and label keeps one of each), and which events notify. Pure; shared by main, the renderer
// and `waitline serve`. Design notes: docs/alerts.md.

import type { Alert, AlertEvent, AlertRuleId } from './alerts';

/** A short name per rule, for titles and markers. */
export const ALERT_RULE_TITLES: Record<AlertRuleId, string> = {
  port_exhausted: 'Port exhaustion',
  port_forecast: 'Ports running out',
  port_budget: 'Port budget',
  close_wait_leak: 'CLOSE_WAIT leak',
  tw_overflow: 'TIME_WAIT overflow',
  tw_buckets: 'TIME_WAIT buckets',
};

/** "Port exhaustion: 127.0.0.1 → 127.0.0.1:8080" */
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
