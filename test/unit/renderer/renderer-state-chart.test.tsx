// The state chart in jsdom: legend items are toggle buttons that hide and show a series (its path
// disappears, aria-pressed flips, the axis rescales to what is left), and the log-scale toggle
// switches from the linear stack to per-state lines on a log axis, where a small count gets room.
import './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { StateChart, logAxis } from '../../../renderer/charts/StateChart';
import { DashboardProvider } from '../../../renderer/store/context';
import { createDashboard, type Dashboard } from '../../../renderer/store/create-dashboard';
import type { ChartData } from '../../../renderer/store/dashboard';
import { emptyStateCounts, TCP_STATES } from '../../../shared/tcp';
import { FakeApi } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const N = 60;

/** 1,500 TIME_WAIT, 58 CLOSE_WAIT and 12 ESTABLISHED, flat over one minute. */
function chartData(): ChartData {
  const times = Array.from({ length: N }, (_, i) => T0 + i * 1000);
  const level = { ...emptyStateCounts(), TIME_WAIT: 1500, CLOSE_WAIT: 58, ESTABLISHED: 12 };
  const states = Object.fromEntries(TCP_STATES.map((s) => [s, times.map(() => level[s])])) as ChartData['states'];
  return { times, states, rates: {} as ChartData['rates'], markers: [], fromMs: T0, toMs: T0 + (N - 1) * 1000 };
}

async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

/** Points of an SVG path "M x,y L x,y …". */
function points(d: string | null): [number, number][] {
  return [...(d ?? '').matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

function overlay(container: HTMLElement) {
  const svg = container.querySelector('svg.fast-series');
  assert.ok(svg, 'the overlay is drawn');
  const clip = svg.querySelector('clipPath rect')!;
  const top = Number(clip.getAttribute('y')) + 2;
  const height = Number(clip.getAttribute('height')) - 4;
  const bottom = top + height;
  const series = (key: string) => svg.querySelector(`g[data-series="${key}"]`);
  /** height of a series' line above the x axis at the last point, as a fraction of the plot */
  const level = (key: string) => {
    const p = points(series(key)!.querySelector('path.fast-line')!.getAttribute('d'));
    return (bottom - p[p.length - 1]![1]) / height;
  };
  /** vertical thickness of a stacked band at the last point, as a fraction of the plot */
  const band = (key: string) => {
    const p = points(series(key)!.querySelector('path.fast-area')!.getAttribute('d'));
    const topY = p[N - 1]![1];
    const baseY = p[N]![1]; // the way back starts at the last point's base
    return (baseY - topY) / height;
  };
  return { series, level, band, hasArea: (key: string) => !!series(key)?.querySelector('path.fast-area') };
}

/** this test's dashboard instance (over an in-memory API) */
let dash: Dashboard;

function renderChart() {
  return render(
    <DashboardProvider dashboard={dash}>
      <StateChart />
    </DashboardProvider>,
  );
}

describe('StateChart (jsdom)', () => {
  beforeEach(() => {
    dash = createDashboard(new FakeApi());
    dash.dashboard.store.setState({ chart: chartData() });
  });
  afterEach(() => cleanup());

  it('clicking a legend item hides its series and the axis rescales; clicking again shows it', async () => {
    const { container } = renderChart();
    await flush();
    const tw = screen.getByRole('button', { name: 'TIME_WAIT' });
    assert.equal(tw.getAttribute('aria-pressed'), 'true');
    assert.ok(overlay(container).series('TIME_WAIT'));
    // linear stack: 58 on top of 1,500 in a 0–2,000 axis is a sliver
    assert.ok(overlay(container).band('CLOSE_WAIT') < 0.035, `CLOSE_WAIT band ${overlay(container).band('CLOSE_WAIT')}`);

    fireEvent.click(tw);
    await flush();
    assert.equal(screen.getByRole('button', { name: 'TIME_WAIT' }).getAttribute('aria-pressed'), 'false');
    assert.equal(overlay(container).series('TIME_WAIT'), null, 'the TIME_WAIT path is gone');
    // what is left fills the axis: CLOSE_WAIT 58 at the bottom, ESTABLISHED 12 on it, on a 0–80 axis
    assert.ok(Math.abs(overlay(container).level('CLOSE_WAIT') - 58 / 80) < 0.01, `CLOSE_WAIT top ${overlay(container).level('CLOSE_WAIT')}`);
    assert.ok(Math.abs(overlay(container).level('ESTABLISHED') - 70 / 80) < 0.01, `ESTABLISHED top ${overlay(container).level('ESTABLISHED')}`);
    assert.ok(overlay(container).band('CLOSE_WAIT') > 0.7);

    fireEvent.click(screen.getByRole('button', { name: 'TIME_WAIT' }));
    await flush();
    assert.equal(screen.getByRole('button', { name: 'TIME_WAIT' }).getAttribute('aria-pressed'), 'true');
    assert.ok(overlay(container).series('TIME_WAIT'));
  });

  it('legend items are keyboard-reachable buttons, one per state present, plus the scale toggle', async () => {
    renderChart();
    await flush();
    const group = screen.getByRole('group', { name: /Legend/ });
    const names = [...group.querySelectorAll('button')].map((b) => b.textContent);
    assert.deepEqual(names, ['TIME_WAIT', 'CLOSE_WAIT', 'ESTABLISHED', 'log scale']);
    for (const b of group.querySelectorAll('button')) {
      assert.equal(b.getAttribute('type'), 'button');
      assert.ok(b.hasAttribute('aria-pressed'));
    }
  });

  it('the log toggle draws one line per state on a log axis: a small count sits far higher than in the stack', async () => {
    const { container } = renderChart();
    await flush();
    const linearClose = overlay(container).level('CLOSE_WAIT'); // top of its band, on TIME_WAIT
    const linearEstabBand = overlay(container).band('ESTABLISHED');
    assert.ok(overlay(container).hasArea('TIME_WAIT'), 'stacked areas in linear mode');
    const toggle = screen.getByRole('button', { name: 'log scale' });
    assert.equal(toggle.getAttribute('aria-pressed'), 'false');

    fireEvent.click(toggle);
    await flush();
    assert.equal(screen.getByRole('button', { name: 'log scale' }).getAttribute('aria-pressed'), 'true');
    const o = overlay(container);
    assert.equal(o.hasArea('TIME_WAIT'), false, 'lines, not a stack');
    // symlog axis 0–10,000: a value v sits at log(1+v)/log(1+10,000) of the height
    const at = (v: number) => Math.log1p(v) / Math.log1p(10_000);
    assert.ok(Math.abs(o.level('TIME_WAIT') - at(1500)) < 0.01, `TIME_WAIT at ${o.level('TIME_WAIT')}`);
    assert.ok(Math.abs(o.level('CLOSE_WAIT') - at(58)) < 0.01, `CLOSE_WAIT at ${o.level('CLOSE_WAIT')}`);
    assert.ok(Math.abs(o.level('ESTABLISHED') - at(12)) < 0.01, `ESTABLISHED at ${o.level('ESTABLISHED')}`);
    // 12 ESTABLISHED: a 0.6 % band in the stack, more than a quarter of the height on the log axis
    assert.ok(linearEstabBand < 0.01 && o.level('ESTABLISHED') > 0.25);
    // CLOSE_WAIT is now on its own line, not on top of TIME_WAIT, and well above the axis
    assert.ok(o.level('CLOSE_WAIT') < linearClose && o.level('CLOSE_WAIT') > 0.4);
    // while hovering, recharts' own items take over (on the symlog axis) without failing
    fireEvent.mouseEnter(screen.getByTestId('state-chart'));
    await flush();
    assert.equal(container.querySelector('svg.fast-series'), null, 'recharts takes over while hovering');
    assert.equal(container.querySelectorAll('.recharts-area').length, 3);
    fireEvent.mouseLeave(screen.getByTestId('state-chart'));
    await flush();
    // hiding still works on the log axis, and the toggle goes back to the stack
    fireEvent.click(screen.getByRole('button', { name: 'CLOSE_WAIT' }));
    await flush();
    assert.equal(overlay(container).series('CLOSE_WAIT'), null);
    fireEvent.click(screen.getByRole('button', { name: 'log scale' }));
    await flush();
    assert.ok(overlay(container).hasArea('TIME_WAIT'));
  });

  it('logAxis: 0 and powers of ten up to the next power of ten, at least 10', () => {
    assert.deepEqual(logAxis(1500), { domain: [0, 10_000], ticks: [0, 1, 10, 100, 1000, 10_000] });
    assert.deepEqual(logAxis(1000), { domain: [0, 1000], ticks: [0, 1, 10, 100, 1000] });
    assert.deepEqual(logAxis(0), { domain: [0, 10], ticks: [0, 1, 10] });
    assert.deepEqual(logAxis(3), { domain: [0, 10], ticks: [0, 1, 10] });
  });
});
