// The tuning panel: every knob of the sysctl catalog with its live value, default, a proposed value
// validated as you type, what it really does and the myths about it; the port-budget effect before
// applying; a diff to confirm; "keep these settings?" with the 30 s automatic revert; the history.
import { memo, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CatalogEntry } from '../../../shared/sysctl-catalog';
import type { TuningChange } from '../../../shared/tuning';
import { fmtClock, fmtCount, fmtEndpoint, fmtPercent, fmtRate } from '../../format';
import { useDashboard, useDashboardStore, useTuning } from '../../store/context';
import { budgetPreview, knobRows, planChanges, secondsLeft, type BudgetFigures, type KnobRow } from './model';

// The panel's own few rules, scoped by the tuning- prefix (rendered once with the view, so the view
// needs no stylesheet import and renders the same under tests).

function unitSuffix(e: CatalogEntry): string {
  return e.unit === 'milliseconds' ? 'ms' : e.unit === 'seconds' ? 's' : '';
}

function show(v: string | null): string {
  return v === null ? '—' : v === '' ? '(empty)' : v;
}

function rangeHint(e: CatalogEntry): string {
  switch (e.kind) {
    case 'int':
      return `${e.min}–${e.max}${unitSuffix(e) ? ` ${unitSuffix(e)}` : ''}`;
    case 'enum':
      return (e.values ?? []).map((v) => `${v.value} = ${v.meaning}`).join('; ');
    case 'port_range':
      return `"LOW HIGH", low ≥ ip_unprivileged_port_start, low < high ≤ 65535`;
    case 'port_list':
      return 'ports and ranges like 1,2-4,10 (empty clears the list)';
    default:
      return '';
  }
}

const KnobInput = memo(function KnobInput({ row }: { row: KnobRow }) {
  const e = row.entry;
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
            {v.value} — {v.meaning}
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
  const e = row.entry;
  const dflt = e.default === null ? (e.defaultNote ?? 'varies') : `${show(e.default)}${e.defaultNote ? ` (${e.defaultNote})` : ''}`;
  const { resetDraft } = useDashboardStore().tuning;
  return (
    <div
      className={`card tuning-knob${row.available ? '' : ' unavailable'}${row.changed ? ' changed' : ''}`}
      aria-disabled={row.available ? undefined : true}
      data-testid={`knob-${row.key}`}
    >
      <div className="card-head">
        <h3>
          {e.title} <span className="muted small mono">{row.key}</span>
        </h3>
        <span className="badge" title={e.scope === 'netns' ? 'Each network namespace has its own value' : 'One value for the whole machine (initial namespace only)'}>
          {e.scope === 'netns' ? 'per namespace' : 'global'}
        </span>
      </div>
      {!row.available && (
        <p className="muted" data-testid={`unavailable-${row.key}`}>
          Unavailable: {row.unavailableReason}
        </p>
      )}
      {row.available && (
        <dl className="tuning-kv">
          <dt>Current</dt>
          <dd className="mono" data-testid={`current-${row.key}`}>
            {show(row.current)} {unitSuffix(e)}
          </dd>
          <dt>Default</dt>
          <dd>{dflt}</dd>
          <dt>
            <label htmlFor={`knob-${row.key}`}>Proposed</label>
          </dt>
          <dd>
            <KnobInput row={row} />
            {row.draft !== undefined && (
              <button type="button" className="small" onClick={() => resetDraft(row.key)}>
                reset
              </button>
            )}
            <div className="muted small">{rangeHint(e)}</div>
            {row.error && (
              <div className="field-error" id={`knob-${row.key}-error`} role="alert" data-testid={`error-${row.key}`}>
                {row.error}
              </div>
            )}
          </dd>
        </dl>
      )}
      <p className="explain">{e.summary}</p>
      {e.risks.length > 0 && (
        <details>
          <summary>What goes wrong when it is set badly</summary>
          <ul>
            {e.risks.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </details>
      )}
      {e.myths.length > 0 && (
        <details data-testid={`myths-${row.key}`}>
          <summary>Myths ({e.myths.length})</summary>
          <ul>
            {e.myths.map((m) => (
              <li key={m.myth}>
                <s>{m.myth}</s> — {m.truth}
              </li>
            ))}
          </ul>
        </details>
      )}
      <p className="muted small">{e.history}</p>
    </div>
  );
});

function Figures({ f, label }: { f: BudgetFigures; label: string }) {
  return (
    <div>
      <strong>{label}</strong>
      <dl className="tuning-kv">
        <dt>Usable ports</dt>
        <dd>{fmtCount(f.usable)}</dd>
        <dt>Closed tuple held</dt>
        <dd>{f.reuse ? `${f.holdSeconds} s (tcp_tw_reuse)` : `${f.holdSeconds} s (TIME_WAIT)`}</dd>
        <dt>Sustainable</dt>
        <dd>{fmtRate(f.sustainablePerS)}/s new connections</dd>
        {f.steadyStatePercent !== null && (
          <>
            <dt>Steady state</dt>
            <dd>
              {fmtCount(Math.round(f.steadyState ?? 0))} ports ({fmtPercent(f.steadyStatePercent)})
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function BudgetPreviewCard({ changes }: { changes: Record<string, string> }) {
  const state = useTuning((s) => s.state);
  const snapshot = useDashboard((s) => s.snapshot);
  const p = useMemo(() => budgetPreview(state, snapshot, changes), [state, snapshot, changes]);
  if (!p) return null;
  return (
    <div className="card" data-testid="budget-preview">
      <div className="card-head">
        <h3>Port budget {p.affected ? 'before → after' : '(current)'}</h3>
      </div>
      <p className="muted small">
        {p.destination
          ? `Toward the busiest destination, ${p.destination.localAddr} → ${fmtEndpoint(p.destination.remoteAddr, p.destination.remotePort)}, closing ${fmtRate(p.destination.closeRatePerS)} connections/s. Each (source IP, destination IP, destination port) has its own budget.`
          : 'No outgoing destination right now; figures per destination (source IP, destination IP, destination port).'}
      </p>
      <div className="tuning-budget">
        <Figures f={p.before} label="Now" />
        {p.affected && <Figures f={p.after} label="With the proposed values" />}
      </div>
    </div>
  );
}

function PendingBanner() {
  const pending = useTuning((s) => s.pending);
  const busy = useTuning((s) => s.busy);
  const { load: loadTuning, keepPending, revertChange } = useDashboardStore().tuning;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!pending) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [pending]);
  const left = pending ? secondsLeft(pending.confirmDeadline, now) : 0;
  useEffect(() => {
    if (!pending || left > 0) return;
    // the host reverts it now; read back what happened
    const t = setTimeout(() => void loadTuning(), 1500);
    return () => clearTimeout(t);
  }, [pending, left, loadTuning]);
  if (!pending) return null;
  return (
    <div className="banner warn" role="alertdialog" aria-labelledby="keep-title" data-testid="keep-banner">
      <strong id="keep-title">Keep these settings?</strong>{' '}
      {left > 0 ? (
        <span data-testid="keep-countdown">The previous values come back automatically in {left} s unless you keep them.</span>
      ) : (
        <span>Reverting…</span>
      )}
      <ul className="small">
        {pending.changes.map((c) => (
          <li key={c.key} className="mono">
            {c.key}: {show(c.before)} → {show(c.after)}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void keepPending()} disabled={busy !== null || left === 0} data-testid="keep-button">
        Keep
      </button>{' '}
      <button type="button" onClick={() => void revertChange(pending.id)} disabled={busy !== null} data-testid="revert-now-button">
        Revert now
      </button>
    </div>
  );
}

function ReviewCard({ writable }: { writable: boolean }) {
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
        <h3>{reviewing ? 'Apply these changes?' : 'Proposed changes'}</h3>
      </div>
      {plan.errors.length > 0 && (
        <ul className="field-error" data-testid="plan-errors">
          {plan.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {plan.diff.length === 0 && plan.errors.length === 0 && <p className="muted">The proposed values equal the current ones.</p>}
      {plan.diff.length > 0 && (
        <table className="tuning-diff" data-testid="diff">
          <thead>
            <tr>
              <th>Setting</th>
              <th>Now</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {plan.diff.map((d) => (
              <tr key={d.key}>
                <td className="mono">{d.key}</td>
                <td className="mono">{show(d.before)}</td>
                <td className="mono">{show(d.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.warnings.length > 0 && (
        <ul className="small" data-testid="warnings">
          {plan.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
      <label className="small">
        <input type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} disabled={!writable} data-testid="persist" /> Also save to
        /etc/sysctl.d/90-waitline.conf (kept across reboots)
      </label>
      <div className="tuning-actions">
        {!reviewing ? (
          <button
            type="button"
            onClick={startReview}
            disabled={!writable || plan.errors.length > 0 || plan.diff.length === 0 || pending !== null}
            data-testid="review-button"
          >
            Review and apply…
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void applyReviewed()} disabled={busy !== null} data-testid="apply-button">
              {busy === 'apply' ? 'Applying…' : `Apply ${plan.diff.length} change${plan.diff.length === 1 ? '' : 's'}`}
            </button>
            <button type="button" onClick={cancelReview} disabled={busy !== null}>
              Back
            </button>
          </>
        )}
        <button type="button" onClick={clearDrafts} disabled={busy !== null}>
          Discard
        </button>
      </div>
      {reviewing && (
        <p className="muted small">
          You will be asked to authenticate. After applying you have 30 s to keep the new values; otherwise they are reverted.
        </p>
      )}
    </div>
  );
}

const STATE_TEXT: Record<TuningChange['state'], string> = {
  pending_confirm: 'waiting for confirmation',
  kept: 'kept',
  reverted: 'reverted',
  auto_reverted: 'reverted automatically',
  failed: 'automatic revert failed',
};

function History({ writable }: { writable: boolean }) {
  const history = useTuning((s) => s.state?.history ?? null);
  const busy = useTuning((s) => s.busy);
  const { revertChange } = useDashboardStore().tuning;
  if (!history || history.length === 0) return null;
  return (
    <div className="card" data-testid="history">
      <div className="card-head">
        <h3>Applied changes</h3>
      </div>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Changes</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((c) => (
            <tr key={c.id} data-testid={`history-${c.id}`}>
              <td>{fmtClock(c.time)}</td>
              <td className="mono small">
                {c.changes.map((x) => `${x.key.split('.').pop()}: ${show(x.before)} → ${show(x.after)}`).join('; ')}
                {c.persisted ? ' (saved)' : ''}
              </td>
              <td>{STATE_TEXT[c.state]}</td>
              <td>
                {(c.state === 'kept' || c.state === 'pending_confirm' || c.state === 'failed') && (
                  <button type="button" onClick={() => void revertChange(c.id)} disabled={!writable || busy !== null} data-testid={`revert-${c.id}`}>
                    Revert
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

export function TuningView() {
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
    ? 'This view is read-only: `waitline serve` never changes kernel settings. Use the desktop app or `waitline tune set` on the machine.'
    : state && !state.writable
      ? `Changes are not possible: ${state.readOnlyReason ?? 'no helper'}`
      : null;
  return (
    <section className="view" aria-labelledby="tuning-title" data-testid="tuning-view">
      <div className="view-head">
        <h2 id="tuning-title">Tuning</h2>
        <p className="muted small">
          Values of this machine&apos;s current network namespace. TIME_WAIT itself lasts a fixed 60 s on Linux; no setting here changes
          that.
        </p>
      </div>
      {readOnlyReason && (
        <div className="banner warn" role="status" data-testid="read-only">
          {readOnlyReason}
        </div>
      )}
      {loadError && (
        <div className="banner error" role="alert">
          {loadError}
        </div>
      )}
      {message && (
        <div className={`banner ${message.kind === 'error' ? 'error' : 'ok'}`} role="status" data-testid="tuning-message">
          {message.text}
        </div>
      )}
      <PendingBanner />
      <ReviewCard writable={writable} />
      <BudgetPreviewCard changes={plan.changes} />
      {state === null && !loadError && <p className="muted">Reading the kernel settings…</p>}
      <div className="tuning-knobs">
        {rows.map((r) => (
          <KnobCard key={r.key} row={r} />
        ))}
      </div>
      <History writable={writable} />
    </section>
  );
}
