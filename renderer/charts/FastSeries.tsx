// Series drawn as plain SVG paths inside a recharts chart, positioned with recharts' own axis scales
// (useXAxisScale / useYAxisScale). recharts' Area/Line items cost roughly a millisecond per point per
// redraw in recharts 3 — far over the 4 ms per-tick budget at 1 s ticks — while one path string per
// series costs microseconds. The full recharts items (with their tooltip) are mounted only while
// the pointer is over the chart (see StateChart / CountersChart).
import { memo, useId } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';

export interface FastSeriesItem {
  key: string;
  color: string;
  values: readonly number[];
  /** stroke width (TIME_WAIT is drawn heavier) */
  strokeWidth?: number;
  fillOpacity?: number;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : '0';
}

/** Stacked areas (in the order given, bottom first) or plain lines. */
export const FastSeries = memo(function FastSeries({
  times,
  items,
  stacked,
}: {
  times: readonly number[];
  items: readonly FastSeriesItem[];
  stacked: boolean;
}) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  const plot = usePlotArea();
  const clipId = `wl-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  if (!xs || !ys || !plot || times.length === 0) return null;
  const x = times.map((t) => fmt(xs(t) as number));
  const base = new Float64Array(times.length);
  const paths: { key: string; line: string; area: string | null; item: FastSeriesItem }[] = [];
  for (const item of items) {
    let line = '';
    let area: string | null = null;
    if (stacked) {
      const top = new Float64Array(times.length);
      for (let i = 0; i < times.length; i++) top[i] = base[i] + (item.values[i] || 0);
      for (let i = 0; i < times.length; i++) line += `${i ? 'L' : 'M'}${x[i]},${fmt(ys(top[i]) as number)}`;
      let back = '';
      for (let i = times.length - 1; i >= 0; i--) back += `L${x[i]},${fmt(ys(base[i]) as number)}`;
      area = `${line}${back}Z`;
      base.set(top);
    } else {
      for (let i = 0; i < times.length; i++) line += `${i ? 'L' : 'M'}${x[i]},${fmt(ys(item.values[i] || 0) as number)}`;
    }
    paths.push({ key: item.key, line, area, item });
  }
  return (
    <g className="fast-series" clipPath={`url(#${clipId})`}>
      <defs>
        <clipPath id={clipId}>
          <rect x={plot.x} y={plot.y - 2} width={plot.width} height={plot.height + 4} />
        </clipPath>
      </defs>
      {paths.map((p) => (
        <g key={p.key} data-series={p.key}>
          {p.area && <path className="fast-area" d={p.area} fill={p.item.color} fillOpacity={p.item.fillOpacity ?? 0.25} stroke="none" />}
          <path className="fast-line" d={p.line} fill="none" stroke={p.item.color} strokeWidth={p.item.strokeWidth ?? 1.5} />
        </g>
      ))}
    </g>
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
