// Stable props for recharts. recharts 3 copies axis/legend/tooltip props into its internal store and
// re-renders the whole chart when one changes by identity, so every object, array and function it
// receives must keep its identity between ticks unless its value really changed.
import { useMemo, useRef, useState } from 'react';
import type { Formatter } from '../../shared/i18n/format';
import { useFormat } from '../i18n';
import { tickLabel, timeTicks } from './timeAxis';

export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
export const AXIS_FONT = 11;
export const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 };

/** Axis-tick and tooltip formatters in a locale (Intl, through the Formatter). */
export function chartFormatters(f: Formatter) {
  return {
    countTick: (v: number) => f.count(v),
    rateTick: (v: number) => f.rate(v),
    tooltipTime: (t: unknown) => f.clock(Number(t)),
    tooltipCount: (v: unknown, name: unknown): [string, string] => [f.count(Number(v)), String(name)],
    tooltipRate: (v: unknown, name: unknown): [string, string] => [f.rate(Number(v)), String(name)],
  };
}

/** The chart formatters in the page's language: their identity changes only when the language does
 *  (so recharts redraws its axes on a switch, and not on every tick). */
export function useChartFormatters(): ReturnType<typeof chartFormatters> {
  const f = useFormat();
  return useMemo(() => chartFormatters(f), [f]);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An array that keeps its identity while its values stay the same. */
export function useStableNumbers(values: number[]): number[] {
  const ref = useRef(values);
  if (!sameNumbers(ref.current, values)) ref.current = values;
  return ref.current;
}

/** Time-axis props for [fromMs, toMs] at this width: ticks at round times, a formatter per span. */
export function useTimeAxis(fromMs: number, toMs: number, width: number) {
  const ticks = useStableNumbers(timeTicks(fromMs, toMs, Math.max(2, Math.floor(width / 110))));
  const span = toMs - fromMs;
  const f = useFormat();
  const formatter = useMemo(() => tickLabel(span, f), [span, f]);
  const domain = useMemo(() => [fromMs, toMs], [fromMs, toMs]);
  return { ticks, formatter, domain };
}

/** Tooltips cost a render pass per tick even when hidden: mount them only while the pointer is over
 *  the chart. */
export function useHover(): [boolean, { onMouseEnter: () => void; onMouseLeave: () => void }] {
  const [hover, setHover] = useState(false);
  const handlers = useMemo(() => ({ onMouseEnter: () => setHover(true), onMouseLeave: () => setHover(false) }), []);
  return [hover, handlers];
}

/** Markers keep their identity while the same markers are in view. */
export function useStableMarkers<T extends { time: number; label: string }>(markers: readonly T[]): readonly T[] {
  const ref = useRef(markers);
  const a = ref.current;
  if (a.length !== markers.length || a.some((m, i) => m.time !== markers[i].time || m.label !== markers[i].label)) ref.current = markers;
  return ref.current;
}

/** Plot-area state for the series overlay; updates only when the box really moved. */
export function usePlotBox() {
  const [plot, setPlot] = useState<{ x: number; y: number; width: number; height: number } | null>(null);
  const onPlot = useMemo(
    () => (p: { x: number; y: number; width: number; height: number }) =>
      setPlot((old) => (old && old.x === p.x && old.y === p.y && old.width === p.width && old.height === p.height ? old : p)),
    [],
  );
  return [plot, onPlot] as const;
}
