// Kernel churn counters as per-second rates: TIME_WAIT arrivals, opens, resets, TIME_WAIT overflow.
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtClock, fmtRate } from '../format';
import { useDashboard } from '../store/dashboard';
import { tickLabel, timeTicks } from './timeAxis';
import { useWidth } from './useWidth';

const SERIES = [
  { key: 'twArrivals', name: 'TIME_WAIT arrivals/s', color: '#f59e0b' },
  { key: 'opens', name: 'opens/s', color: '#3b82f6' },
  { key: 'resets', name: 'resets/s', color: '#ef4444' },
  { key: 'twOverflow', name: 'TW overflow/s', color: '#a855f7' },
] as const;

export const CountersChart = memo(function CountersChart({ height = 200 }: { height?: number }) {
  const chart = useDashboard((s) => s.chart);
  const [ref, width] = useWidth<HTMLDivElement>();
  const data = useMemo(() => {
    if (!chart) return [];
    const r = chart.rates;
    return chart.times.map((t, i) => ({
      t,
      twArrivals: r.timeWaitArrivals[i],
      opens: r.activeOpens[i] + r.passiveOpens[i],
      resets: r.resets[i],
      twOverflow: r.twOverflow[i],
    }));
  }, [chart]);
  return (
    <div ref={ref} className="chart" data-testid="counters-chart" data-points={data.length} style={{ height }}>
      {width > 0 && chart && (
        <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[chart.fromMs, chart.toMs]}
            ticks={timeTicks(chart.fromMs, chart.toMs, Math.max(2, Math.floor(width / 110)))}
            tickFormatter={tickLabel(chart.toMs - chart.fromMs)}
            stroke="var(--axis)"
            fontSize={11}
            allowDataOverflow
          />
          <YAxis stroke="var(--axis)" fontSize={11} width={56} tickFormatter={(v: number) => fmtRate(v)} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => fmtClock(Number(t))}
            formatter={(v, name) => [fmtRate(Number(v)), String(name)]}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 }}
          />
          <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              type="linear"
              stroke={s.color}
              strokeWidth={s.key === 'twArrivals' ? 2 : 1.5}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
            />
          ))}
          {chart.markers.map((m) => (
            <ReferenceLine key={`${m.time}-${m.label}`} x={m.time} stroke="var(--marker)" strokeDasharray="4 3" />
          ))}
        </LineChart>
      )}
    </div>
  );
});
