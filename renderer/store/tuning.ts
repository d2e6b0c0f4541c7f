// The tuning slice: the knobs' live values, the user's drafts, the change awaiting "keep these
// settings?", and the calls to the host. One store per dashboard instance (createTuningSlice, called
// by createDashboard with the WaitlineApi the bridge chose); components select narrowly.
import { createStore, type StoreApi } from 'zustand';
import { msg, type Msg } from '../../shared/i18n';
import { tuningMarkerLabel, type ApplyTuningRequest, type TuningChange, type TuningErrorCode, type TuningResult, type TuningState } from '../../shared/tuning';
import { planChanges, type Drafts } from '../features/tuning/model';
import type { ChartData } from './dashboard';

/** The four calls of the WaitlineApi the tuning slice makes. */
export interface TuningApi {
  getTuning(): Promise<TuningState>;
  applyTuning(r: ApplyTuningRequest): Promise<TuningResult>;
  confirmTuning(id: string): Promise<TuningResult>;
  revertTuning(id: string): Promise<TuningResult>;
}

export interface TuningStore {
  state: TuningState | null;
  loadError: Msg | null;
  drafts: Drafts;
  persist: boolean;
  /** the diff is on screen, waiting for "Apply" */
  reviewing: boolean;
  busy: 'load' | 'apply' | 'confirm' | 'revert' | null;
  /** applied, not yet confirmed: reverted automatically at its confirmDeadline */
  pending: TuningChange | null;
  message: TuningMessage | null;
}

/** A banner of the panel: its text in the page's language and, for a failure, the host's English
 *  detail (shown secondary). */
export interface TuningMessage {
  kind: 'ok' | 'error';
  text: Msg;
  /** the host's own message (English), when it says more than `text` */
  detail?: string;
  /** the result code of a failure (TuningResult.code) */
  code?: TuningErrorCode;
}

/** Result code → its text: the host keeps emitting stable codes and English detail; the client says
 *  what the code means in the page's language. */
const RESULT_TEXT: Record<TuningErrorCode, Msg['key']> = {
  invalid: 'tuning.result.invalid',
  dismissed: 'tuning.result.dismissed',
  not_authorized: 'tuning.result.not_authorized',
  helper_failed: 'tuning.result.helper_failed',
  busy: 'tuning.result.busy',
  read_only: 'tuning.result.read_only',
};

function initialTuning(): TuningStore {
  return {
    state: null,
    loadError: null,
    drafts: {},
    persist: false,
    reviewing: false,
    busy: null,
    pending: null,
    message: null,
  };
}

/** The tuning store and its actions (see createTuningSlice). */
export interface TuningSlice {
  readonly store: StoreApi<TuningStore>;
  load(): Promise<void>;
  setDraft(key: string, value: string): void;
  resetDraft(key: string): void;
  clearDrafts(): void;
  setPersist(persist: boolean): void;
  startReview(): void;
  cancelReview(): void;
  applyReviewed(): Promise<void>;
  keepPending(): Promise<void>;
  revertChange(id: string): Promise<void>;
}

/** A failed result as a banner: the code's text, the host's message as the detail. An unknown code
 *  (a newer host) reads as a helper failure. */
export function failureMessage(r: Extract<TuningResult, { ok: false }>): TuningMessage {
  const key = RESULT_TEXT[r.code] ?? RESULT_TEXT.helper_failed;
  return { kind: 'error', text: msg(key), code: r.code, ...(r.message ? { detail: r.message } : {}) };
}

/** Creates the tuning store over `api`; `addMarkers` puts an apply's marker on the charts. */
export function createTuningSlice(api: TuningApi, addMarkers: (markers: ChartData['markers']) => void): TuningSlice {
  const store = createStore<TuningStore>(initialTuning);

  async function load(): Promise<void> {
    store.setState({ busy: store.getState().busy ?? 'load' });
    try {
      const state = await api.getTuning();
      const pendingNow = state.history.find((c) => c.state === 'pending_confirm') ?? null;
      const s = store.getState();
      const patch: Partial<TuningStore> = { state, loadError: null, busy: s.busy === 'load' ? null : s.busy };
      // the host reverted our pending change on its own (deadline passed): say so
      if (s.pending && !pendingNow) {
        const now = state.history.find((c) => c.id === s.pending!.id);
        patch.pending = null;
        if (now?.state === 'auto_reverted') patch.message = { kind: 'ok', text: msg('tuning.message.autoReverted') };
        else if (now?.state === 'failed') patch.message = { kind: 'error', text: msg('tuning.message.autoRevertFailed') };
      } else if (pendingNow) patch.pending = pendingNow;
      store.setState(patch);
    } catch (e) {
      store.setState({ loadError: msg('tuning.message.loadFailed', { error: (e as Error).message }), busy: null });
    }
  }

  function setDraft(key: string, value: string): void {
    const s = store.getState();
    store.setState({ drafts: { ...s.drafts, [key]: value }, reviewing: false, message: null });
  }

  function resetDraft(key: string): void {
    const drafts = { ...store.getState().drafts };
    delete drafts[key];
    store.setState({ drafts, reviewing: false });
  }

  function clearDrafts(): void {
    store.setState({ drafts: {}, reviewing: false });
  }

  function setPersist(persist: boolean): void {
    store.setState({ persist });
  }

  function startReview(): void {
    const s = store.getState();
    const plan = planChanges(s.state, s.drafts);
    if (plan.errors.length || plan.diff.length === 0) return;
    store.setState({ reviewing: true, message: null });
  }

  function cancelReview(): void {
    store.setState({ reviewing: false });
  }

  async function applyReviewed(): Promise<void> {
    const s = store.getState();
    if (s.busy) return;
    const plan = planChanges(s.state, s.drafts);
    if (plan.errors.length || plan.diff.length === 0) return;
    store.setState({ busy: 'apply', message: null });
    let r: TuningResult;
    try {
      r = await api.applyTuning({ changes: plan.changes, persist: s.persist });
    } catch (e) {
      r = { ok: false, code: 'helper_failed', message: (e as Error).message };
    }
    if (r.ok) {
      // the same (time, label) main puts in its history: one marker per apply once they merge
      addMarkers([{ time: r.change.time, label: tuningMarkerLabel(r.change, 'applied') }]);
      store.setState({ busy: null, pending: r.change, drafts: {}, reviewing: false });
    } else {
      store.setState({ busy: null, reviewing: false, message: failureMessage(r) });
    }
    await load();
  }

  async function keepPending(): Promise<void> {
    const p = store.getState().pending;
    if (!p || store.getState().busy) return;
    store.setState({ busy: 'confirm' });
    const r = await api.confirmTuning(p.id).catch((e: Error): TuningResult => ({ ok: false, code: 'helper_failed', message: e.message }));
    store.setState({
      busy: null,
      pending: r.ok ? null : store.getState().pending,
      message: r.ok ? { kind: 'ok', text: msg('tuning.message.kept') } : failureMessage(r),
    });
    await load();
  }

  async function revertChange(id: string): Promise<void> {
    if (store.getState().busy) return;
    store.setState({ busy: 'revert' });
    const r = await api.revertTuning(id).catch((e: Error): TuningResult => ({ ok: false, code: 'helper_failed', message: e.message }));
    const s = store.getState();
    store.setState({
      busy: null,
      pending: r.ok && s.pending?.id === id ? null : s.pending,
      message: r.ok ? { kind: 'ok', text: msg('tuning.message.reverted') } : failureMessage(r),
    });
    await load();
  }

  return { store, load, setDraft, resetDraft, clearDrafts, setPersist, startReview, cancelReview, applyReviewed, keepPending, revertChange };
}
