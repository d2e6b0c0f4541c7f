// Tuning request/response types shared by the renderer, main process, CLI and helper client.
// The sysctl catalog itself (every knob, its truth and myths) lives in shared/sysctl-catalog.ts.

import type { Msg } from './i18n';

export interface TuningKnobState {
  /** dotted sysctl key, e.g. "net.ipv4.tcp_tw_reuse" */
  key: string;
  available: boolean;
  /** why unavailable (missing on this kernel, removed, global key in a child namespace …), in English */
  unavailableReason: string | null;
  /** the same as a catalog message, for the reader's language (absent: a reason Waitline did not word,
   *  or a state from before it existed — show unavailableReason as is) */
  unavailableMsg?: Msg;
  /** current value as the kernel prints it (tabs normalized to one space) */
  value: string | null;
}

export type TuningChangeState = 'pending_confirm' | 'kept' | 'reverted' | 'auto_reverted' | 'failed';

export interface TuningChange {
  /** the helper's journal id, used by `revert` */
  id: string;
  /** epoch ms */
  time: number;
  changes: { key: string; before: string; after: string }[];
  persisted: boolean;
  state: TuningChangeState;
  /** epoch ms at which an unconfirmed change is reverted automatically */
  confirmDeadline: number | null;
}

export interface TuningState {
  /** false in read-only transports (`waitline serve`) or when no helper is installed */
  writable: boolean;
  readOnlyReason: string | null;
  knobs: TuningKnobState[];
  history: TuningChange[];
}

export interface ApplyTuningRequest {
  /** key → value, dotted keys; validated against the catalog before anything runs */
  changes: Record<string, string>;
  persist: boolean;
}

export type TuningErrorCode =
  | 'invalid' // a key or value failed validation (nothing was written)
  | 'dismissed' // pkexec 126: the authentication dialog was dismissed
  | 'not_authorized' // pkexec 127: not authorized, or no authentication agent
  | 'helper_failed' // the helper ran and refused or failed (its message is shown)
  | 'busy' // another request is running
  | 'read_only'; // this transport cannot write

export type TuningResult =
  | { ok: true; change: TuningChange }
  | { ok: false; code: TuningErrorCode; message: string };

const MAX_MARKER_LABEL = 120;

/** The chart-marker label of a tuning change: "applied: tcp_tw_reuse 2→1, tcp_fin_timeout 60→30"
 *  (shortened to fit). Main puts it in the history and the renderer draws it live at the same time
 *  with the same text, so the two merge into one marker per change. */
export function tuningMarkerLabel(change: Pick<TuningChange, 'changes'>, verb: 'applied' | 'reverted' | 'auto-reverted'): string {
  const parts = change.changes.map((c) => `${c.key.replace(/^net\.(ipv4|ipv6|core)\./, '')} ${c.before}→${c.after}`);
  const label = `${verb}: ${parts.join(', ')}`;
  return label.length > MAX_MARKER_LABEL ? `${label.slice(0, MAX_MARKER_LABEL - 1)}…` : label;
}

/** A change id as the helper makes it: UTC time stamp, "-", 64 random bits in hex (older helpers used
 *  a pid: still accepted). The one pattern the IPC argument check and the privileged client use. */
export const CHANGE_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-(?:[0-9a-f]{16}|[0-9]{1,10})$/;
