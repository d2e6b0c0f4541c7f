// Live count per TCP state. Each number sits in its own element with data-testid="state-count-<STATE>"
// and shows every digit (thousands separators only), so it can be checked against `ss`.
import { memo } from 'react';
import { TCP_STATES, type TcpState } from '../../../shared/tcp';
import { fmtCount, STATE_COLORS } from '../../format';
import { useDashboard } from '../../store/context';

const HINTS: Partial<Record<TcpState, string>> = {
  TIME_WAIT: 'closed first by this host; held 60 s by the kernel',
  CLOSE_WAIT: 'peer closed; the local program has not called close()',
  ESTABLISHED: 'open connections',
  LISTEN: 'listening sockets',
  FIN_WAIT2: 'waiting for the peer’s FIN',
  SYN_SENT: 'outgoing connects in progress',
  SYN_RECV: 'incoming handshakes',
};

const PRIMARY: TcpState[] = ['TIME_WAIT', 'CLOSE_WAIT', 'ESTABLISHED', 'LISTEN'];
const SECONDARY = TCP_STATES.filter((s) => !PRIMARY.includes(s));

const StateCount = memo(function StateCount({ state, big }: { state: TcpState; big: boolean }) {
  const count = useDashboard((s) => s.snapshot?.states[state] ?? null);
  return (
    <div className={`state-card ${big ? 'big' : ''} ${count ? '' : 'zero'}`} style={{ '--state': STATE_COLORS[state] } as React.CSSProperties}>
      <div className="state-name">{state}</div>
      <div className="state-count" data-testid={`state-count-${state}`}>
        {fmtCount(count)}
      </div>
      {big && HINTS[state] && <div className="state-hint">{HINTS[state]}</div>}
    </div>
  );
});

export function StateCounts() {
  return (
    <div className="state-counts">
      <div className="state-grid primary">
        {PRIMARY.map((s) => (
          <StateCount key={s} state={s} big />
        ))}
      </div>
      <div className="state-grid secondary">
        {SECONDARY.map((s) => (
          <StateCount key={s} state={s} big={false} />
        ))}
      </div>
    </div>
  );
}
