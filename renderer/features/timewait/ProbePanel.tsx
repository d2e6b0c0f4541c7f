// The probe panel (issue 14; docs/probe.md): opens N connections to one HOST:PORT the user typed,
// closes them, and shows the connect latency, the failed connects by errno and who ended up holding
// TIME_WAIT. It runs only when asked (the Run button), within PROBE_LIMITS, one at a time; `waitline
// serve` is read-only and cannot run it.

import { useState } from 'react';
import { PROBE_DEFAULTS, PROBE_LIMITS, type ProbeCloseFirst, type ProbeOutcome, type ProbeRequest, type ProbeSide } from '../../../shared/probe';
import { fmtCount } from '../../format';
import { useDashboard, useDashboardStore } from '../../store/context';

function msText(x: number): string {
  if (x < 1) return x.toFixed(3);
  if (x < 10) return x.toFixed(2);
  if (x < 100) return x.toFixed(1);
  return fmtCount(Math.round(x));
}

/** The form's text fields → a request, or what is wrong (the host checks again, strictly). */
export function probeRequestFrom(f: { target: string; count: string; concurrency: string; timeoutS: string; closeFirst: ProbeCloseFirst }): ProbeRequest | string {
  const L = PROBE_LIMITS;
  const target = f.target.trim();
  if (!target) return 'Type the target as HOST:PORT.';
  const whole = (v: string, max: number, what: string): number | string => (/^\d{1,7}$/.test(v) && Number(v) >= 1 && Number(v) <= max ? Number(v) : `${what} is a whole number from 1 to ${fmtCount(max)}.`);
  const count = whole(f.count.trim(), L.maxCount, 'Count');
  if (typeof count === 'string') return count;
  const concurrency = whole(f.concurrency.trim(), L.maxConcurrency, 'Concurrency');
  if (typeof concurrency === 'string') return concurrency;
  const t = f.timeoutS.trim();
  const timeoutS = /^\d{1,2}(\.\d{1,3})?$/.test(t) ? Number(t) : NaN;
  if (!(timeoutS >= L.minTimeoutS && timeoutS <= L.maxTimeoutS)) return `Timeout is ${L.minTimeoutS} to ${L.maxTimeoutS} seconds.`;
  return { target, count, concurrency, timeoutS, closeFirst: f.closeFirst };
}

function SideLine({ label, side, visible }: { label: string; side: ProbeSide; visible: boolean }) {
  if (!visible) return <li>{label}: not visible — the server is not in this machine’s network namespace</li>;
  return (
    <li>
      {label}: <strong>{fmtCount(side.ours.TIME_WAIT ?? 0)}</strong> of this probe’s connections in TIME_WAIT; all programs{' '}
      {fmtCount(side.timeWaitBefore)} before → {fmtCount(side.timeWaitAfter)} after
    </li>
  );
}

function ProbeResult({ outcome }: { outcome: ProbeOutcome }) {
  if (!outcome.ok) {
    return (
      <p className="error" role="alert" data-testid="probe-error">
        {outcome.code === 'invalid' ? 'Not probed: ' : outcome.code === 'busy' ? 'Busy: ' : outcome.code === 'read_only' ? 'Read-only: ' : 'The probe failed: '}
        {outcome.message}
      </p>
    );
  }
  const r = outcome.report;
  const l = r.latencyMs;
  const errors = Object.entries(r.errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const tw = r.timeWait;
  return (
    <div data-testid="probe-report">
      <p>
        Connected <strong>{fmtCount(r.ok)}</strong> of {fmtCount(r.attempted)}
        {r.failed > 0 && <>, {fmtCount(r.failed)} failed</>} in {(r.durationMs / 1000).toFixed(2)} s
        {r.target.name && (
          <span className="muted small">
            {' '}
            ({r.target.name} resolved once to {r.target.address})
          </span>
        )}
      </p>
      <p data-testid="probe-latency">
        {l ? (
          <>
            Connect latency: p50 {msText(l.p50)} ms · p90 {msText(l.p90)} ms · p99 {msText(l.p99)} ms · max {msText(l.max)} ms
          </>
        ) : (
          'Connect latency: — (no connect succeeded)'
        )}
      </p>
      {errors.length === 0 ? (
        <p>Errors: none</p>
      ) : (
        <table className="data" data-testid="probe-errors">
          <thead>
            <tr>
              <th className="num">Failed</th>
              <th>errno</th>
              <th>Meaning</th>
            </tr>
          </thead>
          <tbody>
            {errors.map(([code, c]) => (
              <tr key={code}>
                <td className="num">{fmtCount(c)}</td>
                <td className="mono">{code}</td>
                <td className="muted small">{outcome.errnoMeaning[code] ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tw.source === null ? (
        <p data-testid="probe-timewait">TIME_WAIT not counted: {tw.reason}</p>
      ) : (
        <ul data-testid="probe-timewait">
          <SideLine label="Client side (this machine)" side={tw.client} visible />
          <SideLine label="Server side" side={tw.server} visible={tw.serverVisible} />
        </ul>
      )}
      {outcome.whoClosedFirst.map((s) => (
        <p key={s} className="explain-line">
          {s}
        </p>
      ))}
    </div>
  );
}

export function ProbePanel() {
  const { api, dashboard } = useDashboardStore();
  const readOnly = useDashboard((s) => s.info?.readOnly ?? false);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [count, setCount] = useState(String(PROBE_DEFAULTS.count));
  const [concurrency, setConcurrency] = useState(String(PROBE_DEFAULTS.concurrency));
  const [timeoutS, setTimeoutS] = useState(String(PROBE_DEFAULTS.timeoutS));
  const [closeFirst, setCloseFirst] = useState<ProbeCloseFirst>(PROBE_DEFAULTS.closeFirst);
  const [running, setRunning] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ProbeOutcome | null>(null);

  const run = () => {
    const req = probeRequestFrom({ target, count, concurrency, timeoutS, closeFirst });
    if (typeof req === 'string') {
      setFormError(req);
      return;
    }
    setFormError(null);
    setOutcome(null);
    setRunning(true);
    const startedAt = Date.now();
    api
      .runProbe(req)
      .then((o) => {
        setOutcome(o);
        if (o.ok) dashboard.addMarkers([{ time: o.report.startedAt || startedAt, label: `probe ${req.target}` }]);
      })
      .catch((e: unknown) => setOutcome({ ok: false, code: 'failed', message: String((e as Error)?.message ?? e) }))
      .finally(() => setRunning(false));
  };

  const readOnlyReason = 'waitline serve is read-only: a probe is an active network action; run it in the desktop app or with `waitline probe`.';
  return (
    <div className="card" data-testid="probe-panel">
      <div className="card-head">
        <h3>Probe</h3>
        <button type="button" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
          {open ? 'Hide' : 'Probe a server…'}
        </button>
      </div>
      {open && (
        <>
          <p className="muted small">
            Opens connections to one address you type, closes them, and shows connect latency, errors by errno and who ends
            up holding TIME_WAIT — whoever closes first keeps it. Runs only when you press Run; at most{' '}
            {fmtCount(PROBE_LIMITS.maxCount)} connections, {PROBE_LIMITS.maxConcurrency} at once. Watch the TIME_WAIT chart
            while it runs.
          </p>
          <form
            className="probe-form"
            onSubmit={(e) => {
              e.preventDefault();
              run();
            }}
          >
            <label>
              Target <input aria-label="Target" placeholder="HOST:PORT" value={target} onChange={(e) => setTarget(e.target.value)} />
            </label>
            <label>
              Count <input aria-label="Count" inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} />
            </label>
            <label>
              Concurrency <input aria-label="Concurrency" inputMode="numeric" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
            </label>
            <label>
              Timeout (s) <input aria-label="Timeout" inputMode="decimal" value={timeoutS} onChange={(e) => setTimeoutS(e.target.value)} />
            </label>
            <label>
              Closes first{' '}
              <select aria-label="Closes first" value={closeFirst} onChange={(e) => setCloseFirst(e.target.value as ProbeCloseFirst)}>
                <option value="client">client (this machine keeps TIME_WAIT)</option>
                <option value="server">server (the server keeps TIME_WAIT)</option>
              </select>
            </label>
            <button type="submit" disabled={running || readOnly} title={readOnly ? readOnlyReason : undefined}>
              {running ? 'Running…' : 'Run'}
            </button>
          </form>
          {readOnly && (
            <p className="muted small" data-testid="probe-read-only">
              Unavailable: {readOnlyReason}
            </p>
          )}
          {formError && (
            <p className="error" role="alert">
              {formError}
            </p>
          )}
          {outcome && <ProbeResult outcome={outcome} />}
        </>
      )}
    </div>
  );
}
