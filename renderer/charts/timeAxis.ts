import type { Formatter } from '../../shared/i18n/format';
import { activeFormatter } from '../format';

const DAY = 86_400_000;

/** Ticks at round times across [from, to], about `count` of them (up to a week apart, for 90 days). */
export function timeTicks(fromMs: number, toMs: number, count: number): number[] {
  const span = Math.max(1, toMs - fromMs);
  const steps = [5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43_200e3, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
  const step = steps.find((s) => span / s <= count) ?? 30 * DAY;
  const ticks: number[] = [];
  // align to local time so 10:00 (or midnight, for days) lands on a tick
  const offset = new Date(fromMs).getTimezoneOffset() * 60_000;
  for (let t = Math.ceil((fromMs - offset) / step) * step + offset; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

/** Clock times within two days; beyond, the date (and the time where ticks are closer than a day). */
export function tickLabel(spanMs: number, f: Formatter = activeFormatter()) {
  if (spanMs <= 2 * DAY) return (t: number) => f.clock(t, spanMs <= 600_000);
  const withTime = spanMs <= 7 * DAY;
  return (t: number) => {
    return withTime ? `${f.day(t)} ${f.clock(t, false)}` : f.day(t);
  };
}
