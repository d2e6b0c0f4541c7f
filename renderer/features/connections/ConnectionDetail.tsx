// The selected connection: its TCP details from the kernel's tcp_info (RTT, retransmits, bytes,
// congestion window, last send/receive), asked for this one socket every 2 s while the pane is open —
// never for the whole table (docs/conn-info.md) — with the last minutes of RTT and throughput; and
// "Close connection…" through the kill helper, with a confirmation that says what will happen
// (docs/kill.md).
import { useEffect, useRef, useState } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { enT, msg, type TFunction } from '../../../shared/i18n';
import type { Formatter } from '../../../shared/i18n/format';
import type { AppInfo, WaitlineApi } from '../../../shared/api';
import { formatEndpoint } from '../../../shared/address';
import type { ConnInfoAnswer, ConnKey, TcpDetails } from '../../../shared/conn-info';
import type { KillErrorCode, KillResult } from '../../../shared/socket-tuple';
import type { SocketRow } from '../../../shared/snapshot';
import { useFormat, useMsgText, useT } from '../../i18n';

/** how often the pane asks, and how much it keeps (10 minutes) */
export const DETAIL_POLL_MS = 2000;
export const DETAIL_KEEP = 300;

export interface DetailSample {
  time: number;
  rttMs: number | null;
  /** bytes per second since the previous sample, sent (acked) and received */
  outBps: number | null;
  inBps: number | null;
}

/** One more sample from a tcp_info answer, with rates against the previous answer. */
export function nextSample(prev: { time: number; tcp: TcpDetails } | null, time: number, tcp: TcpDetails): DetailSample {
  const dt = prev ? (time - prev.time) / 1000 : 0;
  const rate = (a: number | null, b: number | null) => (dt > 0 && a !== null && b !== null && a >= b ? (a - b) / dt : null);
  return {
    time,
    rttMs: tcp.rttUs === null ? null : tcp.rttUs / 1000,
    outBps: prev ? rate(tcp.bytesAcked, prev.tcp.bytesAcked) : null,
    inBps: prev ? rate(tcp.bytesReceived, prev.tcp.bytesReceived) : null,
  };
}

export function connKeyOf(r: SocketRow): ConnKey {
  return { family: r.family, localAddr: r.localAddr, localPort: r.localPort, remoteAddr: r.remoteAddr, remotePort: r.remotePort };
}

const usAsMs = (f: Formatter, v: number | null) => (v === null ? '—' : f.millis(v / 1000, v < 10_000 ? 2 : 1));
/** bytes with the precision the pane always had (two decimals from MB); units are symbols in both languages */
const bytes = (f: Formatter, v: number | null) =>
  v === null
    ? '—'
    : v >= 1e9
      ? `${f.fixed(v / 1e9, 2)} GB`
      : v >= 1e6
        ? `${f.fixed(v / 1e6, 2)} MB`
        : v >= 1e3
          ? `${f.fixed(v / 1e3, 1)} kB`
          : `${f.count(v)} B`;
const count = (f: Formatter, v: number | null) => (v === null ? '—' : f.count(v));
const ago = (t: TFunction, f: Formatter, v: number | null) =>
  v === null ? '—' : t('connections.detail.ago', { s: v >= 60_000 ? f.count(Math.round(v / 1000)) : f.fixed(v / 1000, 1) });

/** The key of each kill error code: the page says it in its language, the host's English detail beside. */
const KILL_ERROR: Record<KillErrorCode, `connections.kill.error.${KillErrorCode}`> = {
  invalid: 'connections.kill.error.invalid',
  read_only: 'connections.kill.error.read_only',
  unavailable: 'connections.kill.error.unavailable',
  not_found: 'connections.kill.error.not_found',
  still_present: 'connections.kill.error.still_present',
  not_authorized: 'connections.kill.error.not_authorized',
  dismissed: 'connections.kill.error.dismissed',
  not_installed: 'connections.kill.error.not_installed',
  helper_failed: 'connections.kill.error.helper_failed',
};

/** What closing this connection does, in the words the confirmation shows (docs/kill.md). */
export function killConsequence(state: SocketRow['state'], t: TFunction = enT()): string {
  if (state === 'CLOSE_WAIT') return t('connections.kill.consequence.CLOSE_WAIT', { note: t('connections.kill.closeWaitNote') });
  if (state === 'TIME_WAIT') return t('connections.kill.consequence.TIME_WAIT');
  if (state === 'LISTEN') return t('connections.kill.consequence.LISTEN');
  return t('connections.kill.consequence.other');
}

function DetailValues({ a }: { a: ConnInfoAnswer }) {
  const t = useT();
  const f = useFormat();
  const tcp = a.tcp;
  if (!tcp) return null;
  const segments = (v: number | null) => t('connections.detail.segments', { count: v ?? 0, n: count(f, v) });
  const rows: [string, string, string?][] = [
    [t('connections.detail.rtt'), `${usAsMs(f, tcp.rttUs)} ± ${usAsMs(f, tcp.rttVarUs)}`, t('connections.detail.rttTitle')],
    [t('connections.detail.minRtt'), usAsMs(f, tcp.minRttUs)],
    [
      t('connections.detail.retransmits'),
      tcp.rtoRetransmits
        ? t('connections.detail.retransmitsNow', { segments: segments(tcp.totalRetransSegs), n: f.count(tcp.rtoRetransmits) })
        : segments(tcp.totalRetransSegs),
      'tcpi_total_retrans',
    ],
    [t('connections.detail.sent'), t('connections.detail.sentValue', { sent: bytes(f, tcp.bytesSent), acked: bytes(f, tcp.bytesAcked) }), t('connections.detail.sentTitle')],
    [t('connections.detail.received'), bytes(f, tcp.bytesReceived)],
    [t('connections.detail.cwnd'), `${segments(tcp.sndCwndSegs)}${a.congestion ? ` · ${a.congestion}` : ''}`],
    [t('connections.detail.lastSend'), ago(t, f, tcp.lastDataSentMs)],
    [t('connections.detail.lastReceive'), ago(t, f, tcp.lastDataRecvMs)],
    [t('connections.detail.queues'), t('connections.detail.queuesValue', { send: bytes(f, a.txQueueBytes), receive: bytes(f, a.rxQueueBytes) })],
  ];
  return (
    <dl className="detail-values" data-testid="detail-values">
      {rows.map(([k, v, title]) => (
        <div key={k} title={title}>
          <dt>{k}</dt>
          <dd className="mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ConnectionDetail({ row, api, info, onClose }: { row: SocketRow; api: WaitlineApi; info: AppInfo | null; onClose: () => void }) {
  const key = connKeyOf(row);
  const keyText = JSON.stringify(key);
  const t = useT();
  const f = useFormat();
  const msgText = useMsgText();
  const [answer, setAnswer] = useState<ConnInfoAnswer | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [samples, setSamples] = useState<DetailSample[]>([]);
  const last = useRef<{ time: number; tcp: TcpDetails } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [killing, setKilling] = useState(false);
  const [killResult, setKillResult] = useState<KillResult | null>(null);

  useEffect(() => {
    let stopped = false;
    last.current = null;
    setSamples([]);
    setAnswer(null);
    setUnavailable(null);
    setConfirming(false);
    setKillResult(null);
    const ask = () => {
      api
        .connectionDetails([JSON.parse(keyText) as ConnKey])
        .then((reply) => {
          if (stopped) return;
          if (!reply.available) return setUnavailable(reply.reason);
          const a = reply.answers[0] ?? null;
          setAnswer(a);
          if (a?.status === 'ok' && a.tcp) {
            const s = nextSample(last.current, reply.at, a.tcp);
            last.current = { time: reply.at, tcp: a.tcp };
            setSamples((xs) => [...xs.slice(-(DETAIL_KEEP - 1)), s]);
          }
        })
        .catch((e: unknown) => {
          if (!stopped) setUnavailable(enT()('connections.detail.askFailed', { error: (e as Error).message }));
        });
    };
    ask();
    const timer = setInterval(ask, DETAIL_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [keyText, api]);

  const local = formatEndpoint(row.localAddr, row.localPort);
  const remote = formatEndpoint(row.remoteAddr, row.remotePort);
  const kill = info?.kill ?? { available: false, reason: enT()('connections.kill.unknown'), reasonMsg: msg('connections.kill.unknown') };
  const killReason = msgText(kill.reasonMsg, kill.reason);
  const canKill = kill.available !== false && !killing && !(killResult?.ok ?? false);

  const doKill = () => {
    setKilling(true);
    api
      .killConnection({ local, remote })
      .then(setKillResult, (e: unknown) => setKillResult({ ok: false, code: 'helper_failed', message: (e as Error).message }))
      .finally(() => {
        setKilling(false);
        setConfirming(false);
      });
  };

  const status =
    unavailable !== null
      ? t('connections.detail.unavailable', { reason: unavailable })
      : answer === null
        ? t('connections.detail.asking')
        : answer.status === 'ok'
          ? null
          : answer.status === 'not_found'
            ? t('connections.detail.gone')
            : (answer.reason ?? t('connections.detail.noDetails', { status: answer.status }));

  return (
    <aside className="card conn-detail" aria-label={t('connections.detail.label')} data-testid="connection-detail">
      <div className="detail-head">
        <h3 className="mono">
          {local} → {remote}
        </h3>
        <span className="detail-state">{answer?.state ?? row.state}</span>
        <button type="button" className="link" onClick={onClose} aria-label={t('connections.detail.closePane')}>
          ✕
        </button>
      </div>
      {status && (
        <p className="detail-status" data-testid="detail-status">
          {status}
        </p>
      )}
      {answer?.status === 'ok' && <DetailValues a={answer} />}
      {samples.length > 1 && (
        <div className="detail-chart" data-testid="detail-chart">
          <ResponsiveContainer width="100%" height={110}>
            <LineChart data={samples} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <XAxis dataKey="time" type="number" domain={['dataMin', 'dataMax']} hide />
              <YAxis yAxisId="rtt" width={44} tickFormatter={(v: number) => f.millis(v)} />
              <YAxis yAxisId="rate" orientation="right" width={52} tickFormatter={(v: number) => bytes(f, Math.round(v))} />
              <Tooltip labelFormatter={(x) => f.clock(Number(x))} />
              <Line yAxisId="rtt" dataKey="rttMs" name={t('connections.detail.chartRtt')} stroke="#60a5fa" dot={false} isAnimationActive={false} />
              <Line yAxisId="rate" dataKey="outBps" name={t('connections.detail.chartSent')} stroke="#34d399" dot={false} isAnimationActive={false} />
              <Line yAxisId="rate" dataKey="inBps" name={t('connections.detail.chartReceived')} stroke="#f59e0b" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <p className="hint">
            {t('connections.detail.chartHint', {
              span: f.duration(Math.round((samples[samples.length - 1].time - samples[0].time) / 1000)),
              every: f.duration(DETAIL_POLL_MS / 1000),
            })}
          </p>
        </div>
      )}
      <div className="detail-actions">
        <button
          type="button"
          onClick={() => setConfirming(true)}
          disabled={!canKill}
          title={kill.available === false ? t('connections.kill.unavailable', { reason: killReason }) : t('connections.kill.buttonTitle')}
          data-testid="close-connection"
        >
          {t('connections.kill.button')}
        </button>
        {kill.available === false && (
          <span className="hint" data-testid="kill-unavailable">
            {t('connections.kill.unavailable', { reason: killReason })}
          </span>
        )}
      </div>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-label={t('connections.kill.confirmLabel')} data-testid="kill-confirm">
          <p>
            <strong>{t('connections.kill.confirmTitle', { local, remote })}</strong> {killConsequence(row.state, t)}
          </p>
          <p className="hint">{t('connections.kill.confirmHint')}</p>
          <button type="button" className="danger" onClick={doKill} disabled={killing} data-testid="kill-confirm-yes">
            {killing ? t('connections.kill.closing') : t('connections.kill.yes')}
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={killing}>
            {t('connections.kill.cancel')}
          </button>
        </div>
      )}
      {killResult && (
        <div className={`banner ${killResult.ok ? 'ok' : 'error'}`} role="status" data-testid="kill-result">
          {killResult.ok ? (
            <p>
              {t('connections.kill.closed', { local, remote })}
              {row.state === 'CLOSE_WAIT' ? ` ${t('connections.kill.closedNote', { note: t('connections.kill.closeWaitNote') })}` : ''}
            </p>
          ) : (
            <>
              <p data-testid="kill-error" data-code={killResult.code}>
                {t('connections.kill.notClosed', { reason: t(KILL_ERROR[killResult.code] ?? 'connections.kill.error.helper_failed') })}
              </p>
              {killResult.message && (
                <p className="hint" lang="en" data-testid="kill-detail">
                  {killResult.message}
                </p>
              )}
            </>
          )}
        </div>
      )}
    </aside>
  );
}
