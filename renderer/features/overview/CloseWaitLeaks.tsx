// CLOSE_WAIT leak detector: the peer closed, the local program has not called close(). Per process:
// count, age of the oldest, growth — and where the closed connections came from.
import { memo } from 'react';
import { fmtCount, fmtDuration, fmtEndpoint, fmtRate } from '../../format';
import { useDashboard } from '../../store/dashboard';

export const CloseWaitLeaks = memo(function CloseWaitLeaks() {
  const total = useDashboard((s) => s.snapshot?.states.CLOSE_WAIT ?? 0);
  const procs = useDashboard((s) => s.snapshot?.owners?.closeWait ?? null);
  const peers = useDashboard((s) => s.snapshot?.topCloseWait ?? null);
  return (
    <div className="card" data-testid="close-wait">
      <div className="card-head">
        <h3>CLOSE_WAIT</h3>
        <span className="muted small">the peer closed; the program has not called close() — growth means a leak</span>
      </div>
      {total === 0 ? (
        <p className="empty">No sockets in CLOSE_WAIT.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Process</th>
                <th className="num">CLOSE_WAIT</th>
                <th className="num">Oldest</th>
                <th className="num">Growth</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {(procs ?? []).map((p) => (
                <tr key={p.pid}>
                  <td className="mono">
                    {p.comm} ({p.pid})
                  </td>
                  <td className="num">{fmtCount(p.count)}</td>
                  <td className="num">{fmtDuration(p.oldestAgeS)}</td>
                  <td className="num">{p.growthPerMin > 0 ? `+${fmtRate(p.growthPerMin)}/min` : '—'}</td>
                  <td className="small">
                    {p.growthPerMin > 0 || p.oldestAgeS > 300
                      ? `${p.comm} is not closing sockets its peers closed: look for a missing close() or a stuck reader`
                      : 'recent; normal if the program closes them soon'}
                  </td>
                </tr>
              ))}
              {(!procs || procs.length === 0) && (
                <tr>
                  <td colSpan={5} className="muted small">
                    {fmtCount(total)} sockets, owners not visible (another user’s processes need privileges).
                  </td>
                </tr>
              )}
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
