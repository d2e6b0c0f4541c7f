// The history file: SQLite through the `sqlite3` package (N-API, so one build loads in Node and in
// Electron; its queries run on libuv's thread pool, so neither the main process nor serve's event loop
// waits for the disk). Why this binding, the tiers, the faults and what each costs: docs/history.md.
//
// One writer per file: a lock file next to it names the writer (pid and the process's start time, so a
// recycled pid is not mistaken for it). A second instance opens the file read-only and says so.
// A damaged or foreign file is moved aside and a fresh one started; a write that fails (disk full,
// read-only file system) turns recording off with a visible reason and retries later. Nothing here
// throws to the caller for a disk problem: it reports one through `storage`.

import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sqlite3 from 'sqlite3';
import {
  bucketQuerySql,
  HISTORY_APPLICATION_ID,
  HISTORY_SCHEMA_VERSION,
  HOUR_ROLLUP_MS,
  HOUR_ROLLUP_SQL,
  INSERT_SAMPLES_SQL,
  type HistoryTier,
  ROLLUP_MS,
  ROLLUP_RETENTION_MS,
  ROLLUP_SQL,
  SAMPLE_RETENTION_MS,
  SCHEMA_SQL,
  SERIES_COLUMNS,
} from './schema';
import type { HistoryStorage } from '../../shared/api';
import { msg, msgText, type Msg } from '../../shared/i18n';
import { nestMsg, nestParams } from '../../shared/host-msg';

export const HISTORY_FILE = 'history.sqlite';
export const LOCK_FILE = 'history.lock';
/** Samples waiting for the disk while it refuses them; the oldest are dropped beyond this (memory has them). */
export const MAX_PENDING_SAMPLES = 3600;

type Row = Record<string, number | string | null>;

let sqlite3: typeof Sqlite3 | null = null;

/** The sqlite3 package, loaded on first use: without its native part the app still runs (in memory). */
async function loadSqlite(): Promise<typeof Sqlite3> {
  if (!sqlite3) {
    const m = (await import('sqlite3')) as typeof Sqlite3 & { default?: typeof Sqlite3 };
    sqlite3 = m.default ?? m;
  }
  return sqlite3;
}

/** An sqlite3 error's code (SQLITE_FULL …) or a Node error code, for messages. */
function codeOf(e: unknown): string {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : 'error';
}

/** Why a write failed, as a Msg (host.history.fail.*) that the outer sentences nest. */
function describeWriteFailure(e: unknown): Msg {
  const code = codeOf(e);
  const m = String((e as Error)?.message ?? e);
  if (code === 'SQLITE_FULL' || /SQLITE_FULL|ENOSPC/.test(m)) return msg('host.history.fail.diskFull');
  if (code === 'SQLITE_READONLY' || /SQLITE_READONLY|EROFS|EACCES|EPERM/.test(m)) return msg('host.history.fail.readOnly');
  if (/SQLITE_IOERR/.test(m)) return msg('host.history.fail.ioError', { error: m.slice(0, 120) });
  return msg('host.history.fail.other', { error: m.slice(0, 160) });
}

/** A storage status whose sentence is `m` (English in `message`, the Msg beside it). */
function storageOf(mode: HistoryStorage['mode'], path: string | null, m: Msg): HistoryStorage {
  return { mode, path, message: msgText(m), msg: m };
}

/** "History is kept in memory only: <why>." */
function memoryOnly(path: string, why: Msg): OpenedHistory {
  return { db: null, storage: storageOf('memory', path, nestMsg('host.history.memoryOnly', 'why', why)) };
}

class Db {
  constructor(readonly raw: Sqlite3.Database) {}

  static open(lib: typeof Sqlite3, path: string, mode: number): Promise<Db> {
    return new Promise((resolve, reject) => {
      const raw = new lib.Database(path, mode, (e) => (e ? reject(e) : resolve(new Db(raw))));
    });
  }
  run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((resolve, reject) => this.raw.run(sql, params, (e) => (e ? reject(e) : resolve())));
  }
  get(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return new Promise((resolve, reject) => this.raw.get(sql, params, (e, row: Row | undefined) => (e ? reject(e) : resolve(row))));
  }
  all(sql: string, params: unknown[] = []): Promise<Row[]> {
    return new Promise((resolve, reject) => this.raw.all(sql, params, (e, rows: Row[]) => (e ? reject(e) : resolve(rows))));
  }
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.raw.exec(sql, (e) => (e ? reject(e) : resolve())));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.raw.close(() => resolve()));
  }
}

/** The start time of a process (clock ticks since boot, /proc/PID/stat field 22), or null if it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields resume after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

export type LockResult = { ok: true; release(): void } | { ok: false; holderPid: number };

/** Takes the writer's lock of `dir`, or names the live process that holds it. A lock left by a dead
 *  process (kill -9, a crash) is taken over. */
export function acquireWriterLock(dir: string): LockResult {
  const path = join(dir, LOCK_FILE);
  const me = `${process.pid} ${processStartTime(process.pid) ?? '?'}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // O_EXCL: never follows a symlink planted at the lock's name
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, me);
      } catch (e) {
        // e.g. ENOSPC: leave no empty lock behind
        closeSync(fd);
        unlinkSync(path);
        throw e;
      }
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === me) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw e;
    }
    let holder: { pid: number; start: string } | null = null;
    try {
      if (lstatSync(path).isFile()) {
        const [pid, start] = readFileSync(path, 'utf8').trim().split(' ');
        if (/^\d+$/.test(pid)) holder = { pid: Number(pid), start };
      }
    } catch {
      /* vanished between open and read: retry */
    }
    if (holder && holder.pid !== process.pid && processStartTime(holder.pid) === holder.start) {
      return { ok: false, holderPid: holder.pid };
    }
    try {
      unlinkSync(path); // stale (its process is gone), not a regular file, or unreadable
    } catch {
      /* someone else removed it first */
    }
  }
  throw new Error(`could not take the history lock ${path}`);
}

export interface OpenedHistory {
  db: HistoryDb | null;
  storage: HistoryStorage;
}

/** Opens (or creates) `dir`/history.sqlite. Never throws for a disk problem: a damaged file is moved
 *  aside, a read-only or missing folder gives db = null and a storage status saying why. */
export async function openHistoryDb(dir: string): Promise<OpenedHistory> {
  const path = join(dir, HISTORY_FILE);
  let lib: typeof Sqlite3;
  try {
    lib = await loadSqlite();
  } catch (e) {
    return memoryOnly(path, msg('host.history.why.addon', { error: String((e as Error)?.message ?? e).slice(0, 200) }));
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return memoryOnly(path, msg('host.history.why.cannotCreate', { dir, code: codeOf(e) }));
  }
  let lock: LockResult;
  try {
    lock = acquireWriterLock(dir);
  } catch (e) {
    // a read-only folder cannot hold the lock either: read what is there, if anything
    const why = codeOf(e) === 'ENOSPC' ? msg('host.history.why.diskFull') : msg('host.history.why.notWritable', { dir, code: codeOf(e) });
    if (!existsSync(path)) return memoryOnly(path, why);
    return openReader(lib, path, nestMsg('host.history.notSavedReadOnly', 'why', why));
  }
  if (!lock.ok) {
    return openReader(lib, path, msg('host.history.otherWriter', { pid: String(lock.holderPid), dir }));
  }
  let note: Msg | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await openWriter(lib, path);
    if (r.ok) {
      const db = new HistoryDb(r.db, path, true, lock.release);
      db.storage = note ? storageOf('disk', path, note) : { mode: 'disk', path, message: null };
      return { db, storage: db.storage };
    }
    if (r.damaged && attempt === 0) {
      const aside = moveAside(path);
      note = nestMsg('host.history.replaced', 'why', r.reason, { aside });
      continue;
    }
    lock.release();
    return memoryOnly(path, r.reason);
  }
  lock.release();
  return { db: null, storage: storageOf('memory', path, msg('host.history.memoryOnlyPlain')) };
}

function moveAside(path: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${path}.damaged-${stamp}`;
  renameSync(path, aside);
  for (const ext of ['-wal', '-shm']) {
    try {
      if (ext === '-wal') renameSync(path + ext, aside + ext);
      else unlinkSync(path + ext);
    } catch {
      /* not there */
    }
  }
  return aside;
}

/** reason: a host.history.why.* Msg */
type WriterOpen = { ok: true; db: Db } | { ok: false; damaged: boolean; reason: Msg };

async function openWriter(lib: typeof Sqlite3, path: string): Promise<WriterOpen> {
  try {
    if (lstatSync(path).isSymbolicLink() || !lstatSync(path).isFile()) {
      return { ok: false, damaged: true, reason: msg('host.history.why.notRegular') };
    }
  } catch {
    /* does not exist yet: created below */
  }
  let db: Db;
  try {
    db = await Db.open(lib, path, lib.OPEN_READWRITE | lib.OPEN_CREATE);
  } catch (e) {
    return { ok: false, damaged: false, reason: msg('host.history.why.cannotOpen', { path, ...nestParams('fail', describeWriteFailure(e)) }) };
  }
  try {
    await db.run('PRAGMA busy_timeout = 3000');
    const app = Number((await db.get('PRAGMA application_id'))?.application_id ?? 0);
    const version = Number((await db.get('PRAGMA user_version'))?.user_version ?? 0);
    const tables = Number((await db.get('SELECT count(*) AS n FROM sqlite_schema'))?.n ?? 0);
    if (app === 0 && tables === 0) {
      await db.run('PRAGMA journal_mode = WAL');
      await db.exec(`BEGIN; ${SCHEMA_SQL.join('; ')}; PRAGMA application_id = ${HISTORY_APPLICATION_ID}; PRAGMA user_version = ${HISTORY_SCHEMA_VERSION}; COMMIT;`);
    } else if (app !== HISTORY_APPLICATION_ID) {
      await db.close();
      return { ok: false, damaged: true, reason: msg('host.history.why.notHistory') };
    } else if (version > HISTORY_SCHEMA_VERSION) {
      await db.close();
      return { ok: false, damaged: false, reason: msg('host.history.why.newer', { path, version: String(version) }) };
    } else {
      const check = await db.all('PRAGMA quick_check');
      const verdict = check.map((r) => String(Object.values(r)[0])).join('; ');
      if (verdict !== 'ok') {
        await db.close();
        return { ok: false, damaged: true, reason: msg('host.history.why.checkFailed', { verdict: verdict.slice(0, 160) }) };
      }
      await db.run('PRAGMA journal_mode = WAL');
    }
    // WAL + NORMAL: a commit survives the process being killed; only a power cut can lose the last
    // commits, never the file.
    await db.run('PRAGMA synchronous = NORMAL');
    return { ok: true, db };
  } catch (e) {
    await db.close();
    const code = codeOf(e);
    const m = String((e as Error)?.message ?? e);
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /NOTADB|CORRUPT|malformed/.test(m)) {
      return { ok: false, damaged: true, reason: msg('host.history.why.corrupt', { error: m.replace(/^Error: /, '').slice(0, 160) }) };
    }
    return { ok: false, damaged: false, reason: msg('host.history.why.cannotUse', { path, ...nestParams('fail', describeWriteFailure(e)) }) };
  }
}

/** Opens `dir`/history.sqlite only to read it (exports), whether or not another process records to
 *  it. db is null, with a message, when there is nothing to read. */
export async function openHistoryReader(dir: string): Promise<{ db: HistoryDb | null; message: string; msg: Msg | null }> {
  const path = join(dir, HISTORY_FILE);
  const fail = (m: Msg) => ({ db: null, message: msgText(m), msg: m });
  if (!existsSync(path)) return fail(msg('host.history.noFile', { path }));
  let lib: typeof Sqlite3;
  try {
    lib = await loadSqlite();
  } catch (e) {
    return fail(msg('host.history.readerAddon', { error: String((e as Error)?.message ?? e).slice(0, 200) }));
  }
  const r = await openReader(lib, path, msg('host.history.notHistoryFile', { path }));
  return { db: r.db, message: r.storage.message ?? '', msg: r.storage.msg ?? null };
}

/** Opens `path` read-only; `note` is the status sentence (a host.history.* Msg without nesting of
 *  its own base, see `unreadable`). */
async function openReader(lib: typeof Sqlite3, path: string, note: Msg): Promise<OpenedHistory> {
  if (!existsSync(path)) return { db: null, storage: storageOf('memory', path, note) };
  try {
    let raw = await Db.open(lib, path, lib.OPEN_READONLY);
    await raw.run('PRAGMA busy_timeout = 3000');
    let app: number;
    try {
      app = Number((await raw.get('PRAGMA application_id'))?.application_id ?? 0);
    } catch (e) {
      // A WAL file closed cleanly has no -wal/-shm, and a read-only folder cannot get them: read it as
      // immutable (nobody can write it there either).
      if (codeOf(e) !== 'SQLITE_CANTOPEN') throw e;
      await raw.close();
      raw = await Db.open(lib, `file:${encodeURI(path)}?immutable=1`, lib.OPEN_READONLY | lib.OPEN_URI);
      app = Number((await raw.get('PRAGMA application_id'))?.application_id ?? 0);
    }
    if (app !== HISTORY_APPLICATION_ID) {
      await raw.close();
      return { db: null, storage: storageOf('memory', path, note) };
    }
    const db = new HistoryDb(raw, path, false, () => undefined);
    db.storage = storageOf('read-only', path, note);
    return { db, storage: db.storage };
  } catch (e) {
    return { db: null, storage: storageOf('memory', path, nestMsg('host.history.unreadable', 'base', note, { readCode: codeOf(e) })) };
  }
}

export interface BucketedSeries {
  times: number[];
  /** one array per SERIES_COLUMNS entry */
  series: number[][];
}

/** One writer (or reader) of a history file. Writes queue in memory and reach the disk in one
 *  transaction per flush; a flush that fails keeps the queue (bounded) and turns recording off until a
 *  later flush succeeds. */
export class HistoryDb {
  storage: HistoryStorage;
  private pending: (number | number[])[][] = [];
  private pendingMarkers: [number, string][] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private lastPruneT = 0;

  constructor(
    private readonly db: Db,
    readonly path: string,
    readonly writable: boolean,
    private readonly releaseLock: () => void,
  ) {
    this.storage = { mode: writable ? 'disk' : 'read-only', path, message: null };
  }

  /** Queue one sample: `values` in SERIES_COLUMNS order. */
  enqueue(t: number, values: readonly number[]): void {
    if (!this.writable || this.closed) return;
    this.pending.push([Math.round(t), ...values]);
    if (this.pending.length > MAX_PENDING_SAMPLES) this.pending.splice(0, this.pending.length - MAX_PENDING_SAMPLES);
  }

  enqueueMarker(t: number, label: string): void {
    if (!this.writable || this.closed) return;
    this.pendingMarkers.push([Math.round(t), label]);
    if (this.pendingMarkers.length > 1000) this.pendingMarkers.splice(0, this.pendingMarkers.length - 1000);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes what is queued (one transaction), recomputes the touched minutes' rollups and prunes
   *  beyond the retention. Resolves whether or not the disk took it (see `storage`). */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.flushNow());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async flushNow(): Promise<void> {
    if (!this.writable || this.closed || (this.pending.length === 0 && this.pendingMarkers.length === 0)) return;
    const batch = this.pending;
    const markers = this.pendingMarkers;
    this.pending = [];
    this.pendingMarkers = [];
    let minT = Infinity;
    let maxT = -Infinity;
    for (const row of batch) {
      const t = row[0] as number;
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    }
    try {
      await this.db.run('BEGIN IMMEDIATE');
      try {
        if (batch.length > 0) {
          await this.db.run(INSERT_SAMPLES_SQL, [JSON.stringify(batch)]);
          await this.db.run(ROLLUP_SQL, [Math.floor(minT / ROLLUP_MS) * ROLLUP_MS]);
          await this.db.run(HOUR_ROLLUP_SQL, [Math.floor(minT / HOUR_ROLLUP_MS) * HOUR_ROLLUP_MS]);
          await this.db.run('DELETE FROM samples WHERE t < ?', [maxT - SAMPLE_RETENTION_MS]);
          if (maxT - this.lastPruneT >= ROLLUP_MS) {
            this.lastPruneT = maxT;
            await this.db.run('DELETE FROM rollup_1m WHERE t < ?', [maxT - ROLLUP_RETENTION_MS]);
            await this.db.run('DELETE FROM rollup_1h WHERE t < ?', [Math.floor((maxT - ROLLUP_RETENTION_MS) / HOUR_ROLLUP_MS) * HOUR_ROLLUP_MS]);
            await this.db.run('DELETE FROM markers WHERE t < ?', [maxT - ROLLUP_RETENTION_MS]);
          }
        }
        for (const [t, label] of markers) await this.db.run('INSERT OR IGNORE INTO markers (t, label) VALUES (?, ?)', [t, label]);
        await this.db.run('COMMIT');
      } catch (e) {
        await this.db.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      if (this.storage.mode !== 'disk') this.storage = { mode: 'disk', path: this.path, message: null };
    } catch (e) {
      // keep what failed (bounded) for the next try; memory still has it for queries
      this.pending = [...batch, ...this.pending].slice(-MAX_PENDING_SAMPLES);
      this.pendingMarkers = [...markers, ...this.pendingMarkers].slice(-1000);
      this.storage = storageOf('memory', this.path, msg('host.history.notSaved', { ...nestParams('fail', describeWriteFailure(e)), path: this.path }));
    }
  }

  /** The oldest time of the 1 s tier and of the minute rollups (null: empty), in one statement. */
  private async oldest(): Promise<{ samples: number | null; rollups: number | null }> {
    const r = await this.db.get('SELECT (SELECT min(t) FROM samples) AS s, (SELECT min(t) FROM rollup_1m) AS r');
    return { samples: typeof r?.s === 'number' ? r.s : null, rollups: typeof r?.r === 'number' ? r.r : null };
  }

  /** Oldest time on disk (either tier), or null when empty. */
  async oldestMs(): Promise<number | null> {
    const o = await this.oldest();
    return o.samples === null ? o.rollups : o.rollups === null ? o.samples : Math.min(o.samples, o.rollups);
  }

  /** Oldest time of the 1 s tier, or null when empty. */
  async oldestSampleMs(): Promise<number | null> {
    return (await this.oldest()).samples;
  }

  /** [fromMs, toMs] downsampled to at most maxPoints points: the 1 s tier when it covers the range and
   *  buckets are shorter than a minute, else the minute rollups. Each bucket gives two points: every
   *  series' minimum at the bucket's first time and its maximum at its last, so spikes survive. */
  async query(
    fromMs: number,
    toMs: number,
    maxPoints: number,
    /** leave out a minute rollup that reaches past toMs (memory answers that part) */
    wholeMinutesOnly = false,
  ): Promise<BucketedSeries & { tier: HistoryTier }> {
    const buckets = Math.max(1, Math.floor(maxPoints / 2));
    const span = Math.max(1, toMs - fromMs + 1);
    let bucketMs = Math.max(1, Math.ceil(span / buckets));
    const { samples: sampleOldest, rollups: rollupOldest } = await this.oldest();
    // the 1 s tier answers when it holds the range, or everything the file has (nothing pruned yet)
    const pruned = rollupOldest !== null && sampleOldest !== null && rollupOldest < Math.floor(sampleOldest / ROLLUP_MS) * ROLLUP_MS;
    const tier: HistoryTier =
      sampleOldest !== null && (fromMs >= sampleOldest || !pruned) && bucketMs < ROLLUP_MS ? 'samples' : bucketMs >= HOUR_ROLLUP_MS ? 'rollup_1h' : 'rollup_1m';
    if (tier !== 'samples') {
      // buckets of whole rollup rows; a row that reaches past toMs is memory's to answer when joined
      const unit = tier === 'rollup_1h' ? HOUR_ROLLUP_MS : ROLLUP_MS;
      bucketMs = Math.max(unit, Math.ceil(bucketMs / unit) * unit);
      if (wholeMinutesOnly) toMs = Math.floor((toMs + 1) / unit) * unit - unit;
    }
    const rows = await this.db.all(bucketQuerySql(tier), [Math.floor(fromMs), Math.floor(toMs), bucketMs]);
    const n = SERIES_COLUMNS.length;
    const times: number[] = [];
    const series: number[][] = SERIES_COLUMNS.map(() => []);
    for (const r of rows) {
      const t0 = r.t0 as number;
      const t1 = r.t1 as number;
      if (maxPoints === 1) {
        times.push(t1);
        for (let i = 0; i < n; i++) series[i].push(r[`v${n + i}`] as number);
        continue;
      }
      times.push(t0);
      for (let i = 0; i < n; i++) series[i].push(r[`v${i}`] as number);
      if (t1 !== t0) {
        times.push(t1);
        for (let i = 0; i < n; i++) series[i].push(r[`v${n + i}`] as number);
      }
    }
    return { times, series, tier };
  }

  async markers(fromMs: number, toMs: number, limit = 500): Promise<{ time: number; label: string }[]> {
    const rows = await this.db.all('SELECT t, label FROM (SELECT t, label FROM markers WHERE t >= ? AND t <= ? ORDER BY t DESC LIMIT ?) ORDER BY t', [
      Math.floor(fromMs),
      Math.floor(toMs),
      limit,
    ]);
    return rows.map((r) => ({ time: r.t as number, label: String(r.label) }));
  }

  /** Rows of one tier in [fromMs, toMs], in time order, `pageSize` at a time (for exports that
   *  stream: never the whole range in memory). */
  async *rows(tier: HistoryTier, fromMs: number, toMs: number, pageSize = 2000): AsyncGenerator<Row[]> {
    let after = Math.floor(fromMs) - 1;
    for (;;) {
      const page = await this.db.all(`SELECT * FROM ${tier} WHERE t > ? AND t <= ? ORDER BY t LIMIT ?`, [after, Math.floor(toMs), pageSize]);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1].t as number;
      if (page.length < pageSize) return;
    }
  }

  /** File size on disk: the database plus its write-ahead log. */
  async sizeBytes(): Promise<number> {
    const r = await this.db.get('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()');
    return Number(r?.n ?? 0);
  }

  /** Flushes what is queued, checkpoints the log into the file and closes; releases the writer's lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush().catch(() => undefined);
    this.closed = true;
    await this.chain;
    if (this.writable) await this.db.run('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
    await this.db.close();
    this.releaseLock();
  }
}
