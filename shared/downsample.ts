// Downsampling for charts: never hand recharts more points than about its pixel width (SVG chokes at a
// few thousand points), and never lose a spike while doing it. Pure code: no DOM, no Node.
//
// Two algorithms:
// - minMaxBuckets: several series sharing one time axis (the stacked state chart, the counter chart).
//   Each bucket of consecutive samples becomes at most two points, carrying every series' minimum and
//   maximum in the order they occurred, so every extreme of every series survives exactly.
// - lttb: Largest-Triangle-Three-Buckets for one series, when shape matters more than exact extremes.

/** A window over parallel arrays that may be a ring buffer: logical sample i lives at physical index
 *  (start + i) mod capacity. A plain array is { start: 0, capacity: array length }. */
export interface SampleWindow {
  /** physical index of logical sample 0 */
  start: number;
  /** number of logical samples in the window */
  count: number;
  /** length of the backing arrays (for wrap-around) */
  capacity: number;
}

export interface Downsampled {
  times: number[];
  /** one array per input series, same length as `times` */
  series: number[][];
}

function physical(w: SampleWindow, i: number): number {
  const p = w.start + i;
  return p >= w.capacity ? p - w.capacity : p;
}

/**
 * Min/max bucket downsampling over a shared time axis.
 * Output has at most `maxPoints` points (and at least min(count, 1)). If the window already fits, it
 * is copied unchanged. Otherwise the window is cut into ⌊maxPoints / 2⌋ buckets of consecutive
 * samples; a bucket emits two points, at the time of its first and its last sample, and for each
 * series the first point carries whichever of (min, max) occurred first, the second the other. So the
 * global minimum and maximum of every series appear in the output exactly.
 */
export function minMaxBuckets(
  times: ArrayLike<number>,
  series: readonly ArrayLike<number>[],
  window: SampleWindow,
  maxPoints: number,
): Downsampled {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(`maxPoints must be a positive integer, got ${String(maxPoints)}`);
  }
  const { count } = window;
  const outTimes: number[] = [];
  const outSeries: number[][] = series.map(() => []);
  if (count <= 0) return { times: outTimes, series: outSeries };

  if (count <= maxPoints) {
    for (let i = 0; i < count; i++) {
      const p = physical(window, i);
      outTimes.push(times[p]);
      for (let s = 0; s < series.length; s++) outSeries[s].push(series[s][p]);
    }
    return { times: outTimes, series: outSeries };
  }

  if (maxPoints === 1) {
    // One point cannot carry both extremes; keep the maximum (the spike is what people look for).
    const last = physical(window, count - 1);
    outTimes.push(times[last]);
    for (let s = 0; s < series.length; s++) {
      let max = -Infinity;
      for (let i = 0; i < count; i++) max = Math.max(max, series[s][physical(window, i)]);
      outSeries[s].push(max);
    }
    return { times: outTimes, series: outSeries };
  }

  const buckets = Math.floor(maxPoints / 2);
  const nSeries = series.length;
  const minV = new Float64Array(nSeries);
  const maxV = new Float64Array(nSeries);
  const minAt = new Int32Array(nSeries);
  const maxAt = new Int32Array(nSeries);
  for (let b = 0; b < buckets; b++) {
    // Bucket b covers logical samples [lo, hi): sizes differ by at most one.
    const lo = Math.floor((b * count) / buckets);
    const hi = Math.floor(((b + 1) * count) / buckets);
    if (hi <= lo) continue;
    for (let s = 0; s < nSeries; s++) {
      minV[s] = Infinity;
      maxV[s] = -Infinity;
      minAt[s] = lo;
      maxAt[s] = lo;
    }
    for (let i = lo; i < hi; i++) {
      const p = physical(window, i);
      for (let s = 0; s < nSeries; s++) {
        const v = series[s][p];
        if (v < minV[s]) {
          minV[s] = v;
          minAt[s] = i;
        }
        if (v > maxV[s]) {
          maxV[s] = v;
          maxAt[s] = i;
        }
      }
    }
    const first = physical(window, lo);
    if (hi - lo === 1) {
      outTimes.push(times[first]);
      for (let s = 0; s < nSeries; s++) outSeries[s].push(series[s][first]);
      continue;
    }
    outTimes.push(times[first], times[physical(window, hi - 1)]);
    for (let s = 0; s < nSeries; s++) {
      // A series with only NaN keeps NaN; otherwise min/max in the order they happened.
      const minFirst = minAt[s] <= maxAt[s];
      const a = minV[s] === Infinity ? NaN : minFirst ? minV[s] : maxV[s];
      const c = maxV[s] === -Infinity ? NaN : minFirst ? maxV[s] : minV[s];
      outSeries[s].push(a, c);
    }
  }
  return { times: outTimes, series: outSeries };
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013) for one series. Keeps the first and last points and,
 * from each bucket in between, the point that makes the largest triangle with its neighbours. Returns
 * the indices (into xs/ys) it kept, ascending; at most `threshold` of them.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, threshold: number): number[] {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`threshold must be a positive integer, got ${String(threshold)}`);
  }
  const n = Math.min(xs.length, ys.length);
  if (n <= threshold || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (threshold === 1) return [n - 1];
  if (threshold === 2) return [0, n - 1];
  const kept = [0];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b++) {
    // average of the next bucket
    const nextLo = Math.floor((b + 1) * every) + 1;
    const nextHi = Math.min(Math.floor((b + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextLo; i < nextHi; i++) {
      avgX += xs[i];
      avgY += ys[i];
    }
    const span = Math.max(nextHi - nextLo, 1);
    avgX /= span;
    avgY /= span;
    const lo = Math.floor(b * every) + 1;
    const hi = Math.floor((b + 1) * every) + 1;
    let best = lo;
    let bestArea = -1;
    for (let i = lo; i < hi; i++) {
      const area = Math.abs((xs[a] - avgX) * (ys[i] - ys[a]) - (xs[a] - xs[i]) * (avgY - ys[a]));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(n - 1);
  return kept;
}
