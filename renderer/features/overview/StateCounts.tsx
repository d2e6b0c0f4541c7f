// Live count per TCP state. Each number sits in its own element with data-testid="state-count-<STATE>"
// and shows every digit (thousands separators only), so it can be checked against `ss`.
import { memo } from 'react';
import { TCP_STATES, type TcpState } from '../../../shared/tcp';
import { STATE_COLORS } from '../../format';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';

/** A short explanation under the big counts (the state names stay as the kernel's). */
const HINT_STATES = ['TIME_WAIT', 'CLOSE_WAIT', 'ESTABLISHED', 'LISTEN', 'FIN_WAIT2', 'SYN_SENT', 'SYN_RECV'] as const;
type HintState = (typeof HINT_STATES)[number];
const hasHint = (s: TcpState): s is HintState => (HINT_STATES as readonly string[]).includes(s);

const PRIMARY: TcpState[] = ['TIME_WAIT', 'CLOSE_WAIT', 'ESTABLISHED', 'LISTEN'];
const SECONDARY = TCP_STATES.filter((s) => !PRIMARY.includes(s));

const StateCount = memo(function StateCount({ state, big }: { state: TcpState; big: boolean }) {
  const count = useDashboard((s) => s.snapshot?.states[state] ?? null);
  const t = useT();
  const f = useFormat();
  return (
    <div className={`state-card ${big ? 'big' : ''} ${count ? '' : 'zero'}`} style={{ '--state': STATE_COLORS[state] } as React.CSSProperties}>
      <div className="state-name">{state}</div>
      <div className="state-count" data-testid={`state-count-${state}`}>
        {f.count(count)}
      </div>
      {big && hasHint(state) && <div className="state-hint">{t(`overview.stateHint.${state}`)}</div>}
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
