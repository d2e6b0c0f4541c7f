// The probe panel (issue 14; docs/probe.md): opens N connections to one HOST:PORT the user typed,
// closes them, and shows the connect latency, the failed connects by errno and who ended up holding
// TIME_WAIT. It runs only when asked (the Run button), within PROBE_LIMITS, one at a time; `waitline
// serve` is read-only and cannot run it.

import { memo, useState } from 'react';
import { Trans } from 'react-i18next';
import { probeMarkerLabel } from '../../../shared/alert-text';
import { enT, type TFunction } from '../../../shared/i18n';
import { formatter, type Formatter } from '../../../shared/i18n/format';
import { PROBE_DEFAULTS, PROBE_LIMITS, type ProbeCloseFirst, type ProbeOutcome, type ProbeReportData, type ProbeRequest, type ProbeSide } from '../../../shared/probe';
import { TIME_WAIT_SECONDS } from '../../../shared/tcp';
import { fmtEndpoint } from '../../format';
import { useFormat, useT } from '../../i18n';
import { useDashboard, useDashboardStore } from '../../store/context';

/** A latency in ms with the digits that matter: 0.420 ms, 1.25 ms, 12.5 ms, 1,234 ms. */
function msText(f: Formatter, x: number): string {
  return f.millis(x, x < 1 ? 3 : x < 10 ? 2 : x < 100 ? 1 : 0);
}

/** The errno classes the panel explains itself (the host's English meaning is the fallback). */
const ERRNO_KEYS = [
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EACCES',
  'EPERM',
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'EINVAL',
  'EAFNOSUPPORT',
  'EOTHER',
] as const;
type KnownErrno = (typeof ERRNO_KEYS)[number];

/** What a connect errno means, in `t`'s language; the host's sentence for a class the catalog lacks. */
export function errnoMeaningText(t: TFunction, code: string, hostMeaning: string | undefined): string {
  return (ERRNO_KEYS as readonly string[]).includes(code) ? t(`timewait.probe.errno.${code as KnownErrno}`) : (hostMeaning ?? '');
}

/** The form's text fields → a request, or what is wrong in `t`'s language (the host checks again,
 *  strictly). */
export function probeRequestFrom(
  f: { target: string; count: string; concurrency: string; timeoutS: string; closeFirst: ProbeCloseFirst },
  t: TFunction = enT(),
  fmt: Formatter = formatter('en'),
): ProbeRequest | string {
  const L = PROBE_LIMITS;
  const target = f.target.trim();
  if (!target) return t('timewait.probe.form.target');
  const whole = (v: string, max: number): number | null => (/^\d{1,7}$/.test(v) && Number(v) >= 1 && Number(v) <= max ? Number(v) : null);
  const count = whole(f.count.trim(), L.maxCount);
  if (count === null) return t('timewait.probe.form.count', { max: fmt.count(L.maxCount) });
  const concurrency = whole(f.concurrency.trim(), L.maxConcurrency);
  if (concurrency === null) return t('timewait.probe.form.concurrency', { max: fmt.count(L.maxConcurrency) });
  const tt = f.timeoutS.trim();
  const timeoutS = /^\d{1,2}(\.\d{1,3})?$/.test(tt) ? Number(tt) : NaN;
  if (!(timeoutS >= L.minTimeoutS && timeoutS <= L.maxTimeoutS)) return t('timewait.probe.form.timeout', { min: String(L.minTimeoutS), max: String(L.maxTimeoutS) });
  return { target, count, concurrency, timeoutS, closeFirst: f.closeFirst };
}

/** "who closes first keeps TIME_WAIT": the summary's sentences (electron/probe/report.ts
 *  whoClosedFirst) from the report's figures, in `t`'s language; none when the table was not read. */
export function whoClosedFirstText(t: TFunction, f: Formatter, r: ProbeReportData): string[] {
  const tw = r.timeWait;
  if (tw.source === null) return [];
  const dest = fmtEndpoint(r.target.address, r.target.port);
  const oc = f.count(tw.client.ours.TIME_WAIT ?? 0);
  const os = f.count(tw.server.ours.TIME_WAIT ?? 0);
  const s = f.count(TIME_WAIT_SECONDS);
  const x = r.settings.timeoutS;
  const timeout = t('timewait.probe.seconds', { s: Number.isInteger(x) ? f.count(x) : f.fixed(x, 1) });
  const late = r.closing.closeTimeouts;
  const lines = [t('timewait.probe.who.intro', { s })];
  if (r.ok === 0) return [...lines, t('timewait.probe.who.none')];
  if (r.settings.closeFirst === 'client') {
    lines.push(t('timewait.probe.who.client', { oc, dest, s }));
    if (late) lines.push(t('timewait.probe.who.clientLate', { late: f.count(late), timeout }));
  } else {
    const closedByServer = r.ok - late;
    if (closedByServer > 0) {
      const which = late ? t('timewait.probe.who.whichSome', { closed: f.count(closedByServer), ok: f.count(r.ok) }) : t('timewait.probe.who.whichAll');
      lines.push(tw.serverVisible ? t('timewait.probe.who.server', { which, os, dest, oc }) : t('timewait.probe.who.serverHidden', { which, oc }));
    }
    if (late) lines.push(t('timewait.probe.who.serverLate', { late: f.count(late), timeout, oc }));
  }
  return lines;
}

function SideLine({ label, side, visible }: { label: string; side: ProbeSide; visible: boolean }) {
  const t = useT();
  const f = useFormat();
  if (!visible) return <li>{t('timewait.probe.sideHidden', { label })}</li>;
  return (
    <li>
      <Trans
        i18nKey="timewait.probe.side"
        components={[<strong key="n" />]}
        values={{ label, ours: f.count(side.ours.TIME_WAIT ?? 0), before: f.count(side.timeWaitBefore), after: f.count(side.timeWaitAfter) }}
      />
    </li>
  );
}

function ProbeResult({ outcome }: { outcome: ProbeOutcome }) {
  const t = useT();
  const f = useFormat();
  if (!outcome.ok) {
    // the code is stable; the detail is the host's (English) explanation
    return (
      <p className="error" role="alert" data-testid="probe-error">
        {t(`timewait.probe.error.${outcome.code}`, { detail: outcome.message })}
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
        <Trans
          i18nKey={r.failed > 0 ? 'timewait.probe.connectedFailed' : 'timewait.probe.connected'}
          components={[<strong key="ok" />]}
          values={{ ok: f.count(r.ok), attempted: f.count(r.attempted), failed: f.count(r.failed), seconds: f.fixed(r.durationMs / 1000, 2) }}
        />
        {r.target.name && (
          <span className="muted small">
            {' '}
            {t('timewait.probe.resolved', { name: r.target.name, address: r.target.address })}
          </span>
        )}
      </p>
      <p data-testid="probe-latency">
        {l
          ? t('timewait.probe.latency', { p50: msText(f, l.p50), p90: msText(f, l.p90), p99: msText(f, l.p99), max: msText(f, l.max) })
          : t('timewait.probe.latencyNone')}
      </p>
      {errors.length === 0 ? (
        <p>{t('timewait.probe.errorsNone')}</p>
      ) : (
        <table className="data" data-testid="probe-errors">
          <thead>
            <tr>
              <th className="num">{t('timewait.probe.failedCol')}</th>
              <th>{t('timewait.probe.errnoCol')}</th>
              <th>{t('timewait.probe.meaningCol')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map(([code, c]) => (
              <tr key={code}>
                <td className="num">{f.count(c)}</td>
                <td className="mono">{code}</td>
                <td className="muted small">{errnoMeaningText(t, code, outcome.errnoMeaning[code])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tw.source === null ? (
        <p data-testid="probe-timewait">{t('timewait.probe.twNotCounted', { reason: tw.reason })}</p>
      ) : (
        <ul data-testid="probe-timewait">
          <SideLine label={t('timewait.probe.clientSide')} side={tw.client} visible />
          <SideLine label={t('timewait.probe.serverSide')} side={tw.server} visible={tw.serverVisible} />
        </ul>
      )}
      {whoClosedFirstText(t, f, r).map((s) => (
        <p key={s} className="explain-line">
          {s}
        </p>
      ))}
    </div>
  );
}

/** memo: the panel reads no per-tick data, so the TIME_WAIT view's ticks pass it by. */
export const ProbePanel = memo(function ProbePanel() {
  const t = useT();
  const f = useFormat();
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
    const req = probeRequestFrom({ target, count, concurrency, timeoutS, closeFirst }, t, f);
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
        // stored in English like every marker; the charts show it translated (markerLabelText)
        if (o.ok) dashboard.addMarkers([{ time: o.report.startedAt || startedAt, label: probeMarkerLabel(req.target) }]);
      })
      .catch((e: unknown) => setOutcome({ ok: false, code: 'failed', message: String((e as Error)?.message ?? e) }))
      .finally(() => setRunning(false));
  };

  const readOnlyReason = t('timewait.probe.readOnlyReason');
  return (
    <div className="card" data-testid="probe-panel">
      <div className="card-head">
        <h3>{t('timewait.probe.title')}</h3>
        <button type="button" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
          {open ? t('timewait.probe.hide') : t('timewait.probe.open')}
        </button>
      </div>
      {open && (
        <>
          <p className="muted small">{t('timewait.probe.intro', { max: f.count(PROBE_LIMITS.maxCount), concurrency: f.count(PROBE_LIMITS.maxConcurrency) })}</p>
          <form
            className="probe-form"
            onSubmit={(e) => {
              e.preventDefault();
              run();
            }}
          >
            <label>
              {t('timewait.probe.target')}{' '}
              <input aria-label={t('timewait.probe.target')} placeholder="HOST:PORT" value={target} onChange={(e) => setTarget(e.target.value)} />
            </label>
            <label>
              {t('timewait.probe.count')}{' '}
              <input aria-label={t('timewait.probe.count')} inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} />
            </label>
            <label>
              {t('timewait.probe.concurrency')}{' '}
              <input aria-label={t('timewait.probe.concurrency')} inputMode="numeric" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
            </label>
            <label>
              {t('timewait.probe.timeoutS')}{' '}
              <input aria-label={t('timewait.probe.timeout')} inputMode="decimal" value={timeoutS} onChange={(e) => setTimeoutS(e.target.value)} />
            </label>
            <label>
              {t('timewait.probe.closesFirst')}{' '}
              <select aria-label={t('timewait.probe.closesFirst')} value={closeFirst} onChange={(e) => setCloseFirst(e.target.value as ProbeCloseFirst)}>
                <option value="client">{t('timewait.probe.closeClient')}</option>
                <option value="server">{t('timewait.probe.closeServer')}</option>
              </select>
            </label>
            <button type="submit" disabled={running || readOnly} title={readOnly ? readOnlyReason : undefined}>
              {running ? t('timewait.probe.running') : t('timewait.probe.run')}
            </button>
          </form>
          {readOnly && (
            <p className="muted small" data-testid="probe-read-only">
              {t('timewait.probe.unavailable', { reason: readOnlyReason })}
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
});
