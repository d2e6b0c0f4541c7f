// An in-memory WaitlineApi standing in for the Electron preload in jsdom tests (the real transports
// are exercised by serve.test.ts and the Chromium e2e test). Tests push snapshots and statuses.
import type { ConnInfoReply, ConnKey } from '../../../shared/conn-info';
import type { KillRequest, KillResult } from '../../../shared/socket-tuple';
import type { ProbeOutcome, ProbeRequest } from '../../../shared/probe';
import { DEFAULT_ALERT_SETTINGS, validateAlertSettings, type AlertSettings } from '../../../shared/alerts';
import type { AlertSettingsResult, AppInfo, CollectorStatus, HistoryQuery, HistoryResult, WaitlineApi } from '../../../shared/api';
import type { ExportRequest, ExportResult } from '../../../shared/export-format';
import { HistoryStore } from '../../../shared/history';
import type { Snapshot, SocketPage, SocketQuery, SocketRow } from '../../../shared/snapshot';

export class FakeApi implements WaitlineApi {
  readonly history = new HistoryStore(100_000);
  rows: SocketRow[] = [];
  socketQueries: SocketQuery[] = [];
  historyQueries: HistoryQuery[] = [];
  alertSettings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS };
  /** every setAlertSettings call, as sent */
  alertPatches: Partial<AlertSettings>[] = [];
  /** when set, setAlertSettings answers these errors (a host that disagrees with the panel) */
  refuseAlertSettings: AlertSettingsResult | null = null;
  private snapshotCbs = new Set<(s: Snapshot) => void>();
  private statusCbs = new Set<(s: CollectorStatus) => void>();

  getInfo = async (): Promise<AppInfo> => ({ transport: 'electron' as const, version: '0.1.0', kernel: '6.18.0', hostname: 'testhost', readOnly: false, tickMs: 1000 });
  onSnapshot(cb: (s: Snapshot) => void) {
    this.snapshotCbs.add(cb);
    return () => void this.snapshotCbs.delete(cb);
  }
  onCollectorStatus(cb: (s: CollectorStatus) => void) {
    this.statusCbs.add(cb);
    return () => void this.statusCbs.delete(cb);
  }
  async getHistory(q: HistoryQuery): Promise<HistoryResult> {
    this.historyQueries.push(q);
    return this.history.query(q);
  }
  async querySockets(q: SocketQuery): Promise<SocketPage> {
    this.socketQueries.push(q);
    let rows = this.rows;
    if (q.states?.length) rows = rows.filter((r) => q.states!.includes(r.state));
    if (q.port !== undefined) rows = rows.filter((r) => r.localPort === q.port || r.remotePort === q.port);
    const offset = q.offset ?? 0;
    return { tableAt: Date.now(), total: rows.length, tableSize: this.rows.length, offset, rows: rows.slice(offset, offset + (q.limit ?? 100)) };
  }
  getTuning = async () => ({ writable: false, readOnlyReason: 'test', knobs: [], history: [] });
  applyTuning = async () => ({ ok: false as const, code: 'read_only' as const, message: 'test' });
  confirmTuning = async () => ({ ok: false as const, code: 'read_only' as const, message: 'test' });
  revertTuning = async () => ({ ok: false as const, code: 'read_only' as const, message: 'test' });
  exportRequests: ExportRequest[] = [];
  exportData = async (r: ExportRequest): Promise<ExportResult> => {
    this.exportRequests.push(structuredClone(r));
    return { ok: true, rows: 3, bytes: 120, path: `/tmp/${r.kind}.${r.format}` };
  };
  getAlertSettings = async () => ({ ...this.alertSettings });
  /** reverse-DNS names the fake host knows; every resolveNames call, as sent */
  hostNames: Record<string, string | null> = {};
  nameRequests: string[][] = [];
  resolveNames = async (addresses: string[]): Promise<Record<string, string | null>> => {
    this.nameRequests.push([...addresses]);
    return Object.fromEntries(addresses.filter((a) => a in this.hostNames).map((a) => [a, this.hostNames[a]]));
  };
  /** what connectionDetails answers (set by a test); every request, as sent */
  details: ConnInfoReply = { available: false, reason: 'no details in this test' };
  detailRequests: ConnKey[][] = [];
  connectionDetails = async (keys: ConnKey[]): Promise<ConnInfoReply> => {
    this.detailRequests.push(structuredClone(keys));
    return structuredClone(this.details);
  };
  /** what killConnection answers (set by a test); every request, as sent */
  killAnswer: KillResult = { ok: false, code: 'not_installed', message: 'no kill in this test' };
  killRequests: KillRequest[] = [];
  killConnection = async (r: KillRequest): Promise<KillResult> => {
    this.killRequests.push({ ...r });
    return structuredClone(this.killAnswer);
  };
  /** what runProbe answers (set by a test); every request, as sent */
  probeAnswer: ProbeOutcome = { ok: false, code: 'failed', message: 'no probe in this test' };
  probeRequests: ProbeRequest[] = [];
  /** when set, runProbe waits for this before answering */
  probeGate: Promise<void> | null = null;
  runProbe = async (r: ProbeRequest): Promise<ProbeOutcome> => {
    this.probeRequests.push(structuredClone(r));
    if (this.probeGate) await this.probeGate;
    return structuredClone(this.probeAnswer);
  };
  setAlertSettings = async (patch: Partial<AlertSettings>): Promise<AlertSettingsResult> => {
    this.alertPatches.push(structuredClone(patch));
    if (this.refuseAlertSettings) return this.refuseAlertSettings;
    const r = validateAlertSettings(patch, this.alertSettings);
    if (r.ok) this.alertSettings = r.settings;
    return r;
  };

  emit(s: Snapshot): void {
    this.history.push(s);
    for (const cb of this.snapshotCbs) cb(s);
  }
  emitStatus(s: CollectorStatus): void {
    for (const cb of this.statusCbs) cb(s);
  }
  get subscribers(): number {
    return this.snapshotCbs.size;
  }
}

export function socketRow(p: Partial<SocketRow>): SocketRow {
  return {
    family: 'ipv4',
    state: 'ESTABLISHED',
    localAddr: '10.0.0.1',
    localPort: 40000,
    remoteAddr: '10.0.0.2',
    remotePort: 443,
    txQueue: 0,
    rxQueue: 0,
    timer: 'none',
    timerLeftMs: 0,
    retransmits: 0,
    uid: 1000,
    inode: 1234,
    pid: 42,
    comm: 'curl',
    ...p,
  };
}
