// The child half of history-faults.test.ts. It runs inside a private mount namespace where the parent's
// `unshare … sh -c` has already mounted the fault (a tiny tmpfs, or a read-only bind mount) over the
// folder given on the command line, drives the real PersistentHistory there and prints one JSON line of
// observations per step. It asserts nothing itself: the test compares what it prints with what it was
// asked to push. An exception or unhandled rejection ends it with a non-zero code, which the test sees.
//
// Usage: node --import tsx history-faults-child.ts full|ro-existing|ro-empty DIR JSON
//   JSON: { t0, base, step, oldFrom?, oldTo? }: the i-th sample pushed is at t0 + i s with TIME_WAIT
//   base + i * step (the test owns that formula); oldFrom/oldTo: the range of a history already there.
import { closeSync, openSync, statfsSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { HISTORY_FILE } from '../../electron/history/history-db';
import { PersistentHistory } from '../../electron/history/persistent-history';
import type { HistoryResult, HistoryStorage } from '../../shared/api';
import { msgText } from '../../shared/i18n';

type Pair = [number, number];

const [scenario, dir, json] = process.argv.slice(2);
const opts = JSON.parse(json ?? '{}') as { t0: number; base: number; step: number; oldFrom?: number; oldTo?: number };
const sampleAt = (i: number): Pair => [opts.t0 + i * 1000, opts.base + i * opts.step];

function emit(step: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);
}

// the English status as compared by the test (its Msg is checked once: it must say the same)
const copy = (s: HistoryStorage | undefined): HistoryStorage | undefined => s && { mode: s.mode, path: s.path, message: s.message };
const msgSaysMessage = (s: HistoryStorage): boolean => (s.msg ? msgText(s.msg) === s.message : s.message === null);
const pairsOf = (r: HistoryResult): Pair[] => r.times.map((t, i) => [t, r.states.TIME_WAIT[i]]);

/** Free bytes for an unprivileged writer on the file system of `path` (tmpfs: all of it). */
function freeBytes(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}

/** Why a write into `dir` fails (EROFS …), or 'ok' when it does not: checks that the fault is mounted. */
function probeWrite(d: string): string {
  const p = join(d, `.probe-${process.pid}`);
  try {
    writeFileSync(p, 'x');
    unlinkSync(p);
    return 'ok';
  } catch (e) {
    return String((e as { code?: unknown }).code ?? e);
  }
}

/** Fills the file system of `path` to the last byte with one file; returns its size. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let total = 0;
  try {
    for (;;) {
      const n = writeSync(fd, chunk);
      total += n;
      if (n === 0) break;
    }
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return total;
}

/** The samples table read with sqlite3 directly (not through the code under test). */
function rawSamples(file: string): Promise<{ rows: Pair[]; check: string; markers: string[] }> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => {
      if (e) return reject(e);
      db.all('SELECT t, st_time_wait AS v FROM samples ORDER BY t', (e1, rows: { t: number; v: number }[]) => {
        if (e1) return db.close(() => reject(e1));
        db.all('PRAGMA quick_check', (e2, check: Record<string, string>[]) => {
          if (e2) return db.close(() => reject(e2));
          db.all('SELECT label FROM markers ORDER BY t', (e3, marks: { label: string }[]) => {
            db.close(() => (e3 ? reject(e3) : resolve({ rows: rows.map((r) => [r.t, r.v]), check: check.map((r) => Object.values(r)[0]).join('; '), markers: marks.map((m) => m.label) })));
          });
        });
      });
    });
  });
}

/** A small disk filled up while recording, then given space again. */
async function fullDisk(): Promise<void> {
  const { t0 } = opts;
  const filler = join(dir, 'filler.bin');
  const pushed: Pair[] = [];
  let i = 0;
  const push = (h: PersistentHistory, n: number): Pair[] => {
    const out: Pair[] = [];
    for (let k = 0; k < n; k++, i++) {
      const p = sampleAt(i);
      h.pushSample(p[0], { TIME_WAIT: p[1], ESTABLISHED: 3 }, { timeWaitArrivals: 1 });
      out.push(p);
    }
    pushed.push(...out);
    return out;
  };

  let h = await PersistentHistory.open({ dir, flushIntervalMs: 3_600_000 });
  emit('opened', { storage: copy(h.storage), free: freeBytes(dir) });
  push(h, 5);
  await h.flush();
  emit('before', { storage: copy(h.storage) });

  const fillerBytes = fill(filler);
  emit('filled', { fillerBytes, free: freeBytes(dir) });

  // record until a flush is refused; the samples of that flush and later ones are the "full period"
  let flushesAccepted = 0;
  const whileFull: Pair[] = [];
  for (let round = 0; round < 40 && h.storage.mode === 'disk'; round++) {
    const batch = push(h, 20);
    await h.flush();
    if (h.storage.mode === 'disk') flushesAccepted++;
    else whileFull.push(...batch);
  }
  emit('full', { storage: copy(h.storage), flushesAccepted, msgSaysMessage: msgSaysMessage(h.storage) });
  // a second refused flush: still in memory, still saying why, the queue kept
  whileFull.push(...push(h, 4));
  h.addMarker(t0 + (i - 1) * 1000, 'marker while full');
  await h.flush();
  const mem = await h.query({ fromMs: t0, toMs: t0 + i * 1000, maxPoints: 4000 });
  emit('stillFull', { storage: copy(h.storage), query: pairsOf(mem), queryStorage: copy(mem.storage), markers: mem.markers, whileFull });

  unlinkSync(filler);
  await h.flush();
  emit('recovered', { storage: copy(h.storage), free: freeBytes(dir) });
  push(h, 3);
  await h.flush();
  emit('after', { storage: copy(h.storage) });
  await h.close();

  h = await PersistentHistory.open({ dir, flushIntervalMs: 3_600_000 });
  const back = await h.query({ fromMs: t0, toMs: t0 + i * 1000, maxPoints: 4000 });
  emit('reopened', { storage: copy(h.storage), query: pairsOf(back), markers: back.markers, pushed });
  await h.close();
  emit('raw', await rawSamples(join(dir, HISTORY_FILE)));
}

/** A folder mounted read-only, with or without a history file in it. */
async function readOnly(): Promise<void> {
  const { t0, oldFrom, oldTo } = opts;
  emit('probe', { write: probeWrite(dir) });
  const h = await PersistentHistory.open({ dir, flushIntervalMs: 3_600_000 });
  emit('opened', { storage: copy(h.storage) });
  if (oldFrom !== undefined && oldTo !== undefined) {
    const old = await h.query({ fromMs: oldFrom, toMs: oldTo, maxPoints: 4000 });
    emit('old', { query: pairsOf(old), markers: old.markers });
  }
  const pushed: Pair[] = [];
  for (let k = 0; k < 10; k++) {
    const p = sampleAt(k);
    h.pushSample(p[0], { TIME_WAIT: p[1] }, {});
    pushed.push(p);
  }
  h.addMarker(t0 + 2000, 'marker on a read-only disk');
  await h.flush();
  emit('pushed', { storage: copy(h.storage), pushed });
  const recent = await h.query({ fromMs: t0, toMs: t0 + 9000, maxPoints: 4000 });
  emit('recent', { query: pairsOf(recent), queryStorage: copy(recent.storage), markers: recent.markers });
  const from = oldFrom ?? t0;
  const all = await h.query({ fromMs: from, toMs: t0 + 9000, maxPoints: 4000 });
  emit('all', { query: pairsOf(all), queryStorage: copy(all.storage) });
  await h.close();
  emit('closed', { storage: copy(h.storage), write: probeWrite(dir) });
}

async function main(): Promise<void> {
  if (scenario === 'full') await fullDisk();
  else if (scenario === 'ro-existing' || scenario === 'ro-empty') await readOnly();
  else throw new Error(`unknown scenario ${scenario}`);
  emit('done');
}

// a rejection nobody handles, or an exception from a callback, is reported and fails the run (the
// process is left to end by itself, so one raised after the last step is not hidden by an exit)
process.on('unhandledRejection', (e: unknown) => {
  emit('crash', { kind: 'unhandledRejection', error: String((e as Error)?.stack ?? e) });
  process.exitCode = 4;
});
process.on('uncaughtException', (e: Error) => {
  emit('crash', { kind: 'uncaughtException', error: String(e?.stack ?? e) });
  process.exitCode = 4;
});
main().catch((e: unknown) => {
  process.stderr.write(`child failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 3;
});
