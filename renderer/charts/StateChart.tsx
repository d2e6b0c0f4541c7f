// Stacked chart of every TCP state over time. TIME_WAIT sits at the bottom of the stack in the loud
// colour so its band reads at a glance; states that stayed at zero in the window are left out.
import { memo, useEffect, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import { fmtClock, fmtCount, STATE_COLORS } from '../format';
import { setChartPoints, useDashboard } from '../store/dashboard';
import { tickLabel, timeTicks } from './timeAxis';
import { useWidth } from './useWidth';

/** Stack order, bottom first: the states people come here for first. */
const STACK_ORDER: TcpState[] = [
  'TIME_WAIT',
  'CLOSE_WAIT',
  'ESTABLISHED',
  ...TCP_STATES.filter((s) => s !== 'TIME_WAIT' && s !== 'CLOSE_WAIT' && s !== 'ESTABLISHED'),
];

export const StateChart = memo(function StateChart({ height = 280 }: { height?: number }) {
  const chart = useDashboard((s) => s.chart);
  const [ref, width] = useWidth<HTMLDivElement>();
  useEffect(() => {
    if (width > 0) setChartPoints(width);
  }, [width]);

  const { data, shown } = useMemo(() => {
    if (!chart) return { data: [], shown: [] as TcpState[] };
    const shown = STACK_ORDER.filter((s) => chart.states[s].some((v) => v > 0));
    const data = chart.times.map((t, i) => {
      const row: Record<string, number> = { t };
      for (const s of shown) row[s] = chart.states[s][i];
      return row;
    });
    return { data, shown };
  }, [chart]);

  const lastTime = chart && chart.times.length ? chart.times[chart.times.length - 1] : 0;
  return (
    <div
      ref={ref}
      className="chart"
      data-testid="state-chart"
      data-points={data.length}
      data-last-time={lastTime}
      style={{ height }}
    >
      {width > 0 && chart && (
        <AreaChart width={width} height={height} data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
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
          <YAxis stroke="var(--axis)" fontSize={11} width={56} tickFormatter={(v: number) => fmtCount(v)} allowDecimals={false} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => fmtClock(Number(t))}
            formatter={(v, name) => [fmtCount(Number(v)), String(name)]}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 }}
          />
          {shown.map((s) => (
            <Area
              key={s}
              dataKey={s}
              name={s}
              stackId="states"
              type="linear"
              stroke={STATE_COLORS[s]}
              strokeWidth={s === 'TIME_WAIT' ? 2 : 1}
              fill={STATE_COLORS[s]}
              fillOpacity={s === 'TIME_WAIT' ? 0.55 : 0.25}
              isAnimationActive={false}
              dot={false}
              activeDot={false}
            />
          ))}
          {chart.markers.map((m) => (
            <ReferenceLine
              key={`${m.time}-${m.label}`}
              x={m.time}
              stroke="var(--marker)"
              strokeDasharray="4 3"
              label={{ value: `⚙ ${m.label}`, position: 'insideTopLeft', fontSize: 11, fill: 'var(--marker)' }}
            />
          ))}
        </AreaChart>
      )}
    </div>
  );
});
