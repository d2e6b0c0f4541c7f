// CLOSE_WAIT leak detector: the peer closed, the local program has not called close(). Per process:
// count, how long ago the peers closed (a lower bound, from the kernel where it can tell), growth —
// plus the sockets no listed process holds, so the rows add up to the total — and where the closed
// connections came from. The rows are built by close-wait-model.ts.
import { memo } from 'react';
import { fmtEndpoint } from '../../format';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';
import { closeWaitView } from './close-wait-model';

export const CloseWaitLeaks = memo(function CloseWaitLeaks() {
  const snapshot = useDashboard((s) => s.snapshot);
  const t = useT();
  const f = useFormat();
  const view = closeWaitView(snapshot, t, f);
  const peers = snapshot?.topCloseWait ?? null;
  return (
    <div className="card" data-testid="close-wait">
      <div className="card-head">
        <h3>
          CLOSE_WAIT <span data-testid="close-wait-total">{f.count(view.total)}</span>
        </h3>
        <span className="muted small">{t('overview.closeWait.subtitle')}</span>
      </div>
      {view.total === 0 ? (
        <p className="empty">{t('overview.closeWait.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>{t('overview.closeWait.col.process')}</th>
                <th className="num">CLOSE_WAIT</th>
                <th className="num" title={t('overview.closeWait.col.oldestTitle')}>
                  {t('overview.closeWait.col.oldest')}
                </th>
                <th className="num">{t('overview.closeWait.col.growth')}</th>
                <th>{t('overview.closeWait.col.verdict')}</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.key} className={r.kind === 'process' ? undefined : 'muted'} data-testid={`close-wait-row-${r.kind}`}>
                  <td className={r.kind === 'process' ? 'mono' : 'small'}>{r.label}</td>
                  <td className="num">{f.count(r.count)}</td>
                  <td className="num" title={r.ageDetail || undefined}>
                    {r.age}
                  </td>
                  <td className="num">{r.growth}</td>
                  <td className="small">{r.verdict}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {peers && peers.length > 0 && (
            <p className="muted small">
              {t('overview.closeWait.from', {
                list: peers
                  .slice(0, 5)
                  .map((d) =>
                    t('overview.closeWait.fromItem', {
                      peer:
                        d.direction === 'outbound'
                          ? fmtEndpoint(d.peerAddr, d.servicePort)
                          : t('overview.closeWait.inbound', { addr: d.peerAddr, port: d.servicePort }),
                      n: f.count(d.count),
                    }),
                  )
                  .join(t('overview.closeWait.listSep')),
              })}
            </p>
          )}
        </div>
      )}
    </div>
  );
});
