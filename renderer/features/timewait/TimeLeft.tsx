// Histogram of TIME_WAIT time left and the ports that free up in the next 10 s.
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { useWidth } from '../../charts/useWidth';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';

export const TimeLeftHistogram = memo(function TimeLeftHistogram() {
  const t = useT();
  const f = useFormat();
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
        <h3>{t('timewait.timeLeft.title')}</h3>
        <span className="muted small">{t('timewait.timeLeft.subtitle')}</span>
      </div>
      <div className="tw-freed">
        <div>
          <div className="big-number" data-testid="tw-freed-10s">
            {f.count(timers?.freedNext10s)}
          </div>
          <div className="muted">
            <span className="swatch-inline" /> {t('timewait.timeLeft.freed10s')}
          </div>
        </div>
        <div>
          <div className="big-number">{f.count(timers?.total)}</div>
          <div className="muted">{t('timewait.timeLeft.entries')}</div>
        </div>
        <div>
          <div className="big-number">{f.count(timers?.finWait2Timewait)}</div>
          <div className="muted">{t('timewait.timeLeft.finWait2')}</div>
        </div>
      </div>
      <div ref={ref} className="chart" style={{ height: 180 }}>
        {width > 0 && timers && (
          <BarChart width={width} height={180} data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="bucket" stroke="var(--axis)" fontSize={11} interval="preserveStartEnd" />
            <YAxis stroke="var(--axis)" fontSize={11} width={56} allowDecimals={false} tickFormatter={(v: number) => f.count(v)} />
            <Tooltip
              isAnimationActive={false}
              formatter={(v) => [f.count(Number(v)), t('timewait.timeLeft.tooltipEntries')]}
              labelFormatter={(l) => t('timewait.timeLeft.tooltipLeft', { range: String(l) })}
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
        {!timers && <p className="empty">{t('timewait.timeLeft.empty')}</p>}
      </div>
    </div>
  );
});
