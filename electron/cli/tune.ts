// `waitline tune`: read the catalog's sysctls, and change or revert them through the same privileged
// client the app uses (pkexec + the helper). A change made here is kept at once: typing the command
// is the confirmation, so there is no 30 s auto-revert; `tune revert ID` undoes it.

import { SYSCTL_CATALOG, catalogEntry, parseAssignments, validateChanges, type CatalogEntry } from '../../shared/sysctl-catalog';
import type { Msg } from '../../shared/i18n';
import type { TuningChange, TuningErrorCode, TuningKnobState, TuningResult } from '../../shared/tuning';
import { TuningClient, type TuningClientOptions } from '../privileged/client';
import { parseArgs, usageError } from './args';
import { detectNetns, type NetnsScope } from './netns-scope';
import type { Subcommand } from './commands';
import { type CliT, type CliText, cliMsg, englishText, optionLines, pad, textWidth, usageHead } from './text';

export function tuneUsage(t: CliT): string {
  return [
    usageHead(t, ['waitline tune get [KEY...] [--json]', '       waitline tune set KEY=VALUE... [--persist] [--json]', '       waitline tune revert ID [--json]']),
    '',
    t('cli.tune.usage.about'),
    '  waitline tune set "ip_local_port_range=40000 60999" tcp_tw_reuse=1',
    '',
    t('cli.tune.usage.helper'),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--persist', t('cli.tune.usage.persist')],
        ['--json', t('cli.tune.usage.json')],
        ['--help', t('cli.main.help_option')],
      ],
      14,
    ),
    '',
    t('cli.tune.usage.exit'),
  ].join('\n');
}

/** The usage text in English. */
export const TUNE_USAGE = tuneUsage(englishText().t);

/** Resolves "tcp_tw_reuse" or "net.ipv4.tcp_tw_reuse" to the catalog's dotted key. */
export function resolveKey(name: string): string | null {
  if (catalogEntry(name)) return name;
  const matches = SYSCTL_CATALOG.filter((e) => e.key.endsWith(`.${name}`));
  return matches.length === 1 ? matches[0]!.key : null;
}

/** The allowed values; English by default (the --json "range" field is always English). */
function rangeText(e: CatalogEntry, t: CliT = englishText().t): string {
  switch (e.kind) {
    case 'enum':
      return (e.values ?? []).map((v) => v.value).join('|');
    case 'int':
      return e.min === undefined ? '—' : `${e.min}–${e.max}`;
    case 'port_range':
      return `"LOW HIGH", ${e.min}–${e.max}`;
    case 'port_list':
      return t('cli.tune.range_list');
    case 'removed':
      return t('cli.tune.range_removed', { release: String(e.removedIn) });
  }
}

function unitText(e: CatalogEntry): string {
  return e.unit === 'milliseconds' ? ' ms' : e.unit === 'seconds' ? ' s' : '';
}


/** What a value means when the number alone would mislead; null when it speaks for itself. English
 *  by default (the --json "note" field is always English). */
export function knobNote(k: TuningKnobState, t: CliT = englishText().t): string | null {
  if (k.key === 'net.ipv4.tcp_ehash_entries' && k.available && k.value !== null && /^-[0-9]+$/.test(k.value)) {
    return t('cli.tune.ehash_note', { value: k.value, buckets: k.value.slice(1) });
  }
  return null;
}

/** Why a key cannot be set here, in the CLI's words; null when it is available. */
export function unavailableText(k: TuningKnobState, scope: NetnsScope, t: CliT = englishText().t): string | null {
  if (k.available) return null;
  const e = catalogEntry(k.key);
  if (e?.kind === 'removed') {
    return e.removedIn ? t('cli.tune.unavailable_removed', { key: k.key, release: e.removedIn }) : t('cli.tune.unavailable_removed_earlier', { key: k.key });
  }
  if (e?.scope === 'global' && scope === 'other') return t('cli.tune.unavailable_global', { key: k.key });
  const reason = k.unavailableMsg ? cliMsg(t, k.unavailableMsg) : k.unavailableReason;
  return reason ? t('cli.tune.unavailable_reason', { key: k.key, reason }) : t('cli.tune.unavailable_unreadable', { key: k.key });
}

const SCOPE_KEYS = { global: 'cli.tune.scope.global', netns: 'cli.tune.scope.netns' } as const satisfies Record<CatalogEntry['scope'], string>;

export function formatKnobs(knobs: TuningKnobState[], t: CliT = englishText().t): string {
  const empty = t('cli.common.empty');
  const rows = knobs.map((k) => {
    const e = catalogEntry(k.key)!;
    const value = k.available ? (k.value === '' ? empty : `${k.value}${unitText(e)}`) : t('cli.tune.unavailable');
    const dflt = e.default === null ? t('cli.tune.varies') : e.default === '' ? empty : e.default;
    const scope = e.writable ? t(SCOPE_KEYS[e.scope]) : t('cli.tune.scope_read_only', { scope: t(SCOPE_KEYS[e.scope]) });
    return [k.key, value, dflt, rangeText(e, t), scope, k.available ? '' : (k.unavailableReason ?? '')];
  });
  const head = [t('cli.tune.head.key'), t('cli.tune.head.value'), t('cli.tune.head.default'), t('cli.tune.head.range'), t('cli.tune.head.scope')];
  const w = head.map((h, i) => Math.min(44, Math.max(textWidth(h), ...rows.map((r) => textWidth(r[i]!)))));
  const line = (r: string[]) => r.slice(0, 5).map((c, i) => pad(c, w[i]!)).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  const notes = rows.filter((r) => r[5]).map((r) => `  ${r[0]}: ${r[5]}`);
  if (notes.length) out.push('', t('cli.tune.unavailable_head'), ...notes);
  const meanings = knobs.flatMap((k) => {
    const note = knobNote(k, t);
    return note ? [`  ${k.key}: ${note}`] : [];
  });
  if (meanings.length) out.push('', t('cli.tune.notes_head'), ...meanings);
  return out.join('\n');
}

export function formatChange(c: TuningChange, verb: 'changed' | 'reverted', t: CliT = englishText().t): string {
  const head =
    verb === 'changed'
      ? c.persisted
        ? t('cli.tune.changed_persisted', { id: c.id })
        : t('cli.tune.changed', { id: c.id })
      : c.persisted
        ? t('cli.tune.reverted_persisted', { id: c.id })
        : t('cli.tune.reverted', { id: c.id });
  const empty = t('cli.common.empty');
  const out = [head];
  for (const x of c.changes) out.push(`  ${x.key}: ${x.before === '' ? empty : x.before} → ${x.after === '' ? empty : x.after}`);
  return out.join('\n');
}

/** The helper's failure by code, in the reader's language; the English message from the helper
 *  follows as detail (the English catalog shows just the message, as before). */
const RESULT_KEYS = {
  invalid: 'cli.tune.result.invalid',
  dismissed: 'cli.tune.result.dismissed',
  not_authorized: 'cli.tune.result.not_authorized',
  helper_failed: 'cli.tune.result.helper_failed',
  busy: 'cli.tune.result.busy',
  read_only: 'cli.tune.result.read_only',
} as const satisfies Record<TuningErrorCode, string>;

function exitCodeFor(r: Extract<TuningResult, { ok: false }>): number {
  switch (r.code) {
    case 'invalid':
      return 3;
    case 'dismissed':
    case 'not_authorized':
      return 4;
    case 'busy':
      return 5;
    default:
      return 1;
  }
}

export async function runTune(argv: string[], clientOpts: TuningClientOptions = {}, tx: CliText = englishText()): Promise<number> {
  const { t } = tx;
  const [sub, ...rest] = argv;
  if (sub === undefined) throw usageError((t) => t('cli.tune.expected_sub'));
  // typing the command is the confirmation: no confirmation window, kept at once
  const client = new TuningClient({ ...clientOpts, autoRevert: false });
  try {
    if (sub === 'get') {
      const a = parseArgs(rest, { booleans: ['json'], positionals: true });
      const state = await client.getState();
      let knobs = state.knobs;
      if (a.positionals.length) {
        knobs = a.positionals.map((name) => {
          const key = resolveKey(name);
          if (!key) throw usageError((t) => t('cli.tune.unknown_sysctl', { name: name.slice(0, 60) }));
          return state.knobs.find((k) => k.key === key)!;
        });
      }
      if (a.flags.json) {
        const out = knobs.map((k) => {
          const e = catalogEntry(k.key)!;
          const note = knobNote(k);
          return { ...k, default: e.default, range: rangeText(e), unit: e.unit, scope: e.scope, writable: e.writable, ...(note ? { note } : {}) };
        });
        console.log(JSON.stringify({ writable: state.writable, readOnlyReason: state.readOnlyReason, knobs: out }, null, 2));
      } else {
        console.log(formatKnobs(knobs, t));
        // the reason (electron/privileged) is English for now
        if (!state.writable) console.log(`\n${t('cli.tune.read_only', { reason: state.readOnlyReason ?? '' })}`);
      }
      return 0;
    }
    if (sub === 'set') {
      const a = parseArgs(rest, { booleans: ['json', 'persist'], positionals: true });
      if (a.positionals.length === 0) throw usageError((t) => t('cli.tune.set_needs'));
      const parsed = parseAssignments(a.positionals);
      // keyed by what the user typed: no prototype, so "__proto__=1" is an ordinary (unknown) key
      const changes = Object.create(null) as Record<string, string>;
      // the catalog's checks come with a Msg per error (shared/sysctl-catalog): shown in the CLI's language
      const inLang = (m: Msg | undefined, english: string) => (m ? cliMsg(t, m) : english);
      const errors = parsed.errors.map((e, i) => inLang(parsed.errorMsgs?.[i], e));
      for (const [name, value] of Object.entries(parsed.changes)) {
        const key = resolveKey(name) ?? name;
        if (Object.prototype.hasOwnProperty.call(changes, key)) errors.push(t('cli.tune.given_twice', { key }));
        changes[key] = value;
      }
      // Availability first: a key that does not exist here (a global key inside a network namespace,
      // a removed key) is "unavailable here" whatever the value; only available keys get their values
      // checked against the catalog's ranges.
      const state = await client.getState();
      const scope = detectNetns({ procSysRoot: clientOpts.procSysRoot });
      const available = Object.create(null) as Record<string, string>;
      for (const key of Object.keys(changes)) {
        const knob = state.knobs.find((k) => k.key === key);
        const why = knob ? unavailableText(knob, scope, t) : null;
        if (why) errors.push(why);
        else available[key] = changes[key]!;
      }
      if (Object.keys(available).length) {
        const start = Number(state.knobs.find((k) => k.key === 'net.ipv4.ip_unprivileged_port_start')?.value ?? NaN);
        const checked = validateChanges(available, Number.isInteger(start) ? { unprivilegedPortStart: start } : {});
        errors.push(...checked.errors.map((e, i) => inLang(checked.errorMsgs?.[i], e)));
      }
      if (errors.length) {
        console.error(`waitline tune: ${t('cli.tune.nothing_changed', { errors: errors.join(t('cli.common.list_sep')) })}`);
        return 3;
      }
      const r = await client.apply({ changes, persist: a.flags.persist === true });
      if (!r.ok) return report(r, a.flags.json === true, t);
      const change = r.change;
      if (a.flags.json) console.log(JSON.stringify({ ok: true, change }, null, 2));
      else if (change.changes.length === 0) console.log(t('cli.tune.nothing_to_change'));
      else console.log(`${formatChange(change, 'changed', t)}\n${t('cli.tune.undo_with', { command: `waitline tune revert ${change.id}` })}`);
      return 0;
    }
    if (sub === 'revert') {
      const a = parseArgs(rest, { booleans: ['json'], positionals: true });
      if (a.positionals.length !== 1) throw usageError((t) => t('cli.tune.revert_single'));
      const r = await client.revert(a.positionals[0]!);
      if (!r.ok) return report(r, a.flags.json === true, t);
      if (a.flags.json) console.log(JSON.stringify({ ok: true, change: r.change }, null, 2));
      else console.log(formatChange({ ...r.change, changes: r.change.changes.map((c) => ({ key: c.key, before: c.after, after: c.before })) }, 'reverted', t));
      return 0;
    }
    throw usageError((t) => t('cli.tune.unknown_sub', { sub: sub.slice(0, 40) }));
  } finally {
    client.dispose();
  }
}

function report(r: Extract<TuningResult, { ok: false }>, json: boolean, t: CliT): number {
  if (json) console.log(JSON.stringify(r, null, 2));
  // the helper's message is English: the code says what happened in the reader's language
  console.error(`waitline tune: ${t(RESULT_KEYS[r.code], { detail: r.message })}`);
  return exitCodeFor(r);
}

export const tuneCommand: Subcommand = {
  usage: (tx) => tuneUsage(tx.t),
  run: (argv, tx) => runTune(argv, {}, tx),
};
