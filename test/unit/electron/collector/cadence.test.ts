// Adaptive cadence: pure interval rules, and the collector following them (fake clock, a socket
// source whose reads cost simulated time, an owner scan that costs simulated time).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cadenceWithBounds, DEFAULT_CADENCE, ownersIntervalMs, planTick, tableIntervalMs } from '../../../../electron/collector/cadence';
import { createCollector } from '../../../../electron/collector/index';
import { SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import type { Clock, FileReader, SocketSource, SocketTableResult } from '../../../../electron/collector/types';

describe('cadence rules', () => {
  it('spaces table reads by cost / budget, within [1 s, 5 s] while shown and [1 s, 10 s] otherwise', () => {
    assert.equal(tableIntervalMs(1, {}), 1000);
    assert.equal(tableIntervalMs(200, {}), 2000); // 10 % of a core
    assert.equal(tableIntervalMs(200, { table: true }), 1000); // 20 % while a view shows the table
    assert.equal(tableIntervalMs(600, { table: true }), 3000);
    assert.equal(tableIntervalMs(1500, {}), 10_000);
    assert.equal(tableIntervalMs(1000, { table: true }), 5000);
    // past the bounds a very costly table (the /proc fallback at 500k sockets) stays under 20 % of a core
    assert.equal(tableIntervalMs(60_000, {}), 300_000);
    assert.equal(tableIntervalMs(6000, { table: true }), 30_000);
    assert.equal(tableIntervalMs(-5, {}), 1000, 'a negative cost (clock oddity) is treated as free');
  });

  it('spaces owner scans by their own cost, much more sparingly when no view shows owners', () => {
    assert.equal(ownersIntervalMs(20, {}), 10_000);
    assert.equal(ownersIntervalMs(30, {}), 10_000);
    assert.equal(ownersIntervalMs(60, {}), 20_000); // 0.3 % of a core
    assert.equal(ownersIntervalMs(5000, {}), 60_000);
    assert.equal(ownersIntervalMs(20, { owners: true }), 2000);
    assert.equal(ownersIntervalMs(300, { owners: true }), 6000); // 5 %
    assert.equal(ownersIntervalMs(5000, { owners: true }), 10_000);
  });

  it('the collector bounds override the table interval (0/0: every tick, as the bench wants)', () => {
    const p = cadenceWithBounds(0, 0);
    assert.equal(tableIntervalMs(500, {}, p), 0);
    assert.equal(tableIntervalMs(500, { table: true }, p), 0);
    const q = cadenceWithBounds(2000, 3000);
    assert.equal(tableIntervalMs(1, {}, q), 2000);
    assert.equal(tableIntervalMs(10_000, {}, q), 3000);
    assert.equal(DEFAULT_CADENCE.tableMinMs, 1000);
  });

  it('plans the first tick to read the table and scan owners', () => {
    const plan = planTick(0, { tableAt: -Infinity, tableCostMs: 0, ownersAt: -Infinity, ownersCostMs: 0 }, {}, false);
    assert.deepEqual([plan.readTable, plan.scanOwners], [true, true]);
  });

  it('keeps one tick under its budget: a due owner scan waits for a tick without a table read', () => {
    const s = { tableAt: 0, tableCostMs: 200, ownersAt: 0, ownersCostMs: 60 };
    // both due at 20 s (table every 2 s, owners every 20 s); together 260 ms > 250 ms
    const both = planTick(20_000, s, {}, true);
    assert.equal(both.readTable, true);
    assert.equal(both.scanOwners, false);
    // next tick the table is not due (it was just read), so the owners go
    const next = planTick(21_000, { ...s, tableAt: 20_000 }, {}, true);
    assert.deepEqual([next.readTable, next.scanOwners], [false, true]);
    // cheap jobs share a tick
    const cheap = planTick(20_000, { ...s, tableCostMs: 10, ownersCostMs: 10 }, {}, true);
    assert.deepEqual([cheap.readTable, cheap.scanOwners], [true, true]);
    // owners overdue by 2× their interval are not starved by an always-due huge table
    const starving = planTick(70_000, { tableAt: 69_000, tableCostMs: 50_000, ownersAt: 0, ownersCostMs: 100 }, {}, true, cadenceWithBounds(0, 0));
    assert.deepEqual([starving.readTable, starving.scanOwners], [true, true]);
  });

  it('a due read waits while the share of a core since the last read is over the ceiling, up to 3× its interval', () => {
    // 3,000 ms read: interval 15 s (20 % ceiling)
    const s = { tableAt: 0, tableCostMs: 3000, ownersAt: 0, ownersCostMs: 1 };
    assert.equal(planTick(15_000, { ...s, cpuShareSinceTable: 0.2 }, {}, true).readTable, true, 'at the ceiling: reads');
    assert.equal(planTick(15_000, { ...s, cpuShareSinceTable: 0.21 }, {}, true).readTable, false, 'over it: waits');
    assert.equal(planTick(15_000, { ...s, cpuShareSinceTable: null }, {}, true).readTable, true, 'unknown share: the interval decides');
    assert.equal(planTick(14_000, { ...s, cpuShareSinceTable: 0.01 }, {}, true).readTable, false, 'a low share does not make a read due early');
    assert.equal(planTick(44_000, { ...s, cpuShareSinceTable: 0.9 }, {}, true).readTable, false, 'just under 3× the interval: still waits');
    assert.equal(planTick(45_000, { ...s, cpuShareSinceTable: 0.9 }, {}, true).readTable, true, '3× the interval: reads anyway');
    assert.equal(planTick(15_000, { ...s, cpuShareSinceTable: 0.9 }, {}, false).readTable, true, 'no table yet: reads');
    // the bench's bounds (0/0: every tick) have no ceiling, so no wait
    assert.equal(planTick(1000, { ...s, cpuShareSinceTable: 0.9 }, {}, true, cadenceWithBounds(0, 0)).readTable, true);
  });
});

class FakeClock implements Clock {
  t = 0;
  now = () => 1_700_000_000_000 + this.t;
  monotonic = () => this.t;
}

/** A source whose every read costs `costMs` of simulated time. */
function costlySource(clock: FakeClock, costMs: number): SocketSource & { reads: number } {
  const s = {
    name: 'procfs' as const,
    reads: 0,
    async read(): Promise<SocketTableResult> {
      s.reads++;
      clock.t += costMs;
      const b = new SocketTableBuilder(4);
      b.push({ family: 4, state: 6, localAddr: '127.0.0.1', localPort: 40000, remoteAddr: '127.0.0.1', remotePort: 80, txQueue: 0, rxQueue: 0, timer: 3, timerLeftMs: 30_000, retransmits: 0, uid: 0, inode: 0 });
      return { table: b.finish(), source: 'procfs', skipped: {}, unknownStates: 0 };
    },
  };
  return s;
}

/** No kernel files (those fields degrade); /proc lists no processes, and listing it costs `scanMs`. */
function emptyProc(clock: FakeClock, scanMs: number): FileReader & { scans: number } {
  const r = {
    scans: 0,
    readText: async (p: string): Promise<string> => {
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    },
    readChunks: (p: string): AsyncIterable<Uint8Array> => {
      throw new Error(`unexpected chunked read of ${p}`);
    },
    readdir: async (): Promise<string[]> => {
      r.scans++;
      clock.t += scanMs;
      return [];
    },
    readlink: async (p: string): Promise<string> => {
      throw new Error(`unexpected readlink ${p}`);
    },
  };
  return r;
}

/** CPU the simulated process uses besides a read's own: `afterReadMs` over the tick after each read
 *  (its garbage collected later), `perTickMs` at every tick (other work in the process). */
interface ExtraCpu {
  afterReadMs?: number;
  perTickMs?: number;
}

async function run(ticks: number, costMs: number, scanMs: number, demand: { table?: boolean; owners?: boolean }, cpuPerReadMs?: number, extra: ExtraCpu = {}) {
  const clock = new FakeClock();
  const source = costlySource(clock, costMs);
  const reader = emptyProc(clock, scanMs);
  // CPU used by the process: grows by cpuPerReadMs over each table read (other threads' work)
  let cpu = 0;
  let readLastTick = false;
  const wrapped = cpuPerReadMs === undefined ? source : { ...source, read: async () => ((cpu += cpuPerReadMs), (readLastTick = true), source.read()) };
  const c = createCollector({ clock, reader, socketSource: wrapped as typeof source, ...(cpuPerReadMs === undefined ? {} : { cpuMs: () => cpu }) });
  c.setDemand(demand);
  const tableTicks: number[] = [];
  for (let k = 0; k < ticks; k++) {
    clock.t = k * 1000; // 1 Hz
    cpu += extra.perTickMs ?? 0;
    if (readLastTick) cpu += extra.afterReadMs ?? 0;
    readLastTick = false;
    const s = await c.tick();
    if (s.health.tableRead) tableTicks.push(k);
  }
  return { reads: source.reads, scans: reader.scans, tableTicks };
}

describe('collector cadence (simulated time)', () => {
  it('reads a cheap table every tick', async () => {
    const r = await run(10, 5, 1, {});
    assert.equal(r.reads, 10);
  });

  it('reads a 400 ms table every 4 s when no view shows it, every 2 s when one does', async () => {
    const idle = await run(20, 400, 1, {});
    assert.deepEqual(idle.tableTicks, [0, 4, 8, 12, 16]);
    const shown = await run(20, 400, 1, { table: true });
    assert.deepEqual(shown.tableTicks, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('a read whose CPU exceeds its wall time (files read on other threads) is spaced by its CPU', async () => {
    // 400 ms of wall time but 1,000 ms of CPU: every 10 s (1,000 / 10 %), not every 4 s
    const r = await run(25, 400, 1, {}, 1000);
    assert.deepEqual(r.tableTicks, [0, 10, 20]);
    // 3,000 ms of CPU: past the 10 s bound, the 20 % ceiling spaces it 15 s apart
    const big = await run(35, 400, 1, {}, 3000);
    assert.deepEqual(big.tableTicks, [0, 15, 30]);
    // no CPU beyond the wall time: the wall time decides, as before
    assert.deepEqual((await run(20, 400, 1, {}, 0)).tableTicks, [0, 4, 8, 12, 16]);
  });

  it('a read that leaves CPU behind (its garbage collected later) waits until the share since it is back under 20 %', async () => {
    // 2,000 ms of CPU during the read → due every 20 s at the 10 % idle budget? No: past the 10 s
    // bound the 20 % ceiling gives 10 s. But 1,000 ms more follow it: 3,000 ms per cycle need 15 s.
    const r = await run(50, 400, 1, {}, 2000, { afterReadMs: 1000 });
    assert.deepEqual(r.tableTicks, [0, 15, 30, 45]);
    // without the aftermath the interval rule alone decides
    assert.deepEqual((await run(50, 400, 1, {}, 2000)).tableTicks, [0, 10, 20, 30, 40]);
    // 1,000 ms after a 1,000 ms read: 2,000 ms per cycle → 10 s, the idle bound: no wait
    assert.deepEqual((await run(25, 400, 1, {}, 1000, { afterReadMs: 1000 })).tableTicks, [0, 10, 20]);
  });

  it('other work in the process delays a due read by at most 3× its interval', async () => {
    // 300 ms per tick of other work (30 % of a core, over the ceiling for good): a read due every
    // 10 s waits, but never past 30 s
    const r = await run(70, 400, 1, {}, 1000, { perTickMs: 300 });
    assert.deepEqual(r.tableTicks, [0, 30, 60]);
    // 100 ms per tick (10 %) plus the read's 1,000 ms: under 20 % at the 10 s mark — no wait
    assert.deepEqual((await run(25, 400, 1, {}, 1000, { perTickMs: 100 })).tableTicks, [0, 10, 20]);
  });

  it('scans owners every 10 s idle, every 2 s while a view needs them', async () => {
    assert.equal((await run(30, 5, 1, {})).scans, 3); // t = 0, 10, 20
    assert.equal((await run(30, 5, 1, { owners: true })).scans, 15);
  });

  it('a costly owner scan is spaced by its own cost', async () => {
    // 150 ms per scan at 0.3 % → every 50 s: two scans in a minute (t = 0, 50)
    assert.equal((await run(60, 5, 150, {})).scans, 2);
    // 400 ms → capped at 60 s: one scan in a minute
    assert.equal((await run(60, 5, 400, {})).scans, 1);
  });
});
