// The tuning panel: every knob of the sysctl catalog with its live value, default, a proposed value
// validated as you type, what it really does and the myths about it; the port-budget effect before
// applying; a diff to confirm; "keep these settings?" with the 30 s automatic revert; the history.
// Every text comes from the catalogs: the panel's own from `tuning.*`, each knob's from `knobs.<id>`
// (knobText), validation and result codes as Msgs rendered in the page's language. Every component
// reads `t` through useT() (or useFormat), so a language switch re-renders it.
import { memo, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { renderMsg, type TFunction } from '../../../shared/i18n';
import { knobText, problemText, type CatalogEntry, type KnobText } from '../../../shared/sysctl-catalog';
import type { TuningChange } from '../../../shared/tuning';
import { fmtEndpoint } from '../../format';
import { useFormat, useMsgText, useT } from '../../i18n';
import { useDashboard, useDashboardStore, useTuning } from '../../store/context';
import type { TuningMessage } from '../../store/tuning';
import { budgetPreview, knobRows, planChanges, secondsLeft, type BudgetFigures, type KnobRow, type PlanError } from './model';

function unitSuffix(t: TFunction, e: CatalogEntry): string {
  return e.unit === 'milliseconds' ? t('tuning.unit.milliseconds') : e.unit === 'seconds' ? t('tuning.unit.seconds') : '';
}

function show(t: TFunction, v: string | null): string {
  return v === null ? '—' : v === '' ? t('tuning.knob.empty') : v;
}

function rangeHint(t: TFunction, e: CatalogEntry, text: KnobText): string {
  switch (e.kind) {
    case 'int': {
      const unit = unitSuffix(t, e);
      const bounds = { min: String(e.min), max: String(e.max) };
      return unit ? t('tuning.range.intUnit', { ...bounds, unit }) : t('tuning.range.int', bounds);
    }
    case 'enum':
      return (e.values ?? [])
        .map((v) => t('tuning.range.enumItem', { value: String(v.value), meaning: text.values?.[String(v.value)] ?? v.meaning }))
        .join(t('tuning.range.enumSeparator'));
    case 'port_range':
      return t('tuning.range.portRange');
    case 'port_list':
      return t('tuning.range.portList');
    default:
      return '';
  }
}

/** Catalog prose with `code spans` (identifiers, kernel log lines, registry paths) as <code>. */
function Prose({ text }: { text: string }) {
  const parts = text.split('`');
  if (parts.length < 3) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 && i < parts.length - 1 ? <code key={i}>{p}</code> : p))}
    </>
  );
}

const KnobInput = memo(function KnobInput({ row }: { row: KnobRow }) {
  const t = useT();
  const e = row.entry;
  const text = knobText(t, e.knobId);
  const value = row.draft ?? row.current ?? '';
  const id = `knob-${row.key}`;
  const { setDraft } = useDashboardStore().tuning;
  if (e.kind === 'enum') {
    return (
      <select
        id={id}
        value={value}
        disabled={!row.editable}
        aria-invalid={row.error ? true : undefined}
        onChange={(ev) => setDraft(row.key, ev.target.value)}
        data-testid={`input-${row.key}`}
      >
        {(e.values ?? []).map((v) => (
          <option key={v.value} value={String(v.value)}>
            {t('tuning.range.enumOption', { value: String(v.value), meaning: text.values?.[String(v.value)] ?? v.meaning })}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={id}
      type="text"
      inputMode={e.kind === 'int' ? 'numeric' : 'text'}
      value={value}
      disabled={!row.editable}
      spellCheck={false}
      aria-invalid={row.error ? true : undefined}
      aria-describedby={row.error ? `${id}-error` : undefined}
      onChange={(ev) => setDraft(row.key, ev.target.value)}
      data-testid={`input-${row.key}`}
    />
  );
});

const KnobCard = memo(function KnobCard({ row }: { row: KnobRow }) {
  const t = useT();
  const msgText = useMsgText();
  const e = row.entry;
  const text = knobText(t, e.knobId);
  const note = text.defaultNote;
  const dflt =
    e.default === null ? (note ?? t('tuning.knob.varies')) : note ? t('tuning.knob.defaultWithNote', { value: show(t, e.default), note }) : show(t, e.default);
  const { resetDraft } = useDashboardStore().tuning;
  return (
    <div
      className={`card tuning-knob${row.available ? '' : ' unavailable'}${row.changed ? ' changed' : ''}`}
      aria-disabled={row.available ? undefined : true}
      data-testid={`knob-${row.key}`}
    >
      <div className="card-head">
        <h3>
          {text.title} <span className="muted small mono">{row.key}</span>
        </h3>
        <span className="badge" title={e.scope === 'netns' ? t('tuning.knob.scopeNetnsHint') : t('tuning.knob.scopeGlobalHint')}>
          {e.scope === 'netns' ? t('tuning.knob.scopeNetns') : t('tuning.knob.scopeGlobal')}
        </span>
      </div>
      {!row.available && (
        <p className="muted" data-testid={`unavailable-${row.key}`}>
          {t('tuning.knob.unavailable', { reason: msgText(row.unavailableMsg, row.unavailableReason) })}
        </p>
      )}
      {row.available && (
        <dl className="tuning-kv">
          <dt>{t('tuning.knob.current')}</dt>
          <dd className="mono" data-testid={`current-${row.key}`}>
            {show(t, row.current)} {unitSuffix(t, e)}
          </dd>
          <dt>{t('tuning.knob.default')}</dt>
          <dd>{dflt}</dd>
          <dt>
            <label htmlFor={`knob-${row.key}`}>{t('tuning.knob.proposed')}</label>
          </dt>
          <dd>
            <KnobInput row={row} />
            {row.draft !== undefined && (
              <button type="button" className="small" onClick={() => resetDraft(row.key)}>
                {t('tuning.knob.reset')}
              </button>
            )}
            <div className="muted small">{rangeHint(t, e, text)}</div>
            {row.error && (
              <div className="field-error" id={`knob-${row.key}-error`} role="alert" data-testid={`error-${row.key}`}>
                {row.errorMsg ? problemText(t, row.errorMsg) : row.error}
              </div>
            )}
          </dd>
        </dl>
      )}
      <p className="explain">
        <Prose text={text.summary} />
      </p>
      {text.risks.length > 0 && (
        <details>
          <summary>{t('tuning.knob.risks')}</summary>
          <ul>
            {text.risks.map((r) => (
              <li key={r}>
                <Prose text={r} />
              </li>
            ))}
          </ul>
        </details>
      )}
      {text.myths.length > 0 && (
        <details data-testid={`myths-${row.key}`}>
          <summary>{t('tuning.knob.myths', { count: text.myths.length })}</summary>
          <ul>
            {text.myths.map((m) => (
              <li key={m.myth}>
                <s>
                  <Prose text={m.myth} />
                </s>{' '}
                — <Prose text={m.truth} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <p className="muted small">
        <Prose text={text.history} />
      </p>
    </div>
  );
});

function Figures({ f, label }: { f: BudgetFigures; label: string }) {
  const t = useT();
  const fmt = useFormat();
  const seconds = String(f.holdSeconds);
  return (
    <div>
      <strong>{label}</strong>
      <dl className="tuning-kv">
        <dt>{t('tuning.budget.usable')}</dt>
        <dd>{fmt.count(f.usable)}</dd>
        <dt>{t('tuning.budget.held')}</dt>
        <dd>{f.reuse ? t('tuning.budget.heldReuse', { seconds }) : t('tuning.budget.heldTimeWait', { seconds })}</dd>
        <dt>{t('tuning.budget.sustainable')}</dt>
        <dd>{t('tuning.budget.sustainableValue', { rate: fmt.rate(f.sustainablePerS) })}</dd>
        {f.steadyStatePercent !== null && (
          <>
            <dt>{t('tuning.budget.steady')}</dt>
            <dd>{t('tuning.budget.steadyValue', { ports: fmt.count(Math.round(f.steadyState ?? 0)), percent: fmt.percent(f.steadyStatePercent) })}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

function BudgetPreviewCard({ changes }: { changes: Record<string, string> }) {
  const t = useT();
  const fmt = useFormat();
  const state = useTuning((s) => s.state);
  const snapshot = useDashboard((s) => s.snapshot);
  const p = useMemo(() => budgetPreview(state, snapshot, changes), [state, snapshot, changes]);
  if (!p) return null;
  return (
    <div className="card" data-testid="budget-preview">
      <div className="card-head">
        <h3>{p.affected ? t('tuning.budget.titleCompare') : t('tuning.budget.titleCurrent')}</h3>
      </div>
      <p className="muted small">
        {p.destination
          ? t('tuning.budget.toward', {
              local: p.destination.localAddr,
              remote: fmtEndpoint(p.destination.remoteAddr, p.destination.remotePort),
              rate: fmt.rate(p.destination.closeRatePerS),
            })
          : t('tuning.budget.noDestination')}
      </p>
      <div className="tuning-budget">
        <Figures f={p.before} label={t('tuning.budget.now')} />
        {p.affected && <Figures f={p.after} label={t('tuning.budget.proposed')} />}
      </div>
    </div>
  );
}

function PendingBanner() {
  const t = useT();
  const pending = useTuning((s) => s.pending);
  const busy = useTuning((s) => s.busy);
  const { load: loadTuning, keepPending, revertChange } = useDashboardStore().tuning;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!pending) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [pending]);
  const left = pending ? secondsLeft(pending.confirmDeadline, now) : 0;
  useEffect(() => {
    if (!pending || left > 0) return;
    // the host reverts it now; read back what happened
    const timer = setTimeout(() => void loadTuning(), 1500);
    return () => clearTimeout(timer);
  }, [pending, left, loadTuning]);
  if (!pending) return null;
  return (
    <div className="banner warn" role="alertdialog" aria-labelledby="keep-title" data-testid="keep-banner">
      <strong id="keep-title">{t('tuning.pending.title')}</strong>{' '}
      {left > 0 ? (
        <span data-testid="keep-countdown">{t('tuning.pending.countdown', { seconds: String(left) })}</span>
      ) : (
        <span>{t('tuning.pending.reverting')}</span>
      )}
      <ul className="small">
        {pending.changes.map((c) => (
          <li key={c.key} className="mono">
            {c.key}: {show(t, c.before)} → {show(t, c.after)}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void keepPending()} disabled={busy !== null || left === 0} data-testid="keep-button">
        {t('tuning.pending.keep')}
      </button>{' '}
      <button type="button" onClick={() => void revertChange(pending.id)} disabled={busy !== null} data-testid="revert-now-button">
        {t('tuning.pending.revertNow')}
      </button>
    </div>
  );
}

/** "KEY: problem" in the page's language (the English text when Waitline did not write it). */
function planErrorText(t: TFunction, e: PlanError): string {
  return e.msg ? t('tuning.review.planError', { key: e.key, problem: problemText(t, e.msg) }) : e.text;
}

function ReviewCard({ writable }: { writable: boolean }) {
  const t = useT();
  const { state, drafts, reviewing, persist, busy } = useTuning(
    useShallow((s) => ({ state: s.state, drafts: s.drafts, reviewing: s.reviewing, persist: s.persist, busy: s.busy })),
  );
  const pending = useTuning((s) => s.pending);
  const { setPersist, startReview, applyReviewed, cancelReview, clearDrafts } = useDashboardStore().tuning;
  const plan = useMemo(() => planChanges(state, drafts), [state, drafts]);
  const hasDrafts = Object.keys(drafts).length > 0;
  if (!hasDrafts) return null;
  return (
    <div className="card" data-testid="review">
      <div className="card-head">
        <h3>{reviewing ? t('tuning.review.titleReview') : t('tuning.review.titleProposed')}</h3>
      </div>
      {plan.errors.length > 0 && (
        <ul className="field-error" data-testid="plan-errors">
          {plan.errors.map((e) => (
            <li key={e.text}>{planErrorText(t, e)}</li>
          ))}
        </ul>
      )}
      {plan.diff.length === 0 && plan.errors.length === 0 && <p className="muted">{t('tuning.review.same')}</p>}
      {plan.diff.length > 0 && (
        <table className="tuning-diff" data-testid="diff">
          <thead>
            <tr>
              <th>{t('tuning.review.setting')}</th>
              <th>{t('tuning.review.now')}</th>
              <th>{t('tuning.review.after')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.diff.map((d) => (
              <tr key={d.key}>
                <td className="mono">{d.key}</td>
                <td className="mono">{show(t, d.before)}</td>
                <td className="mono">{show(t, d.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.warnings.length > 0 && (
        <ul className="small" data-testid="warnings">
          {plan.warnings.map((w) => (
            <li key={w.key}>⚠ {renderMsg(t, w)}</li>
          ))}
        </ul>
      )}
      <label className="small tuning-persist">
        <input type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} disabled={!writable} data-testid="persist" />{' '}
        {t('tuning.review.persist')}
      </label>
      <div className="tuning-actions">
        {!reviewing ? (
          <button
            type="button"
            onClick={startReview}
            disabled={!writable || plan.errors.length > 0 || plan.diff.length === 0 || pending !== null}
            data-testid="review-button"
          >
            {t('tuning.review.reviewButton')}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void applyReviewed()} disabled={busy !== null} data-testid="apply-button">
              {busy === 'apply' ? t('tuning.review.applying') : t('tuning.review.apply', { count: plan.diff.length })}
            </button>
            <button type="button" onClick={cancelReview} disabled={busy !== null}>
              {t('tuning.review.back')}
            </button>
          </>
        )}
        <button type="button" onClick={clearDrafts} disabled={busy !== null}>
          {t('tuning.review.discard')}
        </button>
      </div>
      {reviewing && <p className="muted small">{t('tuning.review.authNote')}</p>}
    </div>
  );
}

const STATE_TEXT = {
  pending_confirm: 'tuning.history.states.pending_confirm',
  kept: 'tuning.history.states.kept',
  reverted: 'tuning.history.states.reverted',
  auto_reverted: 'tuning.history.states.auto_reverted',
  failed: 'tuning.history.states.failed',
} as const satisfies Record<TuningChange['state'], string>;

function History({ writable }: { writable: boolean }) {
  const t = useT();
  const fmt = useFormat();
  const history = useTuning((s) => s.state?.history ?? null);
  const busy = useTuning((s) => s.busy);
  const { revertChange } = useDashboardStore().tuning;
  if (!history || history.length === 0) return null;
  return (
    <div className="card" data-testid="history">
      <div className="card-head">
        <h3>{t('tuning.history.title')}</h3>
      </div>
      <table className="tuning-history">
        <thead>
          <tr>
            <th>{t('tuning.history.when')}</th>
            <th>{t('tuning.history.changes')}</th>
            <th>{t('tuning.history.state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((c) => (
            <tr key={c.id} data-testid={`history-${c.id}`}>
              <td>{fmt.clock(c.time)}</td>
              <td className="mono small">
                {c.changes.map((x) => `${x.key.split('.').pop()}: ${show(t, x.before)} → ${show(t, x.after)}`).join('; ')}
                {c.persisted ? t('tuning.history.saved') : ''}
              </td>
              <td>{t(STATE_TEXT[c.state])}</td>
              <td>
                {(c.state === 'kept' || c.state === 'pending_confirm' || c.state === 'failed') && (
                  <button type="button" onClick={() => void revertChange(c.id)} disabled={!writable || busy !== null} data-testid={`revert-${c.id}`}>
                    {t('tuning.history.revert')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Whether the host's detail only repeats the code's text (English "authentication was dismissed…"). */
function sameText(a: string, b: string): boolean {
  const norm = (x: string) => x.trim().replace(/[.。]$/, '').toLowerCase();
  return norm(a) === norm(b);
}

function MessageBanner({ message }: { message: TuningMessage }) {
  const t = useT();
  const text = renderMsg(t, message.text);
  const detail = message.detail && !sameText(text, message.detail) ? message.detail : null;
  return (
    <div className={`banner ${message.kind === 'error' ? 'error' : 'ok'}`} role="status" data-testid="tuning-message">
      <span data-testid="tuning-message-text">{text}</span>
      {detail && (
        <div className="small muted tuning-detail" lang="en" data-testid="tuning-message-detail">
          {t('tuning.message.detail', { detail })}
        </div>
      )}
    </div>
  );
}

export function TuningView() {
  const t = useT();
  const { state, loadError, drafts, message } = useTuning(
    useShallow((s) => ({ state: s.state, loadError: s.loadError, drafts: s.drafts, message: s.message })),
  );
  const readOnlyTransport = useDashboard((s) => s.info?.readOnly === true || s.transport === 'serve');
  const { load: loadTuning } = useDashboardStore().tuning;
  useEffect(() => {
    void loadTuning();
  }, [loadTuning]);
  const writable = !readOnlyTransport && state?.writable === true;
  const rows = useMemo(() => knobRows(state, drafts, writable), [state, drafts, writable]);
  const plan = useMemo(() => planChanges(state, drafts), [state, drafts]);
  const readOnlyReason = readOnlyTransport
    ? t('tuning.view.readOnlyServe')
    : state && !state.writable
      ? t('tuning.view.readOnlyNoHelper', { reason: state.readOnlyReason ?? t('tuning.view.noHelper') })
      : null;
  return (
    <section className="view" aria-labelledby="tuning-title" data-testid="tuning-view">
      <div className="view-head">
        <h2 id="tuning-title">{t('tuning.view.title')}</h2>
        <p className="muted small">{t('tuning.view.intro')}</p>
      </div>
      {readOnlyReason && (
        <div className="banner warn" role="status" data-testid="read-only">
          {readOnlyReason}
        </div>
      )}
      {loadError && (
        <div className="banner error" role="alert">
          {renderMsg(t, loadError)}
        </div>
      )}
      {message && <MessageBanner message={message} />}
      <PendingBanner />
      <ReviewCard writable={writable} />
      <BudgetPreviewCard changes={plan.changes} />
      {state === null && !loadError && <p className="muted">{t('tuning.view.reading')}</p>}
      <div className="tuning-knobs">
        {rows.map((r) => (
          <KnobCard key={r.key} row={r} />
        ))}
      </div>
      <History writable={writable} />
    </section>
  );
}
