// `waitline tune`: read the catalog's sysctls, and change or revert them through the same privileged
// client the app uses (pkexec + the helper). A change made here is kept at once: typing the command
// is the confirmation, so there is no 30 s auto-revert; `tune revert ID` undoes it.

import { SYSCTL_CATALOG, catalogEntry, parseAssignments, type CatalogEntry } from '../../shared/sysctl-catalog';
import type { TuningChange, TuningKnobState, TuningResult } from '../../shared/tuning';
import { TuningClient, type TuningClientOptions } from '../privileged/client';
import { UsageError, parseArgs } from './args';
import type { Subcommand } from './registry';

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
  const client = new TuningClient(clientOpts);
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
          return { ...k, default: e.default, range: rangeText(e), unit: e.unit, scope: e.scope, writable: e.writable };
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
      const changes: Record<string, string> = {};
      const errors = [...parsed.errors];
      for (const [name, value] of Object.entries(parsed.changes)) {
        const key = resolveKey(name) ?? name;
        if (Object.prototype.hasOwnProperty.call(changes, key)) errors.push(`${key}: given more than once`);
        changes[key] = value;
      }
      if (errors.length) {
        console.error(`waitline tune: nothing was changed: ${errors.join('; ')}`);
        return 3;
      }
      const r = await client.apply({ changes, persist: a.flags.persist === true });
      if (!r.ok) return report(r, a.flags.json === true);
      const kept = await client.confirm(r.change.id);
      const change = kept.ok ? kept.change : r.change;
      if (a.flags.json) console.log(JSON.stringify({ ok: true, change }, null, 2));
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
  summary: 'read and change TCP sysctls through the pkexec helper',
  usage: TUNE_USAGE,
  run: (argv) => runTune(argv),
};
