// Main-process cost of the desktop shell per tick, measured under plain Node:
//   node --expose-gc --import tsx electron/bench/bench-shell.ts
// - bytes main receives per tick (the history sample) versus the full snapshot the renderer gets
//   straight from the collector process over its MessagePort (v8 structured-clone serialization, as
//   Electron's postMessage uses, and JSON);
// - HistoryService.pushSample per tick, and memory for 24 h at 1 s;
// - getHistory over 24 h downsampled to 1000 points (what a chart asks for), through validation.
// Reads /proc for one real snapshot (read-only); changes nothing.
import { serialize } from 'node:v8';
import { HistoryStore } from '../../shared/history';
import { createCollector } from '../collector';
import { historySampleOf } from '../ipc/collector-protocol';
import { HistoryService } from '../main/history-service';
import { validateHistoryQuery } from '../ipc/validate';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// tsx runs this file as CommonJS (the package is not "type": "module"): no top-level await
async function main(): Promise<void> {
  const collector = createCollector({ socketSource: 'auto' });
  await collector.tick();
  await new Promise((r) => setTimeout(r, 1100));
  const snapshot = await collector.tick();
  const sample = historySampleOf(snapshot);

  const fullV8 = serialize(snapshot).length;
  const fullJson = JSON.stringify(snapshot).length;
  const sampleV8 = serialize(sample).length;
  const sampleJson = JSON.stringify(sample).length;
  // the whole message main gets per tick: the sample and the tick's port budgets (for exports)
  const messageV8 = serialize({ type: 'sample', sample, budgets: snapshot.portBudgets }).length;

  const DAY = 86_400;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.warn('(run with node --expose-gc for the memory figure)');
  gc?.();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const history = new HistoryService(new HistoryStore(DAY));
  const t0 = Date.now() - DAY * 1000;
  const pushStart = performance.now();
  for (let i = 0; i < DAY; i++) {
    const s = { ...sample, time: t0 + i * 1000, seq: i, states: { ...sample.states, TIME_WAIT: 1000 + ((i * 7919) % 5000) } };
    history.pushSample(s);
  }
  const pushUs = ((performance.now() - pushStart) * 1000) / DAY;
  gc?.();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

  const queryMs: number[] = [];
  for (let i = 0; i < 21; i++) {
    const q0 = performance.now();
    const [q] = validateHistoryQuery([{ fromMs: t0, toMs: t0 + DAY * 1000, maxPoints: 1000 }]);
    const r = await history.query(q);
    queryMs.push(performance.now() - q0);
    if (r.times.length > 1000) throw new Error('downsampling exceeded maxPoints');
  }
  const resultBytes = serialize(await history.query({ fromMs: t0, toMs: t0 + DAY * 1000, maxPoints: 1000 })).length;

  const result = {
    snapshot_bytes_v8: fullV8,
    snapshot_bytes_json: fullJson,
    main_sample_bytes_v8: sampleV8,
    main_sample_bytes_json: sampleJson,
    main_message_bytes_v8: messageV8,
    push_sample_us: Number(pushUs.toFixed(2)),
    history_24h_mb: Number(((after - before) / 1e6).toFixed(1)),
    get_history_24h_1000pts_ms_median: Number(median(queryMs).toFixed(2)),
    get_history_result_bytes_v8: resultBytes,
    sockets_on_this_host: snapshot.totalSockets,
  };
  console.log(
    [
      `full snapshot (renderer, via MessagePort): ${fullV8} B structured clone, ${fullJson} B JSON (${snapshot.totalSockets} sockets here)`,
      `history sample (main, per tick):          ${sampleV8} B structured clone, ${sampleJson} B JSON; with the port budgets (${snapshot.portBudgets.length}) ${messageV8} B`,
      `main per tick: pushSample ${pushUs.toFixed(2)} µs (mean over ${DAY} ticks)`,
      `history memory, 24 h at 1 s: ${result.history_24h_mb} MB`,
      `getHistory 24 h → ≤1000 points incl. validation: ${result.get_history_24h_1000pts_ms_median} ms median of 21; result ${resultBytes} B`,
    ].join('\n'),
  );
  console.log(JSON.stringify(result));
}

void main();
