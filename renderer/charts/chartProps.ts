// Stable props for recharts. recharts 3 copies axis/legend/tooltip props into its internal store and
// re-renders the whole chart when one changes by identity, so every object, array and function it
// receives must keep its identity between ticks unless its value really changed.
import { useMemo, useRef, useState } from 'react';
import { fmtClock, fmtCount, fmtRate } from '../format';
import { tickLabel, timeTicks } from './timeAxis';

export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
export const AXIS_FONT = 11;
export const TOOLTIP_STYLE = { background: 'var(--panel)', border: '1px solid var(--border)', fontSize: 12 };
export const fmtCountTick = (v: number) => fmtCount(v);
export const fmtRateTick = (v: number) => fmtRate(v);
export const fmtTooltipTime = (t: unknown) => fmtClock(Number(t));
export const fmtTooltipCount = (v: unknown, name: unknown): [string, string] => [fmtCount(Number(v)), String(name)];
export const fmtTooltipRate = (v: unknown, name: unknown): [string, string] => [fmtRate(Number(v)), String(name)];

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
  const formatter = useMemo(() => tickLabel(span), [span]);
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
