import { memo } from 'react';
import type { DestinationCount } from '../../../shared/snapshot';
import { fmtCount, fmtEndpoint } from '../../format';
import { useDashboard } from '../../store/context';
import { PortBudgets } from './PortBudgets';
import { ProbePanel } from './ProbePanel';
import { TimeLeftHistogram } from './TimeLeft';

function closedFirst(d: DestinationCount): string {
  return d.direction === 'outbound'
    ? 'this host closed first (client side): reuse connections (keep-alive, pooling) or let the server close'
    : 'this host closed first as the server: costs no ephemeral ports; the client closing first moves it there';
}

const TopDestinations = memo(function TopDestinations() {
  const top = useDashboard((s) => s.snapshot?.topTimeWait ?? null);
  return (
    <div className="card">
      <div className="card-head">
        <h3>Top TIME_WAIT destinations</h3>
        <span className="muted small">TIME_WAIT lands on the side that closed first</span>
      </div>
      {!top || top.length === 0 ? (
        <p className="empty">No sockets in TIME_WAIT.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="top-destinations">
            <thead>
              <tr>
                <th>Direction</th>
                <th>Peer</th>
                <th className="num">Service port</th>
                <th>Local address</th>
                <th className="num">TIME_WAIT</th>
                <th>Who closed first</th>
              </tr>
            </thead>
            <tbody>
              {top.map((d) => (
                <tr key={`${d.direction}|${d.peerAddr}|${d.servicePort}|${d.localAddr}`}>
                  <td>
                    <span className={`pill dir-${d.direction}`}>{d.direction === 'outbound' ? '↗ outbound' : '↙ inbound'}</span>
                  </td>
                  <td className="mono">{d.direction === 'outbound' ? fmtEndpoint(d.peerAddr, d.servicePort) : d.peerAddr}</td>
                  <td className="num">{d.servicePort}</td>
                  <td className="mono">{d.localAddr}</td>
                  <td className="num">{fmtCount(d.count)}</td>
                  <td className="muted small">{closedFirst(d)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
});

function Explanation() {
  return (
    <div className="card explain">
      <h3>Why TIME_WAIT exists</h3>
      <p>
        The side that closes a TCP connection <strong>first</strong> keeps its end in TIME_WAIT. It does two jobs: it
        can resend the final ACK if the peer’s FIN is retransmitted, and it stops a late segment of the old connection
        from being accepted by a new one on the same four addresses and ports.
      </p>
      <p>
        On Linux it lasts a fixed <strong>60 seconds</strong> (<code>TCP_TIMEWAIT_LEN</code>, a compile-time constant).
        There is no sysctl for it: <code>tcp_fin_timeout</code> limits orphaned FIN_WAIT2 sockets, not TIME_WAIT, and{' '}
        <code>tcp_tw_recycle</code> was removed in Linux 4.12. <code>tcp_tw_reuse</code> lets <em>outgoing</em>{' '}
        <code>connect()</code> calls take over a TIME_WAIT tuple after a delay (it needs TCP timestamps); it does nothing
        for a server accepting connections.
      </p>
      <p>
        A TIME_WAIT entry has no process: the application has already closed the socket and the kernel keeps a small
        timewait object, so <code>ss -p</code> and <code>lsof</code> show no owner. It is a problem only when one
        destination’s entries approach the usable ephemeral ports (about 28,000 by default) — then{' '}
        <code>connect()</code> fails with <code>EADDRNOTAVAIL</code>. The cures: reuse connections, add source
        addresses or destination ports, or let the other side close first.
      </p>
    </div>
  );
}

export function TimeWaitView() {
  const count = useDashboard((s) => s.snapshot?.states.TIME_WAIT ?? null);
  return (
    <section className="view" aria-labelledby="timewait-title">
      <div className="view-head">
        <h2 id="timewait-title">TIME_WAIT</h2>
        <span className="headline-count">{fmtCount(count)} sockets</span>
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
