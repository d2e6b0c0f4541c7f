import { memo, useMemo } from 'react';
import { rateSeriesOf } from '../../../shared/history';
import { CountersChart } from '../../charts/CountersChart';
import { StateChart } from '../../charts/StateChart';
import { fmtCount, fmtRate } from '../../format';
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
  const arrivals = series?.timeWaitArrivals ?? null;
  const items: [string, string, string][] = [
    ['TIME_WAIT arrivals', `${fmtRate(arrivals)}/s`, 'TcpExt TW + TWKilled: timewait entries created'],
    ['Steady state', arrivals === null ? '—' : `≈ ${fmtCount(arrivals * 60)}`, 'arrival rate × 60 s (Little’s law)'],
    ['Active opens', `${fmtRate(series?.activeOpens)}/s`, 'connect() calls that sent a SYN'],
    ['Passive opens', `${fmtRate(series?.passiveOpens)}/s`, 'connections accepted'],
    ['Resets', `${fmtRate(series?.resets)}/s`, 'EstabResets + OutRsts'],
    ['TW overflow', `${fmtRate(series?.twOverflow)}/s`, 'TIME_WAIT skipped: tcp_max_tw_buckets reached'],
    ['sockstat tw', fmtCount(sockstat?.tw), `timewait objects in this namespace (incl. FIN_WAIT2 orphans)${maxTw ? ` · limit ${fmtCount(maxTw)}` : ''}`],
    ['Orphans', fmtCount(sockstat?.orphan), 'orphaned full sockets (whole host)'],
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
  return (
    <section className="view" aria-labelledby="overview-title">
      <h2 id="overview-title" className="sr-only">
        Overview
      </h2>
      <StateCounts />
      <div className="card">
        <div className="card-head">
          <h3>Sockets by state</h3>
          <RangeBar />
        </div>
        {paused && <div className="paused-note">Paused — collection continues; resume to catch up.</div>}
        <StateChart />
      </div>
      <div className="two-col">
        <div className="card">
          <div className="card-head">
            <h3>Churn counters</h3>
            <span className="muted small">per second, from /proc/net/snmp and netstat</span>
          </div>
          <CountersChart />
        </div>
        <div className="card">
          <div className="card-head">
            <h3>Now</h3>
          </div>
          <ChurnSummary />
        </div>
      </div>
      <CloseWaitLeaks />
    </section>
  );
}
