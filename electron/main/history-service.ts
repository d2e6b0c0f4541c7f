// History in the main process: the collector process posts one small sample per tick; this keeps them
// in the memory-bounded HistoryStore (shared/history.ts) and answers downsampled getHistory queries.
// Tuning applies become chart markers.

import type { HistoryQuery, HistoryResult } from '../../shared/api';
import { HistoryStore } from '../../shared/history';
import type { HistorySample } from '../ipc/collector-protocol';

export class HistoryService {
  constructor(readonly store: HistoryStore = new HistoryStore()) {}

  pushSample(sample: HistorySample): void {
    // Samples come from our own collector process; a malformed one is dropped, not thrown over.
    if (typeof sample?.time !== 'number' || !Number.isFinite(sample.time)) return;
    if (sample.states === null || typeof sample.states !== 'object') return;
    if (sample.rates === null || typeof sample.rates !== 'object') return;
    this.store.pushSample(sample.time, sample.states, sample.rates);
  }

  addMarker(time: number, label: string): void {
    this.store.addMarker(time, label);
  }

  query(q: HistoryQuery): HistoryResult {
    return this.store.query(q);
  }
}
