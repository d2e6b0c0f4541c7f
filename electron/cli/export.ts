// `waitline export`: the connection table (as filtered), a history range, the port budgets or the
// tuning journal, as CSV (RFC 4180, header row) or JSON Lines, to stdout or a file. Streams: rows are
// written as they are read (docs/history.md, "Export").

import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { createCollector } from '../collector/index';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/export-format';
import { checkSocketQuery, QueryError } from '../../shared/query-checks';
import type { SocketQuery, SocketSortKey } from '../../shared/snapshot';
import { TuningClient, type TuningClientOptions } from '../privileged/client';
import { openHistoryReader } from '../history/history-db';
import { defaultResolution, exportBudgets, exportHistory, exportSockets, exportTuning, writeExportFile, type ExportCount } from '../history/export';
import { defaultStateDir } from '../history/persistent-history';
import { parseArgs, sourceFlag, UsageError } from './args';
import type { Subcommand } from './commands';

export const EXPORT_USAGE = `usage: waitline export history --from TIME [--to TIME] [--resolution 1s|1m] [--state-dir DIR] [options]
       waitline export sockets [--state S[,S…]] [--port N] [--address TEXT] [--process NAME|PID] [--sort KEY] [options]
       waitline export budgets [options]
       waitline export tuning [options]

Writes CSV (RFC 4180: a header row, CRLF line ends, quoted where needed) or JSON Lines (one object per
line). Times are ISO 8601 in UTC (…Z); numbers are unformatted.

  history   the recorded history between two times: 1 s rows (time, each TCP state's count, each
            rate per second) or minute rollups (min, max and mean of each); default 1 s when the range
            lies within the last 48 h, else 1 min. Read from the history file (another Waitline may
            be recording to it: it is only read).
  sockets   every TCP socket now, as the Connections view shows it (with pid and process), filtered
  budgets   every destination's port budget now (verdict, ports held, forecast)
  tuning    the tuning journal (one row per changed sysctl of each change)

options:
  --format csv|jsonl   default csv
  --output FILE        write there instead of to stdout (replaced if it exists)
  --from TIME, --to TIME
                       ISO 8601 (2026-12-01T03:00:00Z, 2026-12-01T03:00 in local time), epoch
                       milliseconds, "now", or relative: -30s, -15m, -2h, -7d (default --to now)
  --state-dir DIR      the history folder (default $XDG_STATE_HOME/waitline, else
                       ~/.local/state/waitline; the desktop app's is ~/.config/Waitline/history)
  --source S           socket table source for sockets/budgets: auto, netlink, procfs
  --help               this text`;


/** A time flag: ISO 8601, epoch ms, "now" or -N{s,m,h,d} relative to `now`. */
export function parseTime(v: string | true | undefined, name: string, now: number): number | undefined {
  if (v === undefined) return undefined;
  if (v === true) throw new UsageError(`--${name} needs a value`);
  const s = v.trim();
  if (s === 'now') return now;
  const rel = /^-(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s);
  if (rel) return now - Number(rel[1]) * { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d{10,16}$/.test(s)) return Number(s);
  // a date, with a time: Date.parse reads "YYYY-MM-DDTHH:MM[:SS[.mmm]][Z|±HH:MM]" (no zone: local time)
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw new UsageError(`--${name} must be an ISO 8601 date-time (2026-12-01T03:00:00Z), epoch milliseconds, "now" or -N followed by s, m, h or d; not "${s.slice(0, 60)}"`);
}

function parseFormat(v: string | true | undefined): ExportFormat {
  if (v === undefined) return 'csv';
  if (typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v)) return v as ExportFormat;
  throw new UsageError(`--format must be csv or jsonl, not "${String(v).slice(0, 40)}"`);
}

/** The socket filter flags as a SocketQuery, judged by the same checks as the app's and serve's queries
 *  (shared/query-checks.ts); a refusal names the flag. */
export function parseSocketFilter(flags: Record<string, string | true>): SocketQuery {
  const raw: Record<string, unknown> = {};
  if (typeof flags.state === 'string') raw.states = flags.state.split(',').map((s) => s.trim().toUpperCase());
  if (typeof flags.port === 'string') {
    if (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) < 1 || Number(flags.port) > 65535) throw new UsageError(`--port must be a port from 1 to 65535, not "${flags.port.slice(0, 20)}"`);
    raw.port = Number(flags.port);
  }
  if (typeof flags.address === 'string') raw.address = flags.address;
  if (typeof flags.process === 'string') raw.process = flags.process;
  if (typeof flags.sort === 'string') raw.sort = flags.sort;
  try {
    return checkSocketQuery(raw);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    const flag = /^(states|sort|address|process)\b/.exec(e.message)?.[1];
    throw new UsageError(`${flag ? `--${flag === 'states' ? 'state' : flag}: ` : ''}${e.message}`);
  }
}

async function withOutput(file: string | undefined, write: (out: Writable) => Promise<ExportCount>): Promise<ExportCount> {
  return file === undefined ? write(process.stdout) : writeExportFile(resolve(file), write);
}

export async function runExport(argv: string[], clientOpts: TuningClientOptions = {}): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined) throw new UsageError('expected what to export: history, sockets, budgets or tuning');
  const common = ['format', 'output'];
  const now = Date.now();
  let n: ExportCount;
  if (kind === 'history') {
    const { flags } = parseArgs(rest, { values: [...common, 'from', 'to', 'resolution', 'state-dir'] });
    const format = parseFormat(flags.format);
    const fromMs = parseTime(flags.from, 'from', now);
    if (fromMs === undefined) throw new UsageError('export history needs --from (e.g. --from -2h, or --from 2026-12-01T03:00:00Z)');
    const toMs = parseTime(flags.to, 'to', now) ?? now;
    if (toMs < fromMs) throw new UsageError(`--to (${new Date(toMs).toISOString()}) is before --from (${new Date(fromMs).toISOString()})`);
    const resolution = flags.resolution === undefined ? defaultResolution(fromMs, now) : flags.resolution;
    if (resolution !== '1s' && resolution !== '1m') throw new UsageError(`--resolution must be 1s or 1m, not "${String(resolution).slice(0, 20)}"`);
    const dir = resolve(typeof flags['state-dir'] === 'string' ? flags['state-dir'] : defaultStateDir());
    const reader = await openHistoryReader(dir);
    if (!reader.db) {
      console.error(`waitline export: ${reader.message}`);
      return 1;
    }
    const db = reader.db;
    try {
      n = await withOutput(flags.output as string | undefined, (out) => exportHistory(out, format, { db }, fromMs, toMs, resolution));
    } finally {
      await db.close();
    }
  } else if (kind === 'sockets' || kind === 'budgets') {
    const spec = kind === 'sockets' ? [...common, 'source', 'state', 'port', 'address', 'process', 'sort'] : [...common, 'source'];
    const { flags } = parseArgs(rest, { values: spec });
    const format = parseFormat(flags.format);
    const query = kind === 'sockets' ? parseSocketFilter(flags) : {};
    const collector = createCollector({ socketSource: sourceFlag(flags.source) });
    collector.setDemand({ table: kind === 'sockets', owners: kind === 'sockets' });
    const s = await collector.tick();
    if (s.health.socketSource === 'none') {
      console.error(`waitline export: cannot read the kernel's socket tables: ${s.health.degraded.map((d) => `${d.source}: ${d.message}`).join('; ')}`);
      return 1;
    }
    if (kind === 'sockets') {
      const m = collector.matchingSockets(query);
      n = await withOutput(flags.output as string | undefined, (out) => exportSockets(out, format, m.tableAt, m.rows));
    } else {
      n = await withOutput(flags.output as string | undefined, (out) => exportBudgets(out, format, s.time, s.portBudgets));
    }
  } else if (kind === 'tuning') {
    const { flags } = parseArgs(rest, { values: common });
    const format = parseFormat(flags.format);
    const state = await new TuningClient({ ...clientOpts, autoRevert: false }).getState();
    n = await withOutput(flags.output as string | undefined, (out) => exportTuning(out, format, state.history));
  } else {
    throw new UsageError(`cannot export "${kind.slice(0, 40)}": expected history, sockets, budgets or tuning`);
  }
  if (rest.includes('--output') || rest.some((a) => a.startsWith('--output='))) console.error(`waitline export: ${n.rows} rows, ${n.bytes} bytes written.`);
  return 0;
}

export const exportCommand: Subcommand = {
  usage: EXPORT_USAGE,
  run: (argv) => runExport(argv),
};
