import { fmtClock } from '../format';

/** Ticks at round times across [from, to], about `count` of them. */
export function timeTicks(fromMs: number, toMs: number, count: number): number[] {
  const span = Math.max(1, toMs - fromMs);
  const steps = [5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3];
  const step = steps.find((s) => span / s <= count) ?? 43_200e3;
  const ticks: number[] = [];
  // align to local time so 10:00 lands on a tick
  const offset = new Date(fromMs).getTimezoneOffset() * 60_000;
  for (let t = Math.ceil((fromMs - offset) / step) * step + offset; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

export function tickLabel(spanMs: number) {
  return (t: number) => fmtClock(t, spanMs <= 600_000);
}
