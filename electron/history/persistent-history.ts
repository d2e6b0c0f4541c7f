// History as the host keeps it: the memory ring (shared/history.ts) answers what this run has seen at
// full speed; the history file (history-db.ts) keeps it across restarts, 48 h at 1 s and 90 days of
// minute rollups. One intake (pushSample / addMarker) feeds both; a query older than memory reaches
// the file and the two parts are joined. Used by the desktop app's main process and by `waitline serve`.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HistoryQuery, HistoryRateSeries, HistoryResult, HistoryStorage } from '../../shared/api';
import { assertHistoryQuery, HISTORY_RATE_SERIES, HistoryStore, mergeMarkers, rateSeriesOf } from '../../shared/history';
import type { Snapshot } from '../../shared/snapshot';
import { TCP_STATES, type TcpState } from '../../shared/tcp';
import { openHistoryDb, type HistoryDb } from './history-db';

/** How often queued samples reach the disk: what a kill -9 can lose at most. */
export const FLUSH_INTERVAL_MS = 2000;

/** `$XDG_STATE_HOME/waitline`, else ~/.local/state/waitline: where `serve` and the CLI keep history. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'waitline');
}

export interface PersistentHistoryOptions {
  /** folder of the history file; null keeps history in memory only */
  dir: string | null;
  /** samples the memory ring holds (default 24 h at 1 s) */
  capacity?: number;
  flushIntervalMs?: number;
}

export class PersistentHistory {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly memory: HistoryStore,
    private readonly db: HistoryDb | null,
    private fallback: HistoryStorage,
    flushIntervalMs: number,
  ) {
    if (db?.writable) {
      this.timer = setInterval(() => void db.flush(), flushIntervalMs);
      this.timer.unref();
    }
  }

  static async open(opts: PersistentHistoryOptions): Promise<PersistentHistory> {
    const memory = new HistoryStore(opts.capacity);
    const interval = opts.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    if (opts.dir === null) {
      return new PersistentHistory(memory, null, { mode: 'memory', path: null, message: null }, interval);
    }
    const { db, storage } = await openHistoryDb(opts.dir);
    return new PersistentHistory(memory, db, storage, interval);
  }

  /** In memory only (tests, benches). */
  static inMemory(memory: HistoryStore = new HistoryStore()): PersistentHistory {
    return new PersistentHistory(memory, null, { mode: 'memory', path: null, message: null }, FLUSH_INTERVAL_MS);
  }

  get storage(): HistoryStorage {
    return this.db ? this.db.storage : this.fallback;
  }

  /** the history file, when there is one (exports read it) */
  get file(): HistoryDb | null {
    return this.db;
  }

  pushSample(time: number, states: Partial<Record<TcpState, number>>, rates: Partial<Record<HistoryRateSeries, number>>): void {
    // the same (clamped) time the memory ring stored: a clock stepped back never reorders the file
    const t = this.memory.pushSample(time, states, rates);
    if (!this.db?.writable) return;
    const values: number[] = [];
    for (const s of TCP_STATES) {
      const c = states[s];
      values.push(typeof c === 'number' && c > 0 ? Math.round(c) : 0);
    }
    for (const r of HISTORY_RATE_SERIES) {
      const v = rates[r];
      values.push(typeof v === 'number' && Number.isFinite(v) ? v : 0);
    }
    this.db.enqueue(t, values);
  }

  push(snapshot: Snapshot): void {
    this.pushSample(snapshot.time, snapshot.states, rateSeriesOf(snapshot));
  }

  /** Takes over what another history holds in memory (samples and markers), e.g. what arrived while
   *  the file was being opened. */
  adopt(other: HistoryStore): void {
    for (const s of other.samplesBetween(-Infinity, Infinity)) {
      const states: Partial<Record<TcpState, number>> = {};
      TCP_STATES.forEach((st, i) => (states[st] = s.values[i]));
      const rates: Partial<Record<HistoryRateSeries, number>> = {};
      HISTORY_RATE_SERIES.forEach((r, i) => (rates[r] = s.values[TCP_STATES.length + i]));
      this.pushSample(s.time, states, rates);
    }
    for (const m of other.allMarkers()) this.addMarker(m.time, m.label);
  }

  addMarker(time: number, label: string): void {
    this.memory.addMarker(time, label);
    this.db?.enqueueMarker(time, String(label).slice(0, 200));
  }

  /** Writes what is queued now (tests; close does it too). */
  flush(): Promise<void> {
    return this.db ? this.db.flush() : Promise.resolve();
  }

  async query(q: HistoryQuery): Promise<HistoryResult> {
    assertHistoryQuery(q);
    const memOldest = this.memory.oldestMs;
    const db = this.db;
    if (!db || (memOldest !== null && q.fromMs >= memOldest)) {
      return { ...this.memory.query(q), storage: this.storage };
    }
    // the file answers what is older than memory; memory the rest (its samples may not be flushed yet)
    const diskTo = memOldest === null ? q.toMs : Math.min(q.toMs, memOldest - 1);
    const span = Math.max(1, q.toMs - q.fromMs);
    const memSpan = memOldest === null || memOldest > q.toMs ? 0 : q.toMs - memOldest;
    const memPoints = memSpan === 0 ? 0 : Math.max(2, Math.round((q.maxPoints * memSpan) / span));
    const diskPoints = Math.max(1, q.maxPoints - memPoints);
    const [disk, diskMarkers, diskOldest] = await Promise.all([
      db.query(q.fromMs, diskTo, diskPoints, memOldest !== null).catch(() => null),
      db.markers(q.fromMs, q.toMs).catch(() => []),
      db.oldestMs().catch(() => null),
    ]);
    const mem = memPoints > 0 ? this.memory.query({ fromMs: memOldest!, toMs: q.toMs, maxPoints: Math.min(memPoints, q.maxPoints) }) : null;
    const times = [...(disk?.times ?? []), ...(mem?.times ?? [])];
    const states = {} as Record<TcpState, number[]>;
    TCP_STATES.forEach((s, i) => (states[s] = [...(disk?.series[i] ?? []), ...(mem?.states[s] ?? [])]));
    const rates = {} as Record<HistoryRateSeries, number[]>;
    HISTORY_RATE_SERIES.forEach((r, i) => (rates[r] = [...(disk?.series[TCP_STATES.length + i] ?? []), ...(mem?.rates[r] ?? [])]));
    const markers = mergeMarkers(diskMarkers, mem?.markers ?? []);
    const oldest = [diskOldest, memOldest].filter((x): x is number => x !== null);
    return { times, states, rates, markers, oldestMs: oldest.length ? Math.min(...oldest) : null, storage: this.storage };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.db?.close();
  }
}
