// The tick loop both collector hosts use (electron/collector/tick-loop.ts), on a manual clock: fixed
// cadence, a slow tick delays the next one (never two at once, no pile-up), a failing tick does not
// stop the loop, stop() waits for the tick in flight and nothing runs after it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTickLoop, type LoopTimers } from '../../../../electron/collector/tick-loop';

class ManualClock implements LoopTimers {
  t = 0;
  private seq = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** moves time forward, firing due timers in order, letting promises settle between them */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
    await new Promise((r) => setImmediate(r));
  }
}

describe('startTickLoop', () => {
  it('ticks at a fixed cadence: at 0, 1000, 2000 … when ticks are quick', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const loop = startTickLoop({ periodMs: 1000, timers: clock, tick: async () => void starts.push(clock.now()) });
    await clock.advance(3500);
    assert.deepEqual(starts, [0, 1000, 2000, 3000]);
    await loop.stop();
    await clock.advance(5000);
    assert.equal(starts.length, 4, 'nothing after stop');
  });

  it('a slow tick delays the next one (no overlap, no burst to catch up), then the cadence resumes', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    let running = 0;
    let maxRunning = 0;
    let release: (() => void) | null = null;
    const loop = startTickLoop({
      periodMs: 1000,
      timers: clock,
      tick: async () => {
        starts.push(clock.now());
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (starts.length === 2) await new Promise<void>((r) => (release = r)); // the second tick hangs
        running--;
      },
    });
    await clock.advance(4000); // ticks at 0 and 1000; the one at 1000 is still running at 4000
    assert.deepEqual(starts, [0, 1000]);
    clock.t = 4200;
    release!();
    await clock.advance(0); // it finishes at 4200: the next is due at once (overdue), then every 1000
    await clock.advance(2000);
    assert.deepEqual(starts, [0, 1000, 4200, 5200, 6200]);
    assert.equal(maxRunning, 1);
    await loop.stop();
  });

  it('a failing tick does not stop the loop', async () => {
    const clock = new ManualClock();
    let n = 0;
    const loop = startTickLoop({
      periodMs: 100,
      timers: clock,
      tick: async () => {
        n++;
        if (n % 2 === 1) throw new Error('collector failed');
      },
    });
    await clock.advance(450);
    assert.equal(n, 5);
    await loop.stop();
  });

  it('stop() resolves only once the tick in flight has finished; firstAfterMs delays the first tick', async () => {
    const clock = new ManualClock();
    let finish: (() => void) | null = null;
    let started = 0;
    const loop = startTickLoop({
      periodMs: 1000,
      firstAfterMs: 1000,
      timers: clock,
      tick: () => {
        started++;
        return new Promise<void>((r) => (finish = r));
      },
    });
    await clock.advance(999);
    assert.equal(started, 0);
    await clock.advance(1);
    assert.equal(started, 1);
    let stopped = false;
    const s = loop.stop().then(() => (stopped = true));
    await clock.advance(10);
    assert.equal(stopped, false, 'still waiting for the tick in flight');
    finish!();
    await s;
    assert.equal(stopped, true);
    await clock.advance(5000);
    assert.equal(started, 1);
  });
});
