// The y-axis of the TIME_WAIT time-left histogram: the ticks recharts' YAxis picks for counts,
// computed without recharts' general algorithm, which works in arbitrary-precision decimals
// (decimal.js) and cost ~0.3 ms and much garbage every tick (docs/performance.md, "The renderer").
import { getNiceTickValues } from 'recharts';

/** The ticks recharts picks for a domain [0, max] with 5 ticks and whole numbers. For a whole
 *  `max`, recharts' steps reduce to this: the rough step max/4 is rounded up to a multiple of a unit
 *  of its magnitude (1 for one digit; 10^d / 20 for d ≥ 2 digits), and that step always covers
 *  [0, max] in four, so the ticks are 0, s, 2s, 3s, 4s. Anything else goes to recharts itself. The
 *  unit test compares the two for every max up to 20,000 and random ones up to 2^53. */
export function histogramAxis(max: number): number[] {
  const m = Math.max(0, max);
  if (!Number.isSafeInteger(m)) return getNiceTickValues([0, m], 5, false) as number[];
  if (m <= 4) return [0, 1, 2, 3, 4];
  // d = digits of the rough step's integer part: the smallest d with 10^d > m / 4
  let p = 10;
  while (4 * p <= m) p *= 10;
  const unit = p === 10 ? 1 : p / 20;
  const s = Math.ceil(m / (4 * unit)) * unit;
  return [0, s, 2 * s, 3 * s, 4 * s];
}
