// Connects the bridge to the store: back-fill history, then one store update per pushed snapshot.
import { BridgeError, bridge, initBridge } from '../bridge';
import type { WaitlineApi } from '../../shared/api';
import type { Snapshot } from '../../shared/snapshot';
import { measureRender } from '../perf';
import {
  backfill,
  ingestSnapshot,
  setFatal,
  setHostHistoryFetcher,
  setInfo,
  setNotice,
  setStatus,
  setTransport,
  setView,
} from './dashboard';

/** Start the dashboard's data flow. Returns a function that stops it. */
export async function startDashboard(win: Pick<Window, 'location'> & { waitline?: WaitlineApi }): Promise<() => void> {
  const choice = initBridge(win);
  setTransport(choice.kind);
  if (choice.kind === 'none') {
    setFatal(choice.reason);
    return () => {};
  }
  try {
    setInfo(await bridge.getInfo());
  } catch (e) {
    setFatal(e instanceof BridgeError ? e.message : `Cannot talk to Waitline: ${(e as Error).message}`);
    return () => {};
  }
  setHostHistoryFetcher((fromMs, toMs, maxPoints) => bridge.getHistory({ fromMs, toMs, maxPoints }));
  try {
    const now = Date.now();
    backfill(await bridge.getHistory({ fromMs: now - 3_600_000, toMs: now + 60_000, maxPoints: 4000 }));
  } catch (e) {
    setNotice(`History is unavailable: ${(e as Error).message}`);
  }
  const offs = [
    bridge.onCollectorStatus(setStatus),
    bridge.onSnapshot((s: Snapshot) => measureRender('tick', () => ingestSnapshot(s))),
    bridge.onNavigate(setView),
  ];
  return () => offs.forEach((off) => off());
}
