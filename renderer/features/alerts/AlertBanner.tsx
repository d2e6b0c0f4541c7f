// The banner above every view while something needs attention: active alerts, critical first, and any
// exhausted destination ("Exhausted: …"), each with a link to the view it concerns. The Overview tab's
// badge counts the same items.
import { useMemo } from 'react';
import { alertTitleText } from '../../../shared/alert-text';
import { useFormat, useMsgText, useT } from '../../i18n';
import { useDashboard, useDashboardStore } from '../../store/context';
import { attentionItems } from './model';

const SHOWN = 3;

export function useAttentionItems() {
  const snapshot = useDashboard((s) => s.snapshot);
  return useMemo(() => attentionItems(snapshot), [snapshot]);
}

export function AlertBanner() {
  const t = useT();
  const f = useFormat();
  const text = useMsgText();
  const items = useAttentionItems();
  const { setView } = useDashboardStore().dashboard;
  if (items.length === 0) return null;
  const critical = items.some((i) => i.severity === 'critical');
  return (
    <div className={`banner alert-banner ${critical ? 'error' : 'warn'}`} role="alert" data-testid="alert-banner">
      <ul>
        {items.slice(0, SHOWN).map((i) => (
          <li key={i.key} className={`alert-${i.severity}`} data-testid="alert-banner-item">
            <span className={`pill sev-${i.severity}`}>{t(`alerts.severity.${i.severity}`)}</span> <strong>{alertTitleText(t, i)}</strong> —{' '}
            {text(i.msg, i.text)}{' '}
            <button type="button" className="link" onClick={() => setView(i.view)}>
              {t('alerts.showIn', { view: t(`app.views.${i.view}`) })}
            </button>
          </li>
        ))}
      </ul>
      {items.length > SHOWN && (
        <button type="button" className="link" onClick={() => setView('alerts')} data-testid="alert-banner-more">
          {t('alerts.banner.more', { n: f.count(items.length - SHOWN) })}
        </button>
      )}
    </div>
  );
}

/** The count on the Overview tab: what needs attention now. */
export function AttentionBadge() {
  const t = useT();
  const f = useFormat();
  const items = useAttentionItems();
  const n = items.length;
  const critical = items.some((i) => i.severity === 'critical');
  if (n === 0) return null;
  return (
    <span className={`tab-badge ${critical ? 'critical' : 'warning'}`} data-testid="overview-badge" aria-label={t('alerts.banner.badge', { count: n, n: f.count(n) })}>
      {f.count(n)}
    </span>
  );
}
