// The one API the renderer sees. Two transports implement it: the Electron preload (contextBridge,
// typed IPC — see shared/ipc-contract.ts) and `waitline serve` (HTTP + server-sent events, read-only).
// The renderer's bridge module (renderer/bridge.ts) is the only reader of it.

import type { Snapshot, SocketPage, SocketQuery } from './snapshot';
import type { TcpState } from './tcp';
import type { ApplyTuningRequest, TuningResult, TuningState } from './tuning';

export type Unsubscribe = () => void;

export interface AppInfo {
  transport: 'electron' | 'serve';
  version: string;
  /** kernel release (uname -r) */
  kernel: string;
  hostname: string;
  /** true when tuning writes are impossible through this transport */
  readOnly: boolean;
  tickMs: number;
}

/** Health of the collector process as the host sees it (crash, restart with backoff …). */
export interface CollectorStatus {
  state: 'starting' | 'running' | 'restarting' | 'failed';
  /** a human sentence: why it is restarting / failed */
  message: string | null;
  restarts: number;
  /** epoch ms of the next restart attempt, when restarting */
  nextRestartAt: number | null;
}

/** Series the history store keeps per tick. State series are counts; rate series per second. */
export type HistoryRateSeries =
  | 'timeWaitArrivals' // TcpExt.TW + TWKilled per s: TIME_WAIT entries created
  | 'activeOpens'
  | 'passiveOpens'
  | 'resets' // Tcp.EstabResets + Tcp.OutRsts per s
  | 'twOverflow' // TcpExt.TCPTimeWaitOverflow per s
  | 'twRecycled';

export interface HistoryQuery {
  /** epoch ms, inclusive */
  fromMs: number;
  /** epoch ms, inclusive */
  toMs: number;
  /** downsample to at most this many points (≈ the chart's pixel width); at most 4000 */
  maxPoints: number;
}

/** Parallel arrays: times[i] goes with states.X[i] and rates.Y[i]. Downsampled with min/max buckets
 *  so spikes survive. */
export interface HistoryResult {
  times: number[];
  states: Record<TcpState, number[]>;
  rates: Record<HistoryRateSeries, number[]>;
  /** tuning applies inside the range, for chart markers */
  markers: { time: number; label: string }[];
  /** oldest sample still held */
  oldestMs: number | null;
}

/** The views the app menu can switch to (renderer/features/). */
export type ViewName = 'overview' | 'connections' | 'timewait' | 'tuning';

export interface WaitlineApi {
  getInfo(): Promise<AppInfo>;
  /** called with every new snapshot (about once per second) */
  onSnapshot(cb: (snapshot: Snapshot) => void): Unsubscribe;
  onCollectorStatus(cb: (status: CollectorStatus) => void): Unsubscribe;
  getHistory(query: HistoryQuery): Promise<HistoryResult>;
  querySockets(query: SocketQuery): Promise<SocketPage>;
  getTuning(): Promise<TuningState>;
  applyTuning(request: ApplyTuningRequest): Promise<TuningResult>;
  /** confirm a pending change so it is not reverted automatically */
  confirmTuning(id: string): Promise<TuningResult>;
  revertTuning(id: string): Promise<TuningResult>;
  /** Electron only: the app menu asks to show a view (absent in `waitline serve`). */
  onNavigate?(cb: (view: ViewName) => void): Unsubscribe;
}
