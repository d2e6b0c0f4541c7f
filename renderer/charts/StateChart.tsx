// Stacked chart of every TCP state over time. TIME_WAIT sits at the bottom of the stack in the loud
// colour so its band reads at a glance; states that stayed at zero in the window are left out.
// Beside 1,500 TIME_WAIT, 58 CLOSE_WAIT is a sliver: each legend item is a toggle button that hides
// or shows its series (the axis rescales to what is shown), and a "log scale" toggle switches from
// the linear stack to one line per state on a symmetric log axis (log(1 + v), so 0 stays on the
// axis), where small counts get room. Both only change which values go to the overlay; the per-tick
// cost is unchanged apart from one log1p per point in log mode.
// recharts lays out the chart (axes, grid, markers); the live series are plain SVG paths placed with
// recharts' scales (FastSeries). While the pointer is over the chart, recharts' own Area items and
// Tooltip take over so values can be read point by point.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import { STATE_COLORS } from '../format';
import { useDashboard, useDashboardStore } from '../store/context';
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

/** Stack order, bottom first: the states people come here for first. */
const STACK_ORDER: TcpState[] = [
  'TIME_WAIT',
  'CLOSE_WAIT',
  'ESTABLISHED',
  ...TCP_STATES.filter((s) => s !== 'TIME_WAIT' && s !== 'CLOSE_WAIT' && s !== 'ESTABLISHED'),
];

const MARKER_LABEL_STYLE = { fontSize: 11, fill: 'var(--marker)' };
const NO_HIDDEN: ReadonlySet<TcpState> = new Set();

/** A log axis for counts up to `max`: 0, 1, 10, 100 … up to the next power of ten (at least 10). */
export function logAxis(max: number): { domain: [number, number]; ticks: number[] } {
  const top = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(1, max))));
  const ticks = [0];
  for (let v = 1; v <= top; v *= 10) ticks.push(v);
  return { domain: [0, top], ticks };
}

export const StateChart = memo(function StateChart({ height = 280 }: { height?: number }) {
  const chart = useDashboard((s) => s.chart);
  const t = useT();
  const cf = useChartFormatters();
  const { setChartPoints, showRange } = useDashboardStore().dashboard;
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, hoverHandlers] = useHover();
  useEffect(() => {
    if (width > 0) setChartPoints(width);
  }, [width, setChartPoints]);

  const [hidden, setHidden] = useState<ReadonlySet<TcpState>>(NO_HIDDEN);
  const [log, setLog] = useState(false);
  const toggleSeries = useCallback(
    (s: TcpState) =>
      setHidden((old) => {
        const next = new Set(old);
        if (!next.delete(s)) next.add(s);
        return next;
      }),
    [],
  );
  const toggleLog = useCallback(() => setLog((v) => !v), []);

  const { presentKey, shownKey, items, maxY } = useMemo(() => {
    if (!chart) return { presentKey: '', shownKey: '', items: [] as FastSeriesItem[], maxY: 0 };
    const present = STACK_ORDER.filter((s) => chart.states[s].some((v) => v > 0));
    const shown = present.filter((s) => !hidden.has(s));
    let maxY = 0;
    for (let i = 0; i < chart.times.length; i++) {
      let sum = 0;
      for (const s of shown) {
        const v = chart.states[s][i];
        if (log) {
          if (v > sum) sum = v; // lines: the largest single value
        } else sum += v; // stack: the sum
      }
      if (sum > maxY) maxY = sum;
    }
    const items = shown.map((s) => ({
      key: s,
      color: STATE_COLORS[s],
      // the overlay draws linearly: hand it log(1 + v), the same transform as recharts' symlog axis
      values: log ? chart.states[s].map(Math.log1p) : chart.states[s],
      strokeWidth: s === 'TIME_WAIT' ? 2 : 1,
      fillOpacity: s === 'TIME_WAIT' ? 0.55 : 0.25,
    }));
    return { presentKey: present.join(','), shownKey: shown.join(','), items, maxY };
  }, [chart, hidden, log]);
  const present = useMemo(() => (presentKey ? (presentKey.split(',') as TcpState[]) : []), [presentKey]);
  const shown = useMemo(() => (shownKey ? (shownKey.split(',') as TcpState[]) : []), [shownKey]);
  const axis = useTimeAxis(chart?.fromMs ?? 0, chart?.toMs ?? 1, width);
  const y = log ? logAxis(maxY) : niceAxis(maxY);
  const yTicks = useStableNumbers(y.ticks);
  const yDomain = useStableNumbers(y.domain);
  const overlayYDomain = useMemo(() => (log ? [Math.log1p(yDomain[0]!), Math.log1p(yDomain[1]!)] : yDomain), [log, yDomain]);
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
            scale={log ? 'symlog' : 'linear'}
            domain={yDomain}
            ticks={yTicks}
            stroke="var(--axis)"
            fontSize={AXIS_FONT}
            width={56}
            tickFormatter={cf.countTick}
            allowDataOverflow
          />
          {hover && (
            <Tooltip isAnimationActive={false} labelFormatter={cf.tooltipTime} formatter={cf.tooltipCount} contentStyle={TOOLTIP_STYLE} />
          )}
          {hover &&
            shown.map((s) => (
              <Area
                key={s}
                dataKey={s}
                name={s}
                stackId={log ? undefined : 'states'}
                type="linear"
                stroke={STATE_COLORS[s]}
                strokeWidth={s === 'TIME_WAIT' ? 2 : 1}
                fill={STATE_COLORS[s]}
                fillOpacity={log ? 0 : s === 'TIME_WAIT' ? 0.55 : 0.25}
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
    [width, height, hasChart, rows, frameDomain, frameTicks, axis.formatter, log, yDomain, yTicks, hover, shown, markers, onPlot, cf],
  );

  // Zoom: drag across the plot to show that span as a fixed range (back returns).
  const drag = useRef<{ x0: number; left: number } | null>(null);
  const [sel, setSel] = useState<{ a: number; b: number } | null>(null);
  const clampX = (x: number) => (plot ? Math.min(plot.x + plot.width, Math.max(plot.x, x)) : x);
  const onMouseDown = (e: MouseEvent<HTMLDivElement>) => {
    if (e.button !== 0 || !plot || !chart) return;
    const left = e.currentTarget.getBoundingClientRect().left;
    const x = e.clientX - left;
    if (x < plot.x || x > plot.x + plot.width) return;
    drag.current = { x0: x, left };
    setSel({ a: x, b: x });
    e.preventDefault();
  };
  const onMouseMove = (e: MouseEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d) setSel({ a: d.x0, b: clampX(e.clientX - d.left) });
  };
  const onMouseUp = (e: MouseEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = null;
    setSel(null);
    if (!d || !plot || !chart) return;
    const x = clampX(e.clientX - d.left);
    if (Math.abs(x - d.x0) < 4) return; // a click, not a span
    const [from, to] = axis.domain as [number, number];
    const at = (px: number) => from + ((px - plot.x) / plot.width) * (to - from);
    showRange(at(Math.min(x, d.x0)), at(Math.max(x, d.x0)));
  };
  const onMouseLeave = () => {
    drag.current = null;
    setSel(null);
    hoverHandlers.onMouseLeave();
  };

  const lastTime = chart && chart.times.length ? chart.times[chart.times.length - 1] : 0;
  return (
    <div
      ref={ref}
      className="chart"
      data-testid="state-chart"
      data-points={chart?.times.length ?? 0}
      data-last-time={lastTime}
      data-from={chart?.fromMs ?? 0}
      data-to={chart?.toMs ?? 0}
      style={{ minHeight: height }}
      onMouseEnter={hoverHandlers.onMouseEnter}
      onMouseLeave={onMouseLeave}
      onMouseDown={onMouseDown}
      onMouseMove={onMouseMove}
      onMouseUp={onMouseUp}
      title={t('overview.chart.zoomTitle')}
    >
      {frame}
      {sel && plot && Math.abs(sel.b - sel.a) > 0 && (
        <div
          className="zoom-selection"
          data-testid="zoom-selection"
          style={{ left: Math.min(sel.a, sel.b), width: Math.abs(sel.b - sel.a), top: plot.y, height: plot.height }}
        />
      )}
      {!hover && chart && plot && (
        <FastSeries width={width} height={height} plot={plot} xDomain={axis.domain} yDomain={overlayYDomain} times={chart.times} items={items} stacked={!log} xTicks={axis.ticks} xTickFormat={axis.formatter} markers={markers} markerLabels />
      )}
      {present.length > 0 && (
        <div className="chart-legend state-legend" role="group" aria-label={t('overview.chart.stateLegend')}>
          {present.map((s) => (
            <button
              key={s}
              type="button"
              className={s === 'TIME_WAIT' ? 'strong' : undefined}
              aria-pressed={!hidden.has(s)}
              title={hidden.has(s) ? t('overview.chart.showState', { state: s }) : t('overview.chart.hideState', { state: s })}
              onClick={() => toggleSeries(s)}
            >
              <i style={{ background: STATE_COLORS[s] }} />
              {s}
            </button>
          ))}
          <button
            type="button"
            className="chart-scale-toggle"
            aria-pressed={log}
            title={log ? t('overview.chart.linearTitle') : t('overview.chart.logTitle')}
            onClick={toggleLog}
          >
            {t('overview.chart.log')}
          </button>
        </div>
      )}
    </div>
  );
});
