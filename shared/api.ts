// The one API the renderer sees. Two transports implement it: the Electron preload (contextBridge,
// typed IPC — see shared/ipc-contract.ts) and `waitline serve` (HTTP + server-sent events, read-only).
// The renderer's bridge (renderer/bridge.ts) finds the transport and hands this API to
// createDashboard (renderer/store/create-dashboard.ts); the page's stores use nothing else.

import type { AlertSettings, AlertSettingsError } from './alerts';
import type { ExportRequest, ExportResult } from './export-format';
import type { ConnInfoReply, ConnKey } from './conn-info';
import type { NameAnswer } from './names';
import type { KillRequest, KillResult } from './socket-tuple';
import type { ProbeOutcome, ProbeRequest } from './probe';
import type { Snapshot, SocketPage, SocketQuery } from './snapshot';
import type { TcpState } from './tcp';
import type { Locale, Msg } from './i18n';
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
  /** tcp port → service name from the host's /etc/services (shared/services.ts; docs/names.md), shown
   *  beside port numbers; absent or empty when the host has no such file */
  services?: Record<number, string>;
  /** why `services` is empty (e.g. no /etc/services in a minimal container); null when it was read */
  servicesNote?: string | null;
  servicesNoteMsg?: Msg | null;
  /** whether the host looks up reverse-DNS names when resolveNames asks (the desktop app: yes;
   *  `waitline serve`: only when started with names allowed); absent = no */
  reverseDns?: boolean;
  /** whether "Close connection…" can work here (docs/kill.md): available false with the reason when
   *  the kernel lacks CONFIG_INET_DIAG_DESTROY, the helper is not installed, or the transport is
   *  read-only; null when the kernel's build config could not be read (the helper verifies after) */
  kill?: { available: boolean | null; reason: string | null; reasonMsg?: Msg | null };
  /** the desktop's languages, most preferred first (Electron's app.getPreferredSystemLanguages()) and
   *  the language main shows its menus in; absent over `waitline serve` (the browser's own
   *  navigator.languages decide there). docs/i18n.md */
  locale?: { system: string[]; current: Locale };
}

/** Health of the collector process as the host sees it (crash, restart with backoff …). */
export interface CollectorStatus {
  state: 'starting' | 'running' | 'restarting' | 'failed';
  /** a human sentence: why it is restarting / failed (English; `msg` is the same in any language) */
  message: string | null;
  msg?: Msg | null;
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
  /** tuning applies and alerts raised/cleared inside the range, for chart markers
   *  (alert labels: shared/alert-text.ts alertMarkerLabel) */
  markers: { time: number; label: string }[];
  /** oldest sample still held */
  oldestMs: number | null;
  /** where history is kept and why not on disk, when it is not (absent from the renderer's own store) */
  storage?: HistoryStorage;
}

/** Where the host keeps history (docs/history.md): `disk` records to its file; `read-only` shows a file
 *  another Waitline records to; `memory` keeps only what this run saw (message says why). */
export interface HistoryStorage {
  mode: 'disk' | 'read-only' | 'memory';
  /** the history file, when there is one */
  path: string | null;
  /** a sentence for the status line when something is not as it should be; null when all is well */
  message: string | null;
  msg?: Msg | null;
}

/** The views the app menu can switch to (renderer/features/). */
/** What a collector host's viewers need beyond the headline numbers (electron/collector/cadence.ts
 *  spaces the expensive reads by it): the desktop app's utility process and `waitline serve` both
 *  pass it to the collector. */
export interface Demand {
  /** a view shows the connection table */
  table?: boolean;
  /** a view shows owners (connections table, CLOSE_WAIT leaks) */
  owners?: boolean;
}

export type ViewName = 'overview' | 'connections' | 'timewait' | 'tuning' | 'alerts';

/** The answer to setAlertSettings: the settings now in force, or why nothing was saved (the same
 *  errors validateAlertSettings gives; `waitline serve` answers 400 with this body when invalid). */
export type AlertSettingsResult = { ok: true; settings: AlertSettings } | { ok: false; errors: AlertSettingsError[] };

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
  /** the alert settings in force (shared/alerts.ts) */
  getAlertSettings(): Promise<AlertSettings>;
  /** validates the patch on top of the settings in force; saves and applies it only when all of it is valid */
  setAlertSettings(patch: Partial<AlertSettings>): Promise<AlertSettingsResult>;
  /** Exports the connection table (as filtered), a history range, the port budgets or the tuning
   *  journal (shared/export-format.ts): the desktop app asks where to save it; `waitline serve` hands
   *  the browser a download. */
  exportData(request: ExportRequest): Promise<ExportResult>;
  /** Reverse-DNS names of these addresses (at most MAX_NAME_REQUEST, shared/names.ts), for the rows on
   *  screen while the user has names turned on: answers what the host knows at once and starts
   *  lookups for the rest (absent from the answer; ask again on the next refresh). Never waits for
   *  DNS. A host that does not look names up (AppInfo.reverseDns false) answers only loopback. */
  resolveNames(addresses: string[]): Promise<NameAnswer>;
  /** tcp_info of a few connections (the selected row): RTT, retransmits, bytes, cwnd …, by exact
   *  lookups, never a dump of the table (docs/conn-info.md) */
  connectionDetails(keys: ConnKey[]): Promise<ConnInfoReply>;
  /** Destroys one connection through the kill helper (pkexec; its own polkit action) and checks it is
   *  gone (docs/kill.md). `waitline serve` answers read_only. */
  killConnection(request: KillRequest): Promise<KillResult>;
  /** Runs one probe (docs/probe.md) against the address typed, within PROBE_LIMITS (shared/probe.ts):
   *  connect latency, errors by errno, who holds TIME_WAIT. Only when asked; one at a time ('busy').
   *  `waitline serve` answers read_only (a probe is an active network action). */
  runProbe(request: ProbeRequest): Promise<ProbeOutcome>;
  /** Electron only: the page's language changed (the user's switch, or the system's): main shows its
   *  menus, dialogs and notifications in it from now on and remembers it. Absent in `waitline serve`. */
  setLocale?(locale: Locale): Promise<void>;
  /** Electron only: the app menu asks to show a view (absent in `waitline serve`). */
  onNavigate?(cb: (view: ViewName) => void): Unsubscribe;
}
