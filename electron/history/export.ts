// Exports that stream: each writer pulls one record at a time from its source and writes it to a Node
// stream, waiting for 'drain' when the stream's buffer is full — so a 1,000,000-row table or 48 h of
// seconds is never held a second time in memory. Formats and columns: shared/export-format.ts.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { HistoryStorage } from '../../shared/api';
import {
  BUDGET_COLUMNS,
  budgetCells,
  HISTORY_ROLLUP_COLUMNS,
  HISTORY_SAMPLE_COLUMNS,
  iso,
  RecordWriter,
  SOCKET_COLUMNS,
  socketCells,
  TUNING_COLUMNS,
  tuningRecords,
  type Cell,
  type ExportFormat,
  type ExportRequest,
} from '../../shared/export-format';
import { MAX_SOCKET_PAGE } from '../../shared/query-checks';
import type { HistoryStore } from '../../shared/history';
import type { PortBudget, SocketPage, SocketQuery, SocketRow } from '../../shared/snapshot';
import type { TuningChange } from '../../shared/tuning';
import type { HistoryDb } from './history-db';
import type { PersistentHistory } from './persistent-history';
import { SAMPLE_RETENTION_MS, SERIES_COLUMNS } from './schema';

/** Text is written in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

export interface ExportCount {
  rows: number;
  bytes: number;
}

/** Writes header + records to `out`, in chunks, respecting backpressure. Does not end `out`. */
export async function writeRecords(
  out: Writable,
  format: ExportFormat,
  columns: readonly string[],
  records: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>,
): Promise<ExportCount> {
  const w = new RecordWriter(format, columns);
  let buf = w.header();
  let rows = 0;
  let bytes = 0;
  const flush = async () => {
    if (buf === '') return;
    bytes += Buffer.byteLength(buf);
    const ok = out.write(buf);
    buf = '';
    if (!ok) await once(out, 'drain');
  };
  for await (const cells of records) {
    buf += w.record(cells);
    rows++;
    if (buf.length >= CHUNK_CHARS) await flush();
  }
  await flush();
  return { rows, bytes };
}

export function exportSockets(
  out: Writable,
  format: ExportFormat,
  tableAt: number | null,
  rows: Iterable<SocketRow> | AsyncIterable<SocketRow>,
): Promise<ExportCount> {
  return writeRecords(out, format, SOCKET_COLUMNS, (async function* () {
    for await (const r of rows) yield socketCells(tableAt, r);
  })());
}

export function exportBudgets(out: Writable, format: ExportFormat, time: number, budgets: readonly PortBudget[]): Promise<ExportCount> {
  return writeRecords(out, format, BUDGET_COLUMNS, budgets.map((b) => budgetCells(time, b)));
}

export function exportTuning(out: Writable, format: ExportFormat, changes: readonly TuningChange[]): Promise<ExportCount> {
  // oldest first, like every other export
  const sorted = [...changes].sort((a, b) => a.time - b.time);
  return writeRecords(out, format, TUNING_COLUMNS, sorted.flatMap(tuningRecords));
}

export type HistoryResolution = '1s' | '1m';

/** The default resolution of a history export: 1 s when the range lies within the 1 s tier's 48 h. */
export function defaultResolution(fromMs: number, now: number = Date.now()): HistoryResolution {
  return fromMs >= now - SAMPLE_RETENTION_MS ? '1s' : '1m';
}

export interface HistorySources {
  /** the history file (its rows, read page by page) */
  db: HistoryDb | null;
  /** this run's memory ring: used for 1 s rows when there is no file to read */
  memory?: HistoryStore | null;
  storage?: HistoryStorage;
}

/** A history range as 1 s rows (time, every state, every rate) or minute rollups (min/max/avg). */
export async function exportHistory(
  out: Writable,
  format: ExportFormat,
  src: HistorySources,
  fromMs: number,
  toMs: number,
  resolution: HistoryResolution,
): Promise<ExportCount> {
  const n = SERIES_COLUMNS.length;
  if (resolution === '1s') {
    if (src.db) {
      const db = src.db;
      return writeRecords(out, format, HISTORY_SAMPLE_COLUMNS, (async function* () {
        for await (const page of db.rows('samples', fromMs, toMs)) {
          for (const r of page) yield [iso(r.t as number), ...SERIES_COLUMNS.map((c) => r[c] as number)];
        }
      })());
    }
    const memory = src.memory;
    return writeRecords(out, format, HISTORY_SAMPLE_COLUMNS, (function* () {
      if (!memory) return;
      for (const s of memory.samplesBetween(fromMs, toMs)) yield [iso(s.time), ...s.values];
    })());
  }
  const db = src.db;
  return writeRecords(out, format, HISTORY_ROLLUP_COLUMNS, (async function* () {
    if (!db) return;
    for await (const page of db.rows('rollup_1m', fromMs, toMs)) {
      for (const r of page) {
        const cells: Cell[] = [iso(r.t as number), r.n as number];
        for (let i = 0; i < n; i++) {
          const c = SERIES_COLUMNS[i];
          cells.push(r[`${c}_min`] as number, r[`${c}_max`] as number, r[`${c}_avg`] as number);
        }
        yield cells;
      }
    }
  })());
}

/** Where each kind of export reads from: the desktop app's main process and `waitline serve` both
 *  provide these, so both write the same files. */
export interface ExportSources {
  history: PersistentHistory;
  /** one page of the connection table (the collector's query; pages of at most MAX_SOCKET_PAGE) */
  querySockets(q: SocketQuery): Promise<SocketPage>;
  /** the port budgets of the last tick */
  budgets(): { time: number; budgets: readonly PortBudget[] } | null;
  tuning(): Promise<readonly TuningChange[]>;
}

/** Every row matching `q`, page by page (one page in memory at a time). */
async function* pagedSockets(src: ExportSources, q: SocketQuery, first: SocketPage): AsyncGenerator<SocketRow> {
  let page = first;
  let offset = 0;
  for (;;) {
    yield* page.rows;
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) return;
    page = await src.querySockets({ ...q, offset, limit: MAX_SOCKET_PAGE });
  }
}

/** Writes one export (a checked ExportRequest) to `out`; does not end it. */
export async function writeExport(out: Writable, req: ExportRequest, src: ExportSources, now: number = Date.now()): Promise<ExportCount> {
  switch (req.kind) {
    case 'sockets': {
      const q: SocketQuery = { ...req.sockets };
      const first = await src.querySockets({ ...q, offset: 0, limit: MAX_SOCKET_PAGE });
      return exportSockets(out, req.format, first.tableAt, pagedSockets(src, q, first));
    }
    case 'budgets': {
      const b = src.budgets();
      return exportBudgets(out, req.format, b?.time ?? now, b?.budgets ?? []);
    }
    case 'tuning':
      return exportTuning(out, req.format, await src.tuning());
    case 'history': {
      const fromMs = req.fromMs ?? now - 3600_000;
      const toMs = req.toMs ?? now;
      await src.history.flush();
      const h = src.history;
      return exportHistory(out, req.format, { db: h.file, memory: h.memory }, fromMs, toMs, req.resolution ?? defaultResolution(fromMs, now));
    }
  }
}

/** Writes an export to `path` (created or replaced): resolves with what was written, rejects with a
 *  sentence naming the file and the system's error code (ENOSPC, EACCES …). */
export async function writeExportFile(path: string, write: (out: Writable) => Promise<ExportCount>): Promise<ExportCount> {
  const out = createWriteStream(path);
  const why = (e: NodeJS.ErrnoException) => new Error(`cannot write ${path}: ${e.code ?? e.message}`);
  await new Promise<void>((res, rej) => {
    out.once('open', () => res());
    out.once('error', (e) => rej(why(e)));
  });
  const failed = new Promise<never>((_, rej) => out.once('error', (e) => rej(why(e))));
  failed.catch(() => undefined);
  try {
    const n = await Promise.race([write(out), failed]);
    await Promise.race([new Promise<void>((res) => out.end(() => res())), failed]);
    return n;
  } finally {
    out.destroy();
  }
}
