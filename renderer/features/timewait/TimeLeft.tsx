// Histogram of TIME_WAIT time left and the ports that free up in the next 10 s.
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { useWidth } from '../../charts/useWidth';
import { fmtCount } from '../../format';
import { useDashboard } from '../../store/context';

export const TimeLeftHistogram = memo(function TimeLeftHistogram() {
  const timers = useDashboard((s) => s.snapshot?.timeWaitTimers ?? null);
  const [ref, width] = useWidth<HTMLDivElement>();
  const data = useMemo(
    () =>
      timers
        ? timers.counts.map((c, i) => ({
            bucket: `${i * timers.bucketS}–${(i + 1) * timers.bucketS}`,
            count: c,
            soon: (i + 1) * timers.bucketS <= 10,
          }))
        : [],
    [timers],
  );
  return (
    <div className="card">
      <div className="card-head">
        <h3>Time left in TIME_WAIT</h3>
        <span className="muted small">seconds until each entry expires and frees its port</span>
      </div>
      <div className="tw-freed">
        <div>
          <div className="big-number" data-testid="tw-freed-10s">
            {fmtCount(timers?.freedNext10s)}
          </div>
          <div className="muted">
            <span className="swatch-inline" /> ports freed in the next 10 s
          </div>
        </div>
        <div>
          <div className="big-number">{fmtCount(timers?.total)}</div>
          <div className="muted">timewait entries</div>
        </div>
        <div>
          <div className="big-number">{fmtCount(timers?.finWait2Timewait)}</div>
          <div className="muted">of them orphaned FIN_WAIT2 (tcp_fin_timeout)</div>
        </div>
      </div>
      <div ref={ref} className="chart" style={{ height: 180 }}>
        {width > 0 && timers && (
          <BarChart width={width} height={180} data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="bucket" stroke="var(--axis)" fontSize={11} interval="preserveStartEnd" />
            <YAxis stroke="var(--axis)" fontSize={11} width={56} allowDecimals={false} tickFormatter={(v: number) => fmtCount(v)} />
            <Tooltip
              isAnimationActive={false}
              formatter={(v) => [fmtCount(Number(v)), 'entries']}
              labelFormatter={(l) => `${String(l)} s left`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 }}
            />
            <Bar dataKey="count" fill="#f59e0b" isAnimationActive={false}>
              {data.map((d) => (
                // entries expiring within 10 s: the ports about to free up
                <Cell key={d.bucket} fill={d.soon ? '#22c55e' : '#f59e0b'} />
              ))}
            </Bar>
          </BarChart>
        )}
        {!timers && <p className="empty">The TIME_WAIT timers come from the full socket table, which was not read this tick.</p>}
      </div>
    </div>
  );
});
