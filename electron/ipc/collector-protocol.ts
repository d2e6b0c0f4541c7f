// Messages between the main process and the collector process (electron/utility/collector-host.ts, run by
// Electron's utilityProcess), and from the collector process to the renderer over a MessagePort.
// Plain serializable data only.

import type { AlertEvent, AlertSettings } from '../../shared/alerts';
import type { Demand, HistoryRateSeries } from '../../shared/api';
import { rateSeriesOf } from '../../shared/history';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints } from '../../shared/names';
import type { PortBudget, Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';

/** The few numbers of a snapshot the main process keeps for history. The full snapshot goes straight
 *  to the renderer through its MessagePort. */
export interface HistorySample {
  time: number;
  seq: number;
  states: Snapshot['states'];
  rates: Record<HistoryRateSeries, number>;
}

/** main → collector process (through process.parentPort) */
export type HostRequest =
  /** the renderer's end of a fresh MessageChannel is ports[0]; it replaces any earlier one */
  | { type: 'attachRenderer' }
  /** hosts: resolved names the address filter may match too (main's resolver) */
  | { type: 'querySockets'; id: number; query: SocketQuery; hosts?: HostNameHints | null }
  /** tcp_info of a few connections (the selected row, the visible page): docs/conn-info.md */
  | { type: 'connInfo'; id: number; keys: ConnKey[] }
  | { type: 'setDemand'; demand: Demand }
  /** the alert settings in force (validated by main); sent after each 'ready' and after each change */
  | { type: 'setAlertSettings'; settings: AlertSettings }
  /** stop ticking, close ports and exit with code 0 */
  | { type: 'stop' };

/** collector process → main */
export type HostMessage =
  | { type: 'ready'; pid: number }
  /** budgets: the tick's port budgets (main exports them; at most SNAPSHOT_LIMITS.portBudgets = 10, ≈ 0.4 kB each) */
  | { type: 'sample'; sample: HistorySample; budgets?: PortBudget[] }
  /** the alert events of one tick (only sent when there are some): main notifies and marks history */
  | { type: 'alerts'; events: AlertEvent[] }
  | { type: 'querySocketsResult'; id: number; page: SocketPage }
  | { type: 'querySocketsError'; id: number; message: string }
  | { type: 'connInfoResult'; id: number; reply: ConnInfoReply }
  | { type: 'connInfoError'; id: number; message: string }
  /** a tick threw (the collector is meant never to throw; this is reported, not fatal) */
  | { type: 'tickError'; message: string };

/** collector process → renderer (through the MessagePort) */
export interface RendererSnapshotMessage {
  type: 'snapshot';
  snapshot: Snapshot;
}

export function historySampleOf(snapshot: Snapshot): HistorySample {
  return {
    time: snapshot.time,
    seq: snapshot.seq,
    states: snapshot.states,
    rates: rateSeriesOf(snapshot),
  };
}
