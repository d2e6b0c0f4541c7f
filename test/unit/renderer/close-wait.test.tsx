// CLOSE_WAIT: the card's rows always add up to its total (pure model and jsdom), the tracker's ages
// (kernel lower bound vs observation) and accounting, and the collector attributing the current
// table with a lagging owner scan — on an injected source, reader and clock.
import { jsdomWindow } from './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, render, screen } from '@testing-library/react';
import { CloseWaitLeaks } from '../../../renderer/features/overview/CloseWaitLeaks';
import { closeWaitView } from '../../../renderer/features/overview/close-wait-model';
import { DashboardProvider } from '../../../renderer/store/context';
import { createDashboard, type Dashboard } from '../../../renderer/store/create-dashboard';
import { createLocalization } from '../../../renderer/i18n';
import { Collector } from '../../../electron/collector/index';
import { CloseWaitTracker, type CloseWaitSocket } from '../../../electron/collector/owners';
import { SocketTableBuilder } from '../../../electron/collector/parse/socket-table';
import type { Clock, FileReader, PeerClosedTiming, SocketSource } from '../../../electron/collector/types';
import type { CloseWaitAccounting, CloseWaitProcess, Owners, Snapshot } from '../../../shared/snapshot';
import { makeSnapshot } from '../shared/history-fixtures';
import { FakeApi } from './renderer-fake-api';

void jsdomWindow;
const T0 = 1_763_700_000_000;

function proc(p: Partial<CloseWaitProcess> & { pid: number; count: number }): CloseWaitProcess {
  return { comm: `p${p.pid}`, oldestAgeS: 10, oldestAgeSource: 'kernel', oldestAgeMaxS: 20, growthPerMin: 0, ...p };
}

function snap(total: number, owners: Partial<Owners> | null, acc?: Partial<CloseWaitAccounting>, source: 'netlink' | 'procfs' = 'netlink'): Snapshot {
  const s = makeSnapshot({ time: T0, states: { CLOSE_WAIT: total } });
  s.health.socketSource = source;
  if (owners) {
    s.owners = {
      scannedAt: T0 - 4000,
      attributed: 0,
      withInode: 0,
      kernelOwned: 0,
      unreadablePids: 0,
      topProcesses: [],
      closeWait: [],
      ...owners,
    };
    if (acc) {
      s.owners.closeWaitAccounting = {
        total,
        ageSource: source === 'netlink' ? 'kernel' : 'observed',
        otherProcesses: { processes: 0, count: 0 },
        unattributed: 0,
        newSinceScan: 0,
        notVisible: 0,
        unattributedOldestAgeS: null,
        unattributedOldestAgeSource: null,
        ...acc,
      };
    }
  }
  return s;
}

const sum = (s: Snapshot) => closeWaitView(s).rows.reduce((n, r) => n + r.count, 0);

describe('CLOSE_WAIT card model: the rows add up to the total', () => {
  it('the issue\'s case: 42 in the table, 39 + 1 attributed by a lagging scan, 2 opened since', () => {
    const s = snap(42, { closeWait: [proc({ pid: 10, count: 39 }), proc({ pid: 11, count: 1 })] }, { newSinceScan: 2, unattributed: 2, unattributedOldestAgeS: 3, unattributedOldestAgeSource: 'kernel' });
    const v = closeWaitView(s);
    assert.equal(v.total, 42);
    assert.deepEqual(v.rows.map((r) => [r.kind, r.count]), [['process', 39], ['process', 1], ['new-since-scan', 2]]);
    assert.match(v.rows[2].verdict, /opened after the owner scan \(4 sec ago\)/);
    assert.equal(v.rows[2].age, 'peer closed ≥ 3 sec ago');
    assert.equal(sum(s), 42);
  });

  it('names other processes and sockets of processes it cannot read', () => {
    const s = snap(
      100,
      { unreadablePids: 7, closeWait: [proc({ pid: 1, count: 50 })] },
      { otherProcesses: { processes: 3, count: 20 }, notVisible: 25, newSinceScan: 5, unattributed: 30 },
    );
    const v = closeWaitView(s);
    assert.deepEqual(v.rows.map((r) => [r.kind, r.count]), [['process', 50], ['other-processes', 20], ['new-since-scan', 5], ['not-visible', 25]]);
    assert.match(v.rows[1].label, /3 more processes/);
    assert.match(v.rows[3].verdict, /7 processes of other users; run as root/);
    assert.equal(sum(s), 100);
  });

  it('adds up even without owners, without accounting (older snapshots) or with a disagreeing one', () => {
    assert.deepEqual(closeWaitView(snap(9, null)).rows.map((r) => [r.kind, r.count]), [['not-attributed', 9]]);
    const old = snap(12, { closeWait: [proc({ pid: 1, count: 10 })] });
    assert.deepEqual(closeWaitView(old).rows.map((r) => [r.kind, r.count]), [['process', 10], ['not-attributed', 2]]);
    assert.equal(sum(snap(12, { closeWait: [proc({ pid: 1, count: 10 })] }, { newSinceScan: 5, unattributed: 5 })), 12);
    assert.equal(sum(snap(0, { closeWait: [] }, {})), 0);
  });

  it('holds for any mix (property check over random accountings)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 500; i++) {
      const procs = Array.from({ length: rnd(12) }, (_, k) => proc({ pid: k + 1, count: 1 + rnd(50) }));
      const acc = { otherProcesses: { processes: rnd(4), count: rnd(30) }, newSinceScan: rnd(10), notVisible: rnd(10) };
      const exact = procs.reduce((n, p) => n + p.count, 0) + acc.otherProcesses.count + acc.newSinceScan + acc.notVisible;
      const total = rnd(3) === 0 ? exact + rnd(5) - 2 : exact; // sometimes a producer that disagrees
      const s = snap(Math.max(0, total), rnd(5) === 0 ? null : { closeWait: procs }, rnd(4) === 0 ? undefined : { ...acc, unattributed: acc.newSinceScan + acc.notVisible });
      assert.equal(sum(s), s.states.CLOSE_WAIT, JSON.stringify(closeWaitView(s).rows.map((r) => [r.kind, r.count])));
    }
  });

  it('labels ages: "peer closed ≥ N ago" from the kernel, "seen for ≥ N" from /proc', () => {
    const k = closeWaitView(snap(3, { closeWait: [proc({ pid: 1, count: 3, oldestAgeS: 483, oldestAgeMaxS: 490 })] }, {}));
    assert.equal(k.rows[0].age, 'peer closed ≥ 8 min 3 sec ago');
    assert.match(k.rows[0].ageDetail, /at least this long ago.*at most 8 min 10 sec ago/);
    assert.match(k.rows[0].verdict, /not closing sockets its peers closed/, 'over 5 minutes: a leak');
    const p = closeWaitView(snap(3, { closeWait: [proc({ pid: 1, count: 3, oldestAgeS: 4, oldestAgeSource: 'observed', oldestAgeMaxS: null })] }, {}, 'procfs'));
    assert.equal(p.ageSource, 'observed');
    assert.equal(p.rows[0].age, 'seen for ≥ 4 sec (no kernel timing on /proc)');
    assert.match(p.rows[0].verdict, /recent/);
  });
});

describe('CLOSE_WAIT card (jsdom)', () => {
  /** this test's dashboard instance (over an in-memory API) */
  let dash: Dashboard;
  function renderCard() {
    return render(
      <DashboardProvider dashboard={dash}>
        <CloseWaitLeaks />
      </DashboardProvider>,
    );
  }
  beforeEach(() => {
    dash = createDashboard(new FakeApi());
  });
  afterEach(() => {
    cleanup();
  });

  it('shows the total and rows that add up to it, with kernel ages', () => {
    const s = snap(42, { closeWait: [proc({ pid: 10, comm: 'java', count: 39, oldestAgeS: 480 }), proc({ pid: 11, count: 1 })] }, { newSinceScan: 2, unattributed: 2 });
    renderCard();
    act(() => dash.dashboard.store.setState({ snapshot: s }));
    assert.equal(screen.getByTestId('close-wait-total').textContent, '42');
    const counts = [...screen.getByTestId('close-wait').querySelectorAll('tbody tr td:nth-child(2)')].map((td) => Number(td.textContent!.replace(/\D/g, '')));
    assert.deepEqual(counts, [39, 1, 2]);
    assert.equal(counts.reduce((a, b) => a + b, 0), 42);
    const card = screen.getByTestId('close-wait').textContent ?? '';
    assert.match(card, /java \(10\)/);
    assert.match(card, /peer closed ≥ 8 min 0 sec ago/);
    assert.match(screen.getByTestId('close-wait-row-new-since-scan').textContent ?? '', /not attributed yet.*opened after the owner scan \(4 sec ago\)/);
  });

  it('in zh-CN: Chinese headers, ages and verdicts, no raw keys, and a switch back to English re-renders', () => {
    cleanup();
    dash = createDashboard(new FakeApi(), { localization: createLocalization({ preference: 'zh-CN', persist: false }) });
    const s = snap(42, { closeWait: [proc({ pid: 10, comm: 'java', count: 39, oldestAgeS: 480 }), proc({ pid: 11, count: 1 })] }, { newSinceScan: 2, unattributed: 2 });
    renderCard();
    act(() => dash.dashboard.store.setState({ snapshot: s }));
    const card = () => screen.getByTestId('close-wait').textContent ?? '';
    assert.match(card(), /进程/);
    assert.match(card(), /对端已关闭 ≥ 8\s?分钟0\s?秒/);
    assert.match(card(), /java 没有关闭对端已关闭的套接字/);
    assert.match(screen.getByTestId('close-wait-row-new-since-scan').textContent ?? '', /尚未归属.*在属主扫描之后打开/);
    assert.doesNotMatch(card(), /\b(overview|app)\.[a-zA-Z]+\.[a-zA-Z]/, 'no raw keys');
    assert.doesNotMatch(card(), /peer closed|not attributed|Verdict/, 'no English left');
    act(() => dash.localization.setPreference('en'));
    assert.match(card(), /peer closed ≥ 8 min 0 sec ago/);
  });

  it('from /proc it says the age is only observed', () => {
    renderCard();
    act(() => dash.dashboard.store.setState({ snapshot: snap(2, { closeWait: [proc({ pid: 5, count: 2, oldestAgeS: 1, oldestAgeSource: 'observed', oldestAgeMaxS: null })] }, {}, 'procfs') }));
    assert.match(screen.getByTestId('close-wait').textContent ?? '', /seen for ≥ 1 sec \(no kernel timing on \/proc\)/);
  });
});

describe('CloseWaitTracker.summarize', () => {
  const owner = (pid: number) => ({ pid, comm: `c${pid}` });
  const timing = (entries: [number, number, number][], error: string | null = null): PeerClosedTiming => ({
    byInode: new Map(entries.map(([ino, minMs, maxMs]) => [ino, { minMs, maxMs }])),
    error,
  });

  it('kernel ages are lower bounds advanced by the time since the read; observation when larger', () => {
    const tr = new CloseWaitTracker();
    const sockets: CloseWaitSocket[] = [
      { inode: 1, owner: owner(100) },
      { inode: 2, owner: owner(100) },
      { inode: 3, owner: owner(200) },
    ];
    // first look 2 s after the read: the kernel says inode 1's peer closed ≥ 480 s before the read
    let r = tr.summarize({ sockets, peerClosed: timing([[1, 480_000, 500_000], [2, 1_000, 9_000]]), tableAt: T0, scannedAt: T0, now: T0 + 2000, limit: 10 });
    const p100 = r.processes.find((p) => p.pid === 100)!;
    assert.deepEqual([p100.count, p100.oldestAgeS, p100.oldestAgeSource, p100.oldestAgeMaxS], [2, 482, 'kernel', 502]);
    const p200 = r.processes.find((p) => p.pid === 200)!;
    assert.deepEqual([p200.oldestAgeS, p200.oldestAgeSource, p200.oldestAgeMaxS], [0, 'observed', null], 'no timing for inode 3 (appeared between the dumps)');
    // 100 s later, same table, the kernel figure for inode 3 is small (the peer ACKed data we sent)
    r = tr.summarize({ sockets, peerClosed: timing([[1, 480_000, 500_000], [2, 1_000, 9_000], [3, 5_000, 600_000]]), tableAt: T0 + 100_000, scannedAt: T0, now: T0 + 100_000, limit: 10 });
    const q = r.processes.find((p) => p.pid === 200)!;
    assert.deepEqual([q.oldestAgeS, q.oldestAgeSource, q.oldestAgeMaxS], [98, 'observed', 600], 'observed for 98 s (first seen at +2 s) > kernel 5 s');
    assert.equal(r.accounting.ageSource, 'kernel');
  });

  it('without kernel timing (/proc) every age is observed; a failed timing dump too', () => {
    const tr = new CloseWaitTracker();
    const sockets = [{ inode: 1, owner: owner(1) }];
    tr.summarize({ sockets, peerClosed: undefined, tableAt: T0, scannedAt: T0, now: T0, limit: 10 });
    const r = tr.summarize({ sockets, peerClosed: undefined, tableAt: T0 + 5000, scannedAt: T0, now: T0 + 5000, limit: 10 });
    assert.deepEqual([r.processes[0].oldestAgeS, r.processes[0].oldestAgeSource, r.accounting.ageSource], [5, 'observed', 'observed']);
    const f = new CloseWaitTracker().summarize({ sockets, peerClosed: timing([], 'EPERM'), tableAt: T0, scannedAt: T0, now: T0, limit: 10 });
    assert.equal(f.accounting.ageSource, 'observed');
  });

  it('accounts for every socket: listed, other processes, new since the scan, not visible', () => {
    const tr = new CloseWaitTracker();
    const old: CloseWaitSocket[] = [
      ...Array.from({ length: 4 }, (_, i) => ({ inode: 10 + i, owner: owner(1) })),
      ...Array.from({ length: 3 }, (_, i) => ({ inode: 20 + i, owner: owner(2) })),
      { inode: 30, owner: owner(3) },
      { inode: 40, owner: null }, // present at the scan, no readable owner
    ];
    tr.summarize({ sockets: old, peerClosed: null, tableAt: T0, scannedAt: T0, now: T0, limit: 2 });
    const later = [...old, { inode: 50, owner: null }, { inode: 51, owner: null }];
    const r = tr.summarize({ sockets: later, peerClosed: null, tableAt: T0 + 1000, scannedAt: T0, now: T0 + 1000, limit: 2 });
    assert.deepEqual(r.processes.map((p) => [p.pid, p.count]), [[1, 4], [2, 3]]);
    const a = r.accounting;
    assert.deepEqual([a.total, a.otherProcesses, a.newSinceScan, a.notVisible, a.unattributed], [11, { processes: 1, count: 1 }, 2, 1, 3]);
    assert.equal(r.processes.reduce((n, p) => n + p.count, 0) + a.otherProcesses.count + a.unattributed, a.total);
    assert.equal(a.unattributedOldestAgeS, 1, 'inode 40, seen 1 s ago');
  });
});

// ---------------------------------------------------------------- the collector, scan lagging the table

function fakeClock(): Clock & { advance(ms: number): void } {
  let t = T0;
  let m = 0;
  return { now: () => t, monotonic: () => m, advance: (ms) => ((t += ms), (m += ms)) };
}

/** /p/1/fd holds the sockets in `fds` (inode numbers); everything else is missing. */
function ownerReader(fds: number[]): FileReader {
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    async readText(path) {
      if (path === '/p/1/comm') return 'leaky\n';
      throw missing(path);
    },
    async *readChunks(path) {
      throw missing(path);
    },
    async readdir(path) {
      if (path === '/p') return ['1'];
      if (path === '/p/1/fd') return fds.map((_, i) => String(i + 3));
      throw missing(path);
    },
    async readlink(path) {
      const m = /^\/p\/1\/fd\/(\d+)$/.exec(path);
      if (m) return `socket:[${fds[Number(m[1]) - 3]}]`;
      throw missing(path);
    },
  };
}

/** CLOSE_WAIT sockets `inodes()`; `ages()`: inode → ms since the peer closed, at the read */
function closeWaitSource(inodes: () => number[], ages: () => Map<number, number>): SocketSource {
  return {
    name: 'netlink',
    async read() {
      const b = new SocketTableBuilder(16, true);
      for (const inode of inodes()) {
        b.push({ family: 4, state: 8, localAddr: '127.0.0.1', localPort: 8080, remoteAddr: '127.0.0.1', remotePort: 40000 + inode, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode });
      }
      const byInode = new Map([...ages()].map(([ino, ms]) => [ino, { minMs: ms, maxMs: ms + 1000 }]));
      return { table: b.finish(), source: 'netlink', skipped: {}, unknownStates: 0, peerClosed: { byInode, error: null } };
    },
  };
}

describe('collector: CLOSE_WAIT rows from the current table and the last scan', () => {
  it('sockets opened after the scan are counted as not attributed yet, and the next scan attributes them', async () => {
    const clock = fakeClock();
    let live = [101, 102, 103];
    const fds = [101, 102, 103];
    const c = new Collector({ reader: ownerReader(fds), clock, procRoot: '/p', socketSource: closeWaitSource(() => live, () => new Map([[101, 480_000 + clock.now() - T0]])),
      minTableIntervalMs: 1000,
    });
    c.setDemand({ table: true, owners: true });
    const s1 = await c.tick();
    assert.equal(s1.states.CLOSE_WAIT, 3);
    assert.deepEqual(s1.owners!.closeWait.map((p) => [p.comm, p.count, p.oldestAgeS, p.oldestAgeSource]), [['leaky', 3, 480, 'kernel']]);
    assert.equal(s1.owners!.closeWaitAccounting!.unattributed, 0);

    // two more CLOSE_WAIT sockets: the next tick reads the table but not the owners (scan due later)
    live = [101, 102, 103, 104, 105];
    fds.push(104, 105);
    clock.advance(1000);
    const s2 = await c.tick();
    assert.equal(s2.health.tableRead, true);
    assert.equal(s2.owners!.scannedAt, T0, 'the scan is a tick old');
    assert.equal(s2.states.CLOSE_WAIT, 5);
    const a2 = s2.owners!.closeWaitAccounting!;
    assert.deepEqual([s2.owners!.closeWait[0].count, a2.newSinceScan, a2.notVisible, a2.total], [3, 2, 0, 5]);
    assert.equal(s2.owners!.closeWait[0].oldestAgeS, 481, 'kernel age at the read, plus the second since');
    assert.equal(closeWaitView(s2).rows.reduce((n, r) => n + r.count, 0), s2.states.CLOSE_WAIT);

    // a few ticks later the scan runs again and attributes them all
    let s3 = s2;
    for (let i = 0; i < 10 && s3.owners!.scannedAt === T0; i++) {
      clock.advance(1000);
      s3 = await c.tick();
    }
    assert.notEqual(s3.owners!.scannedAt, T0);
    assert.deepEqual([s3.owners!.closeWait[0].count, s3.owners!.closeWaitAccounting!.unattributed], [5, 0]);
  });
});
