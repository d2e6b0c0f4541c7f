// Histogram of TIME_WAIT time left and the ports that free up in the next 10 s.
// recharts lays out the frame (grid, axes, the plot area) and is re-rendered only when the buckets or
// the y-axis change; the bars, which change every tick, are plain SVG rectangles in an overlay placed
// exactly where recharts' Bar would put them (a band per bucket, 10 % gap each side), with the
// y-axis (grid lines, ticks, labels: recharts' nice ticks for the counts) drawn the way recharts does. While the
// pointer is over the chart, recharts' own Bar and Tooltip take over so counts can be read per bucket.
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { useHover, usePlotBox, useStableNumbers } from '../../charts/chartProps';
import { PlotAreaReporter, type PlotBox } from '../../charts/FastSeries';
import { useWidth } from '../../charts/useWidth';
import { useFormat, useT } from '../../i18n';
import { useDashboard } from '../../store/context';
import { histogramAxis } from './histogramAxis';

const HEIGHT = 180;
const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 };
const SOON = '#22c55e';
const FIXED_DOMAIN = [0, 1];
const NO_TICKS: number[] = [];
const LATER = '#f59e0b';

interface BucketRow {
  bucket: string;
  count: number;
  soon: boolean;
}

/** Where recharts' Bar draws bucket `i` of `n` in `plot` for a y-axis [y0, y1]: a band per bucket,
 *  10 % of it empty on each side, the bar's width rounded to whole pixels. */
export function barRect(plot: PlotBox, n: number, i: number, value: number, y0: number, y1: number): { x: number; y: number; width: number; height: number } {
  const band = plot.width / Math.max(1, n);
  const gap = band * 0.1;
  let size = band - 2 * gap;
  if (size > 1) size = Math.round(size);
  const ky = plot.height / Math.max(1e-9, y1 - y0);
  const base = plot.y + plot.height - (0 - y0) * ky;
  const top = plot.y + plot.height - (value - y0) * ky;
  return { x: plot.x + i * band + gap, y: top, width: size, height: base - top };
}

/** What changes with the counts, over the frame recharts drew (see the file comment): the grid
 *  lines and labels of the y-axis, the bars, and the axis lines recharts draws over the bars. */
const HistogramBars = memo(function HistogramBars({
  width,
  plot,
  data,
  yTicks,
  tickFormat,
}: {
  width: number;
  plot: PlotBox;
  data: readonly BucketRow[];
  yTicks: readonly number[];
  tickFormat: (v: number) => string;
}) {
  const y0 = yTicks[0] ?? 0;
  const y1 = yTicks[yTicks.length - 1] ?? 0;
  const bottom = plot.y + plot.height;
  const ky = plot.height / Math.max(1e-9, y1 - y0);
  const yOf = (v: number) => bottom - (v - y0) * ky;
  return (
    <svg className="fast-series" width={width} height={HEIGHT} aria-hidden>
      <g className="tw-grid">
        {/* keyed by position: when the counts' scale changes, the lines move instead of being
            replaced (fewer DOM nodes made per tick) */}
        {yTicks.map((v, i) => (
          <line key={i} stroke="var(--grid)" fill="none" x1={plot.x} y1={yOf(v)} x2={plot.x + plot.width} y2={yOf(v)} />
        ))}
      </g>
      {data.map((d, i) => {
        const r = barRect(plot, data.length, i, d.count, y0, y1);
        return r.width > 0 && r.height !== 0 && Number.isFinite(r.height) ? (
          <rect key={d.bucket} x={r.x} y={r.y} width={r.width} height={r.height} fill={d.soon ? SOON : LATER} />
        ) : null;
      })}
      <line stroke="var(--axis)" fill="none" x1={plot.x} y1={bottom} x2={plot.x + plot.width} y2={bottom} />
      <line stroke="var(--axis)" fill="none" x1={plot.x} y1={plot.y} x2={plot.x} y2={bottom} />
      <g className="tw-y-axis" fontSize={11}>
        {yTicks.map((v, i) => (
          <g key={i}>
            <line stroke="var(--axis)" fill="none" x1={plot.x - 6} y1={yOf(v)} x2={plot.x} y2={yOf(v)} />
            <text stroke="none" fill="var(--axis)" x={plot.x - 8} y={yOf(v)} textAnchor="end">
              <tspan x={plot.x - 8} dy="0.355em">
                {tickFormat(v)}
              </tspan>
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
});

export const TimeLeftHistogram = memo(function TimeLeftHistogram() {
  const t = useT();
  const f = useFormat();
  const timers = useDashboard((s) => s.snapshot?.timeWaitTimers ?? null);
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, hoverHandlers] = useHover();
  const [plot, onPlot] = usePlotBox();
  const data = useMemo<BucketRow[]>(
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
  // the frame's rows: only the bucket labels, which stay put from tick to tick
  const labelsKey = data.map((d) => d.bucket).join(',');
  const frameData = useMemo(() => (labelsKey ? labelsKey.split(',').map((bucket) => ({ bucket })) : []), [labelsKey]);
  const yTicks = useStableNumbers(histogramAxis(data.reduce((m, d) => Math.max(m, d.count), 0)));
  const countTick = useMemo(() => (v: number) => f.count(v), [f]);
  const hasTimers = !!timers;
  // recharts re-renders only when the size, hover mode or buckets change: the y-axis is the overlay's
  const frame = useMemo(
    () =>
      width > 0 && hasTimers && !hover ? (
        <BarChart width={width} height={HEIGHT} data={frameData} margin={MARGIN}>
          <XAxis dataKey="bucket" stroke="var(--axis)" fontSize={11} interval="preserveStartEnd" />
          <YAxis type="number" stroke="var(--axis)" fontSize={11} width={56} domain={FIXED_DOMAIN} ticks={NO_TICKS} axisLine={false} allowDataOverflow />
          <PlotAreaReporter onChange={onPlot} />
        </BarChart>
      ) : null,
    [width, hasTimers, hover, frameData, onPlot],
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
      <div ref={ref} className="chart" style={{ height: HEIGHT }} onMouseEnter={hoverHandlers.onMouseEnter} onMouseLeave={hoverHandlers.onMouseLeave}>
        {frame}
        {!hover && frame && plot && <HistogramBars width={width} plot={plot} data={data} yTicks={yTicks} tickFormat={countTick} />}
        {width > 0 && timers && hover && (
          <BarChart width={width} height={HEIGHT} data={data} margin={MARGIN}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="bucket" stroke="var(--axis)" fontSize={11} interval="preserveStartEnd" />
            <YAxis stroke="var(--axis)" fontSize={11} width={56} allowDecimals={false} tickFormatter={countTick} />
            <Tooltip
              isAnimationActive={false}
              formatter={(v) => [f.count(Number(v)), t('timewait.timeLeft.tooltipEntries')]}
              labelFormatter={(l) => t('timewait.timeLeft.tooltipLeft', { range: String(l) })}
              contentStyle={TOOLTIP_STYLE}
            />
            <Bar dataKey="count" fill={LATER} isAnimationActive={false}>
              {data.map((d) => (
                // entries expiring within 10 s: the ports about to free up
                <Cell key={d.bucket} fill={d.soon ? SOON : LATER} />
              ))}
            </Bar>
          </BarChart>
        )}
        {!timers && <p className="empty">{t('timewait.timeLeft.empty')}</p>}
      </div>
    </div>
  );
});
