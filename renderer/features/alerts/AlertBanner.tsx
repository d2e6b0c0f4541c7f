// The banner above every view while something needs attention: active alerts, critical first, and any
// exhausted destination ("Exhausted: …"), each with a link to the view it concerns. The Overview tab's
// badge counts the same items.
import { useMemo } from 'react';
import { useDashboard, useDashboardStore } from '../../store/context';
import { VIEWS } from '../../store/dashboard';
import { attentionItems } from './model';

const SHOWN = 3;

export function useAttentionItems() {
  const snapshot = useDashboard((s) => s.snapshot);
  return useMemo(() => attentionItems(snapshot), [snapshot]);
}

export function AlertBanner() {
  const items = useAttentionItems();
  const { setView } = useDashboardStore().dashboard;
  if (items.length === 0) return null;
  const critical = items.some((i) => i.severity === 'critical');
  return (
    <div className={`banner alert-banner ${critical ? 'error' : 'warn'}`} role="alert" data-testid="alert-banner">
      <ul>
        {items.slice(0, SHOWN).map((i) => (
          <li key={i.key} className={`alert-${i.severity}`} data-testid="alert-banner-item">
            <span className={`pill sev-${i.severity}`}>{i.severity}</span> <strong>{i.title}</strong> — {i.text}{' '}
            <button type="button" className="link" onClick={() => setView(i.view)}>
              Show in {VIEWS.find((v) => v.name === i.view)?.label ?? i.view}
            </button>
          </li>
        ))}
      </ul>
      {items.length > SHOWN && (
        <button type="button" className="link" onClick={() => setView('alerts')} data-testid="alert-banner-more">
          {items.length - SHOWN} more — see Alerts
        </button>
      )}
    </div>
  );
}

/** The count on the Overview tab: what needs attention now. */
export function AttentionBadge() {
  const items = useAttentionItems();
  const n = items.length;
  const critical = items.some((i) => i.severity === 'critical');
  if (n === 0) return null;
  return (
    <span className={`tab-badge ${critical ? 'critical' : 'warning'}`} data-testid="overview-badge" aria-label={`${n} active alert${n === 1 ? '' : 's'}`}>
      {n}
    </span>
  );
}
