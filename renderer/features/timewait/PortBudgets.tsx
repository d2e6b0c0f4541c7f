// Port budget per (local IP, remote IP, remote port): connect() needs a unique 4-tuple, so toward one
// destination at most `usable` ephemeral ports can be in use or held in TIME_WAIT (docs/exhaustion.md,
// "What runs out").
// Ranked and worded exactly like the CLI and the tuning preview (shared/port-budget.ts): exhausted
// first, then by the larger of current use and steady state; one true sentence per destination.
import { memo } from 'react';
import { budgetSentence, fmtSecondsAhead, rankBudgets, VERDICT_WORDS } from '../../../shared/port-budget';
import type { BudgetVerdict, PortBudget } from '../../../shared/snapshot';
import { fmtClock, fmtCount, fmtDuration, fmtEndpoint, fmtPercent, fmtRate } from '../../format';
import { useDashboard } from '../../store/context';

export type Level = 'ok' | 'warn' | 'high' | 'critical';

/** Colour band of a percentage: thresholds at 50 / 80 / 95 %. */
export function budgetLevel(percent: number): Level {
  if (percent >= 95) return 'critical';
  if (percent >= 80) return 'high';
  if (percent >= 50) return 'warn';
  return 'ok';
}

/** Colour of a verdict: an exhausted or running-out destination is never green. */
export function verdictLevel(v: BudgetVerdict): Level {
  switch (v) {
    case 'exhausted':
      return 'critical';
    case 'will_exhaust':
      return 'high';
    case 'at_risk':
      return 'warn';
    case 'fine':
      return 'ok';
  }
}

/** Share of the usable ports a new connect() cannot use now. */
export function percentNow(b: PortBudget): number {
  return b.usable > 0 ? (b.blocking / b.usable) * 100 : 100;
}

/** The plain-language verdict for one destination (the same sentence the CLI prints). */
export function budgetVerdict(b: PortBudget): string {
  return budgetSentence(b, fmtCount);
}

/** "first ports free in 3 s, 120 within 10 s" — or why none frees. */
export function firstFreeText(b: PortBudget): string {
  return b.firstFreeS === null
    ? 'no held port is in TIME_WAIT: none frees until a connection toward it closes'
    : `first ports free ${fmtSecondsAhead(b.firstFreeS)}, ${fmtCount(b.freedWithin10s)} within 10 s`;
}

const BudgetRow = memo(function BudgetRow({ b }: { b: PortBudget }) {
  const exhausted = b.verdict === 'exhausted';
  const pct = percentNow(b);
  const used: Level = exhausted ? 'critical' : budgetLevel(pct);
  const risk = Math.max(pct, b.steadyStatePercent);
  // the pill judges the larger of now and steady state, and never reads greener than the verdict
  const steady: Level = [budgetLevel(risk), verdictLevel(b.verdict)].sort((x, y) => LEVEL_RANK[y] - LEVEL_RANK[x])[0]!;
  return (
    <tr className={`budget-${b.verdict}`} data-verdict={b.verdict}>
      <td className="mono">
        {b.localAddr} → {fmtEndpoint(b.remoteAddr, b.remotePort)}
      </td>
      <td className="num">{fmtCount(b.inUse)}</td>
      <td className="num">{fmtCount(b.timeWait)}</td>
      <td className="num">{fmtCount(b.usable)}</td>
      <td className="num">
        <div className={`meter level-${used}`} title={`${fmtCount(b.blocking)} of ${fmtCount(b.usable)} usable ports held (${fmtPercent(pct)})`}>
          <div className="meter-fill" style={{ width: `${Math.min(100, pct)}%` }} />
          <span>{fmtPercent(pct)}</span>
        </div>
      </td>
      <td className="num" data-testid="budget-close-rate">
        {exhausted ? (
          <span className="muted small">no connection can be made, so none closes</span>
        ) : (
          <>
            {fmtRate(b.closeRatePerS)}/s
            <div className="muted small">over {fmtDuration(b.rateWindowS)}</div>
          </>
        )}
      </td>
      <td className="num" data-testid="budget-steady">
        {exhausted ? (
          <span className="muted small" title="A steady state needs connections to close; while exhausted none can be made.">
            —
          </span>
        ) : (
          <>
            <span className={`pill level-${steady}`}>{fmtPercent(b.steadyStatePercent)}</span>
            <div className="muted small" data-testid="budget-basis">
              based on {fmtDuration(b.forecastBasisS)}
            </div>
            {b.reuseApplies && <div className="muted small">tw_reuse: hold {fmtDuration(b.holdSeconds)}</div>}
          </>
        )}
      </td>
      <td className="verdict">
        <span className={`pill level-${verdictLevel(b.verdict)}`} data-testid="budget-verdict-pill">
          {VERDICT_WORDS[b.verdict]}
          {b.verdict === 'will_exhaust' && b.secondsToExhaustion !== null ? ` ${fmtSecondsAhead(b.secondsToExhaustion)}` : ''}
        </span>
        {exhausted && (
          <div className="budget-exhausted small" data-testid="budget-exhausted">
            {b.exhaustedSince !== null ? `Exhausted since ${fmtClock(b.exhaustedSince)}` : 'Exhausted'}; {firstFreeText(b)}.
          </div>
        )}
        <div className="budget-sentence">{budgetVerdict(b)}</div>
      </td>
    </tr>
  );
});

const LEVEL_RANK: Record<Level, number> = { ok: 0, warn: 1, high: 2, critical: 3 };

export function PortBudgets() {
  const budgets = useDashboard((s) => s.snapshot?.portBudgets ?? null);
  const ephemeral = useDashboard((s) => s.snapshot?.ephemeral ?? null);
  const ranked = budgets ? rankBudgets(budgets) : null;
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
      {!ranked || ranked.length === 0 ? (
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
                <th className="num">Held now</th>
                <th className="num">Close rate</th>
                <th className="num">Steady state</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {ranked.map((b) => (
                <BudgetRow key={`${b.localAddr}|${b.remoteAddr}|${b.remotePort}`} b={b} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
