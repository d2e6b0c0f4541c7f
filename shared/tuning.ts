// Tuning request/response types shared by the renderer, main process, CLI and helper client.
// The sysctl catalog itself (every knob, its truth and myths) lives in shared/sysctl-catalog.ts.

export interface TuningKnobState {
  /** dotted sysctl key, e.g. "net.ipv4.tcp_tw_reuse" */
  key: string;
  available: boolean;
  /** why unavailable (missing on this kernel, removed, global key in a child namespace …) */
  unavailableReason: string | null;
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
