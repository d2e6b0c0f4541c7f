// Tuning in the main process: validates each request against the shared sysctl catalog before anything
// runs, forwards it to the privileged client (electron/privileged/client.ts → pkexec → helper), and puts
// a marker on the history charts for every apply and revert. Errors become TuningResults with a
// message, never exceptions crossing IPC.

import { msg, msgText } from '../../shared/i18n';
import { validateChanges } from '../../shared/sysctl-catalog';
import { tuningMarkerLabel, type ApplyTuningRequest, type TuningChange, type TuningResult, type TuningState } from '../../shared/tuning';

/** electron/privileged/client.ts's TuningClient, as far as main uses it. */
export interface TuningBackend {
  getState(): Promise<TuningState>;
  apply(req: ApplyTuningRequest): Promise<TuningResult>;
  confirm(id: string): Promise<TuningResult>;
  revert(id: string): Promise<TuningResult>;
}

export interface MarkerSink {
  addMarker(time: number, label: string): void;
}

function failure(e: unknown): TuningResult {
  return { ok: false, code: 'helper_failed', message: e instanceof Error ? e.message : String(e) };
}

export class TuningService {
  constructor(
    private readonly backend: TuningBackend,
    private readonly markers: MarkerSink,
    private readonly now: () => number = Date.now,
  ) {}

  /** Hook for the client's onChanged: the automatic revert of an unconfirmed change is done by the
   *  helper's root waiter, outside any call; the client reports it when it reads the journal at the
   *  deadline, so it is marked from here (applies and explicit reverts are marked from their results). */
  onClientChange(change: TuningChange): void {
    if (change.state === 'auto_reverted') this.mark(change);
  }

  private mark(change: TuningChange): void {
    const verb =
      change.state === 'reverted' ? 'reverted' : change.state === 'auto_reverted' ? 'auto-reverted' : 'applied';
    const at = verb === 'applied' ? change.time : this.now();
    try {
      this.markers.addMarker(at, tuningMarkerLabel(change, verb));
    } catch {
      // a marker is a nicety; never fail a tuning call because of it
    }
  }

  async getState(): Promise<TuningState> {
    return this.backend.getState();
  }

  async apply(req: ApplyTuningRequest): Promise<TuningResult> {
    const check = validateChanges(req.changes);
    if (!check.ok) return { ok: false, code: 'invalid', message: msgText(msg('main.service.tuningInvalid', { errors: check.errors.join('; ') })) };
    let result: TuningResult;
    try {
      result = await this.backend.apply({ changes: check.values, persist: req.persist });
    } catch (e) {
      return failure(e);
    }
    // nothing to change (every value already set): no change, no marker
    if (result.ok && result.change.changes.length > 0) this.mark(result.change);
    return result;
  }

  async confirm(id: string): Promise<TuningResult> {
    try {
      return await this.backend.confirm(id);
    } catch (e) {
      return failure(e);
    }
  }

  async revert(id: string): Promise<TuningResult> {
    let result: TuningResult;
    try {
      result = await this.backend.revert(id);
    } catch (e) {
      return failure(e);
    }
    if (result.ok) this.mark(result.change);
    return result;
  }
}
