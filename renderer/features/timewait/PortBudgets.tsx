// Port budget per (local IP, remote IP, remote port): connect() needs a unique 4-tuple, so toward one
// destination at most `usable` ephemeral ports can be in use or held in TIME_WAIT (KERNEL.md §7).
import { memo } from 'react';
import type { PortBudget } from '../../../shared/snapshot';
import { fmtCount, fmtDuration, fmtEndpoint, fmtPercent, fmtRate } from '../../format';
import { useDashboard } from '../../store/dashboard';

/** Colour band of a percentage: thresholds at 50 / 80 / 95 %. */
export function budgetLevel(percent: number): 'ok' | 'warn' | 'high' | 'critical' {
  if (percent >= 95) return 'critical';
  if (percent >= 80) return 'high';
  if (percent >= 50) return 'warn';
  return 'ok';
}

/** The plain-language verdict for one destination. */
export function budgetVerdict(b: PortBudget): string {
  const held = `≈ ${fmtCount(Math.round(b.steadyState))} of ${fmtCount(b.usable)} ports held in steady state`;
  switch (b.verdict) {
    case 'will_exhaust':
      return b.secondsToExhaustion !== null
        ? `Will run out in about ${fmtDuration(b.secondsToExhaustion)}: new connections to this destination will fail with EADDRNOTAVAIL (${held}).`
        : `Will run out: new connections to this destination will fail with EADDRNOTAVAIL (${held}).`;
    case 'at_risk':
      return `At risk: ${held}. A burst or a slower close rate elsewhere can tip it over.`;
    default:
      return `Fine: ${held}.`;
  }
}

const BudgetRow = memo(function BudgetRow({ b }: { b: PortBudget }) {
  const used = budgetLevel(b.percentUsed);
  const steady = budgetLevel(b.steadyStatePercent);
  return (
    <tr className={`budget-${b.verdict}`}>
      <td className="mono">
        {b.localAddr} → {fmtEndpoint(b.remoteAddr, b.remotePort)}
      </td>
      <td className="num">{fmtCount(b.inUse)}</td>
      <td className="num">{fmtCount(b.timeWait)}</td>
      <td className="num">{fmtCount(b.usable)}</td>
      <td className="num">
        <div className={`meter level-${used}`} title={`${fmtPercent(b.percentUsed)} of the usable ephemeral ports`}>
          <div className="meter-fill" style={{ width: `${Math.min(100, b.percentUsed)}%` }} />
          <span>{fmtPercent(b.percentUsed)}</span>
        </div>
      </td>
      <td className="num">{fmtRate(b.closeRatePerS)}/s</td>
      <td className="num">
        <span className={`pill level-${steady}`}>{fmtPercent(b.steadyStatePercent)}</span>
        {b.reuseApplies && <div className="muted small">tw_reuse: hold {fmtDuration(b.holdSeconds)}</div>}
      </td>
      <td className="verdict">{budgetVerdict(b)}</td>
    </tr>
  );
});

export function PortBudgets() {
  const budgets = useDashboard((s) => s.snapshot?.portBudgets ?? null);
  const ephemeral = useDashboard((s) => s.snapshot?.ephemeral ?? null);
  return (
    <div className="card">
      <div className="card-head">
        <h3>Port budget per destination</h3>
        {ephemeral && (
          <span className="muted small">
            ephemeral range {ephemeral.low}–{ephemeral.high}
            {ephemeral.reserved ? `, ${fmtCount(ephemeral.reserved)} reserved` : ''} = {fmtCount(ephemeral.usable)} usable ports per destination
          </span>
        )}
      </div>
      {!budgets || budgets.length === 0 ? (
        <p className="empty">No outgoing connections hold ephemeral ports right now.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="port-budgets">
            <thead>
              <tr>
                <th>Source → destination</th>
                <th className="num">In use</th>
                <th className="num">TIME_WAIT</th>
                <th className="num">Usable</th>
                <th className="num">Used</th>
                <th className="num">Close rate</th>
                <th className="num">Steady state</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {budgets.map((b) => (
                <BudgetRow key={`${b.localAddr}|${b.remoteAddr}|${b.remotePort}`} b={b} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
