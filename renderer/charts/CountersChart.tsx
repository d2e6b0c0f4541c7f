// Kernel churn counters as per-second rates: TIME_WAIT arrivals, opens, resets, TIME_WAIT overflow.
// Same drawing strategy as StateChart: plain SVG paths on recharts' scales, recharts' own Line items
// and Tooltip while the pointer is over the chart.
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useDashboard } from '../store/context';
import {
  AXIS_FONT,
  CHART_MARGIN,
  TOOLTIP_STYLE,
  useChartFormatters,
  useHover,
  usePlotBox,
  useStableMarkers,
  useStableNumbers,
  useTimeAxis,
} from './chartProps';
import { FastSeries, niceAxis, PlotAreaReporter, type FastSeriesItem } from './FastSeries';
import { useWidth } from './useWidth';
import { useT } from '../i18n';

/** Without hover the time axis is drawn by the overlay; recharts keeps a fixed one. */
const FIXED_DOMAIN = [0, 1];
const NO_TICKS: number[] = [];

/** Names: t(`overview.counters.${key}`). */
const SERIES = [
  { key: 'twArrivals', color: '#f59e0b' },
  { key: 'opens', color: '#3b82f6' },
  { key: 'resets', color: '#ef4444' },
  { key: 'twOverflow', color: '#a855f7' },
] as const;

export const CountersChart = memo(function CountersChart({ height = 220 }: { height?: number }) {
  const chart = useDashboard((s) => s.chart);
  const t = useT();
  const cf = useChartFormatters();
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, hoverHandlers] = useHover();
  const { items, max } = useMemo(() => {
    if (!chart) return { items: [] as FastSeriesItem[], max: 0 };
    const r = chart.rates;
    const values: Record<(typeof SERIES)[number]['key'], number[]> = {
      twArrivals: r.timeWaitArrivals,
      opens: r.activeOpens.map((v, i) => v + r.passiveOpens[i]),
      resets: r.resets,
      twOverflow: r.twOverflow,
    };
    let max = 0;
    for (const s of SERIES) for (const v of values[s.key]) if (v > max) max = v;
    // draw the emphasized series last (on top)
    const items = [...SERIES].reverse().map((s) => ({ key: s.key, color: s.color, values: values[s.key], strokeWidth: s.key === 'twArrivals' ? 2 : 1.5 }));
    return { items, max };
  }, [chart]);
  const rows = useMemo(() => {
    if (!hover || !chart) return undefined;
    const r = chart.rates;
    return chart.times.map((t, i) => ({
      t,
      twArrivals: r.timeWaitArrivals[i],
      opens: r.activeOpens[i] + r.passiveOpens[i],
      resets: r.resets[i],
      twOverflow: r.twOverflow[i],
    }));
  }, [hover, chart]);
  const axis = useTimeAxis(chart?.fromMs ?? 0, chart?.toMs ?? 1, width);
  const y = niceAxis(max);
  const yTicks = useStableNumbers(y.ticks);
  const yDomain = useStableNumbers(y.domain);
  const [plot, onPlot] = usePlotBox();
  const frameDomain = hover ? axis.domain : FIXED_DOMAIN;
  const frameTicks = hover ? axis.ticks : NO_TICKS;
  const markers = useStableMarkers(chart?.markers ?? []);
  const hasChart = !!chart;
  const frame = useMemo(
    () =>
      width > 0 && hasChart ? (
        <LineChart width={width} height={height} data={rows} margin={CHART_MARGIN}>
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
          <YAxis type="number" domain={yDomain} ticks={yTicks} stroke="var(--axis)" fontSize={AXIS_FONT} width={56} tickFormatter={cf.rateTick} allowDataOverflow />
          {hover && (
            <Tooltip isAnimationActive={false} labelFormatter={cf.tooltipTime} formatter={cf.tooltipRate} contentStyle={TOOLTIP_STYLE} />
          )}
          {hover &&
            SERIES.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={t(`overview.counters.${s.key}`)}
                type="linear"
                stroke={s.color}
                strokeWidth={s.key === 'twArrivals' ? 2 : 1.5}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
              />
            ))}
          {hover && markers.map((m) => (
            <ReferenceLine key={`${m.time}-${m.label}`} x={m.time} stroke="var(--marker)" strokeDasharray="4 3" />
          ))}
          <PlotAreaReporter onChange={onPlot} />
        </LineChart>
      ) : null,
    [width, height, hasChart, rows, frameDomain, frameTicks, axis.formatter, yDomain, yTicks, hover, markers, onPlot, cf, t],
  );
  return (
    <div
      ref={ref}
      className="chart"
      data-testid="counters-chart"
      data-points={chart?.times.length ?? 0}
      style={{ minHeight: height }}
      {...hoverHandlers}
    >
      {frame}
      {!hover && chart && plot && (
        <FastSeries width={width} height={height} plot={plot} xDomain={axis.domain} yDomain={yDomain} times={chart.times} items={items} stacked={false} xTicks={axis.ticks} xTickFormat={axis.formatter} markers={markers} />
      )}
      <div className="chart-legend" aria-label={t('overview.chart.legend')}>
        {SERIES.map((s) => (
          <span key={s.key} className={s.key === 'twArrivals' ? 'strong' : ''}>
            <i style={{ background: s.color }} />
            {t(`overview.counters.${s.key}`)}
          </span>
        ))}
      </div>
    </div>
  );
});
