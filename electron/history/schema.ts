// The on-disk history's tables, generated from the series lists so a new series cannot be forgotten in
// one of them. Two tiers (docs/history.md): `samples` holds one row per tick (≈ 1 s) for 48 h;
// `rollup_1m` one row per minute with the minimum, maximum and mean of every series, for 90 days, so a
// one-second spike still shows in a 90-day chart. `markers` holds tuning changes and alerts.

import { snakeCase } from '../../shared/export-format';
import { HISTORY_RATE_SERIES } from '../../shared/history';
import { TCP_STATES } from '../../shared/tcp';

/** 'WTLH' — PRAGMA application_id of a Waitline history file; anything else is a foreign file. */
export const HISTORY_APPLICATION_ID = 0x57544c48;
/** PRAGMA user_version: bumped when the tables change. */
export const HISTORY_SCHEMA_VERSION = 1;

export const SAMPLE_RETENTION_MS = 48 * 3600_000;
export const ROLLUP_RETENTION_MS = 90 * 86_400_000;
export const ROLLUP_MS = 60_000;
/** The hour rollups (of the minute ones) answer ranges whose chart buckets are an hour or longer: a
 *  30-day chart reads 720 rows instead of 43,200. */
export const HOUR_ROLLUP_MS = 3_600_000;

export type HistoryTier = 'samples' | 'rollup_1m' | 'rollup_1h';

/** One column per series, in the order of HistoryStore's series: the TCP states, then the rates. */
export const SERIES_COLUMNS: readonly string[] = [
  ...TCP_STATES.map((s) => `st_${s.toLowerCase()}`),
  ...HISTORY_RATE_SERIES.map((r) => `rt_${snakeCase(r)}`),
];
export const STATE_COLUMN_COUNT = TCP_STATES.length;

export const SCHEMA_SQL = [
  `CREATE TABLE samples (t INTEGER PRIMARY KEY, ${SERIES_COLUMNS.map((c, i) => `${c} ${i < STATE_COLUMN_COUNT ? 'INTEGER' : 'REAL'} NOT NULL`).join(', ')}) STRICT`,
  `CREATE TABLE rollup_1m (t INTEGER PRIMARY KEY, n INTEGER NOT NULL, ${SERIES_COLUMNS.map((c) => `${c}_min REAL NOT NULL, ${c}_max REAL NOT NULL, ${c}_avg REAL NOT NULL`).join(', ')}) STRICT`,
  `CREATE TABLE rollup_1h (t INTEGER PRIMARY KEY, n INTEGER NOT NULL, ${SERIES_COLUMNS.map((c) => `${c}_min REAL NOT NULL, ${c}_max REAL NOT NULL, ${c}_avg REAL NOT NULL`).join(', ')}) STRICT`,
  `CREATE TABLE markers (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, label TEXT NOT NULL, UNIQUE (t, label)) STRICT`,
  `CREATE INDEX markers_t ON markers (t)`,
];

/** Inserts a batch given as one JSON array of rows ([t, ...series]): one statement per flush. */
export const INSERT_SAMPLES_SQL = `INSERT OR REPLACE INTO samples (t, ${SERIES_COLUMNS.join(', ')})
  SELECT value ->> 0, ${SERIES_COLUMNS.map((_, i) => `value ->> ${i + 1}`).join(', ')} FROM json_each(?1)`;

/** Recomputes the rollups of every minute from ?1 (a minute start) on, from the 1 s samples. */
export const ROLLUP_SQL = `INSERT OR REPLACE INTO rollup_1m (t, n, ${SERIES_COLUMNS.map((c) => `${c}_min, ${c}_max, ${c}_avg`).join(', ')})
  SELECT (t / ${ROLLUP_MS}) * ${ROLLUP_MS} AS m, count(*), ${SERIES_COLUMNS.map((c) => `min(${c}), max(${c}), avg(${c})`).join(', ')}
  FROM samples WHERE t >= ?1 GROUP BY m`;

/** Recomputes the hour rollups from ?1 (an hour start) on, from the minute rollups: min of minimums,
 *  max of maximums, the mean weighted by each minute's sample count. */
export const HOUR_ROLLUP_SQL = `INSERT OR REPLACE INTO rollup_1h (t, n, ${SERIES_COLUMNS.map((c) => `${c}_min, ${c}_max, ${c}_avg`).join(', ')})
  SELECT (t / ${HOUR_ROLLUP_MS}) * ${HOUR_ROLLUP_MS} AS h, sum(n), ${SERIES_COLUMNS.map((c) => `min(${c}_min), max(${c}_max), sum(${c}_avg * n) / sum(n)`).join(', ')}
  FROM rollup_1m WHERE t >= ?1 GROUP BY h`;

/** Bucketed query over the 1 s tier: per bucket, first and last time, then each series' min and max. */
export function bucketQuerySql(tier: HistoryTier): string {
  const mins = SERIES_COLUMNS.map((c) => (tier === 'samples' ? `min(${c})` : `min(${c}_min)`));
  const maxs = SERIES_COLUMNS.map((c) => (tier === 'samples' ? `max(${c})` : `max(${c}_max)`));
  return `SELECT min(t) AS t0, max(t) AS t1, ${[...mins, ...maxs].map((e, i) => `${e} AS v${i}`).join(', ')}
    FROM ${tier} WHERE t >= ?1 AND t <= ?2 GROUP BY (t - CAST(?1 AS INTEGER)) / CAST(?3 AS INTEGER) ORDER BY t0`;
}
