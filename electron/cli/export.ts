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
import { parseArgs, sourceFlag, usageError } from './args';
import type { Subcommand } from './commands';
import { type CliT, type CliText, englishText, optionLines, usageHead } from './text';

export function exportUsage(t: CliT): string {
  return [
    usageHead(t, [
      'waitline export history --from TIME [--to TIME] [--resolution 1s|1m] [--state-dir DIR] [options]',
      '       waitline export sockets [--state S[,S…]] [--port N] [--address TEXT] [--process NAME|PID] [--sort KEY] [options]',
      '       waitline export budgets [options]',
      '       waitline export tuning [options]',
    ]),
    '',
    t('cli.export.usage.about'),
    '',
    optionLines(
      [
        ['history', t('cli.export.usage.history')],
        ['sockets', t('cli.export.usage.sockets')],
        ['budgets', t('cli.export.usage.budgets')],
        ['tuning', t('cli.export.usage.tuning')],
      ],
      12,
    ),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--format csv|jsonl', t('cli.export.usage.format')],
        ['--output FILE', t('cli.export.usage.output')],
        ['--from TIME, --to TIME', t('cli.export.usage.time')],
        ['--state-dir DIR', t('cli.export.usage.state_dir')],
        ['--source S', t('cli.export.usage.source')],
        ['--help', t('cli.main.help_option')],
      ],
      23,
    ),
  ].join('\n');
}

/** The usage text in English. */
export const EXPORT_USAGE = exportUsage(englishText().t);

/** A time flag: ISO 8601, epoch ms, "now" or -N{s,m,h,d} relative to `now`. */
export function parseTime(v: string | true | undefined, name: string, now: number): number | undefined {
  if (v === undefined) return undefined;
  if (v === true) throw usageError((t) => t('cli.args.needs_value', { flag: `--${name}` }));
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
  throw usageError((t) => t('cli.export.bad_time', { flag: `--${name}`, given: s.slice(0, 60) }));
}

function parseFormat(v: string | true | undefined): ExportFormat {
  if (v === undefined) return 'csv';
  if (typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v)) return v as ExportFormat;
  throw usageError((t) => t('cli.export.bad_format', { given: String(v).slice(0, 40) }));
}

/** The socket filter flags as a SocketQuery, judged by the same checks as the app's and serve's queries
 *  (shared/query-checks.ts); a refusal names the flag. */
export function parseSocketFilter(flags: Record<string, string | true>): SocketQuery {
  const raw: Record<string, unknown> = {};
  if (typeof flags.state === 'string') raw.states = flags.state.split(',').map((s) => s.trim().toUpperCase());
  if (typeof flags.port === 'string') {
    if (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) < 1 || Number(flags.port) > 65535) {
      const given = flags.port.slice(0, 20);
      throw usageError((t) => t('cli.export.bad_port', { given }));
    }
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
    // the check's sentence (shared/query-checks) in the run's language; the flag it concerns is named
    const { message, msg: m } = e;
    throw usageError((t) => {
      const text = m ? t(m.key, m.params) : message;
      return flag ? t('cli.export.bad_filter', { flag: `--${flag === 'states' ? 'state' : flag}`, message: text }) : text;
    });
  }
}

async function withOutput(file: string | undefined, write: (out: Writable) => Promise<ExportCount>): Promise<ExportCount> {
  return file === undefined ? write(process.stdout) : writeExportFile(resolve(file), write);
}

export async function runExport(argv: string[], clientOpts: TuningClientOptions = {}, tx: CliText = englishText()): Promise<number> {
  const { t } = tx;
  const [kind, ...rest] = argv;
  if (kind === undefined) throw usageError((t) => t('cli.export.expected_kind'));
  const common = ['format', 'output'];
  const now = Date.now();
  let n: ExportCount;
  if (kind === 'history') {
    const { flags } = parseArgs(rest, { values: [...common, 'from', 'to', 'resolution', 'state-dir'] });
    const format = parseFormat(flags.format);
    const fromMs = parseTime(flags.from, 'from', now);
    if (fromMs === undefined) throw usageError((t) => t('cli.export.needs_from'));
    const toMs = parseTime(flags.to, 'to', now) ?? now;
    if (toMs < fromMs) throw usageError((t) => t('cli.export.to_before_from', { to: new Date(toMs).toISOString(), from: new Date(fromMs).toISOString() }));
    const resolution = flags.resolution === undefined ? defaultResolution(fromMs, now) : flags.resolution;
    if (resolution !== '1s' && resolution !== '1m') throw usageError((t) => t('cli.export.bad_resolution', { given: String(resolution).slice(0, 20) }));
    const dir = resolve(typeof flags['state-dir'] === 'string' ? flags['state-dir'] : defaultStateDir());
    const reader = await openHistoryReader(dir);
    if (!reader.db) {
      console.error(`waitline export: ${reader.msg ? t(reader.msg.key, reader.msg.params) : reader.message}`);
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
      console.error(`waitline export: ${t('cli.common.no_socket_tables', { details: s.health.degraded.map((d) => `${d.source}: ${d.message}`).join('; ') })}`);
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
    throw usageError((t) => t('cli.export.unknown_kind', { kind: kind.slice(0, 40) }));
  }
  if (rest.includes('--output') || rest.some((a) => a.startsWith('--output='))) console.error(`waitline export: ${t('cli.export.written', { rows: tx.f.count(n.rows), bytes: tx.f.count(n.bytes) })}`);
  return 0;
}

export const exportCommand: Subcommand = {
  usage: (tx) => exportUsage(tx.t),
  run: (argv, tx) => runExport(argv, {}, tx),
};
