// The collector process supervisor: restart with exponential backoff, give up after repeated quick
// failures, hang detection, clean stop — on a manual clock (no real time passes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CollectorStatus } from '../../../../shared/api';
import { Supervisor, type SupervisedChild } from '../../../../electron/main/supervisor';
import { ManualClock } from './shell-doubles';

class FakeChild implements SupervisedChild {
  killed = 0;
  stopRequests = 0;
  private exitListeners: ((code: number) => void)[] = [];
  on(_event: 'exit', listener: (code: number) => void): this {
    this.exitListeners.push(listener);
    return this;
  }
  kill(): boolean {
    this.killed++;
    this.exit(-1);
    return true;
  }
  exit(code: number): void {
    const ls = this.exitListeners;
    this.exitListeners = [];
    for (const l of ls) l(code);
  }
}

function setup(overrides: Partial<ConstructorParameters<typeof Supervisor<FakeChild>>[0]> = {}) {
  const clock = new ManualClock();
  const children: FakeChild[] = [];
  const statuses: CollectorStatus[] = [];
  const sup = new Supervisor<FakeChild>({
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    requestStop: (c) => c.stopRequests++,
    onStatus: (s) => statuses.push(s),
    timers: clock,
    hangTimeoutMs: 0,
    ...overrides,
  });
  return { clock, children, statuses, sup, last: () => statuses[statuses.length - 1]! };
}

test('starts, becomes running on the first heartbeat', () => {
  const { sup, children, last } = setup();
  sup.start();
  assert.equal(children.length, 1);
  assert.equal(last().state, 'starting');
  sup.heartbeat();
  assert.deepEqual(last(), { state: 'running', message: null, restarts: 0, nextRestartAt: null });
  sup.start(); // idempotent while running
  assert.equal(children.length, 1);
});

test('a crashing child is restarted with exponential backoff, capped, and the reason is reported', () => {
  const { sup, children, clock, last } = setup();
  sup.start();
  const expectedDelays = [1000, 2000, 4000, 8000, 16000, 30000, 30000];
  for (let i = 0; i < expectedDelays.length; i++) {
    const delay = expectedDelays[i]!;
    const t = clock.now();
    children[children.length - 1]!.exit(1);
    const s = last();
    assert.equal(s.state, 'restarting');
    assert.equal(s.restarts, i + 1);
    assert.equal(s.nextRestartAt, t + delay, `restart ${i + 1} after ${delay} ms`);
    assert.match(s.message ?? '', new RegExp(`exited with code 1; restarting in ${delay / 1000} s \\(restart ${i + 1}\\)`));
    const before = children.length;
    clock.advance(delay - 1);
    assert.equal(children.length, before, 'not yet');
    clock.advance(1);
    assert.equal(children.length, before + 1, 'restarted exactly on time');
  }
});

test('after too many consecutive quick failures it gives up and says so', () => {
  const { sup, children, clock, last } = setup({ maxConsecutiveFailures: 3 });
  sup.start();
  children[0]!.exit(134);
  clock.advance(1000);
  children[1]!.exit(134);
  clock.advance(2000);
  children[2]!.exit(134);
  const s = last();
  assert.equal(s.state, 'failed');
  assert.equal(s.nextRestartAt, null);
  assert.match(s.message ?? '', /exited with code 134\. It failed 3 times in a row, so Waitline stopped restarting it/);
  clock.advance(3_600_000);
  assert.equal(children.length, 3, 'no restart after giving up');
  assert.equal(clock.pending, 0);
});

test('a child that ran stably before dying starts the backoff over', () => {
  const { sup, children, clock, last } = setup({ stableAfterMs: 30_000 });
  sup.start();
  children[0]!.exit(1);
  clock.advance(1000);
  children[1]!.exit(1);
  assert.equal(last().nextRestartAt, clock.now() + 2000);
  clock.advance(2000);
  sup.heartbeat();
  clock.advance(45_000); // ran 45 s: stable
  children[2]!.exit(1);
  assert.equal(last().nextRestartAt, clock.now() + 1000, 'back to the first delay');
});

test('a child that stops sending heartbeats is killed and restarted', () => {
  const { sup, children, clock, last } = setup({ hangTimeoutMs: 15_000 });
  sup.start();
  for (let i = 0; i < 10; i++) {
    clock.advance(1000);
    sup.heartbeat();
  }
  assert.equal(children[0]!.killed, 0);
  clock.advance(14_999);
  assert.equal(children[0]!.killed, 0);
  clock.advance(1);
  assert.equal(children[0]!.killed, 1);
  assert.equal(last().state, 'restarting');
  assert.match(last().message ?? '', /stopped responding \(nothing for 15 s\); restarting in 1 s/);
  clock.advance(1000);
  assert.equal(children.length, 2);
});

test('a spawn that throws counts as a failure and is retried', () => {
  let attempts = 0;
  const clock = new ManualClock();
  const statuses: CollectorStatus[] = [];
  const sup = new Supervisor<FakeChild>({
    spawn: () => {
      attempts++;
      if (attempts === 1) throw new Error('ENOENT: collector-host.cjs');
      return new FakeChild();
    },
    onStatus: (s) => statuses.push(s),
    timers: clock,
    hangTimeoutMs: 0,
  });
  sup.start();
  assert.equal(statuses.at(-1)!.state, 'restarting');
  assert.match(statuses.at(-1)!.message ?? '', /could not be started: ENOENT: collector-host.cjs/);
  clock.advance(1000);
  assert.equal(attempts, 2);
  assert.notEqual(sup.process, null);
});

test('stop asks the child to exit, does not restart it, and kills it if it does not obey', async () => {
  const { sup, children, clock } = setup({ stopTimeoutMs: 3000 });
  sup.start();
  sup.heartbeat();
  const stopped = sup.stop();
  assert.equal(children[0]!.stopRequests, 1);
  children[0]!.exit(0);
  await stopped;
  clock.advance(60_000);
  assert.equal(children.length, 1, 'no restart after stop');
  assert.equal(children[0]!.killed, 0);

  const b = setup({ stopTimeoutMs: 3000 });
  b.sup.start();
  const p = b.sup.stop();
  b.clock.advance(2999);
  assert.equal(b.children[0]!.killed, 0);
  b.clock.advance(1);
  assert.equal(b.children[0]!.killed, 1);
  await p;
  b.clock.advance(60_000);
  assert.equal(b.children.length, 1);
  assert.throws(() => b.sup.start(), /stopped/);
});

test('stop during a restart delay cancels the pending restart', async () => {
  const { sup, children, clock } = setup();
  sup.start();
  children[0]!.exit(1);
  await sup.stop();
  clock.advance(60_000);
  assert.equal(children.length, 1);
});
