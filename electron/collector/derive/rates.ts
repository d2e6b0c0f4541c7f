// Rates are pure functions of the previous totals and the elapsed time. A counter that went
// backwards (namespace recreated, module reload, 32-bit wrap) yields 0 for that interval, never a
// negative rate.

export function counterRate(prev: number | undefined, cur: number | undefined, elapsedMs: number): number | undefined {
  if (prev === undefined || cur === undefined) return undefined;
  if (!(elapsedMs > 0)) return 0;
  const delta = cur - prev;
  return delta > 0 ? (delta * 1000) / elapsedMs : 0;
}

export function counterRates<K extends string>(
  prev: Partial<Record<K, number>>,
  cur: Partial<Record<K, number>>,
  elapsedMs: number,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of Object.keys(cur) as K[]) {
    const r = counterRate(prev[k], cur[k], elapsedMs);
    if (r !== undefined) out[k] = r;
  }
  return out;
}
