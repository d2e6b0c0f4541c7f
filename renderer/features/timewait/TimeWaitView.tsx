import { memo } from 'react';
import { Trans } from 'react-i18next';
import type { TFunction } from '../../../shared/i18n';
import type { DestinationCount } from '../../../shared/snapshot';
import { fmtEndpoint } from '../../format';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';
import { PortBudgets } from './PortBudgets';
import { ProbePanel } from './ProbePanel';
import { TimeLeftHistogram } from './TimeLeft';

function closedFirst(t: TFunction, d: DestinationCount): string {
  return d.direction === 'outbound' ? t('timewait.top.closedOutbound') : t('timewait.top.closedInbound');
}

const TopDestinations = memo(function TopDestinations() {
  const t = useT();
  const f = useFormat();
  const top = useDashboard((s) => s.snapshot?.topTimeWait ?? null);
  return (
    <div className="card">
      <div className="card-head">
        <h3>{t('timewait.top.title')}</h3>
        <span className="muted small">{t('timewait.top.subtitle')}</span>
      </div>
      {!top || top.length === 0 ? (
        <p className="empty">{t('timewait.top.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="top-destinations">
            <thead>
              <tr>
                <th>{t('timewait.top.direction')}</th>
                <th>{t('timewait.top.peer')}</th>
                <th className="num">{t('timewait.top.servicePort')}</th>
                <th>{t('timewait.top.localAddress')}</th>
                <th className="num">{t('timewait.top.count')}</th>
                <th>{t('timewait.top.whoClosedFirst')}</th>
              </tr>
            </thead>
            <tbody>
              {top.map((d) => (
                <tr key={`${d.direction}|${d.peerAddr}|${d.servicePort}|${d.localAddr}`}>
                  <td>
                    <span className={`pill dir-${d.direction}`}>{d.direction === 'outbound' ? t('timewait.top.outbound') : t('timewait.top.inbound')}</span>
                  </td>
                  <td className="mono">{d.direction === 'outbound' ? fmtEndpoint(d.peerAddr, d.servicePort) : d.peerAddr}</td>
                  <td className="num">{d.servicePort}</td>
                  <td className="mono">{d.localAddr}</td>
                  <td className="num">{f.count(d.count)}</td>
                  <td className="muted small">{closedFirst(t, d)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
});

/** The catalog's paragraphs: nothing here changes with a tick, so a tick does not re-render it. */
const Explanation = memo(function Explanation() {
  const t = useT();
  const f = useFormat();
  // <0> strong, <1> code, <2> em in the catalog's paragraphs
  const parts = [<strong key="strong" />, <code key="code" />, <em key="em" />];
  return (
    <div className="card explain">
      <h3>{t('timewait.explain.title')}</h3>
      <p>
        <Trans i18nKey="timewait.explain.p1" components={parts} />
      </p>
      <p>
        <Trans i18nKey="timewait.explain.p2" components={parts} />
      </p>
      <p>
        <Trans i18nKey="timewait.explain.p3" components={parts} values={{ ports: f.count(28_000) }} />
      </p>
    </div>
  );
});

/** The headline count: the only part of the view's frame that changes with each tick. */
function HeadlineCount() {
  const t = useT();
  const f = useFormat();
  const count = useDashboard((s) => s.snapshot?.states.TIME_WAIT ?? null);
  return <span className="headline-count">{t('timewait.view.sockets', { count: count ?? 0, n: f.count(count) })}</span>;
}

export function TimeWaitView() {
  const t = useT();
  return (
    <section className="view" aria-labelledby="timewait-title">
      <div className="view-head">
        <h2 id="timewait-title">{t('timewait.view.title')}</h2>
        <HeadlineCount />
      </div>
      <ProbePanel />
      <PortBudgets />
      <div className="two-col">
        <TimeLeftHistogram />
        <Explanation />
      </div>
      <TopDestinations />
    </section>
  );
}
