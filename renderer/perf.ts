// Render-cost instrumentation with the Performance API. `measureRender(label, update)` applies a
// state update synchronously (flushSync: render + commit inside the call), then waits for the work
// it set off — effects, follow-up store updates in microtasks, scheduler tasks already queued — by
// posting to a MessageChannel, forces style + layout, and records `waitline:<label>` for the whole.
// Only the newest entry per label stays in the timeline (bounded memory); a PerformanceObserver —
// the bench — sees every one.
import { flushSync } from 'react-dom';

const HAS_PERF =
  typeof performance !== 'undefined' && typeof performance.measure === 'function' && typeof MessageChannel !== 'undefined';

let channel: MessageChannel | null = null;
const pending: (() => void)[] = [];

function afterQueuedWork(cb: () => void): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => pending.shift()?.();
    // under Node (jsdom tests) an open port would keep the process alive
    (channel.port1 as unknown as { unref?: () => void }).unref?.();
    (channel.port2 as unknown as { unref?: () => void }).unref?.();
  }
  pending.push(cb);
  channel.port2.postMessage(0);
}

export function measureRender(label: string, update: () => void): void {
  if (!HAS_PERF) {
    update();
    return;
  }
  const start = performance.now();
  flushSync(update);
  afterQueuedWork(() => {
    // reading layout forces style + layout now, so their cost is counted here, not hidden in paint
    void document.body?.offsetHeight;
    const name = `waitline:${label}`;
    performance.clearMeasures(name);
    performance.measure(name, { start, end: performance.now() });
  });
}
