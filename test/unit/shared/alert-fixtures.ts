// Alert fixtures shared by the alert tests (main's service, the renderer's banner and notifier): an
// exhausted destination, raised at `raisedAt`, with any field overridden.
import type { Alert, AlertEvent, AlertEventKind } from '../../../shared/alerts';

export function exhaustedAlert(raisedAt: number, p: Partial<Alert> = {}): Alert {
  return {
    id: 'port_exhausted:127.0.0.1 → 127.0.0.1:8080',
    rule: 'port_exhausted',
    severity: 'critical',
    subject: '127.0.0.1 → 127.0.0.1:8080',
    view: 'timewait',
    message: 'Exhausted: all 28,232 ports held; new connections to 127.0.0.1:8080 fail with EADDRNOTAVAIL.',
    value: 100,
    raisedAt,
    conditionGoneAt: null,
    clearedAt: null,
    lastNotifiedAt: raisedAt,
    ...p,
  };
}

/** An event of kind `kind` at `time` about `base` (changed by `p`). */
export function alertEvent(base: Alert, kind: AlertEventKind, time: number, quiet = false, p: Partial<Alert> = {}): AlertEvent {
  return { kind, time, alert: { ...base, ...p }, quiet };
}
