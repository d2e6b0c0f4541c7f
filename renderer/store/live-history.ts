// The renderer's own short history (last hour at 1 s), fed by every snapshot, so the 1 min / 5 min /
// 1 h charts never wait for a round trip. 24 h comes from the host's HistoryStore, already downsampled.
// One per dashboard instance (createDashboard); nothing here is shared between instances.
import { HistoryStore } from '../../shared/history';

export const LIVE_HISTORY_CAPACITY = 3_700;

export function createLiveHistory(): HistoryStore {
  return new HistoryStore(LIVE_HISTORY_CAPACITY);
}
