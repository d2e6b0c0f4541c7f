// The tuning slice: the knobs' live values, the user's drafts, the change awaiting "keep these
// settings?", and the calls to the bridge. Actions at module level; components select narrowly.
import { create } from 'zustand';
import type { ApplyTuningRequest, TuningChange, TuningResult, TuningState } from '../../shared/tuning';
import { bridge } from '../bridge';
import { markerLabel, planChanges, type Drafts } from '../features/tuning/model';
import { setMarkers } from './dashboard';

export interface TuningApi {
  getTuning(): Promise<TuningState>;
  applyTuning(r: ApplyTuningRequest): Promise<TuningResult>;
  confirmTuning(id: string): Promise<TuningResult>;
  revertTuning(id: string): Promise<TuningResult>;
}

export interface TuningStore {
  state: TuningState | null;
  loadError: string | null;
  drafts: Drafts;
  persist: boolean;
  /** the diff is on screen, waiting for "Apply" */
  reviewing: boolean;
  busy: 'load' | 'apply' | 'confirm' | 'revert' | null;
  /** applied, not yet confirmed: reverted automatically at its confirmDeadline */
  pending: TuningChange | null;
  message: { kind: 'ok' | 'error'; text: string } | null;
}

const initial: TuningStore = {
  state: null,
  loadError: null,
  drafts: {},
  persist: false,
  reviewing: false,
  busy: null,
  pending: null,
  message: null,
};

export const useTuning = create<TuningStore>(() => ({ ...initial }));

let api: TuningApi = bridge;

/** Tests (and nothing else) swap the transport. */
export function setTuningApi(a: TuningApi): void {
  api = a;
}

export function resetTuningStore(): void {
  useTuning.setState({ ...initial }, true);
}

/** The client's messages already say whether anything changed; only a helper failure needs a lead-in. */
function describeFailure(r: Extract<TuningResult, { ok: false }>): string {
  return r.code === 'helper_failed' ? `The helper failed: ${r.message}` : r.message;
}

export async function loadTuning(): Promise<void> {
  useTuning.setState({ busy: useTuning.getState().busy ?? 'load' });
  try {
    const state = await api.getTuning();
    const pendingNow = state.history.find((c) => c.state === 'pending_confirm') ?? null;
    const s = useTuning.getState();
    const patch: Partial<TuningStore> = { state, loadError: null, busy: s.busy === 'load' ? null : s.busy };
    // the host reverted our pending change on its own (deadline passed): say so
    if (s.pending && !pendingNow) {
      const now = state.history.find((c) => c.id === s.pending!.id);
      patch.pending = null;
      if (now?.state === 'auto_reverted') patch.message = { kind: 'ok', text: 'Not confirmed in time: the previous values were restored.' };
      else if (now?.state === 'failed') patch.message = { kind: 'error', text: 'The automatic revert failed; revert it from the history below.' };
    } else if (pendingNow) patch.pending = pendingNow;
    useTuning.setState(patch);
  } catch (e) {
    useTuning.setState({ loadError: `Could not read the tuning state: ${(e as Error).message}`, busy: null });
  }
}

export function setDraft(key: string, value: string): void {
  const s = useTuning.getState();
  useTuning.setState({ drafts: { ...s.drafts, [key]: value }, reviewing: false, message: null });
}

export function resetDraft(key: string): void {
  const drafts = { ...useTuning.getState().drafts };
  delete drafts[key];
  useTuning.setState({ drafts, reviewing: false });
}

export function clearDrafts(): void {
  useTuning.setState({ drafts: {}, reviewing: false });
}

export function setPersist(persist: boolean): void {
  useTuning.setState({ persist });
}

export function startReview(): void {
  const s = useTuning.getState();
  const plan = planChanges(s.state, s.drafts);
  if (plan.errors.length || plan.diff.length === 0) return;
  useTuning.setState({ reviewing: true, message: null });
}

export function cancelReview(): void {
  useTuning.setState({ reviewing: false });
}

export async function applyReviewed(): Promise<void> {
  const s = useTuning.getState();
  if (s.busy) return;
  const plan = planChanges(s.state, s.drafts);
  if (plan.errors.length || plan.diff.length === 0) return;
  useTuning.setState({ busy: 'apply', message: null });
  let r: TuningResult;
  try {
    r = await api.applyTuning({ changes: plan.changes, persist: s.persist });
  } catch (e) {
    r = { ok: false, code: 'helper_failed', message: (e as Error).message };
  }
  if (r.ok) {
    setMarkers([{ time: r.change.time, label: markerLabel(r.change.changes) }]);
    useTuning.setState({ busy: null, pending: r.change, drafts: {}, reviewing: false });
  } else {
    useTuning.setState({ busy: null, reviewing: false, message: { kind: 'error', text: describeFailure(r) } });
  }
  await loadTuning();
}

export async function keepPending(): Promise<void> {
  const p = useTuning.getState().pending;
  if (!p || useTuning.getState().busy) return;
  useTuning.setState({ busy: 'confirm' });
  const r = await api.confirmTuning(p.id).catch((e: Error): TuningResult => ({ ok: false, code: 'helper_failed', message: e.message }));
  useTuning.setState({
    busy: null,
    pending: r.ok ? null : useTuning.getState().pending,
    message: r.ok ? { kind: 'ok', text: 'Kept. You can revert it any time from the history.' } : { kind: 'error', text: describeFailure(r) },
  });
  await loadTuning();
}

export async function revertChange(id: string): Promise<void> {
  if (useTuning.getState().busy) return;
  useTuning.setState({ busy: 'revert' });
  const r = await api.revertTuning(id).catch((e: Error): TuningResult => ({ ok: false, code: 'helper_failed', message: e.message }));
  const s = useTuning.getState();
  useTuning.setState({
    busy: null,
    pending: r.ok && s.pending?.id === id ? null : s.pending,
    message: r.ok ? { kind: 'ok', text: 'Reverted: the previous values are back.' } : { kind: 'error', text: describeFailure(r) },
  });
  await loadTuning();
}
