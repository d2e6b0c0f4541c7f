// Export formats (docs/history.md, "Export"): CSV per RFC 4180 (header row, CRLF line ends, a field
// quoted when it holds a comma, a quote, CR or LF, quotes doubled) and JSON Lines (one object per
// line). Times are ISO 8601 in UTC with its zone (Z); numbers are written unformatted. The column lists
// of every export live here, so the CLI, the desktop app and `waitline serve` write the same files.
// Pure code: no DOM, no Node.

import { HISTORY_RATE_SERIES } from './history';
import type { PortBudget, SocketQuery, SocketRow } from './snapshot';
import type { TuningChange } from './tuning';
import { TCP_STATES } from './tcp';

export type ExportFormat = 'csv' | 'jsonl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'jsonl'];

/** What can be exported: the connection table (as filtered), a history range, the port budgets, the
 *  tuning journal. */
export type ExportKind = 'sockets' | 'history' | 'budgets' | 'tuning';
export const EXPORT_KINDS: readonly ExportKind[] = ['sockets', 'history', 'budgets', 'tuning'];

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  /** sockets: the filter (offset / limit ignored: every matching row) */
  sockets?: SocketQuery;
  /** history: the range, epoch ms, inclusive */
  fromMs?: number;
  toMs?: number;
  /** history: '1s' rows from the 1 s tier, '1m' minute rollups (min/max/avg); default: 1 s when the
   *  range is within the 1 s tier's 48 h, else 1 min */
  resolution?: '1s' | '1m';
}

/** What an export did: written to a file (the desktop app: rows and bytes known), handed to the browser
 *  as a download (`waitline serve`: rows and bytes null), canceled in the save dialog, or failed. */
export type ExportResult =
  | { ok: true; rows: number | null; bytes: number | null; path: string | null }
  | { ok: false; canceled: true }
  | { ok: false; canceled: false; message: string };

export type Cell = string | number | boolean | null;

/** One CSV field: quoted only when it must be (RFC 4180 §2.6–2.7). */
export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRecord(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

export function jsonlRecord(columns: readonly string[], cells: readonly Cell[]): string {
  const o: Record<string, Cell> = {};
  for (let i = 0; i < columns.length; i++) o[columns[i]] = typeof cells[i] === 'number' && !Number.isFinite(cells[i]) ? null : cells[i];
  return JSON.stringify(o) + '\n';
}

/** Writes records in one format: the header (CSV) first, then one record per call. */
export class RecordWriter {
  constructor(
    readonly format: ExportFormat,
    readonly columns: readonly string[],
  ) {}
  header(): string {
    return this.format === 'csv' ? csvRecord(this.columns) : '';
  }
  record(cells: readonly Cell[]): string {
    return this.format === 'csv' ? csvRecord(cells) : jsonlRecord(this.columns, cells);
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export const SOCKET_COLUMNS = [
  'table_time',
  'family',
  'state',
  'local_address',
  'local_port',
  'remote_address',
  'remote_port',
  'pid',
  'process',
  'uid',
  'inode',
  'tx_queue',
  'rx_queue',
  'timer',
  'timer_left_ms',
  'retransmits',
] as const;

export function socketCells(tableAt: number | null, r: SocketRow): Cell[] {
  return [
    tableAt === null ? null : iso(tableAt),
    r.family,
    r.state,
    r.localAddr,
    r.localPort,
    r.remoteAddr,
    r.remotePort,
    r.pid,
    r.comm,
    r.uid,
    r.inode,
    r.txQueue,
    r.rxQueue,
    r.timer,
    r.timerLeftMs,
    r.retransmits,
  ];
}

/** timeWaitArrivals → time_wait_arrivals */
export const snakeCase = (s: string): string => s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** 1 s history rows: time, then each state's count, then each rate per second. */
export const HISTORY_SAMPLE_COLUMNS: readonly string[] = [
  'time',
  ...TCP_STATES.map((s) => s.toLowerCase()),
  ...HISTORY_RATE_SERIES.map((r) => `${snakeCase(r)}_per_s`),
];

/** Minute rollups: minute start, samples in it, then min / max / avg of every series. */
export const HISTORY_ROLLUP_COLUMNS: readonly string[] = [
  'minute',
  'samples',
  ...HISTORY_SAMPLE_COLUMNS.slice(1).flatMap((c) => [`${c}_min`, `${c}_max`, `${c}_avg`]),
];

export const BUDGET_COLUMNS = [
  'time',
  'local_address',
  'remote_address',
  'remote_port',
  'verdict',
  'in_use',
  'time_wait',
  'blocking',
  'usable',
  'percent_used',
  'close_rate_per_s',
  'steady_state',
  'steady_state_percent',
  'hold_seconds',
  'reuse_applies',
  'seconds_to_exhaustion',
  'first_free_s',
  'exhausted_since',
] as const;

export function budgetCells(time: number, b: PortBudget): Cell[] {
  return [
    iso(time),
    b.localAddr,
    b.remoteAddr,
    b.remotePort,
    b.verdict,
    b.inUse,
    b.timeWait,
    b.blocking,
    b.usable,
    b.percentUsed,
    b.closeRatePerS,
    b.steadyState,
    b.steadyStatePercent,
    b.holdSeconds,
    b.reuseApplies,
    b.secondsToExhaustion,
    b.firstFreeS,
    b.exhaustedSince === null ? null : iso(b.exhaustedSince),
  ];
}

/** One record per changed key of each journal entry. */
export const TUNING_COLUMNS = ['id', 'time', 'state', 'persisted', 'key', 'before', 'after', 'confirm_deadline'] as const;

export function tuningRecords(c: TuningChange): Cell[][] {
  return c.changes.map((k) => [c.id, iso(c.time), c.state, c.persisted, k.key, k.before, k.after, c.confirmDeadline === null ? null : iso(c.confirmDeadline)]);
}

/** A file name for an export made at `now`: waitline-<kind>-<UTC time>.<csv|jsonl>. */
export function exportFileName(req: Pick<ExportRequest, 'kind' | 'format'>, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `waitline-${req.kind}-${stamp}.${req.format}`;
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/jsonl; charset=utf-8',
};
