// The privileged client: the only code that asks for root. It validates a request against the shared
// catalog, then runs `pkexec <installed helper> set …` with an argument vector (never a shell), maps
// pkexec's own exit codes (126 dismissed, 127 not authorized / no agent) to clear messages. One
// request at a time.
// Auto-revert belongs to root, not to this process: apply runs `set --confirm-within 30`, so the
// helper starts its own waiter that reverts the change unless `confirm ID` (also through pkexec)
// comes first — even if this process crashes or quits. The client's timer only updates the state
// shown (it reads the helper's journal at the deadline). See docs/helper.md.
// Plain Node: no `electron` import (the shell wires it into IPC).

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  SYSCTL_CATALOG,
  catalogEntry,
  knobState,
  sysctlPath,
  sysctlRead,
  validateChanges,
} from '../../shared/sysctl-catalog';
import {
  CHANGE_ID_PATTERN,
  type ApplyTuningRequest,
  type TuningChange,
  type TuningErrorCode,
  type TuningKnobState,
  type TuningResult,
  type TuningState,
} from '../../shared/tuning';
import {
  AUTO_REVERT_MS,
  CONFIRM_WITHIN_MAX_S,
  CONFIRM_WITHIN_MIN_S,
  HELPER_EXIT,
  HELPER_INSTALLED_PATH,
  JOURNAL_DIR,
  PKEXEC_PATH,
  POLKIT_ACTION_ID,
} from '../helper/constants';

export interface TuningClientOptions {
  /** called once per successful apply (the shell puts a marker on the charts) */
  onApplied?: (change: TuningChange) => void;
  /** called on every state change of a change (applied, kept, reverted, auto-reverted) */
  onChanged?: (change: TuningChange) => void;
  pkexecPath?: string;
  helperPath?: string;
  /** run the helper directly instead of through pkexec; default: only when this process is root */
  direct?: boolean;
  procSysRoot?: string;
  journalDir?: string;
  /** the confirmation window (rounded to whole seconds, 5…600, for the helper's --confirm-within) */
  autoRevertMs?: number;
  /** false: every apply is kept at once (the CLI: typing the command is the confirmation) */
  autoRevert?: boolean;
  /** how long after the deadline the root waiter may take before the change is shown as failed */
  revertGraceMs?: number;
  now?: () => number;
  /** ms before a helper run is abandoned (an authentication dialog may be open for a while) */
  timeoutMs?: number;
}

interface HelperJson {
  ok: boolean;
  /** null: nothing to change (every value was already set) */
  id?: string | null;
  time?: number;
  persisted?: boolean;
  /** epoch ms of the root waiter's revert (set --confirm-within) */
  confirmBy?: number | null;
  changes?: { key: string; before: string; after: string }[];
  error?: string;
  code?: string;
}

interface RunOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  spawnError: string | null;
}

export const NOT_AUTHORIZED_MESSAGE =
  'not authorized, or no authentication agent is running; nothing was changed. ' +
  'Fix: run Waitline inside your desktop session (it provides a polkit authentication agent), or run ' +
  '`waitline tune` in a terminal, where pkexec asks for your password itself; an administrator can ' +
  `also grant the polkit action ${POLKIT_ACTION_ID} with a rule in /etc/polkit-1/rules.d/.`;

export const DISMISSED_MESSAGE = 'authentication was dismissed; nothing was changed';

const HISTORY_LIMIT = 50;
/** how long after its deadline an unconfirmed entry may still be waiting for the root waiter */
const DEFAULT_REVERT_GRACE_MS = 10_000;

export class TuningClient {
  private readonly opts: Required<Omit<TuningClientOptions, 'onApplied' | 'onChanged' | 'direct' | 'autoRevert'>> & {
    direct: boolean;
    autoRevert: boolean;
  };
  private readonly onApplied?: (change: TuningChange) => void;
  private readonly onChanged?: (change: TuningChange) => void;
  private busy = false;
  /** changes made through this client, by id (newest state wins over the journal) */
  private readonly session = new Map<string, TuningChange>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(opts: TuningClientOptions = {}) {
    this.onApplied = opts.onApplied;
    this.onChanged = opts.onChanged;
    this.opts = {
      pkexecPath: opts.pkexecPath ?? PKEXEC_PATH,
      helperPath: opts.helperPath ?? HELPER_INSTALLED_PATH,
      direct: opts.direct ?? (typeof process.getuid === 'function' && process.getuid() === 0),
      procSysRoot: opts.procSysRoot ?? '/proc/sys',
      journalDir: opts.journalDir ?? JOURNAL_DIR,
      autoRevertMs: opts.autoRevertMs ?? AUTO_REVERT_MS,
      autoRevert: opts.autoRevert ?? true,
      revertGraceMs: opts.revertGraceMs ?? DEFAULT_REVERT_GRACE_MS,
      now: opts.now ?? Date.now,
      timeoutMs: opts.timeoutMs ?? 300_000,
    };
  }

  async getState(): Promise<TuningState> {
    const knobs: TuningKnobState[] = SYSCTL_CATALOG.map((e) => this.readKnob(e.key));
    const why = this.unwritableReason();
    return { writable: why === null, readOnlyReason: why, knobs, history: this.history() };
  }

  async apply(req: ApplyTuningRequest): Promise<TuningResult> {
    if (!req || typeof req !== 'object' || typeof req.changes !== 'object' || req.changes === null) {
      return fail('invalid', 'a tuning request needs a "changes" object of key → value');
    }
    const ctx = { unprivilegedPortStart: this.readNumber('net.ipv4.ip_unprivileged_port_start') };
    const check = validateChanges(req.changes, ctx);
    if (!check.ok) return fail('invalid', `nothing was changed: ${check.errors.join('; ')}`);
    for (const key of Object.keys(check.values)) {
      const knob = this.readKnob(key);
      if (!knob.available) return fail('invalid', `nothing was changed: ${key}: ${knob.unavailableReason}`);
    }
    const why = this.unwritableReason();
    if (why !== null) return fail('read_only', why);
    const args = ['set'];
    if (this.opts.autoRevert) args.push('--confirm-within', String(this.windowSeconds()));
    args.push(...Object.entries(check.values).map(([k, v]) => `${k}=${v}`));
    if (req.persist) args.push('--persist');
    return this.exclusive(async () => {
      const r = await this.runHelper(args);
      if (!r.ok) return r;
      const j = r.json;
      if (typeof j.id !== 'string') {
        // nothing to change: every value was already set; no journal entry, nothing to confirm
        const same: TuningChange = {
          id: '',
          time: j.time ?? this.opts.now(),
          changes: [],
          persisted: j.persisted === true,
          state: 'kept',
          confirmDeadline: null,
        };
        return { ok: true, change: same } as const;
      }
      const pending = this.opts.autoRevert;
      const deadline = pending
        ? typeof j.confirmBy === 'number'
          ? j.confirmBy
          : this.opts.now() + this.windowSeconds() * 1000
        : null;
      const change: TuningChange = {
        id: j.id,
        time: j.time ?? this.opts.now(),
        changes: j.changes ?? [],
        // with a confirmation window the helper writes the drop-in only at confirm
        persisted: j.persisted === true || (pending && req.persist === true),
        state: pending ? 'pending_confirm' : 'kept',
        confirmDeadline: deadline,
      };
      this.session.set(change.id, change);
      if (deadline !== null) this.watch(change.id, deadline);
      this.onApplied?.(change);
      this.onChanged?.(change);
      return { ok: true, change } as const;
    });
  }

  /** Confirms a change waiting for confirmation: the helper cancels its root waiter. */
  async confirm(id: string): Promise<TuningResult> {
    if (typeof id !== 'string' || !CHANGE_ID_PATTERN.test(id)) {
      return fail('invalid', `no change with id ${String(id).slice(0, 60)} is waiting for confirmation`);
    }
    const change = this.session.get(id) ?? this.journalChange(id);
    if (!change) return fail('invalid', `no change with id ${id} is waiting for confirmation`);
    if (change.state !== 'pending_confirm') return fail('invalid', `change ${id} is already ${change.state.replace('_', ' ')}`);
    const why = this.unwritableReason();
    if (why !== null) return fail('read_only', why);
    return this.exclusive(async () => {
      const r = await this.runHelper(['confirm', id]);
      if (!r.ok) {
        // too late, most likely: show what root did
        this.refresh(id);
        return r;
      }
      this.clearTimer(id);
      const kept: TuningChange = { ...change, state: 'kept', confirmDeadline: null, persisted: r.json.persisted === true || change.persisted };
      this.session.set(id, kept);
      this.onChanged?.(kept);
      return { ok: true, change: kept } as const;
    });
  }

  async revert(id: string): Promise<TuningResult> {
    if (typeof id !== 'string' || !CHANGE_ID_PATTERN.test(id)) {
      return fail('invalid', `${String(id).slice(0, 60)} is not a change id (like 20260101T120000Z-0123456789abcdef)`);
    }
    const why = this.unwritableReason();
    if (why !== null) return fail('read_only', why);
    return this.exclusive(async () => {
      const r = await this.runHelper(['revert', id]);
      if (!r.ok) return r;
      this.clearTimer(id);
      const prior = this.session.get(id) ?? this.journalChange(id);
      const change: TuningChange = {
        id,
        time: prior?.time ?? this.opts.now(),
        changes: prior?.changes ?? (r.json.changes ?? []).map((c) => ({ key: c.key, before: c.after, after: c.before })),
        persisted: prior?.persisted ?? r.json.persisted === true,
        state: 'reverted',
        confirmDeadline: null,
      };
      this.session.set(id, change);
      this.onChanged?.(change);
      return { ok: true, change } as const;
    });
  }

  /** Stops the countdown timers (the app is quitting). Unconfirmed changes are still reverted: by root. */
  dispose(): void {
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
  }

  // ------------------------------------------------------------------ internals

  private windowSeconds(): number {
    return Math.min(CONFIRM_WITHIN_MAX_S, Math.max(CONFIRM_WITHIN_MIN_S, Math.round(this.opts.autoRevertMs / 1000)));
  }

  /** At the deadline, and then every second until the grace ends, reads what root did. */
  private watch(id: string, at: number): void {
    this.clearTimer(id);
    // unref: the countdown alone does not keep a process alive (the app's event loop does)
    const t = setTimeout(() => {
      this.timers.delete(id);
      const c = this.refresh(id);
      if (c?.state === 'pending_confirm') this.watch(id, this.opts.now() + 1000);
    }, Math.max(0, at - this.opts.now()) + 250);
    t.unref?.();
    this.timers.set(id, t);
  }

  /** Re-reads change ID from the journal; reports a new state through onChanged. */
  private refresh(id: string): TuningChange | undefined {
    const c = this.session.get(id);
    const j = this.journalChange(id);
    if (!c || !j || j.state === c.state) return c;
    let state = j.state;
    // the grace after the deadline ended and root has not reverted it: say so
    if (state === 'pending_confirm' && c.confirmDeadline !== null && this.opts.now() > c.confirmDeadline + this.opts.revertGraceMs) {
      state = 'failed';
    }
    if (state === c.state) return c;
    const next: TuningChange = { ...c, state, confirmDeadline: state === 'pending_confirm' ? c.confirmDeadline : null };
    this.session.set(id, next);
    this.onChanged?.(next);
    return next;
  }

  private async exclusive(fn: () => Promise<TuningResult>): Promise<TuningResult> {
    if (this.busy) return fail('busy', 'another tuning request is still running; try again when it finishes');
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private clearTimer(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  private unwritableReason(): string | null {
    if (!existsSync(this.opts.helperPath)) {
      return `the Waitline helper is not installed at ${this.opts.helperPath} (install the deb/rpm package, or see README "Tuning")`;
    }
    if (!this.opts.direct && !existsSync(this.opts.pkexecPath)) {
      return `pkexec is not installed at ${this.opts.pkexecPath} (Debian/Ubuntu: apt install pkexec)`;
    }
    return null;
  }

  private readNumber(key: string): number | undefined {
    const k = this.readKnob(key);
    if (!k.available || k.value === null || !/^-?[0-9]+$/.test(k.value)) return undefined;
    return Number(k.value);
  }

  private readKnob(key: string): TuningKnobState {
    const e = catalogEntry(key);
    if (!e) return { key, available: false, unavailableReason: 'not in the catalog', value: null };
    if (e.kind === 'removed') return knobState(key, sysctlRead(e, 'removed'));
    try {
      return knobState(key, sysctlRead(e, { text: readFileSync(sysctlPath(key, this.opts.procSysRoot), 'utf8') }));
    } catch (error) {
      return knobState(key, sysctlRead(e, { error }));
    }
  }

  private history(): TuningChange[] {
    const all = new Map<string, TuningChange>();
    for (const c of this.readJournal()) all.set(c.id, c);
    for (const [id, c] of this.session) {
      const j = all.get(id);
      // the journal is root's record; the session only adds what it does not know yet
      if (!j || j.state === c.state || j.state === 'pending_confirm') all.set(id, c);
    }
    return [...all.values()].sort((a, b) => b.time - a.time).slice(0, HISTORY_LIMIT);
  }

  private journalChange(id: string): TuningChange | undefined {
    return this.readJournal().find((c) => c.id === id);
  }

  /** The helper's journal is root-owned and world-readable (it holds only sysctl values). */
  private readJournal(): TuningChange[] {
    let names: string[];
    try {
      names = readdirSync(this.opts.journalDir).filter((n) => n.endsWith('.journal'));
    } catch {
      return [];
    }
    const out: TuningChange[] = [];
    for (const n of names.sort().slice(-HISTORY_LIMIT)) {
      try {
        const c = parseJournal(readFileSync(`${this.opts.journalDir}/${n}`, 'utf8'), this.opts.now(), this.opts.revertGraceMs);
        if (c) out.push(c);
      } catch {
        /* unreadable entry: skipped */
      }
    }
    return out;
  }

  private runHelper(args: string[]): Promise<{ ok: true; json: HelperJson } | { ok: false; code: TuningErrorCode; message: string }> {
    const [file, argv] = this.opts.direct
      ? [this.opts.helperPath, args]
      : [this.opts.pkexecPath, [this.opts.helperPath, ...args]];
    return new Promise((resolve) => {
      execFile(
        file,
        argv,
        { timeout: this.opts.timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8', shell: false },
        (err, stdout, stderr) => {
          const e = err as (Error & { code?: string | number; killed?: boolean }) | null;
          const outcome: RunOutcome = {
            exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0,
            stdout,
            stderr,
            spawnError: e && typeof e.code === 'string' ? `${e.code}: ${e.message}` : e && e.killed ? 'timed out' : null,
          };
          resolve(interpret(outcome, file));
        },
      );
    });
  }
}

/** Maps a helper run (through pkexec or direct) to a result. Exported for tests. */
export function interpret(
  r: RunOutcome,
  file: string,
): { ok: true; json: HelperJson } | { ok: false; code: TuningErrorCode; message: string } {
  if (r.spawnError) return { ok: false, code: 'helper_failed', message: `could not run ${file}: ${r.spawnError}` };
  if (r.exitCode === 126) return { ok: false, code: 'dismissed', message: DISMISSED_MESSAGE };
  if (r.exitCode === 127) {
    const detail = r.stderr.trim().split('\n').pop();
    return { ok: false, code: 'not_authorized', message: NOT_AUTHORIZED_MESSAGE + (detail ? ` (pkexec: ${detail})` : '') };
  }
  let json: HelperJson | null = null;
  try {
    const parsed: unknown = JSON.parse(r.stdout);
    if (parsed && typeof parsed === 'object') json = parsed as HelperJson;
  } catch {
    json = null;
  }
  if (r.exitCode === 0 && json?.ok === true && (typeof json.id === 'string' || json.id === null)) return { ok: true, json };
  const message =
    json && typeof json.error === 'string'
      ? json.error
      : `the helper failed (exit ${r.exitCode ?? 'signal'}) without a result${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 300)}` : ''}`;
  const code: TuningErrorCode = r.exitCode === HELPER_EXIT.invalid ? 'invalid' : r.exitCode === HELPER_EXIT.busy ? 'busy' : 'helper_failed';
  return { ok: false, code, message };
}

/**
 * Parses one journal file written by the helper (see the helper's header for the format). An applied
 * change with a confirmation window and no confirmation is pending until its deadline plus the grace
 * the root waiter gets, then failed (the waiter did not revert it: e.g. it was lost in a reboot).
 */
export function parseJournal(text: string, now = Date.now(), graceMs = DEFAULT_REVERT_GRACE_MS): TuningChange | null {
  let id: string | null = null;
  let time = 0;
  let persist = '';
  let status = '';
  let confirmBy: number | null = null;
  let confirmed = false;
  let how = '';
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    const eq = line.indexOf('=');
    if (line.startsWith('id=')) id = line.slice(3);
    else if (line.startsWith('time=')) time = Number(line.slice(5)) * 1000;
    else if (line.startsWith('persist=')) persist = line.slice(8);
    else if (line.startsWith('status=')) status = line.slice(7);
    else if (line.startsWith('confirm_by=')) confirmBy = Number(line.slice(11)) * 1000;
    else if (line.startsWith('confirmed_time=')) confirmed = true;
    else if (line.startsWith('reverted_how=')) how = line.slice(13);
    else if (sp > 0 && eq > sp) {
      const kind = line.slice(0, sp);
      const key = line.slice(sp + 1, eq);
      const value = line.slice(eq + 1);
      if (kind === 'before') before.set(key, value);
      else if (kind === 'after') after.set(key, value);
    }
  }
  // only completed changes: not 'pending'/'failed' runs, nor the records a revert leaves ('revert')
  if (!id || (status !== 'applied' && status !== 'reverted')) return null;
  const changes = [...after.entries()].map(([key, a]) => ({ key, before: before.get(key) ?? '', after: a }));
  let state: TuningChange['state'] = 'kept';
  let confirmDeadline: number | null = null;
  if (status === 'reverted') state = how === 'auto' ? 'auto_reverted' : 'reverted';
  else if (confirmBy !== null && Number.isFinite(confirmBy) && !confirmed) {
    if (now <= confirmBy + graceMs) {
      state = 'pending_confirm';
      confirmDeadline = confirmBy;
    } else state = 'failed';
  }
  // "on_confirm": the drop-in is written when (if) the change is confirmed
  const persisted = persist === '1' || (persist === 'on_confirm' && state === 'pending_confirm');
  return { id, time, changes, persisted, state, confirmDeadline };
}

function fail(code: TuningErrorCode, message: string): TuningResult {
  return { ok: false, code, message };
}
