// History on disk with real SQLite files in a temp folder: 50 simulated hours written on a fast clock,
// restart, queries across both tiers checked against the generator (not against the code under test);
// rollups keep every second's minimum and maximum; markers survive; damaged, foreign and newer files;
// a second instance reads while another writes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sqlite3 from 'sqlite3';
import { HISTORY_FILE, openHistoryDb } from '../../../../electron/history/history-db';
import { PersistentHistory } from '../../../../electron/history/persistent-history';
import { ROLLUP_MS, SAMPLE_RETENTION_MS } from '../../../../electron/history/schema';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0); // simulated start
const HOURS = 50;
const N = HOURS * 3600;
const END = T0 + (N - 1) * 1000;

/** The generator: TIME_WAIT at second i (a slow wave plus planted spikes and dips). */
function timeWaitAt(i: number): number {
  if (SPIKES.has(i)) return SPIKES.get(i)!;
  return 1000 + (i % 600);
}
/** Planted extremes: one 49 h before the end (only the rollups keep it), one 30 h before, one dip. */
const SPIKES = new Map<number, number>([
  [N - 1 - 49 * 3600, 777_777],
  [N - 1 - 30 * 3600, 555_555],
  [N - 1 - 10 * 3600 + 17, 0],
]);
const estAt = (i: number) => 50 + (i % 7);

function push(h: PersistentHistory, i: number): void {
  h.pushSample(T0 + i * 1000, { TIME_WAIT: timeWaitAt(i), ESTABLISHED: estAt(i) }, { timeWaitArrivals: (i % 10) / 2 });
}

describe('history on disk (real SQLite files)', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wl-history-'));
    // a small memory ring, so queries older than 10 min reach the file
    const h = await PersistentHistory.open({ dir, capacity: 600, flushIntervalMs: 3_600_000 });
    assert.equal(h.storage.mode, 'disk', String(h.storage.message));
    for (let i = 0; i < N; i++) {
      push(h, i);
      if (i % 3600 === 3599) await h.flush();
    }
    h.addMarker(END - 5 * HOUR, 'tcp_tw_reuse=1');
    h.addMarker(END - 70 * HOUR, 'before the file began');
    await h.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('after a restart, the last hour comes from the 1 s tier with every bucket’s exact min and max', async () => {
    const h = await PersistentHistory.open({ dir, capacity: 600 });
    try {
      assert.equal(h.memory.size, 0, 'a new run starts with empty memory: everything below comes from the file');
      const from = END - HOUR + 1000;
      const r = await h.query({ fromMs: from, toMs: END, maxPoints: 200 });
      assert.ok(r.times.length > 100 && r.times.length <= 200, `points: ${r.times.length}`);
      assert.equal(r.times[r.times.length - 1], END, 'the newest second is there');
      // every extreme of the generator inside the range appears, and nothing outside it
      let min = Infinity;
      let max = -Infinity;
      for (let t = from; t <= END; t += 1000) {
        const v = timeWaitAt((t - T0) / 1000);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assert.equal(Math.min(...r.states.TIME_WAIT), min);
      assert.equal(Math.max(...r.states.TIME_WAIT), max);
      assert.equal(r.storage?.mode, 'disk');
      // a 2-minute range at full resolution: values equal the generator second by second
      const r2 = await h.query({ fromMs: END - 119_000, toMs: END, maxPoints: 4000 });
      assert.equal(r2.times.length, 120);
      r2.times.forEach((t, k) => assert.equal(r2.states.TIME_WAIT[k], timeWaitAt((t - T0) / 1000), `at ${t}`));
      r2.times.forEach((t, k) => assert.equal(r2.states.ESTABLISHED[k], estAt((t - T0) / 1000)));
    } finally {
      await h.close();
    }
  });

  test('the 1 s tier holds exactly 48 h; older seconds live on in minute rollups that keep their spikes', async () => {
    const { db } = await openHistoryDb(dir);
    assert.ok(db);
    try {
      const oldestSample = await db.oldestSampleMs();
      assert.ok(oldestSample !== null);
      assert.ok(oldestSample >= END - SAMPLE_RETENTION_MS, 'nothing older than 48 h in the 1 s tier');
      assert.ok(oldestSample <= END - SAMPLE_RETENTION_MS + 3600_000, 'pruned continuously, not in one go at the end');
      assert.equal(await db.oldestMs(), Math.floor(T0 / ROLLUP_MS) * ROLLUP_MS, 'the rollups reach back to the start');
      // the whole file at 1,000 points: from the rollups, with the spike that only they still hold
      const all = await db.query(T0, END, 1000);
      assert.equal(all.tier, 'rollup_1m');
      const tw = all.series[5]; // TIME_WAIT column
      assert.equal(Math.max(...tw), 777_777);
      assert.equal(Math.min(...tw), 0, 'the one-second dip survives');
      // one rollup row against the generator
      const spikeMinute = Math.floor((T0 + (N - 1 - 49 * 3600) * 1000) / ROLLUP_MS) * ROLLUP_MS;
      const rows = [];
      for await (const page of db.rows('rollup_1m', spikeMinute, spikeMinute)) rows.push(...page);
      assert.equal(rows.length, 1);
      const secs = Array.from({ length: 60 }, (_, k) => (spikeMinute - T0) / 1000 + k);
      assert.equal(rows[0].n, 60);
      assert.equal(rows[0].st_time_wait_max, Math.max(...secs.map(timeWaitAt)));
      assert.equal(rows[0].st_time_wait_min, Math.min(...secs.map(timeWaitAt)));
      assert.ok(Math.abs((rows[0].st_time_wait_avg as number) - secs.map(timeWaitAt).reduce((a, b) => a + b) / 60) < 1e-6);
      assert.equal(rows[0].st_established_max, Math.max(...secs.map(estAt)));
      // hour rollups (buckets of an hour or more): the same extremes, and a weighted mean
      const coarse = await db.query(T0, END, 40);
      assert.equal(coarse.tier, 'rollup_1h');
      assert.equal(Math.max(...coarse.series[5]), 777_777);
      assert.equal(Math.min(...coarse.series[5]), 0);
      const hourStart = T0 + 30 * HOUR; // T0 is on the hour
      const hours = [];
      for await (const page of db.rows('rollup_1h', hourStart, hourStart)) hours.push(...page);
      const hs = Array.from({ length: 3600 }, (_, k) => timeWaitAt(30 * 3600 + k));
      assert.equal(hours[0].n, 3600);
      assert.equal(hours[0].st_time_wait_max, Math.max(...hs));
      assert.equal(hours[0].st_time_wait_min, Math.min(...hs));
      assert.ok(Math.abs((hours[0].st_time_wait_avg as number) - hs.reduce((a, b) => a + b) / 3600) < 1e-6);
    } finally {
      await db.close();
    }
  });

  test('a range across both tiers joins them in time order and keeps the markers', async () => {
    const h = await PersistentHistory.open({ dir, capacity: 600 });
    try {
      const r = await h.query({ fromMs: END - 49.5 * HOUR, toMs: END, maxPoints: 1000 });
      for (let k = 1; k < r.times.length; k++) assert.ok(r.times[k] >= r.times[k - 1], 'times ascend');
      assert.ok(r.times.length <= 1000);
      assert.equal(Math.max(...r.states.TIME_WAIT), 777_777);
      assert.deepEqual(
        r.markers.map((m) => m.label),
        ['tcp_tw_reuse=1'],
        'the marker inside the range, once; the one outside is not',
      );
      assert.equal(r.oldestMs, Math.floor(T0 / ROLLUP_MS) * ROLLUP_MS);
    } finally {
      await h.close();
    }
  });

  test('a second instance reads the file read-only while another process writes it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'history-writer-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('WRITING') && resolve());
        child.on('exit', (c) => reject(new Error(`writer exited ${c}`)));
      });
      const h = await PersistentHistory.open({ dir, capacity: 600 });
      try {
        assert.equal(h.storage.mode, 'read-only');
        assert.match(String(h.storage.message), new RegExp(`pid ${child.pid}`));
        // its own samples stay in memory; the file is not touched by it
        h.pushSample(END + 500_000, { TIME_WAIT: 1 }, {});
        await h.flush();
        await new Promise((r) => setTimeout(r, 2500));
        const r = await h.query({ fromMs: END - 60_000, toMs: END + 10 * HOUR, maxPoints: 4000 });
        assert.ok(r.times.some((t) => t > END && t < END + 500_000), 'the writer’s samples are readable');
        assert.ok(r.times.includes(END + 500_000), 'its own sample is in the answer (from memory)');
      } finally {
        await h.close();
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    // the writer is gone: the next instance records again
    const h2 = await PersistentHistory.open({ dir, capacity: 600 });
    assert.equal(h2.storage.mode, 'disk');
    await h2.close();
  });
});

describe('history files that cannot be used', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'wl-history-bad-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function expectMovedAside(dir: string, why: RegExp) {
    const h = await PersistentHistory.open({ dir });
    try {
      assert.equal(h.storage.mode, 'disk', 'a fresh file is started');
      assert.match(String(h.storage.message), why);
      assert.match(String(h.storage.message), /moved to .*history\.sqlite\.damaged-/);
      const aside = readdirSync(dir).filter((f) => f.startsWith(`${HISTORY_FILE}.damaged-`) && !f.endsWith('-wal'));
      assert.equal(aside.length, 1);
      h.pushSample(Date.now(), { TIME_WAIT: 3 }, {});
      await h.flush();
      const r = await h.query({ fromMs: 0, toMs: Date.now() + 1000, maxPoints: 10 });
      assert.deepEqual(r.states.TIME_WAIT, [3]);
    } finally {
      await h.close();
    }
  }

  test('random bytes: moved aside with the reason, a fresh file started', async () => {
    const dir = fresh();
    writeFileSync(join(dir, HISTORY_FILE), Buffer.alloc(8192, 0x5a));
    await expectMovedAside(dir, /unusable \(.*(not a database|NOTADB)/i);
  });

  test('a SQLite file of another program: moved aside', async () => {
    const dir = fresh();
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(join(dir, HISTORY_FILE));
      db.exec('CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (1);', (e) => (e ? reject(e) : db.close(() => resolve())));
    });
    await expectMovedAside(dir, /not a Waitline history file/);
  });

  test('a damaged page in a real history file: SQLite’s check fails, moved aside', async () => {
    const dir = fresh();
    const h = await PersistentHistory.open({ dir });
    for (let i = 0; i < 20_000; i++) h.pushSample(T0 + i * 1000, { TIME_WAIT: i }, {});
    await h.close();
    const { openSync, writeSync, closeSync, statSync } = await import('node:fs');
    const f = join(dir, HISTORY_FILE);
    const fd = openSync(f, 'r+');
    // overwrite the middle of the file (b-tree pages), leaving the header intact
    writeSync(fd, Buffer.alloc(4096 * 4, 0xff), 0, 4096 * 4, Math.floor(statSync(f).size / 2 / 4096) * 4096);
    closeSync(fd);
    await expectMovedAside(dir, /check failed|malformed|CORRUPT/i);
  });

  test('a file from a newer Waitline is left untouched; history stays in memory', async () => {
    const dir = fresh();
    const h = await PersistentHistory.open({ dir });
    await h.close();
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(join(dir, HISTORY_FILE));
      db.exec('PRAGMA user_version = 99', (e) => (e ? reject(e) : db.close(() => resolve())));
    });
    const h2 = await PersistentHistory.open({ dir });
    try {
      assert.equal(h2.storage.mode, 'memory');
      assert.match(String(h2.storage.message), /newer Waitline.*left untouched/);
      assert.equal(readdirSync(dir).filter((f) => f.includes('damaged')).length, 0);
    } finally {
      await h2.close();
    }
    assert.ok(existsSync(join(dir, HISTORY_FILE)));
  });

  test('a folder that cannot be created: memory only, saying why', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), 'x');
    const h = await PersistentHistory.open({ dir: join(dir, 'file', 'sub') });
    assert.equal(h.storage.mode, 'memory');
    assert.match(String(h.storage.message), /cannot create .*ENOTDIR/);
    h.pushSample(1000, { TIME_WAIT: 2 }, {});
    const r = await h.query({ fromMs: 0, toMs: 2000, maxPoints: 10 });
    assert.deepEqual(r.states.TIME_WAIT, [2]);
    await h.close();
  });
});
