// CLOSE_WAIT leak detector: the peer closed, the local program has not called close(). Per process:
// count, how long ago the peers closed (a lower bound, from the kernel where it can tell), growth —
// plus the sockets no listed process holds, so the rows add up to the total — and where the closed
// connections came from. The rows are built by close-wait-model.ts.
import { memo } from 'react';
import { fmtCount, fmtEndpoint } from '../../format';
import { useDashboard } from '../../store/context';
import { closeWaitView } from './close-wait-model';

export const CloseWaitLeaks = memo(function CloseWaitLeaks() {
  const snapshot = useDashboard((s) => s.snapshot);
  const view = closeWaitView(snapshot);
  const peers = snapshot?.topCloseWait ?? null;
  return (
    <div className="card" data-testid="close-wait">
      <div className="card-head">
        <h3>
          CLOSE_WAIT <span data-testid="close-wait-total">{fmtCount(view.total)}</span>
        </h3>
        <span className="muted small">the peer closed; the program has not called close() — growth means a leak</span>
      </div>
      {view.total === 0 ? (
        <p className="empty">No sockets in CLOSE_WAIT.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Process</th>
                <th className="num">CLOSE_WAIT</th>
                <th className="num" title="a lower bound on the time since the oldest socket's peer closed">
                  Oldest
                </th>
                <th className="num">Growth</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.key} className={r.kind === 'process' ? undefined : 'muted'} data-testid={`close-wait-row-${r.kind}`}>
                  <td className={r.kind === 'process' ? 'mono' : 'small'}>{r.label}</td>
                  <td className="num">{fmtCount(r.count)}</td>
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
              From:{' '}
              {peers
                .slice(0, 5)
                .map((d) => `${d.direction === 'outbound' ? fmtEndpoint(d.peerAddr, d.servicePort) : `${d.peerAddr} → our port ${d.servicePort}`} (${fmtCount(d.count)})`)
                .join(', ')}
            </p>
          )}
        </div>
      )}
    </div>
  );
});
