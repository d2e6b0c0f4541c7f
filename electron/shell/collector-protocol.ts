// Messages between the main process and the collector process (electron/collector-host.ts, run by
// Electron's utilityProcess), and from the collector process to the renderer over a MessagePort.
// Plain serializable data only.

import type { Counters, Snapshot, SocketPage, SocketQuery } from '../../shared/snapshot';

/** The few fields of a snapshot the main process keeps for history (HistoryStore reads time, states
 *  and counter rates). The full snapshot goes straight to the renderer through its MessagePort. */
export interface HistorySample {
  time: number;
  seq: number;
  states: Snapshot['states'];
  rates: Counters['rates'];
}

export interface CollectorDemand {
  table?: boolean;
  owners?: boolean;
}

/** main → collector process (through process.parentPort) */
export type HostRequest =
  /** the renderer's end of a fresh MessageChannel is ports[0]; it replaces any earlier one */
  | { type: 'attachRenderer' }
  | { type: 'querySockets'; id: number; query: SocketQuery }
  | { type: 'setDemand'; demand: CollectorDemand }
  /** stop ticking, close ports and exit with code 0 */
  | { type: 'stop' };

/** collector process → main */
export type HostMessage =
  | { type: 'ready'; pid: number }
  | { type: 'sample'; sample: HistorySample }
  | { type: 'querySocketsResult'; id: number; page: SocketPage }
  | { type: 'querySocketsError'; id: number; message: string }
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
    rates: snapshot.counters?.rates ?? null,
  };
}

/** Rebuilds a Snapshot-shaped record from a sample for HistoryStore.push, which reads only time, states
 *  and counters.rates; everything else is left empty. */
export function snapshotFromSample(sample: HistorySample): Snapshot {
  const zero = { ...sample.states };
  for (const k of Object.keys(zero) as (keyof typeof zero)[]) zero[k] = 0;
  return {
    schema: 1,
    time: sample.time,
    seq: sample.seq,
    intervalMs: null,
    states: sample.states,
    statesByFamily: { ipv4: zero, ipv6: zero },
    totalSockets: 0,
    sockstat: null,
    counters: { totals: {}, rates: sample.rates, currEstab: null },
    timeWait: null,
    topTimeWait: [],
    topCloseWait: [],
    portBudgets: [],
    ephemeral: null,
    sysctls: {},
    owners: null,
    health: {
      socketSource: 'none',
      fallbackReason: null,
      durationMs: 0,
      tableRead: false,
      tableAt: null,
      skippedLines: {},
      degraded: [],
    },
  };
}
