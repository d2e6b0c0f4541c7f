// History in the main process: the collector process posts one small sample per tick; this hands them
// to the host history (electron/history/persistent-history.ts: memory for this run, the history file
// under userData for 48 h at 1 s and 90 days of minute rollups) and answers downsampled getHistory
// queries. Tuning applies and alerts become chart markers, kept in the file too.

import type { HistoryQuery, HistoryResult, HistoryStorage } from '../../shared/api';
import { HistoryStore } from '../../shared/history';
import { PersistentHistory } from '../history/persistent-history';
import type { HistorySample } from '../ipc/collector-protocol';

export class HistoryService {
  /** in memory until open() finds the history file (main opens it once userData is known) */
  private inner: PersistentHistory;

  /** A memory ring given here (tests, benches) is used as is, without a file. */
  constructor(inner: PersistentHistory | HistoryStore = PersistentHistory.inMemory()) {
    this.inner = inner instanceof HistoryStore ? PersistentHistory.inMemory(inner) : inner;
  }

  private opening: Promise<void> | null = null;

  /** Opens the history file in `dir` (never throws: a problem is reported in `storage`). Samples and
   *  markers that arrive meanwhile are kept in memory and handed over once it is open. */
  open(dir: string, log: (line: string) => void = () => undefined): Promise<void> {
    this.opening = (async () => {
      const opened = await PersistentHistory.open({ dir });
      const before = this.inner;
      opened.adopt(before.memory);
      this.inner = opened;
      await before.close();
      if (opened.storage.message) log(opened.storage.message);
    })();
    return this.opening;
  }

  get storage(): HistoryStorage {
    return this.inner.storage;
  }

  get history(): PersistentHistory {
    return this.inner;
  }

  pushSample(sample: HistorySample): void {
    // Samples come from our own collector process; a malformed one is dropped, not thrown over.
    if (typeof sample?.time !== 'number' || !Number.isFinite(sample.time)) return;
    if (sample.states === null || typeof sample.states !== 'object') return;
    if (sample.rates === null || typeof sample.rates !== 'object') return;
    this.inner.pushSample(sample.time, sample.states, sample.rates);
  }

  addMarker(time: number, label: string): void {
    this.inner.addMarker(time, label);
  }

  query(q: HistoryQuery): Promise<HistoryResult> {
    return this.inner.query(q);
  }

  /** Writes what is queued and closes the file (before quitting). */
  async close(): Promise<void> {
    await this.opening;
    await this.inner.close();
  }
}
