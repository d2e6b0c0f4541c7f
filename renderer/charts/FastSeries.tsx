// Live series drawn as plain SVG paths in an overlay on top of a recharts chart. recharts lays out
// the chart — axes, grid, markers, the plot area (reported by PlotAreaReporter) — and is re-rendered
// only when one of those changes (the time axis advances in steps). Each tick only the overlay's
// path strings change, which costs microseconds; recharts' own Area/Line items cost about a
// millisecond per point per redraw in recharts 3, far over the 4 ms per-tick budget. While the
// pointer is over a chart, recharts' own items and Tooltip take over (StateChart / CountersChart).
import { memo, useEffect, useId } from 'react';
import { usePlotArea } from 'recharts';
import { markerKind, markerLabelText } from '../../shared/alert-text';
import { useT } from '../i18n';

/** Marker icon per kind: tuning changes ⚙, alerts raised ▲, cleared ✓ (colours in styles.css). */
const MARKER_ICON = { tuning: '⚙', 'alert-raised': '▲', 'alert-cleared': '✓' } as const;

export interface PlotBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FastSeriesItem {
  key: string;
  color: string;
  values: readonly number[];
  /** stroke width (TIME_WAIT is drawn heavier) */
  strokeWidth?: number;
  fillOpacity?: number;
}

/** Inside a recharts chart: reports its plot area whenever it changes. */
export function PlotAreaReporter({ onChange }: { onChange: (p: PlotBox) => void }) {
  const p = usePlotArea();
  useEffect(() => {
    if (p) onChange({ x: p.x, y: p.y, width: p.width, height: p.height });
  }, [p?.x, p?.y, p?.width, p?.height, onChange]);
  return null;
}

export function samePlot(a: PlotBox | null, b: PlotBox): boolean {
  return !!a && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : '0';
}

/** Stacked areas (in the order given, bottom first) or plain lines, as an absolutely positioned SVG
 *  the size of the chart. */
export const FastSeries = memo(function FastSeries({
  width,
  height,
  plot,
  xDomain,
  yDomain,
  times,
  items,
  stacked,
  xTicks,
  xTickFormat,
  markers,
  markerLabels = false,
}: {
  width: number;
  height: number;
  plot: PlotBox;
  xDomain: readonly number[];
  yDomain: readonly number[];
  times: readonly number[];
  items: readonly FastSeriesItem[];
  stacked: boolean;
  /** time-axis ticks, drawn here so that recharts' frame does not change as time moves */
  xTicks: readonly number[];
  xTickFormat: (t: number) => string;
  markers: readonly { time: number; label: string }[];
  markerLabels?: boolean;
}) {
  const t = useT();
  const clipId = `wl-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  const kx = plot.width / Math.max(1e-9, x1 - x0);
  const ky = plot.height / Math.max(1e-9, y1 - y0);
  const bottom = plot.y + plot.height;
  // The time axis slides as time moves. Its ticks are placed relative to an anchor time that stays
  // put for eight window spans and the whole axis is shifted, so a tick that stays on screen keeps
  // its attributes: one transform changes per tick instead of three attributes of every tick (each
  // moved <text> is laid out again; docs/performance.md, "The renderer").
  const axisPeriod = 8 * Math.max(1, x1 - x0);
  const axisAnchor = Math.floor(x0 / axisPeriod) * axisPeriod;
  const axisShift = plot.x + (axisAnchor - x0) * kx;
  const X = times.map((t) => fmt(plot.x + (t - x0) * kx));
  const Y = (v: number) => fmt(bottom - (v - y0) * ky);
  const base = new Float64Array(times.length);
  const paths: { key: string; line: string; area: string | null; item: FastSeriesItem }[] = [];
  for (const item of items) {
    let line = '';
    let area: string | null = null;
    if (stacked) {
      const top = new Float64Array(times.length);
      for (let i = 0; i < times.length; i++) top[i] = base[i] + (item.values[i] || 0);
      for (let i = 0; i < times.length; i++) line += `${i ? 'L' : 'M'}${X[i]},${Y(top[i])}`;
      let back = '';
      for (let i = times.length - 1; i >= 0; i--) back += `L${X[i]},${Y(base[i])}`;
      area = `${line}${back}Z`;
      base.set(top);
    } else {
      for (let i = 0; i < times.length; i++) line += `${i ? 'L' : 'M'}${X[i]},${Y(item.values[i] || 0)}`;
    }
    paths.push({ key: item.key, line, area, item });
  }
  return (
    <svg className="fast-series" width={width} height={height} aria-hidden>
      <defs>
        <clipPath id={clipId}>
          <rect x={plot.x} y={plot.y - 2} width={plot.width} height={plot.height + 4} />
        </clipPath>
      </defs>
      <g className="fast-x-axis" fontSize={11} fill="var(--axis)" stroke="none" transform={`translate(${fmt(axisShift)} 0)`}>
        {xTicks.map((t) => {
          const local = (t - axisAnchor) * kx;
          const px = axisShift + local;
          if (px < plot.x - 0.5 || px > plot.x + plot.width + 0.5) return null;
          return (
            <g key={t}>
              <line x1={local} x2={local} y1={bottom} y2={bottom + 6} stroke="var(--axis)" />
              <text x={local} y={bottom + 18} textAnchor="middle">
                {xTickFormat(t)}
              </text>
            </g>
          );
        })}
      </g>
      <g clipPath={`url(#${clipId})`}>
        {markers.map((m) => {
          const px = plot.x + (m.time - x0) * kx;
          const kind = markerKind(m.label);
          return (
            <g key={`${m.time}-${m.label}`} className={`fast-marker marker-${kind}`} data-marker-kind={kind}>
              <line x1={px} x2={px} y1={plot.y} y2={bottom} stroke="var(--marker)" strokeDasharray="4 3" />
              {markerLabels && (
                <text x={px + 4} y={plot.y + 12} fontSize={11} fill="var(--marker)">
                  {MARKER_ICON[kind]} {markerLabelText(t, m.label)}
                </text>
              )}
            </g>
          );
        })}
        {paths.map((p) => (
          <g key={p.key} data-series={p.key}>
            {p.area && <path className="fast-area" d={p.area} fill={p.item.color} fillOpacity={p.item.fillOpacity ?? 0.25} stroke="none" />}
            <path className="fast-line" d={p.line} fill="none" stroke={p.item.color} strokeWidth={p.item.strokeWidth ?? 1.5} />
          </g>
        ))}
      </g>
    </svg>
  );
});

/** A "nice" y-axis for values up to `max`: about five ticks at 1/2/2.5/5 × 10^k steps. */
export function niceAxis(max: number): { domain: [number, number]; ticks: number[] } {
  if (!(max > 0)) return { domain: [0, 1], ticks: [0, 1] };
  const rough = max / 4;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= rough) ?? 10 * mag;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { domain: [0, top], ticks };
}
