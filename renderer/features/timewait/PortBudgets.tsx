// Port budget per (local IP, remote IP, remote port): connect() needs a unique 4-tuple, so toward one
// destination at most `usable` ephemeral ports can be in use or held in TIME_WAIT (docs/exhaustion.md,
// "What runs out").
// Ranked and worded exactly like the CLI and the tuning preview (shared/port-budget.ts): exhausted
// first, then by the larger of current use and steady state; one true sentence per destination.
import { memo } from 'react';
import { renderMsg, type TFunction } from '../../../shared/i18n';
import { budgetMsg, freesMsg, rankBudgets, verdictMsg } from '../../../shared/port-budget';
import type { BudgetVerdict, PortBudget } from '../../../shared/snapshot';
import { fmtEndpoint } from '../../format';
import { useFormat, useT } from '../../i18n';
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

/** The plain-language verdict for one destination (the sentence the CLI prints), in `t`'s language. */
export function budgetVerdict(t: TFunction, b: PortBudget): string {
  return renderMsg(t, budgetMsg(b));
}

/** "the first ports free in 3 s, 120 within 10 s" — or why none frees (the budget sentence's clause). */
export function firstFreeText(t: TFunction, b: PortBudget): string {
  return renderMsg(t, freesMsg(b));
}

const BudgetRow = memo(function BudgetRow({ b }: { b: PortBudget }) {
  const t = useT();
  const f = useFormat();
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
      <td className="num">{f.count(b.inUse)}</td>
      <td className="num">{f.count(b.timeWait)}</td>
      <td className="num">{f.count(b.usable)}</td>
      <td className="num">
        <div className={`meter level-${used}`} title={t('timewait.budget.meterTitle', { blocking: f.count(b.blocking), usable: f.count(b.usable), percent: f.percent(pct) })}>
          <div className="meter-fill" style={{ width: `${Math.min(100, pct)}%` }} />
          <span>{f.percent(pct)}</span>
        </div>
      </td>
      <td className="num" data-testid="budget-close-rate">
        {exhausted ? (
          <span className="muted small">{t('timewait.budget.noneCloses')}</span>
        ) : (
          <>
            {t('timewait.budget.rate', { rate: f.rate(b.closeRatePerS) })}
            <div className="muted small">{t('timewait.budget.over', { duration: f.duration(b.rateWindowS) })}</div>
          </>
        )}
      </td>
      <td className="num" data-testid="budget-steady">
        {exhausted ? (
          <span className="muted small" title={t('timewait.budget.steadyNone')}>
            —
          </span>
        ) : (
          <>
            <span className={`pill level-${steady}`}>{f.percent(b.steadyStatePercent)}</span>
            <div className="muted small" data-testid="budget-basis">
              {t('timewait.budget.basis', { duration: f.duration(b.forecastBasisS) })}
            </div>
            {b.reuseApplies && <div className="muted small">{t('timewait.budget.reuseHold', { duration: f.duration(b.holdSeconds) })}</div>}
          </>
        )}
      </td>
      <td className="verdict">
        <span className={`pill level-${verdictLevel(b.verdict)}`} data-testid="budget-verdict-pill">
          {renderMsg(t, verdictMsg(b))}
        </span>
        {exhausted && (
          <div className="budget-exhausted small" data-testid="budget-exhausted">
            {b.exhaustedSince !== null
              ? t('timewait.budget.exhaustedSince', { time: f.clock(b.exhaustedSince), firstFree: firstFreeText(t, b) })
              : t('timewait.budget.exhaustedNow', { firstFree: firstFreeText(t, b) })}
          </div>
        )}
        <div className="budget-sentence">{budgetVerdict(t, b)}</div>
      </td>
    </tr>
  );
});

const LEVEL_RANK: Record<Level, number> = { ok: 0, warn: 1, high: 2, critical: 3 };

export function PortBudgets() {
  const t = useT();
  const f = useFormat();
  const budgets = useDashboard((s) => s.snapshot?.portBudgets ?? null);
  const ephemeral = useDashboard((s) => s.snapshot?.ephemeral ?? null);
  const ranked = budgets ? rankBudgets(budgets) : null;
  return (
    <div className="card">
      <div className="card-head">
        <h3>{t('timewait.budget.title')}</h3>
        {ephemeral && (
          <span className="muted small">
            {ephemeral.reserved
              ? t('timewait.budget.rangeReserved', { low: ephemeral.low, high: ephemeral.high, reserved: f.count(ephemeral.reserved), usable: f.count(ephemeral.usable) })
              : t('timewait.budget.range', { low: ephemeral.low, high: ephemeral.high, usable: f.count(ephemeral.usable) })}
          </span>
        )}
      </div>
      {!ranked || ranked.length === 0 ? (
        <p className="empty">{t('timewait.budget.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="port-budgets">
            <thead>
              <tr>
                <th>{t('timewait.budget.col.dest')}</th>
                <th className="num">{t('timewait.budget.col.inUse')}</th>
                <th className="num">{t('timewait.budget.col.timeWait')}</th>
                <th className="num">{t('timewait.budget.col.usable')}</th>
                <th className="num">{t('timewait.budget.col.heldNow')}</th>
                <th className="num">{t('timewait.budget.col.closeRate')}</th>
                <th className="num">{t('timewait.budget.col.steady')}</th>
                <th>{t('timewait.budget.col.verdict')}</th>
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
