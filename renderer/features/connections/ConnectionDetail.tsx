// The selected connection: its TCP details from the kernel's tcp_info (RTT, retransmits, bytes,
// congestion window, last send/receive), asked for this one socket every 2 s while the pane is open —
// never for the whole table (docs/conn-info.md) — with the last minutes of RTT and throughput; and
// "Close connection…" through the kill helper, with a confirmation that says what will happen
// (docs/kill.md).
import { useEffect, useRef, useState } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AppInfo, WaitlineApi } from '../../../shared/api';
import { formatEndpoint } from '../../../shared/address';
import type { ConnInfoAnswer, ConnKey, TcpDetails } from '../../../shared/conn-info';
import { CLOSE_WAIT_NOTE, type KillResult } from '../../../shared/socket-tuple';
import type { SocketRow } from '../../../shared/snapshot';
import { fmtCount } from '../../format';

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

const ms = (v: number | null, digits = 1) => (v === null ? '—' : `${v.toFixed(digits)} ms`);
const usAsMs = (v: number | null) => (v === null ? '—' : ms(v / 1000, v < 10_000 ? 2 : 1));
const bytes = (v: number | null) =>
  v === null ? '—' : v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : v >= 1e6 ? `${(v / 1e6).toFixed(2)} MB` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} kB` : `${v} B`;
const count = (v: number | null) => (v === null ? '—' : fmtCount(v));
const ago = (v: number | null) => (v === null ? '—' : v >= 60_000 ? `${Math.round(v / 1000)} s ago` : `${(v / 1000).toFixed(1)} s ago`);

/** What closing this connection does, in the words the confirmation shows (docs/kill.md). */
export function killConsequence(state: SocketRow['state']): string {
  if (state === 'CLOSE_WAIT') return `The socket is destroyed and its 4-tuple is free again. But ${CLOSE_WAIT_NOTE}.`;
  if (state === 'TIME_WAIT') return 'The TIME_WAIT entry is removed now instead of in up to 60 s, so its port can be used again at once (needs Linux ≥ 6.0). It gives up TIME_WAIT\'s protection against late duplicates for this one tuple.';
  if (state === 'LISTEN') return 'A listening socket: closing it stops the service from accepting connections.';
  return 'The kernel destroys the socket: the peer gets a reset, and the program that holds it sees the connection fail (ECONNABORTED) on its next read or write.';
}

function DetailValues({ a }: { a: ConnInfoAnswer }) {
  const t = a.tcp;
  if (!t) return null;
  const rows: [string, string, string?][] = [
    ['RTT', `${usAsMs(t.rttUs)} ± ${usAsMs(t.rttVarUs)}`, 'smoothed round-trip time and its variance (tcpi_rtt, tcpi_rttvar)'],
    ['Min RTT', usAsMs(t.minRttUs)],
    ['Retransmits', `${count(t.totalRetransSegs)} segments${t.rtoRetransmits ? ` (${t.rtoRetransmits} timeouts in a row now)` : ''}`, 'tcpi_total_retrans'],
    ['Sent', `${bytes(t.bytesSent)} (${bytes(t.bytesAcked)} acked)`, 'tcpi_bytes_sent includes retransmissions; bytes_acked counts the SYN too'],
    ['Received', bytes(t.bytesReceived)],
    ['Congestion window', `${count(t.sndCwndSegs)} segments${a.congestion ? ` · ${a.congestion}` : ''}`],
    ['Last send', ago(t.lastDataSentMs)],
    ['Last receive', ago(t.lastDataRecvMs)],
    ['Queues', `send ${bytes(a.txQueueBytes)} · receive ${bytes(a.rxQueueBytes)}`],
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
          if (!stopped) setUnavailable(`could not ask for the details: ${(e as Error).message}`);
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
  const kill = info?.kill ?? { available: false, reason: 'this host does not say whether it can close connections' };
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
      ? `TCP details are not available: ${unavailable}`
      : answer === null
        ? 'Asking the kernel…'
        : answer.status === 'ok'
          ? null
          : answer.status === 'not_found'
            ? 'This connection is gone: the kernel has no such socket now.'
            : (answer.reason ?? `No details (${answer.status}).`);

  return (
    <aside className="card conn-detail" aria-label="Connection details" data-testid="connection-detail">
      <div className="detail-head">
        <h3 className="mono">
          {local} → {remote}
        </h3>
        <span className="detail-state">{answer?.state ?? row.state}</span>
        <button type="button" className="link" onClick={onClose} aria-label="Close the details">
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
              <YAxis yAxisId="rtt" width={44} tickFormatter={(v: number) => `${v} ms`} />
              <YAxis yAxisId="rate" orientation="right" width={52} tickFormatter={(v: number) => bytes(Math.round(v))} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString()} />
              <Line yAxisId="rtt" dataKey="rttMs" name="RTT (ms)" stroke="#60a5fa" dot={false} isAnimationActive={false} />
              <Line yAxisId="rate" dataKey="outBps" name="sent B/s" stroke="#34d399" dot={false} isAnimationActive={false} />
              <Line yAxisId="rate" dataKey="inBps" name="received B/s" stroke="#f59e0b" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <p className="hint">The last {Math.round((samples[samples.length - 1].time - samples[0].time) / 1000)} s, sampled every {DETAIL_POLL_MS / 1000} s while this pane is open.</p>
        </div>
      )}
      <div className="detail-actions">
        <button
          type="button"
          onClick={() => setConfirming(true)}
          disabled={!canKill}
          title={kill.available === false ? `Unavailable: ${kill.reason}` : 'Destroy this socket (what ss -K does), through the polkit helper'}
          data-testid="close-connection"
        >
          Close connection…
        </button>
        {kill.available === false && (
          <span className="hint" data-testid="kill-unavailable">
            Unavailable: {kill.reason}
          </span>
        )}
      </div>
      {confirming && (
        <div className="confirm" role="alertdialog" aria-label="Close this connection?" data-testid="kill-confirm">
          <p>
            <strong>Close {local} → {remote}?</strong> {killConsequence(row.state)}
          </p>
          <p className="hint">It runs as root through pkexec (action io.github.waitline.kill-socket); you may be asked for a password. Waitline then checks that the socket is gone.</p>
          <button type="button" className="danger" onClick={doKill} disabled={killing} data-testid="kill-confirm-yes">
            {killing ? 'Closing…' : 'Close it'}
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={killing}>
            Cancel
          </button>
        </div>
      )}
      {killResult && (
        <p className={`banner ${killResult.ok ? 'ok' : 'error'}`} role="status" data-testid="kill-result">
          {killResult.ok
            ? `Closed: the kernel no longer has ${local} → ${remote}.${row.state === 'CLOSE_WAIT' ? ` Note: ${CLOSE_WAIT_NOTE}.` : ''}`
            : `Not closed: ${killResult.message}`}
        </p>
      )}
    </aside>
  );
}
