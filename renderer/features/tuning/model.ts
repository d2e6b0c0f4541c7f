// Pure logic of the tuning panel: knob rows from the catalog + the live values, inline validation of
// proposed values, the diff shown before applying, warnings drawn from docs/kernel.md ("Sysctls Waitline
// reads and tunes"), and the port-budget preview against the current worst destination
// (docs/exhaustion.md, "What runs out"). No React, no bridge: unit-tested.

import { msg, msgText, type Msg } from '../../../shared/i18n';
import {
  SYSCTL_CATALOG,
  catalogEntry,
  normalizeSysctlValue,
  usablePorts,
  validateChanges,
  validateSysctlValue,
  type CatalogEntry,
} from '../../../shared/sysctl-catalog';
import { portBudget, rankBudgets, type ReuseSettings } from '../../../shared/port-budget';
import type { PortBudget, Snapshot } from '../../../shared/snapshot';
import { TIME_WAIT_SECONDS } from '../../../shared/tcp';
import type { TuningKnobState, TuningState } from '../../../shared/tuning';

export interface KnobRow {
  entry: CatalogEntry;
  key: string;
  available: boolean;
  /** why it is unavailable, English (the host's text or the panel's own) */
  unavailableReason: string | null;
  /** the same as a Msg when Waitline wrote it (null: show unavailableReason as is) */
  unavailableMsg: Msg | null;
  current: string | null;
  /** what the user typed; undefined = unchanged */
  draft: string | undefined;
  /** inline validation message for the draft (English, without the key) */
  error: string | null;
  /** the same as a Msg (its text still starts with the key: show it with problemText) */
  errorMsg: Msg | null;
  /** the draft differs from the current value */
  changed: boolean;
  /** may the user edit it here */
  editable: boolean;
}

export type Drafts = Record<string, string>;

/** The knob, its value normalized (a transport may pass the kernel's tab in the port range). */
function knobFor(state: TuningState | null, key: string): TuningKnobState | undefined {
  const k = state?.knobs.find((x) => x.key === key);
  return k && k.value !== null ? { ...k, value: normalizeSysctlValue(k.value) } : k;
}

export function unprivilegedStart(state: TuningState | null): number | undefined {
  const v = knobFor(state, 'net.ipv4.ip_unprivileged_port_start')?.value;
  return v && /^[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** Rows for every writable or removed catalog entry (read-only structural keys are not knobs). */
export function knobRows(state: TuningState | null, drafts: Drafts, writable: boolean): KnobRow[] {
  const ctx = { unprivilegedPortStart: unprivilegedStart(state) };
  return SYSCTL_CATALOG.filter((e) => e.writable || e.kind === 'removed').map((entry) => {
    const k = knobFor(state, entry.key);
    const removed = entry.kind === 'removed';
    const available = !removed && (k?.available ?? false);
    const unavailableMsg = removed
      ? msg('tuning.knob.removed', { version: entry.removedIn ?? '' })
      : k
        ? k.available
          ? null
          : k.unavailableReason
            ? (k.unavailableMsg ?? null)
            : msg('tuning.knob.notAvailable')
        : msg('tuning.knob.notReadYet');
    const unavailableReason = unavailableMsg ? msgText(unavailableMsg) : (k?.unavailableReason ?? null);
    const current = k?.available ? k.value : null;
    const draft = Object.prototype.hasOwnProperty.call(drafts, entry.key) ? drafts[entry.key] : undefined;
    let error: string | null = null;
    let errorMsg: Msg | null = null;
    let changed = false;
    if (draft !== undefined && available) {
      const r = validateSysctlValue(entry.key, draft, ctx);
      if (r.ok) changed = r.value !== current;
      else {
        error = r.message.replace(`${entry.key}: `, '');
        errorMsg = r.msg ?? null;
      }
    }
    return {
      entry,
      key: entry.key,
      available,
      unavailableReason,
      unavailableMsg,
      current,
      draft,
      error,
      errorMsg,
      changed,
      editable: writable && available,
    };
  });
}

export interface DiffLine {
  key: string;
  title: string;
  before: string;
  after: string;
}

/** A problem that blocks applying: the knob, its English text ("KEY: problem") and, when Waitline
 *  wrote the problem, its Msg (shown as "KEY: problem" in the page's language). */
export interface PlanError {
  key: string;
  text: string;
  msg: Msg | null;
}

export interface Plan {
  /** valid, changed values to send */
  changes: Record<string, string>;
  diff: DiffLine[];
  /** problems that block applying */
  errors: PlanError[];
  warnings: Msg[];
}

/** What "Apply" would send: only changed, valid, available knobs; any invalid draft blocks it all. */
export function planChanges(state: TuningState | null, drafts: Drafts): Plan {
  const rows = knobRows(state, drafts, true);
  const errors: PlanError[] = [];
  const proposed: Record<string, string> = {};
  for (const r of rows) {
    if (r.draft === undefined) continue;
    if (!r.available) {
      errors.push({ key: r.key, text: `${r.key}: ${r.unavailableReason}`, msg: r.unavailableMsg });
      continue;
    }
    if (r.error) errors.push({ key: r.key, text: `${r.key}: ${r.error}`, msg: r.errorMsg });
    else if (r.changed) proposed[r.key] = r.draft;
  }
  const check = validateChanges(proposed, { unprivilegedPortStart: unprivilegedStart(state) });
  const changes = check.ok ? check.values : {};
  const diff = Object.entries(changes).map(([key, after]) => ({
    key,
    title: catalogEntry(key)?.title ?? key,
    before: knobFor(state, key)?.value ?? '',
    after,
  }));
  return { changes, diff, errors, warnings: warningsFor(state, changes) };
}

function num(v: string | null | undefined): number | null {
  return v !== null && v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : null;
}

/** Consequences worth a second look, from docs/kernel.md: "Sysctls Waitline reads and tunes" (what goes
 *  wrong when they are set badly) and "Myths Waitline corrects". */
export function warningsFor(state: TuningState | null, changes: Record<string, string>): Msg[] {
  const w: Msg[] = [];
  const cur = (k: string) => knobFor(state, k)?.value ?? null;
  const next = (k: string) => (k in changes ? changes[k]! : cur(k));
  if ('net.ipv4.tcp_fin_timeout' in changes) {
    w.push(msg('tuning.warning.finTimeout'));
  }
  const buckets = num(changes['net.ipv4.tcp_max_tw_buckets']);
  const bucketsNow = num(cur('net.ipv4.tcp_max_tw_buckets'));
  if (buckets !== null && bucketsNow !== null && buckets < bucketsNow) {
    w.push(msg('tuning.warning.bucketsLower'));
  }
  const reuse = num(next('net.ipv4.tcp_tw_reuse'));
  if (num(next('net.ipv4.tcp_timestamps')) === 0 && reuse !== null && reuse !== 0) {
    w.push(msg('tuning.warning.noTimestamps'));
  }
  if (changes['net.ipv4.tcp_tw_reuse'] === '1') {
    w.push(msg('tuning.warning.reuseOne'));
  }
  const range = changes['net.ipv4.ip_local_port_range'];
  if (range) {
    const [lo, hi] = range.split(' ').map(Number) as [number, number];
    if (lo % 2 === hi % 2) w.push(msg('tuning.warning.parity', { range }));
    const before = usablePorts(cur('net.ipv4.ip_local_port_range') ?? '', cur('net.ipv4.ip_local_reserved_ports') ?? '');
    const after = usablePorts(range, next('net.ipv4.ip_local_reserved_ports') ?? '');
    if (before !== null && after !== null && after < before) w.push(msg('tuning.warning.narrower', { before, after }));
  }
  if (changes['net.ipv4.tcp_syncookies'] === '0') w.push(msg('tuning.warning.syncookiesOff'));
  const somax = num(changes['net.core.somaxconn']);
  if (somax !== null && somax < 128) w.push(msg('tuning.warning.somaxconnLow'));
  return w;
}

// ---------------------------------------------------------------- port budget preview

export interface BudgetFigures {
  usable: number;
  /** seconds a closed tuple stays unusable */
  holdSeconds: number;
  reuse: boolean;
  /** new connections per second this destination can sustain */
  sustainablePerS: number;
  /** steady-state ports held at the current close rate, and its share */
  steadyState: number | null;
  steadyStatePercent: number | null;
}

export interface BudgetPreview {
  /** the destination the preview is computed for; null = no outgoing destination right now */
  destination: { localAddr: string; remoteAddr: string; remotePort: number; closeRatePerS: number } | null;
  before: BudgetFigures;
  after: BudgetFigures;
  /** whether the proposed changes touch the budget at all */
  affected: boolean;
}

/** The destination closest to exhaustion in the snapshot, by the one ranking every view uses
 *  (rankBudgets: exhausted first, then by the larger of current use and steady state). */
export function worstDestination(snapshot: Snapshot | null): PortBudget | null {
  const b = snapshot?.portBudgets ?? [];
  if (b.length === 0) return null;
  return rankBudgets(b)[0]!;
}

function figures(
  values: (k: string) => string | null,
  dest: PortBudget | null,
): BudgetFigures | null {
  const usable = usablePorts(values('net.ipv4.ip_local_port_range') ?? '', values('net.ipv4.ip_local_reserved_ports') ?? '');
  if (usable === null) return null;
  const settings: ReuseSettings = {
    reuse: num(values('net.ipv4.tcp_tw_reuse')) ?? 0,
    timestamps: num(values('net.ipv4.tcp_timestamps')) ?? 1,
    delayMs: num(values('net.ipv4.tcp_tw_reuse_delay')) ?? 1000,
  };
  if (!dest) {
    // no destination yet: what reuse would do for a non-loopback peer
    const reuse = settings.reuse === 1 && settings.timestamps !== 0;
    const holdSeconds = reuse ? settings.delayMs / 1000 : TIME_WAIT_SECONDS;
    return { usable, holdSeconds, reuse, sustainablePerS: holdSeconds > 0 ? usable / holdSeconds : usable, steadyState: null, steadyStatePercent: null };
  }
  // the collector's own formula, fed the destination's counts and the proposed values
  const b = portBudget({ ...dest, recentTimeWait: dest.closeRatePerS * dest.rateWindowS }, usable, settings, dest.rateWindowS);
  // While a destination is exhausted no connection can be made, so none closes: its close rate says
  // nothing about demand and a steady state from it would read below what is held now. Never show less
  // than the ports held now (under the proposed values).
  const floor = dest.verdict === 'exhausted' ? b.blocking : 0;
  const steadyState = Math.max(b.steadyState, floor);
  return {
    usable,
    holdSeconds: b.holdSeconds,
    reuse: b.reuseApplies,
    sustainablePerS: b.holdSeconds > 0 ? usable / b.holdSeconds : usable,
    steadyState,
    steadyStatePercent: usable > 0 ? (steadyState / usable) * 100 : null,
  };
}

const BUDGET_KEYS = [
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_tw_reuse_delay',
  'net.ipv4.tcp_timestamps',
];

/** Before/after figures of the worst destination's port budget under the proposed changes. */
export function budgetPreview(state: TuningState | null, snapshot: Snapshot | null, changes: Record<string, string>): BudgetPreview | null {
  const dest = worstDestination(snapshot);
  const cur = (k: string) => knobFor(state, k)?.value ?? rawOf(snapshot, k);
  const next = (k: string) => (k in changes ? changes[k]! : cur(k));
  const before = figures(cur, dest);
  const after = figures(next, dest);
  if (!before || !after) return null;
  return {
    destination: dest
      ? { localAddr: dest.localAddr, remoteAddr: dest.remoteAddr, remotePort: dest.remotePort, closeRatePerS: dest.closeRatePerS }
      : null,
    before,
    after,
    affected: BUDGET_KEYS.some((k) => k in changes),
  };
}

function rawOf(snapshot: Snapshot | null, key: string): string | null {
  const v = snapshot?.sysctls[key];
  return v && v.available ? v.raw.replace(/[ \t]+/g, ' ').trim() : null;
}

/** Seconds left before an unconfirmed change is reverted (0 when due). */
export function secondsLeft(deadline: number | null, now: number): number {
  if (deadline === null) return 0;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

