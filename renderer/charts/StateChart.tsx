// Stacked chart of every TCP state over time. TIME_WAIT sits at the bottom of the stack in the loud
// colour so its band reads at a glance; states that stayed at zero in the window are left out.
// recharts lays out the chart (axes, grid, markers); the live series are plain SVG paths placed with
// recharts' scales (FastSeries). While the pointer is over the chart, recharts' own Area items and
// Tooltip take over so values can be read point by point.
import { memo, useEffect, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import { STATE_COLORS } from '../format';
import { setChartPoints, useDashboard } from '../store/dashboard';
import {
  AXIS_FONT,
  CHART_MARGIN,
  fmtCountTick,
  fmtTooltipCount,
  fmtTooltipTime,
  TOOLTIP_STYLE,
  useHover,
  usePlotBox,
  useStableMarkers,
  useStableNumbers,
  useTimeAxis,
} from './chartProps';
import { FastSeries, niceAxis, PlotAreaReporter, type FastSeriesItem } from './FastSeries';
import { useWidth } from './useWidth';

/** Without hover the time axis is drawn by the overlay; recharts keeps a fixed one. */
const FIXED_DOMAIN = [0, 1];
const NO_TICKS: number[] = [];

/** Stack order, bottom first: the states people come here for first. */
const STACK_ORDER: TcpState[] = [
  'TIME_WAIT',
  'CLOSE_WAIT',
  'ESTABLISHED',
  ...TCP_STATES.filter((s) => s !== 'TIME_WAIT' && s !== 'CLOSE_WAIT' && s !== 'ESTABLISHED'),
];

const MARKER_LABEL_STYLE = { fontSize: 11, fill: 'var(--marker)' };

export const StateChart = memo(function StateChart({ height = 280 }: { height?: number }) {
  const chart = useDashboard((s) => s.chart);
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, hoverHandlers] = useHover();
  useEffect(() => {
    if (width > 0) setChartPoints(width);
  }, [width]);

  const { shownKey, items, maxStack } = useMemo(() => {
    if (!chart) return { shownKey: '', items: [] as FastSeriesItem[], maxStack: 0 };
    const shown = STACK_ORDER.filter((s) => chart.states[s].some((v) => v > 0));
    let maxStack = 0;
    for (let i = 0; i < chart.times.length; i++) {
      let sum = 0;
      for (const s of shown) sum += chart.states[s][i];
      if (sum > maxStack) maxStack = sum;
    }
    const items = shown.map((s) => ({
      key: s,
      color: STATE_COLORS[s],
      values: chart.states[s],
      strokeWidth: s === 'TIME_WAIT' ? 2 : 1,
      fillOpacity: s === 'TIME_WAIT' ? 0.55 : 0.25,
    }));
    return { shownKey: shown.join(','), items, maxStack };
  }, [chart]);
  const shown = useMemo(() => (shownKey ? (shownKey.split(',') as TcpState[]) : []), [shownKey]);
  const axis = useTimeAxis(chart?.fromMs ?? 0, chart?.toMs ?? 1, width);
  const y = niceAxis(maxStack);
  const yTicks = useStableNumbers(y.ticks);
  const yDomain = useStableNumbers(y.domain);
  // recharts' own items only while hovering (they need row objects; built on demand)
  const rows = useMemo(() => {
    if (!hover || !chart) return undefined;
    return chart.times.map((t, i) => {
      const row: Record<string, number> = { t };
      for (const s of shown) row[s] = chart.states[s][i];
      return row;
    });
  }, [hover, chart, shown]);

  const [plot, onPlot] = usePlotBox();
  const frameDomain = hover ? axis.domain : FIXED_DOMAIN;
  const frameTicks = hover ? axis.ticks : NO_TICKS;
  const markers = useStableMarkers(chart?.markers ?? []);
  const hasChart = !!chart;
  // The recharts part is re-rendered only when the axes, size, hover mode or markers change.
  const frame = useMemo(
    () =>
      width > 0 && hasChart ? (
        <AreaChart width={width} height={height} data={rows} margin={CHART_MARGIN}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={frameDomain}
            ticks={frameTicks}
            tickFormatter={axis.formatter}
            stroke="var(--axis)"
            fontSize={AXIS_FONT}
            allowDataOverflow
          />
          <YAxis
            type="number"
            domain={yDomain}
            ticks={yTicks}
            stroke="var(--axis)"
            fontSize={AXIS_FONT}
            width={56}
            tickFormatter={fmtCountTick}
            allowDataOverflow
          />
          {hover && (
            <Tooltip isAnimationActive={false} labelFormatter={fmtTooltipTime} formatter={fmtTooltipCount} contentStyle={TOOLTIP_STYLE} />
          )}
          {hover &&
            shown.map((s) => (
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
          {hover && markers.map((m) => (
            <ReferenceLine
              key={`${m.time}-${m.label}`}
              x={m.time}
              stroke="var(--marker)"
              strokeDasharray="4 3"
              label={{ value: `⚙ ${m.label}`, position: 'insideTopLeft', ...MARKER_LABEL_STYLE }}
            />
          ))}
          <PlotAreaReporter onChange={onPlot} />
        </AreaChart>
      ) : null,
    [width, height, hasChart, rows, frameDomain, frameTicks, axis.formatter, yDomain, yTicks, hover, shown, markers, onPlot],
  );

  const lastTime = chart && chart.times.length ? chart.times[chart.times.length - 1] : 0;
  return (
    <div
      ref={ref}
      className="chart"
      data-testid="state-chart"
      data-points={chart?.times.length ?? 0}
      data-last-time={lastTime}
      style={{ minHeight: height }}
      {...hoverHandlers}
    >
      {frame}
      {!hover && chart && plot && (
        <FastSeries width={width} height={height} plot={plot} xDomain={axis.domain} yDomain={yDomain} times={chart.times} items={items} stacked xTicks={axis.ticks} xTickFormat={axis.formatter} markers={markers} markerLabels />
      )}
      {shown.length > 0 && (
        <div className="chart-legend" aria-label="Legend">
          {shown.map((s) => (
            <span key={s} className={s === 'TIME_WAIT' ? 'strong' : ''}>
              <i style={{ background: STATE_COLORS[s] }} />
              {s}
            </span>
          ))}
        </div>
      )}
    </div>
  );
});
