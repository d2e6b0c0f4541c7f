// `waitline tune`: read the catalog's sysctls, and change or revert them through the same privileged
// client the app uses (pkexec + the helper). A change made here is kept at once: typing the command
// is the confirmation, so there is no 30 s auto-revert; `tune revert ID` undoes it.

import { SYSCTL_CATALOG, catalogEntry, parseAssignments, validateChanges, type CatalogEntry } from '../../shared/sysctl-catalog';
import type { TuningChange, TuningKnobState, TuningResult } from '../../shared/tuning';
import { TuningClient, type TuningClientOptions } from '../privileged/client';
import { UsageError, parseArgs } from './args';
import { detectNetns, type NetnsScope } from './netns-scope';
import type { Subcommand } from './commands';

export const TUNE_USAGE = `usage: waitline tune get [KEY...] [--json]
       waitline tune set KEY=VALUE... [--persist] [--json]
       waitline tune revert ID [--json]

Reads and changes the TCP sysctls Waitline knows (see "waitline tune get"). KEY is the dotted name
(net.ipv4.tcp_tw_reuse) or its last part (tcp_tw_reuse). A value with a space is one argument:
  waitline tune set "ip_local_port_range=40000 60999" tcp_tw_reuse=1

set and revert run the root helper through pkexec (polkit asks for authentication); they change the
network namespace this command runs in. Every value is checked before anything is written, and a
batch is all-or-nothing.

options:
  --persist   also save the values in /etc/sysctl.d/90-waitline.conf (kept across reboots)
  --json      print JSON instead of text
  --help      this text

Exit status: 0 ok, 1 the helper failed or is not installed, 2 usage error, 3 invalid key or value
(nothing changed), 4 not authorized or authentication dismissed, 5 another request is running.`;

/** Resolves "tcp_tw_reuse" or "net.ipv4.tcp_tw_reuse" to the catalog's dotted key. */
export function resolveKey(name: string): string | null {
  if (catalogEntry(name)) return name;
  const matches = SYSCTL_CATALOG.filter((e) => e.key.endsWith(`.${name}`));
  return matches.length === 1 ? matches[0]!.key : null;
}

function rangeText(e: CatalogEntry): string {
  switch (e.kind) {
    case 'enum':
      return (e.values ?? []).map((v) => v.value).join('|');
    case 'int':
      return e.min === undefined ? '—' : `${e.min}–${e.max}`;
    case 'port_range':
      return `"LOW HIGH", ${e.min}–${e.max}`;
    case 'port_list':
      return 'list like 1,2-4,10';
    case 'removed':
      return `removed in ${e.removedIn}`;
  }
}

function unitText(e: CatalogEntry): string {
  return e.unit === 'milliseconds' ? ' ms' : e.unit === 'seconds' ? ' s' : '';
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** What a value means when the number alone would mislead; null when it speaks for itself. */
export function knobNote(k: TuningKnobState): string | null {
  if (k.key === 'net.ipv4.tcp_ehash_entries' && k.available && k.value !== null && /^-[0-9]+$/.test(k.value)) {
    return (
      `${k.value} (negative): this network namespace has no established hash table of its own and shares ` +
      `the host's ${k.value.slice(1)} buckets, because net.ipv4.tcp_child_ehash_entries was 0 (the default) ` +
      'in the namespace that created it'
    );
  }
  return null;
}

/** Why a key cannot be set here, in the CLI's words; null when it is available. */
export function unavailableText(k: TuningKnobState, scope: NetnsScope): string | null {
  if (k.available) return null;
  const e = catalogEntry(k.key);
  if (e?.kind === 'removed') return `${k.key}: unavailable here: removed in Linux ${e.removedIn ?? 'an earlier release'}`;
  if (e?.scope === 'global' && scope === 'other') {
    return `${k.key}: unavailable here: it is global, so it exists only in the initial network namespace, and this command runs in another one`;
  }
  return `${k.key}: unavailable here: ${k.unavailableReason ?? 'cannot be read'}`;
}

export function formatKnobs(knobs: TuningKnobState[]): string {
  const rows = knobs.map((k) => {
    const e = catalogEntry(k.key)!;
    const value = k.available ? (k.value === '' ? '(empty)' : `${k.value}${unitText(e)}`) : 'unavailable';
    const dflt = e.default === null ? 'varies' : e.default === '' ? '(empty)' : e.default;
    return [k.key, value, dflt, rangeText(e), e.scope + (e.writable ? '' : ', read-only'), k.available ? '' : (k.unavailableReason ?? '')];
  });
  const head = ['KEY', 'VALUE', 'DEFAULT', 'RANGE', 'SCOPE'];
  const w = head.map((h, i) => Math.min(44, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.slice(0, 5).map((c, i) => pad(c, w[i]!)).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  const notes = rows.filter((r) => r[5]).map((r) => `  ${r[0]}: ${r[5]}`);
  if (notes.length) out.push('', 'unavailable:', ...notes);
  const meanings = knobs.flatMap((k) => {
    const note = knobNote(k);
    return note ? [`  ${k.key}: ${note}`] : [];
  });
  if (meanings.length) out.push('', 'notes:', ...meanings);
  return out.join('\n');
}

export function formatChange(c: TuningChange, verb: string): string {
  const out = [`${verb} (change ${c.id}${c.persisted ? ', persisted to /etc/sysctl.d/90-waitline.conf' : ''}):`];
  for (const x of c.changes) out.push(`  ${x.key}: ${x.before === '' ? '(empty)' : x.before} → ${x.after === '' ? '(empty)' : x.after}`);
  return out.join('\n');
}

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

export async function runTune(argv: string[], clientOpts: TuningClientOptions = {}): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) throw new UsageError('expected get, set or revert');
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
          if (!key) throw new UsageError(`unknown sysctl "${name.slice(0, 60)}" (run "waitline tune get" for the list)`);
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
        console.log(formatKnobs(knobs));
        if (!state.writable) console.log(`\nchanges are not possible here: ${state.readOnlyReason}`);
      }
      return 0;
    }
    if (sub === 'set') {
      const a = parseArgs(rest, { booleans: ['json', 'persist'], positionals: true });
      if (a.positionals.length === 0) throw new UsageError('set needs at least one KEY=VALUE');
      const parsed = parseAssignments(a.positionals);
      // keyed by what the user typed: no prototype, so "__proto__=1" is an ordinary (unknown) key
      const changes = Object.create(null) as Record<string, string>;
      const errors = [...parsed.errors];
      for (const [name, value] of Object.entries(parsed.changes)) {
        const key = resolveKey(name) ?? name;
        if (Object.prototype.hasOwnProperty.call(changes, key)) errors.push(`${key}: given more than once`);
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
        const why = knob ? unavailableText(knob, scope) : null;
        if (why) errors.push(why);
        else available[key] = changes[key]!;
      }
      if (Object.keys(available).length) {
        const start = Number(state.knobs.find((k) => k.key === 'net.ipv4.ip_unprivileged_port_start')?.value ?? NaN);
        errors.push(...validateChanges(available, Number.isInteger(start) ? { unprivilegedPortStart: start } : {}).errors);
      }
      if (errors.length) {
        console.error(`waitline tune: nothing was changed: ${errors.join('; ')}`);
        return 3;
      }
      const r = await client.apply({ changes, persist: a.flags.persist === true });
      if (!r.ok) return report(r, a.flags.json === true);
      const change = r.change;
      if (a.flags.json) console.log(JSON.stringify({ ok: true, change }, null, 2));
      else if (change.changes.length === 0) console.log('nothing to change: every value is already set');
      else console.log(`${formatChange(change, 'changed')}\nundo with: waitline tune revert ${change.id}`);
      return 0;
    }
    if (sub === 'revert') {
      const a = parseArgs(rest, { booleans: ['json'], positionals: true });
      if (a.positionals.length !== 1) throw new UsageError('revert takes exactly one change id');
      const r = await client.revert(a.positionals[0]!);
      if (!r.ok) return report(r, a.flags.json === true);
      if (a.flags.json) console.log(JSON.stringify({ ok: true, change: r.change }, null, 2));
      else console.log(formatChange({ ...r.change, changes: r.change.changes.map((c) => ({ key: c.key, before: c.after, after: c.before })) }, 'reverted'));
      return 0;
    }
    throw new UsageError(`unknown tune command "${sub.slice(0, 40)}" (expected get, set or revert)`);
  } finally {
    client.dispose();
  }
}

function report(r: Extract<TuningResult, { ok: false }>, json: boolean): number {
  if (json) console.log(JSON.stringify(r, null, 2));
  console.error(`waitline tune: ${r.message}`);
  return exitCodeFor(r);
}

export const tuneCommand: Subcommand = {
  usage: TUNE_USAGE,
  run: (argv) => runTune(argv),
};
