// The collector pipeline under plain Node: main's CollectorConnection supervises a "utility process"
// whose other end runs the real collector-host loop (in-process; the double only bridges Electron's
// postMessage), snapshots reach the preload API over a real MessagePort without passing through main,
// main keeps history from the small samples, and socket queries are forwarded asynchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { CollectorStatus } from '../../../../shared/api';
import { HistoryStore } from '../../../../shared/history';
import type { Snapshot, SocketPage, SocketQuery } from '../../../../shared/snapshot';
import { MainIpc } from '../../../../electron/ipc/ipc-main';
import { RendererIpc } from '../../../../electron/ipc/ipc-renderer';
import { trustedSender } from '../../../../electron/ipc/sender';
import { runCollectorHost, type CollectorLike, type HostPortLike } from '../../../../electron/utility/collector-host-core';
import { CollectorConnection, type CollectorChild } from '../../../../electron/main/collector-connection';
import type { HostMessage } from '../../../../electron/ipc/collector-protocol';
import type { Demand } from '../../../../shared/api';
import { createInvokeHandlers } from '../../../../electron/main/handlers';
import { ExportService } from '../../../../electron/main/export-service';
import { HistoryService } from '../../../../electron/main/history-service';
import { createPreloadApi } from '../../../../electron/preload/preload-api';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../../../shared/alerts';
import { makeSnapshot } from '../../shared/history-fixtures';
import { APP_URL, FakeIpcMain, FakeIpcRenderer, ManualClock, settle, waitFor, WINDOW_ID } from './shell-doubles';

const T0 = 1_763_700_000_000;

class FakeCollector implements CollectorLike {
  seq = 0;
  demands: Demand[] = [];
  failNext = false;
  queries: SocketQuery[] = [];
  constructor(private readonly clock: ManualClock) {}
  async tick(): Promise<Snapshot> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('EMFILE: too many open files');
    }
    this.seq++;
    return makeSnapshot({ time: this.clock.now(), seq: this.seq, states: { TIME_WAIT: this.seq * 100 }, rates: { 'TcpExt.TW': 5 } });
  }
  querySockets(q: SocketQuery): SocketPage {
    this.queries.push(q);
    if (q.port === 666) throw new Error('table not read yet');
    return { tableAt: T0, total: 1, tableSize: 1, offset: 0, rows: [] };
  }
  setDemand(d: Demand): void {
    this.demands.push(d);
  }
  alertSettings: AlertSettings[] = [];
  setAlertSettings(settings: AlertSettings): void {
    this.alertSettings.push(settings);
  }
}

/** Plays Electron's UtilityProcess: main's postMessage reaches the host's parentPort and back. */
class BridgedChild implements CollectorChild {
  private exitListeners: ((code: number) => void)[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private hostListeners: ((e: { data: unknown; ports: HostPortLike[] }) => void)[] = [];
  exited = false;
  readonly host;
  constructor(collector: CollectorLike, clock: ManualClock) {
    this.host = runCollectorHost({
      parentPort: {
        on: (_event, listener) => this.hostListeners.push(listener),
        postMessage: (m) => {
          if (this.exited) return;
          const copy = structuredClone(m);
          for (const l of this.messageListeners) l(copy);
        },
      },
      collector,
      pid: 4242,
      exit: (code) => this.exit(code),
      timers: clock,
      tickMs: 1000,
      tableIdleMs: 10_000,
    });
  }
  postMessage(message: unknown, transfer?: never[]): void {
    const ports = (transfer ?? []) as unknown as HostPortLike[];
    for (const l of this.hostListeners) l({ data: structuredClone(message), ports });
  }
  on(event: 'exit' | 'message', listener: (x: never) => void): this {
    if (event === 'exit') this.exitListeners.push(listener as (code: number) => void);
    else this.messageListeners.push(listener as (m: unknown) => void);
    return this;
  }
  kill(): boolean {
    this.exit(-1);
    return true;
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    void this.host.stop();
    for (const l of this.exitListeners) l(code);
  }
}

function pipeline() {
  const clock = new ManualClock(T0);
  const collector = new FakeCollector(clock);
  const children: BridgedChild[] = [];
  const statuses: CollectorStatus[] = [];
  const history = new HistoryService(new HistoryStore(1000));
  /** where an export through the IPC writes (the save dialog's answer) */
  const exportFile = { path: '' };
  const openPorts: MessagePort[] = [];
  const conn = new CollectorConnection<MessagePort>({
    spawn: () => {
      const c = new BridgedChild(collector, clock);
      children.push(c);
      return c;
    },
    createChannel: () => {
      const ch = new MessageChannel();
      openPorts.push(ch.port1, ch.port2);
      return ch;
    },
    onSample: (s) => history.pushSample(s),
    onStatus: (s) => statuses.push(s),
    timers: clock,
    queryTimeoutMs: 5000,
    supervisor: { hangTimeoutMs: 15_000 },
  });
  // Main's IPC and the preload API, joined by the ipc doubles.
  const ipcMain = new FakeIpcMain();
  const mainIpc = new MainIpc(ipcMain, trustedSender({ windowContentsId: () => WINDOW_ID, expectedUrl: APP_URL }));
  mainIpc.handleAll(
    createInvokeHandlers({
      info: () => ({ transport: 'electron', version: '0', kernel: 'k', hostname: 'h', readOnly: false, tickMs: 1000 }),
      history,
      sockets: conn,
      tuning: {
        getState: async () => ({ writable: false, readOnlyReason: 'test', knobs: [], history: [] }),
        apply: async () => ({ ok: false, code: 'read_only', message: 'test' }),
        confirm: async () => ({ ok: false, code: 'read_only', message: 'test' }),
        revert: async () => ({ ok: false, code: 'read_only', message: 'test' }),
      },
      alerts: {
        get: () => ({ ...DEFAULT_ALERT_SETTINGS }),
        set: () => ({ ok: true, settings: { ...DEFAULT_ALERT_SETTINGS } }),
      },
      exporter: new ExportService({
        sources: {
          get history() {
            return history.history;
          },
          querySockets: (q) => conn.querySockets(q),
          budgets: () => conn.lastBudgets(),
          tuning: async () => [],
        },
        chooseFile: async () => exportFile.path,
      }),
    }),
  );
  const ipcRenderer = new FakeIpcRenderer(ipcMain);
  const preload = createPreloadApi(new RendererIpc(ipcRenderer));
  // What main.ts does on did-finish-load: hand the page a port to the collector.
  const connectPage = () =>
    conn.connectRenderer((port) => ipcRenderer.emit('waitline:snapshotPort', null, [port as unknown as globalThis.MessagePort]));
  const cleanup = async () => {
    preload.dispose();
    await conn.stop();
    for (const p of openPorts) p.close();
  };
  return { clock, collector, children, statuses, history, conn, api: preload.api, ipcRenderer, connectPage, cleanup, exportFile };
}

test('snapshots flow collector → host → MessagePort → preload onSnapshot; main keeps history samples', async () => {
  const p = pipeline();
  try {
    p.connectPage();
    p.conn.start();
    const got: Snapshot[] = [];
    const off = p.api.onSnapshot((s) => got.push(s));
    await settle(); // first tick (at start)
    for (let i = 0; i < 4; i++) {
      p.clock.advance(1000);
      await settle();
    }
    await waitFor(() => got.length >= 5, 'five snapshots over the port');
    assert.deepEqual(got.map((s) => s.seq), [1, 2, 3, 4, 5]);
    assert.equal(got[4]!.states.TIME_WAIT, 500);
    assert.equal(p.statuses.at(-1)!.state, 'running');
    // History is in main and reachable through IPC from the preload API.
    const h = await p.api.getHistory({ fromMs: T0, toMs: T0 + 10_000, maxPoints: 100 });
    assert.deepEqual(h.states.TIME_WAIT, [100, 200, 300, 400, 500]);
    assert.deepEqual(h.times, [T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000]);
    assert.ok(h.rates.timeWaitArrivals.every((v) => v === 5));
    // Unsubscribe stops delivery; a late subscriber gets the newest snapshot at once.
    off();
    const late: number[] = [];
    const lateProbe = p.api.onSnapshot((s) => late.push(s.seq)); // replays 5, then sees 6
    p.clock.advance(1000);
    await settle();
    await waitFor(() => late.includes(6), 'snapshot 6');
    lateProbe();
    assert.equal(got.length, 5, 'the unsubscribed callback got nothing more');
    const later: number[] = [];
    p.api.onSnapshot((s) => later.push(s.seq));
    await settle();
    assert.deepEqual(later, [6], 'a late subscriber gets the newest snapshot at once');
  } finally {
    await p.cleanup();
  }
});

test('exportData through the preload and IPC: main writes the history range to the file the dialog chose', async () => {
  const p = pipeline();
  const dir = mkdtempSync(join(tmpdir(), 'wl-ipc-export-'));
  try {
    p.connectPage();
    p.conn.start();
    await settle();
    for (let i = 0; i < 4; i++) {
      p.clock.advance(1000);
      await settle();
    }
    await waitFor(() => p.history.history.memory.size >= 5, 'five samples in main');
    // main opens the history file after start: what came before is handed over, and exports read
    // the history as it is now (the file's), not the one held at start
    await p.history.open(join(dir, 'history'));
    assert.equal(p.history.storage.mode, 'disk');
    for (let i = 0; i < 2; i++) {
      p.clock.advance(1000);
      await settle();
    }
    await waitFor(() => p.history.history.memory.size >= 7, 'seven samples in main');
    p.exportFile.path = join(dir, 'h.csv');
    const r = await p.api.exportData({ kind: 'history', format: 'csv', fromMs: T0, toMs: T0 + 10_000, resolution: '1s' });
    assert.deepEqual(r, { ok: true, rows: 7, bytes: readFileSync(p.exportFile.path).length, path: p.exportFile.path });
    const lines = readFileSync(p.exportFile.path, 'utf8').split('\r\n');
    assert.match(lines[0], /^time,established,/);
    assert.equal(lines[1].split(',')[0], new Date(T0).toISOString());
    // the budgets of the last tick reached main with the sample
    p.exportFile.path = join(dir, 'b.jsonl');
    const b = await p.api.exportData({ kind: 'budgets', format: 'jsonl' });
    assert.equal(b.ok, true);
    // a bad request is refused by the IPC validator, naming the field
    await assert.rejects(p.api.exportData({ kind: 'everything', format: 'csv' } as never), /kind must be one of sockets, history, budgets, tuning/);
    // an unwritable destination is a sentence, not a throw
    p.exportFile.path = join(dir, 'missing-folder', 'x.csv');
    const bad = await p.api.exportData({ kind: 'history', format: 'csv', fromMs: T0, toMs: T0 + 1 });
    assert.equal(bad.ok, false);
    assert.match((bad as { message: string }).message, /cannot write .*x\.csv: ENOENT/);
  } finally {
    await p.cleanup();
    await p.history.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tick that throws is reported and the loop keeps ticking', async () => {
  const p = pipeline();
  const tickErrors: string[] = [];
  try {
    p.conn.start();
    await settle();
    const child = p.children[0]!;
    child.on('message', (m: never) => {
      const msg = m as HostMessage;
      if (msg.type === 'tickError') tickErrors.push(msg.message);
    });
    p.collector.failNext = true;
    p.clock.advance(1000);
    await settle();
    p.clock.advance(1000);
    await settle();
    assert.deepEqual(tickErrors, ['EMFILE: too many open files']);
    assert.equal(p.collector.seq, 2, 'ticks went on after the failure');
    assert.equal(p.children.length, 1, 'no restart for a failed tick');
  } finally {
    await p.cleanup();
  }
});

test('socket queries go to the collector process, set table demand, and time out or fail clearly', async () => {
  const p = pipeline();
  try {
    await assert.rejects(p.api.querySockets({ limit: 5 }), /the collector process is not running \(starting\)/);
    p.conn.start();
    await settle();
    const page = await p.api.querySockets({ states: ['TIME_WAIT'], limit: 5 });
    assert.equal(page.total, 1);
    assert.deepEqual(p.collector.queries, [{ states: ['TIME_WAIT'], limit: 5 }]);
    assert.deepEqual(p.collector.demands, [{ table: true, owners: true }]);
    p.clock.advance(9999);
    assert.equal(p.collector.demands.length, 1);
    p.clock.advance(1);
    assert.deepEqual(p.collector.demands.at(-1), { table: false, owners: false }, 'demand dropped after 10 s idle');
    await assert.rejects(p.api.querySockets({ port: 666 }), /table not read yet/);
  } finally {
    await p.cleanup();
  }
});

test('pending queries fail when the process dies; it restarts and the page gets a new port', async () => {
  const p = pipeline();
  try {
    p.connectPage();
    p.conn.start();
    await settle();
    const got: number[] = [];
    p.api.onSnapshot((s) => got.push(s.seq));
    // A query whose answer never comes: the child dies first.
    const child = p.children[0]!;
    const origPost = child.postMessage.bind(child);
    child.postMessage = () => {}; // swallow: the host never sees the query
    const q = p.conn.querySockets({});
    child.postMessage = origPost;
    child.exit(1);
    await assert.rejects(q, /the collector process is not running/);
    const restarting = p.statuses.at(-1)!;
    assert.equal(restarting.state, 'restarting');
    assert.match(restarting.message ?? '', /exited with code 1/);
    p.clock.advance(1000); // backoff
    assert.equal(p.children.length, 2);
    await settle();
    await settle();
    p.clock.advance(1000);
    await settle();
    await waitFor(() => got.some((seq) => seq >= 3), 'snapshots from the restarted process');
    assert.ok(got.length >= 2, `snapshots resumed through the new port (got ${got.join(',')})`);
    assert.equal(p.statuses.at(-1)!.state, 'running');
  } finally {
    await p.cleanup();
  }
});

test('a query unanswered within the timeout is rejected with a clear message', async () => {
  const p = pipeline();
  try {
    p.conn.start();
    await settle();
    const child = p.children[0]!;
    const origPost = child.postMessage.bind(child);
    child.postMessage = () => {}; // the host never sees the query
    const q = p.conn.querySockets({});
    p.clock.advance(5000);
    await assert.rejects(q, /did not answer the socket query within 5 s/);
    child.postMessage = origPost;
  } finally {
    await p.cleanup();
  }
});

test('graceful stop: the host finishes, closes the renderer port and exits 0; no restart', async () => {
  const p = pipeline();
  p.connectPage();
  p.conn.start();
  await settle();
  const child = p.children[0]!;
  const exitCodes: number[] = [];
  child.on('exit', ((c: number) => exitCodes.push(c)) as never);
  await p.conn.stop();
  assert.deepEqual(exitCodes, [0]);
  assert.equal(child.host.rendererAttached, false);
  p.clock.advance(120_000);
  assert.equal(p.children.length, 1);
  await p.cleanup();
});
