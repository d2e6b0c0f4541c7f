// History in the main process: the collector process posts one small sample per tick; this keeps them
// in the memory-bounded HistoryStore (shared/history.ts) and answers downsampled getHistory queries.
// Tuning applies become chart markers.

import type { HistoryQuery, HistoryResult } from '../../shared/api';
import { HistoryStore } from '../../shared/history';
import { snapshotFromSample, type HistorySample } from './collector-protocol';

export class HistoryService {
  constructor(readonly store: HistoryStore = new HistoryStore()) {}

  pushSample(sample: HistorySample): void {
    if (typeof sample?.time !== 'number' || !Number.isFinite(sample.time) || typeof sample.states !== 'object') return;
    this.store.push(snapshotFromSample(sample));
  }

  addMarker(time: number, label: string): void {
    this.store.addMarker(time, label);
  }

  query(q: HistoryQuery): HistoryResult {
    return this.store.query(q);
  }
}
