// The sysctl catalog: every kernel knob Waitline reads or tunes, with what it really does, what goes
// wrong when it is set badly (docs/kernel.md, "Sysctls Waitline reads and tunes"), the myths about it
// (docs/kernel.md, "Myths Waitline corrects"), its scope and history, and pure validation used by the
// renderer, the CLI and the privileged client. The root helper (electron/helper/waitline-helper)
// re-validates on its own with the same rules; a privileged test
// checks that its `list` output agrees with this file.

import { enT, msg, msgText, renderMsg, type Msg, type TFunction } from './i18n';
import type { SysctlValue } from './snapshot';
import type { TuningKnobState } from './tuning';

export type SysctlScope = 'netns' | 'global';

export type SysctlKind =
  | 'int' // one decimal integer in [min, max]
  | 'enum' // one of `values`
  | 'port_range' // "LOW HIGH"
  | 'port_list' // "1,2-4,10" or empty
  | 'removed'; // no longer in the kernel; shown, never written

export type SysctlUnit = 'seconds' | 'milliseconds' | 'count' | 'retries' | 'mode' | 'ports' | 'probes' | 'pages';

export interface Myth {
  myth: string;
  truth: string;
}

export interface EnumValue {
  value: number;
  meaning: string;
}

export type PortBudgetEffect = 'range' | 'reserved' | 'reuse' | 'reuse_delay' | 'timestamps';

/** The knob ids: the last segment of each sysctl name, unique across the catalog (a test checks).
 *  Every human text of a knob lives in the catalogs under `knobs.<id>` (shared/i18n/locales/<lang>/knobs.json). */
export const KNOB_IDS = [
  'tcp_tw_reuse',
  'tcp_tw_reuse_delay',
  'tcp_fin_timeout',
  'tcp_max_tw_buckets',
  'ip_local_port_range',
  'ip_local_reserved_ports',
  'tcp_timestamps',
  'tcp_max_orphans',
  'tcp_orphan_retries',
  'tcp_syn_retries',
  'tcp_synack_retries',
  'tcp_max_syn_backlog',
  'somaxconn',
  'tcp_syncookies',
  'tcp_keepalive_time',
  'tcp_keepalive_intvl',
  'tcp_keepalive_probes',
  'tcp_rfc1337',
  'tcp_tw_recycle',
  'ip_unprivileged_port_start',
  'tcp_ehash_entries',
] as const;
export type KnobId = (typeof KNOB_IDS)[number];

/** A knob's human texts in one language (the catalog's `knobs.<id>` object). */
export interface KnobText {
  /** short name for the UI */
  title: string;
  /** what it really does */
  summary: string;
  /** what the kernel itself enforces, in words */
  kernelRange: string;
  defaultNote?: string;
  /** enum value → meaning */
  values?: Record<string, string>;
  /** what goes wrong when it is set badly */
  risks: string[];
  myths: Myth[];
  /** kernel history; UNCONFIRMED versions are said to vary */
  history: string;
}

/** The catalogs keep a knob's risks and myths as objects keyed "1", "2", … (arrays in the catalog make
 *  i18next's key type too deep for tsc); the numeric keys keep their order. */
function listOf<T>(x: unknown): T[] {
  if (Array.isArray(x)) return x as T[];
  return x && typeof x === 'object' ? (Object.values(x) as T[]) : [];
}

/** A knob's texts in the language of `t` (English: enT()). */
export function knobText(t: TFunction, id: KnobId): KnobText {
  const o = (t as unknown as (k: string, opts: { returnObjects: true }) => unknown)(`knobs.${id}`, { returnObjects: true });
  const x = (o && typeof o === 'object' ? o : {}) as Partial<KnobText>;
  return {
    title: x.title ?? id,
    summary: x.summary ?? '',
    kernelRange: x.kernelRange ?? '',
    ...(x.defaultNote ? { defaultNote: x.defaultNote } : {}),
    ...(x.values ? { values: x.values } : {}),
    risks: listOf(x.risks),
    myths: listOf(x.myths),
    history: x.history ?? '',
  };
}

/** The knob id of a dotted sysctl key of the catalog (undefined for any other key). */
export function knobId(key: string): KnobId | undefined {
  return BY_KEY.get(key)?.knobId;
}

export interface CatalogEntry {
  /** dotted sysctl key */
  key: string;
  /** the last segment of the key: where its texts live in the catalogs (knobText(t, knobId)) */
  knobId: KnobId;
  /** short name for the UI (English; other languages: knobText) */
  title: string;
  kind: SysctlKind;
  unit: SysctlUnit | null;
  /** whether Waitline may write it (read-only/structural keys are read for validation and display) */
  writable: boolean;
  /** inclusive bounds Waitline accepts for 'int' (and each port of 'port_range' / 'port_list') */
  min?: number;
  max?: number;
  values?: EnumValue[];
  /** what the kernel itself enforces, in words (Waitline's bounds may be tighter) */
  kernelRange: string;
  /** mainline default as the kernel prints it (tabs as one space); null when it depends on memory */
  default: string | null;
  defaultNote?: string;
  scope: SysctlScope;
  /** what it really does */
  summary: string;
  /** what goes wrong when it is set badly */
  risks: string[];
  myths: Myth[];
  /** kernel history; UNCONFIRMED versions are said to vary */
  history: string;
  /** for kind 'removed' */
  removedIn?: string;
  /** which part of the port budget it changes, for the preview */
  portBudget?: PortBudgetEffect;
}

/** The language-free part of an entry; the texts come from the catalogs. */
interface KnobSpec {
  id: KnobId;
  key: string;
  kind: SysctlKind;
  unit: SysctlUnit | null;
  writable: boolean;
  min?: number;
  max?: number;
  values?: number[];
  default: string | null;
  scope: SysctlScope;
  removedIn?: string;
  portBudget?: PortBudgetEffect;
}

const SPECS: readonly KnobSpec[] = [
  { id: 'tcp_tw_reuse', key: 'net.ipv4.tcp_tw_reuse', kind: 'enum', unit: 'mode', writable: true, values: [0, 1, 2], default: '2', scope: 'netns', portBudget: 'reuse' },
  { id: 'tcp_tw_reuse_delay', key: 'net.ipv4.tcp_tw_reuse_delay', kind: 'int', unit: 'milliseconds', writable: true, min: 1, max: 60000, default: '1000', scope: 'netns', portBudget: 'reuse_delay' },
  { id: 'tcp_fin_timeout', key: 'net.ipv4.tcp_fin_timeout', kind: 'int', unit: 'seconds', writable: true, min: 1, max: 600, default: '60', scope: 'netns' },
  { id: 'tcp_max_tw_buckets', key: 'net.ipv4.tcp_max_tw_buckets', kind: 'int', unit: 'count', writable: true, min: 1024, max: 16777216, default: null, scope: 'netns' },
  { id: 'ip_local_port_range', key: 'net.ipv4.ip_local_port_range', kind: 'port_range', unit: 'ports', writable: true, min: 1, max: 65535, default: '32768 60999', scope: 'netns', portBudget: 'range' },
  { id: 'ip_local_reserved_ports', key: 'net.ipv4.ip_local_reserved_ports', kind: 'port_list', unit: 'ports', writable: true, min: 1, max: 65535, default: '', scope: 'netns', portBudget: 'reserved' },
  { id: 'tcp_timestamps', key: 'net.ipv4.tcp_timestamps', kind: 'enum', unit: 'mode', writable: true, values: [0, 1, 2], default: '1', scope: 'netns', portBudget: 'timestamps' },
  { id: 'tcp_max_orphans', key: 'net.ipv4.tcp_max_orphans', kind: 'int', unit: 'count', writable: true, min: 1024, max: 16777216, default: null, scope: 'global' },
  { id: 'tcp_orphan_retries', key: 'net.ipv4.tcp_orphan_retries', kind: 'int', unit: 'retries', writable: true, min: 0, max: 255, default: '0', scope: 'netns' },
  { id: 'tcp_syn_retries', key: 'net.ipv4.tcp_syn_retries', kind: 'int', unit: 'retries', writable: true, min: 1, max: 127, default: '6', scope: 'netns' },
  { id: 'tcp_synack_retries', key: 'net.ipv4.tcp_synack_retries', kind: 'int', unit: 'retries', writable: true, min: 0, max: 255, default: '5', scope: 'netns' },
  { id: 'tcp_max_syn_backlog', key: 'net.ipv4.tcp_max_syn_backlog', kind: 'int', unit: 'count', writable: true, min: 16, max: 16777216, default: null, scope: 'netns' },
  { id: 'somaxconn', key: 'net.core.somaxconn', kind: 'int', unit: 'count', writable: true, min: 1, max: 4194304, default: '4096', scope: 'netns' },
  { id: 'tcp_syncookies', key: 'net.ipv4.tcp_syncookies', kind: 'enum', unit: 'mode', writable: true, values: [0, 1, 2], default: '1', scope: 'netns' },
  { id: 'tcp_keepalive_time', key: 'net.ipv4.tcp_keepalive_time', kind: 'int', unit: 'seconds', writable: true, min: 1, max: 32767, default: '7200', scope: 'netns' },
  { id: 'tcp_keepalive_intvl', key: 'net.ipv4.tcp_keepalive_intvl', kind: 'int', unit: 'seconds', writable: true, min: 1, max: 32767, default: '75', scope: 'netns' },
  { id: 'tcp_keepalive_probes', key: 'net.ipv4.tcp_keepalive_probes', kind: 'int', unit: 'probes', writable: true, min: 1, max: 127, default: '9', scope: 'netns' },
  { id: 'tcp_rfc1337', key: 'net.ipv4.tcp_rfc1337', kind: 'enum', unit: 'mode', writable: true, values: [0, 1], default: '0', scope: 'netns' },
  { id: 'tcp_tw_recycle', key: 'net.ipv4.tcp_tw_recycle', kind: 'removed', unit: null, writable: false, default: null, scope: 'netns', removedIn: '4.12' },
  { id: 'ip_unprivileged_port_start', key: 'net.ipv4.ip_unprivileged_port_start', kind: 'int', unit: 'ports', writable: false, min: 0, max: 65536, default: '1024', scope: 'netns' },
  { id: 'tcp_ehash_entries', key: 'net.ipv4.tcp_ehash_entries', kind: 'int', unit: 'count', writable: false, default: null, scope: 'netns' },
];

function entryOf(s: KnobSpec): CatalogEntry {
  const text = knobText(enT(), s.id);
  const { id, values, ...rest } = s;
  return {
    ...rest,
    knobId: id,
    title: text.title,
    ...(values ? { values: values.map((value) => ({ value, meaning: text.values?.[String(value)] ?? String(value) })) } : {}),
    kernelRange: text.kernelRange,
    ...(text.defaultNote ? { defaultNote: text.defaultNote } : {}),
    summary: text.summary,
    risks: text.risks,
    myths: text.myths,
    history: text.history,
  };
}

/** Every knob, its English texts built from the catalog (knobs.<id>). */
export const SYSCTL_CATALOG: readonly CatalogEntry[] = SPECS.map(entryOf);

/** Every catalog key, dotted: the collector reads exactly these into Snapshot.sysctls. */
export const CATALOG_KEYS: string[] = SYSCTL_CATALOG.map((e) => e.key);

/** Keys the helper may write. */
export const WRITABLE_KEYS: string[] = SYSCTL_CATALOG.filter((e) => e.writable && e.kind !== 'removed').map((e) => e.key);

const BY_KEY = new Map(SYSCTL_CATALOG.map((e) => [e.key, e]));

export function catalogEntry(key: string): CatalogEntry | undefined {
  return BY_KEY.get(key);
}

/** /proc/sys path of a catalog key (dots → slashes). Only ever called with catalog keys. */
export function sysctlPath(key: string, procSysRoot = '/proc/sys'): string {
  if (!BY_KEY.has(key)) throw new Error(`${describe(key)} is not a Waitline sysctl`);
  return `${procSysRoot}/${key.split('.').join('/')}`;
}

/** The kernel prints ip_local_port_range with a tab; values are compared with single spaces. */
export function normalizeSysctlValue(raw: string): string {
  return raw.replace(/\n$/, '').replace(/[ \t]+/g, ' ').trim();
}

// ---------------------------------------------------------------- reading

/** The reasons sysctlRead and knobState give, as Msgs (the English text is the SysctlValue's reason). */
function readMsg(entry: CatalogEntry, outcome: { text: string } | { error: unknown } | 'removed'): Msg | null {
  if (outcome === 'removed' || entry.kind === 'removed') {
    return entry.removedIn ? msg('knobs.read.removed', { version: entry.removedIn }) : msg('knobs.read.removedEarlier');
  }
  if ('text' in outcome) return null;
  const err = outcome.error as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === 'ENOENT') return entry.scope === 'global' ? msg('knobs.read.globalMissing') : msg('knobs.read.missing');
  return msg('knobs.read.unreadable', { detail: code ?? (typeof err?.message === 'string' ? err.message : String(outcome.error)) });
}

/** A catalog key read from /proc/sys: its value, or why there is none. The one wording the collector
 *  (electron/collector/index.ts), the privileged client and `waitline serve` use; each reader only does
 *  its own file access. Pass the file's text, or the error reading it threw (anything with a `code`). */
export function sysctlRead(entry: CatalogEntry, outcome: { text: string } | { error: unknown } | 'removed'): SysctlValue {
  const m = readMsg(entry, outcome);
  if (m) return { available: false, reason: msgText(m), msg: m };
  return { available: true, raw: normalizeSysctlValue((outcome as { text: string }).text), scope: entry.scope };
}

/** The tuning panel's view of a key from what was read (undefined: the reader did not read it). */
export function knobState(key: string, v: SysctlValue | undefined): TuningKnobState {
  if (!v) {
    const m = msg('knobs.read.notRead');
    return { key, available: false, unavailableReason: msgText(m), unavailableMsg: m, value: null };
  }
  if (v.available) return { key, available: true, unavailableReason: null, value: v.raw };
  return { key, available: false, unavailableReason: v.reason, ...(v.msg ? { unavailableMsg: v.msg } : {}), value: null };
}

// ---------------------------------------------------------------- validation

/** Context the validation needs from the running system. */
export interface ValidationContext {
  /** current net.ipv4.ip_unprivileged_port_start (the port range must start at or above it) */
  unprivilegedPortStart?: number;
}

/** A refusal carries its English `message` ("KEY: problem", what the CLI, the helper's comparisons and
 *  the API show) and the same as a Msg (`msg`, params include `key`) for the UI's language. */
export type ValueCheck = { ok: true; value: string } | { ok: false; message: string; msg?: Msg };

/** A string shown in an error message: printable ASCII only, shortened. Anything else is described. */
export function describe(s: string): string {
  if (s === '') return '(empty)';
  if (!/^[\x20-\x7e]*$/.test(s)) return 'a value with control or non-ASCII characters';
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;

function parseDecimal(s: string): number | null {
  return DECIMAL.test(s) ? Number(s) : null;
}

type DecimalProblem =
  | 'knobs.validation.isEmpty'
  | 'knobs.validation.negative'
  | 'knobs.validation.hexadecimal'
  | 'knobs.validation.notWhole'
  | 'knobs.validation.leadingZero'
  | 'knobs.validation.tooManyDigits'
  | 'knobs.validation.whitespace'
  | 'knobs.validation.notInteger';

function decimalProblem(s: string): DecimalProblem {
  if (s === '') return 'knobs.validation.isEmpty';
  if (/^-[0-9]+$/.test(s)) return 'knobs.validation.negative';
  if (/^0[xX]/.test(s)) return 'knobs.validation.hexadecimal';
  if (/^[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+$/.test(s) || /^[0-9]*\.[0-9]+$/.test(s)) return 'knobs.validation.notWhole';
  if (/^0[0-9]+$/.test(s)) return 'knobs.validation.leadingZero';
  if (/^[0-9]{11,}$/.test(s)) return 'knobs.validation.tooManyDigits';
  if (/\s/.test(s)) return 'knobs.validation.whitespace';
  return 'knobs.validation.notInteger';
}

/** A refusal: the Msg and its English text. Numbers go in as strings (no grouping: "1–60000"). */
function refuse(m: Msg): { ok: false; message: string; msg: Msg } {
  return { ok: false, message: msgText(m), msg: m };
}

function checkInt(key: string, v: string, min: number, max: number): ValueCheck {
  const n = parseDecimal(v);
  if (n === null) return refuse(msg(decimalProblem(v), { key, value: describe(v) }));
  if (n < min || n > max) return refuse(msg('knobs.validation.outside', { key, value: v, min: String(min), max: String(max) }));
  return { ok: true, value: String(n) };
}

/** Validates one value for one key. Pure: same rules as the helper. */
export function validateSysctlValue(key: string, value: string, ctx: ValidationContext = {}): ValueCheck {
  const e = BY_KEY.get(key);
  if (!e) return refuse(msg('knobs.validation.notCatalog', { key: describe(key) }));
  if (e.kind === 'removed') return refuse(msg('knobs.validation.removed', { key, version: e.removedIn ?? '' }));
  if (!e.writable) return refuse(msg('knobs.validation.readOnly', { key }));
  if (value.length > MAX_SYSCTL_VALUE_LENGTH) return refuse(msg('knobs.validation.valueTooLong', { key }));
  switch (e.kind) {
    case 'int':
      return checkInt(key, value, e.min ?? 0, e.max ?? 2147483647);
    case 'enum': {
      const allowed = (e.values ?? []).map((x) => x.value);
      const n = parseDecimal(value);
      if (n === null || !allowed.includes(n)) {
        return refuse(msg('knobs.validation.notOneOf', { key, value: describe(value), allowed: allowed.join(', ') }));
      }
      return { ok: true, value: String(n) };
    }
    case 'port_range': {
      const m = /^([0-9]+)[ \t]([0-9]+)$/.exec(value);
      if (!m) return refuse(msg('knobs.validation.rangeFormat', { key, value: describe(value) }));
      const low = parseDecimal(m[1]!);
      const high = parseDecimal(m[2]!);
      if (low === null || high === null) return refuse(msg('knobs.validation.rangeDigits', { key, value: describe(value) }));
      const lo = String(e.min ?? 1);
      const hi = String(e.max ?? 65535);
      if (low < Number(lo) || low > Number(hi)) return refuse(msg('knobs.validation.lowOutside', { key, low: String(low), min: lo, max: hi }));
      if (high < Number(lo) || high > Number(hi)) return refuse(msg('knobs.validation.highOutside', { key, high: String(high), min: lo, max: hi }));
      if (low >= high) return refuse(msg('knobs.validation.lowNotBelowHigh', { key, low: String(low), high: String(high) }));
      const start = ctx.unprivilegedPortStart;
      if (start !== undefined && low < start) {
        return refuse(msg('knobs.validation.belowUnprivileged', { key, low: String(low), start: String(start) }));
      }
      return { ok: true, value: `${low} ${high}` };
    }
    case 'port_list': {
      if (value === '') return { ok: true, value: '' };
      const items = value.split(',');
      if (items.length > 64) return refuse(msg('knobs.validation.tooManyEntries', { key, max: '64' }));
      const lo = e.min ?? 1;
      const hi = e.max ?? 65535;
      for (const item of items) {
        const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
        if (!m) return refuse(msg('knobs.validation.notPortOrRange', { key, value: describe(item) }));
        const a = parseDecimal(m[1]!);
        const b = m[2] === undefined ? a : parseDecimal(m[2]);
        if (a === null || b === null) return refuse(msg('knobs.validation.itemDigits', { key, value: describe(item) }));
        if (a < lo || a > hi || b < lo || b > hi) {
          return refuse(msg('knobs.validation.outside', { key, value: item, min: String(lo), max: String(hi) }));
        }
        if (b < a) return refuse(msg('knobs.validation.rangeBackwards', { key, value: item }));
      }
      return { ok: true, value };
    }
  }
  return refuse(msg('knobs.validation.cannotSet', { key }));
}

/** A validation Msg without its "KEY: " lead-in, for a message shown next to its knob: the same
 *  catalog text with the key left out (the Msg itself still names it). */
export function problemText(t: TFunction, m: Msg): string {
  const key = m.params?.key;
  const full = renderMsg(t, m);
  if (typeof key !== 'string') return full;
  for (const lead of [`${key}: `, `${key}：`]) if (full.startsWith(lead)) return full.slice(lead.length);
  return full;
}

/** At most this many keys per request (the helper enforces the same; so does the IPC shape check). */
export const MAX_CHANGES_PER_REQUEST = 24;

/** The longest value text any request may carry (ip_local_reserved_ports lists are the long ones). */
export const MAX_SYSCTL_VALUE_LENGTH = 512;

export interface ChangeSetCheck {
  ok: boolean;
  /** normalized values of the valid changes */
  values: Record<string, string>;
  /** one message per problem; empty when ok */
  errors: string[];
  /** the same problems as Msgs, in the same order */
  errorMsgs: Msg[];
  /** per key, for inline validation */
  byKey: Record<string, string>;
}

/** Stores `value` under a key that came from input as an own data property, so a key such as
 *  "__proto__" is kept like any other instead of hitting Object.prototype's setter. */
function putOwn(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Validates a whole request: all-or-nothing, so any error means nothing may be written. */
export function validateChanges(changes: Record<string, string>, ctx: ValidationContext = {}): ChangeSetCheck {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  const errorMsgs: Msg[] = [];
  const byKey: Record<string, string> = {};
  const fail = (m: Msg) => {
    errors.push(msgText(m));
    errorMsgs.push(m);
  };
  const keys = Object.keys(changes);
  if (keys.length === 0) fail(msg('knobs.validation.noChanges'));
  if (keys.length > MAX_CHANGES_PER_REQUEST) fail(msg('knobs.validation.tooManyChanges', { n: String(keys.length), max: String(MAX_CHANGES_PER_REQUEST) }));
  for (const key of keys) {
    const value = changes[key];
    if (typeof value !== 'string') {
      fail(msg('knobs.validation.notString', { key: describe(key) }));
      putOwn(byKey, key, msgText(msg('knobs.validation.notStringShort')));
      continue;
    }
    const r = validateSysctlValue(key, value, ctx);
    if (r.ok) values[key] = r.value;
    else {
      errors.push(r.message);
      errorMsgs.push(r.msg ?? msg('knobs.validation.cannotSet', { key: describe(key) }));
      putOwn(byKey, key, r.message);
    }
  }
  return { ok: errors.length === 0, values, errors, errorMsgs, byKey };
}

/** Parses CLI-style "KEY=VALUE" arguments (the value may contain spaces: one argument). */
export function parseAssignments(args: string[]): { changes: Record<string, string>; errors: string[]; errorMsgs: Msg[] } {
  const changes: Record<string, string> = {};
  const errors: string[] = [];
  const errorMsgs: Msg[] = [];
  const fail = (m: Msg) => {
    errors.push(msgText(m));
    errorMsgs.push(m);
  };
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) {
      fail(msg('knobs.validation.expectedAssignment', { value: describe(a) }));
      continue;
    }
    const key = a.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(changes, key)) {
      fail(msg('knobs.validation.duplicate', { key: describe(key) }));
      continue;
    }
    putOwn(changes, key, a.slice(eq + 1));
  }
  return { changes, errors, errorMsgs };
}

// ---------------------------------------------------------------- port budget preview

/** Usable ephemeral ports for a range and a reserved list: high − low + 1 − reserved ports inside the
 *  range (docs/exhaustion.md, "What runs out"). */
export function usablePorts(range: string, reserved: string): number | null {
  const m = /^([0-9]+)[ \t]+([0-9]+)$/.exec(range.trim());
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (!(high >= low)) return null;
  let excluded = 0;
  const seen = new Set<number>();
  for (const item of reserved.split(',').map((s) => s.trim()).filter(Boolean)) {
    const r = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
    if (!r) continue;
    const a = Number(r[1]);
    const b = r[2] === undefined ? a : Number(r[2]);
    for (let p = Math.max(a, low); p <= Math.min(b, high); p++) {
      if (!seen.has(p)) {
        seen.add(p);
        excluded++;
      }
    }
  }
  return high - low + 1 - excluded;
}
