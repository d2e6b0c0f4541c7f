// The overlay's time axis in jsdom: every tick label sits where the time scale puts it (shift +
// own x), and as the window slides by a second the labels that stay on screen keep their own
// attributes — only the axis group's shift changes (renderer/charts/FastSeries.tsx, "The renderer"
// in docs/performance.md).
import './renderer-dom';
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, render } from '@testing-library/react';
import { FastSeries, type PlotBox } from '../../../renderer/charts/FastSeries';

const PLOT: PlotBox = { x: 56, y: 8, width: 1200, height: 240 };
const T0 = 1_763_700_000_000;

function draw(x0: number, x1: number) {
  // a tick every 10 s across the window, as timeTicks would give
  const ticks: number[] = [];
  for (let t = Math.ceil(x0 / 10_000) * 10_000; t <= x1; t += 10_000) ticks.push(t);
  return (
    <FastSeries
      width={1300}
      height={280}
      plot={PLOT}
      xDomain={[x0, x1]}
      yDomain={[0, 100]}
      times={[x0, x1]}
      items={[{ key: 'TIME_WAIT', color: '#000', values: [10, 20] }]}
      stacked={false}
      xTicks={ticks}
      xTickFormat={(t) => `t${t}`}
      markers={[]}
    />
  );
}

/** Each visible tick: its label, its on-screen x (the group's shift plus its own x), its own x. */
function ticks(container: HTMLElement) {
  const axis = container.querySelector('g.fast-x-axis')!;
  const m = /translate\((-?[\d.]+)[ ,]+(-?[\d.]+)\)/.exec(axis.getAttribute('transform') ?? 'translate(0 0)');
  assert.ok(m, `the axis has a translate transform, got ${axis.getAttribute('transform')}`);
  const shift = Number(m[1]);
  return [...axis.querySelectorAll('g > text')].map((el) => {
    const own = Number(el.getAttribute('x'));
    const line = el.parentElement!.querySelector('line')!;
    assert.equal(Number(line.getAttribute('x1')), own, 'the tick mark is under its label');
    return { label: el.textContent!, screenX: shift + own, ownX: el.getAttribute('x') };
  });
}

describe('FastSeries time axis (jsdom)', () => {
  afterEach(() => cleanup());

  it('puts each tick at plot.x + (t − from) × width / span, at many window positions', () => {
    const span = 60_000;
    // positions straddling the anchor's period boundary (8 spans) too
    for (const from of [T0, T0 + 1000, T0 + 7 * span + 59_000, T0 + 8 * span, T0 + 8 * span + 1, T0 + 123_457]) {
      const { container, unmount } = render(draw(from, from + span));
      const seen = ticks(container);
      const expected: string[] = [];
      for (let t = Math.ceil(from / 10_000) * 10_000; t <= from + span; t += 10_000) expected.push(`t${t}`);
      assert.deepEqual(seen.map((s) => s.label), expected, `labels at from=${from}`);
      for (const s of seen) {
        const t = Number(s.label.slice(1));
        const want = PLOT.x + ((t - from) * PLOT.width) / span;
        assert.ok(Math.abs(s.screenX - want) < 0.06, `tick ${s.label} at ${s.screenX}, expected ${want} (from=${from})`);
      }
      unmount();
    }
  });

  it('a one-second slide leaves the ticks still on screen untouched; only the shift moves', () => {
    const span = 60_000;
    const from = T0 + 3000;
    const { container, rerender } = render(draw(from, from + span));
    const before = new Map(ticks(container).map((s) => [s.label, s]));
    const axis = container.querySelector('g.fast-x-axis')!;
    const shiftBefore = axis.getAttribute('transform');
    rerender(draw(from + 1000, from + 1000 + span));
    const after = ticks(container);
    assert.notEqual(axis.getAttribute('transform'), shiftBefore, 'the axis moved');
    let kept = 0;
    for (const s of after) {
      const b = before.get(s.label);
      if (!b) continue;
      kept++;
      assert.equal(s.ownX, b.ownX, `tick ${s.label} kept its own x`);
      assert.ok(Math.abs(b.screenX - s.screenX - PLOT.width / 60) < 0.06, `tick ${s.label} moved left by one second's width`);
    }
    assert.ok(kept >= 5, `most ticks stayed on screen (${kept})`);
  });
});
