import { memo, useMemo } from 'react';
import { rateSeriesOf } from '../../../shared/history';
import { CountersChart } from '../../charts/CountersChart';
import { StateChart } from '../../charts/StateChart';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';
import { CloseWaitLeaks } from './CloseWaitLeaks';
import { RangeBar } from './RangeBar';
import { StateCounts } from './StateCounts';

const ChurnSummary = memo(function ChurnSummary() {
  const snapshot = useDashboard((s) => s.snapshot);
  // the same rate series the charts and the host's history use (shared/history.ts); null before the
  // second tick, when no rate exists yet
  const series = useMemo(() => (snapshot?.counters?.rates ? rateSeriesOf(snapshot) : null), [snapshot]);
  const sockstat = useDashboard((s) => s.snapshot?.sockstat ?? null);
  const maxTw = useDashboard((s) => {
    const v = s.snapshot?.sysctls['net.ipv4.tcp_max_tw_buckets'];
    return v && v.available ? Number(v.raw) : null;
  });
  const t = useT();
  const f = useFormat();
  const arrivals = series?.timeWaitArrivals ?? null;
  const perS = (v: number | null | undefined) => t('overview.now.perSecond', { rate: f.rate(v) });
  const items: [string, string, string][] = [
    [t('overview.now.twArrivals'), perS(arrivals), t('overview.now.twArrivalsHint')],
    [t('overview.now.steady'), arrivals === null ? '—' : `≈ ${f.count(arrivals * 60)}`, t('overview.now.steadyHint')],
    [t('overview.now.activeOpens'), perS(series?.activeOpens), t('overview.now.activeOpensHint')],
    [t('overview.now.passiveOpens'), perS(series?.passiveOpens), t('overview.now.passiveOpensHint')],
    [t('overview.now.resets'), perS(series?.resets), t('overview.now.resetsHint')],
    [t('overview.now.twOverflow'), perS(series?.twOverflow), t('overview.now.twOverflowHint')],
    [
      t('overview.now.sockstatTw'),
      f.count(sockstat?.tw),
      maxTw ? t('overview.now.sockstatTwHintLimit', { limit: f.count(maxTw) }) : t('overview.now.sockstatTwHint'),
    ],
    [t('overview.now.orphans'), f.count(sockstat?.orphan), t('overview.now.orphansHint')],
  ];
  return (
    <div className="kv-grid">
      {items.map(([k, v, hint]) => (
        <div key={k} className="kv" title={hint}>
          <div className="kv-k">{k}</div>
          <div className="kv-v">{v}</div>
          <div className="kv-h">{hint}</div>
        </div>
      ))}
    </div>
  );
});

export function OverviewView() {
  const paused = useDashboard((s) => s.paused);
  const t = useT();
  return (
    <section className="view" aria-labelledby="overview-title">
      <h2 id="overview-title" className="sr-only">
        {t('app.views.overview')}
      </h2>
      <StateCounts />
      <div className="card">
        <div className="card-head">
          <h3>{t('overview.chart.byState')}</h3>
          <RangeBar />
        </div>
        {paused && <div className="paused-note">{t('overview.chart.pausedNote')}</div>}
        <StateChart />
      </div>
      <div className="two-col">
        <div className="card">
          <div className="card-head">
            <h3>{t('overview.chart.churn')}</h3>
            <span className="muted small">{t('overview.chart.churnSource')}</span>
          </div>
          <CountersChart />
        </div>
        <div className="card">
          <div className="card-head">
            <h3>{t('overview.now.title')}</h3>
          </div>
          <ChurnSummary />
        </div>
      </div>
      <CloseWaitLeaks />
    </section>
  );
}
