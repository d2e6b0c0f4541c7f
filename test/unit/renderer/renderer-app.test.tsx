// The React app in jsdom, fed through the bridge by an in-memory preload API: live counts as digits,
// clear messages instead of blank windows, keyboard navigation, the TIME_WAIT view's verdicts and
// the connection table's owner column, marks and persisted filters.
import { jsdomWindow } from './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import type { PortBudget } from '../../../shared/snapshot';
import { makeSnapshot } from '../shared/history-fixtures';
import { launchApp, flush } from './launch-app';
import { FakeApi, socketRow } from './renderer-fake-api';

const T0 = 1_763_700_000_000;

/** A budget; `blocking` follows `percentUsed` unless given (percent now = blocking / usable). */
function budget(p: Partial<PortBudget>): PortBudget {
  const usable = p.usable ?? 28232;
  const percentUsed = p.percentUsed ?? (p.blocking !== undefined ? (p.blocking / usable) * 100 : 0.4);
  return {
    localAddr: '10.0.0.1',
    remoteAddr: '10.0.0.9',
    remotePort: 5432,
    inUse: 100,
    timeWait: 90,
    blocking: Math.round((percentUsed * usable) / 100),
    usable,
    percentUsed,
    closeRatePerS: 1,
    rateWindowS: 10,
    activeGrowthPerS: null,
    forecastBasisS: 10,
    holdSeconds: 60,
    reuseApplies: false,
    steadyState: 70,
    steadyStatePercent: 0.3,
    secondsToExhaustion: null,
    firstFreeS: null,
    freedWithin10s: 0,
    exhaustedSince: null,
    verdict: 'fine',
    ...p,
  };
}


/** the running app's dashboard instance (each launch creates its own, as main.tsx does) */
let dash: Dashboard;

async function launch(api: FakeApi | null, url = 'http://127.0.0.1:7780/?token=t'): Promise<() => void> {
  const l = await launchApp(api, url);
  dash = l.dash;
  return l.stop;
}

describe('App (jsdom)', () => {
  let stop: () => void = () => {};
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    stop();
    cleanup();
  });

  it('shows each state count as digits in data-testid="state-count-<STATE>"', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    assert.ok(screen.getByTestId('waiting').textContent?.includes('Waiting for the first snapshot'), 'a message, not a blank window');
    act(() => api.emit(makeSnapshot({ time: T0, states: { TIME_WAIT: 12345, CLOSE_WAIT: 7, ESTABLISHED: 3 } })));
    assert.equal(screen.getByTestId('state-count-TIME_WAIT').textContent, '12,345');
    assert.equal(screen.getByTestId('state-count-CLOSE_WAIT').textContent, '7');
    assert.equal(screen.getByTestId('state-count-LAST_ACK').textContent, '0');
    act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 1, states: { TIME_WAIT: 12001 } })));
    assert.equal(screen.getByTestId('state-count-TIME_WAIT').textContent, '12,001');
    assert.equal(api.subscribers, 1, 'one subscription for the whole app');
  });

  it('the churn summary shows the rate series the charts use: — before any rate, then the sums', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    const value = (label: string) => [...document.querySelectorAll('.kv')].find((e) => e.querySelector('.kv-k')?.textContent === label)?.querySelector('.kv-v')?.textContent;
    act(() => api.emit(makeSnapshot({ time: T0 })));
    assert.equal(value('TIME_WAIT arrivals'), '—/s', 'no rate on the first tick');
    assert.equal(value('Steady state'), '—');
    act(() =>
      api.emit(
        makeSnapshot({
          time: T0 + 1000,
          seq: 1,
          rates: { 'TcpExt.TW': 3, 'TcpExt.TWKilled': 1, 'Tcp.EstabResets': 2, 'Tcp.OutRsts': 5, 'Tcp.ActiveOpens': 9, 'TcpExt.TCPTimeWaitOverflow': 0.5 },
        }),
      ),
    );
    assert.equal(value('TIME_WAIT arrivals'), '4/s', 'TW + TWKilled');
    assert.equal(value('Steady state'), '≈ 240', 'arrivals × 60 s');
    assert.equal(value('Resets'), '7/s', 'EstabResets + OutRsts');
    assert.equal(value('Active opens'), '9/s');
    assert.equal(value('TW overflow'), '0.5/s');
  });

  it('the CLOSE_WAIT card names the leaking process', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() =>
      api.emit(
        makeSnapshot({
          time: T0,
          states: { CLOSE_WAIT: 40 },
          overrides: {
            owners: {
              scannedAt: T0,
              attributed: 40,
              withInode: 40,
              kernelOwned: 0,
              unreadablePids: 0,
              topProcesses: [],
              closeWait: [{ pid: 4242, comm: 'java', count: 40, oldestAgeS: 900, oldestAgeSource: 'kernel', oldestAgeMaxS: null, growthPerMin: 6 }],
            },
            topCloseWait: [{ direction: 'inbound', peerAddr: '10.0.0.3', servicePort: 8080, localAddr: '10.0.0.1', count: 40 }],
          },
        }),
      ),
    );
    const card = screen.getByTestId('close-wait').textContent ?? '';
    assert.match(card, /java \(4242\)/);
    assert.match(card, /\+6\/min/);
    assert.match(card, /java is not closing sockets its peers closed/);
    assert.match(card, /10\.0\.0\.3 → our port 8080 \(40\)/);
  });

  it('says what is wrong instead of showing a blank window', async () => {
    stop = await launch(null, 'http://127.0.0.1:7780/');
    assert.match(screen.getByTestId('fatal').textContent ?? '', /needs the access token/);
  });

  it('shows the collector status when it fails or restarts', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => api.emitStatus({ state: 'failed', message: 'cannot read /proc/net/tcp: EACCES', restarts: 5, nextRestartAt: null }));
    assert.match(screen.getByTestId('collector-status').textContent ?? '', /The collector has failed\. cannot read \/proc\/net\/tcp: EACCES/);
    assert.match(screen.getByTestId('waiting').textContent ?? '', /collector is not running/);
    act(() => api.emit(makeSnapshot({ time: T0 })));
    assert.equal(screen.queryByTestId('collector-status'), null, 'a snapshot means it runs again');
  });

  it('Alt+2 switches to the TIME_WAIT view: budgets coloured at 50/80/95 % with a plain verdict', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() =>
      api.emit(
        makeSnapshot({
          time: T0,
          states: { TIME_WAIT: 27000 },
          overrides: {
            portBudgets: [
              budget({ remoteAddr: '10.0.0.7', percentUsed: 97, steadyStatePercent: 130, steadyState: 36700, verdict: 'will_exhaust', secondsToExhaustion: 42 }),
              budget({ remoteAddr: '10.0.0.8', percentUsed: 60, steadyStatePercent: 85, steadyState: 24000, verdict: 'at_risk' }),
              budget({}),
            ],
            timeWaitTimers: { bucketS: 5, counts: [10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], freedNext10s: 10, finWait2Timewait: 2, total: 15 },
          },
        }),
      ),
    );
    act(() => {
      fireEvent.keyDown(jsdomWindow as unknown as Window, { key: '2', altKey: true });
    });
    const table = screen.getByTestId('port-budgets');
    const rows = table.querySelectorAll('tbody tr');
    assert.equal(rows.length, 3);
    assert.match(rows[0].textContent ?? '', /Will run out in 42 s: 27,385 of 28,232 ports held, .*new connections to 10\.0\.0\.7:5432 fail with EADDRNOTAVAIL \(based on 10 s of data\)/);
    assert.ok(rows[0].querySelector('.meter.level-critical'), '97 % is critical (≥ 95)');
    assert.match(rows[1].textContent ?? '', /At risk/);
    assert.ok(rows[1].querySelector('.meter.level-warn'), '60 % is warn (≥ 50)');
    assert.ok(rows[1].querySelector('.pill.level-high'), '85 % steady state is high (≥ 80)');
    assert.ok(rows[2].querySelector('.meter.level-ok'));
    assert.equal(screen.getByTestId('tw-freed-10s').textContent, '10');
    assert.match(document.body.textContent ?? '', /fixed 60 seconds/);
    assert.match(document.body.textContent ?? '', /tcp_fin_timeout limits orphaned FIN_WAIT2 sockets, not TIME_WAIT/);
  });

  it('the connection table shows owners, says TIME_WAIT has none, and marks new rows', async () => {
    const api = new FakeApi();
    api.rows = [
      socketRow({ state: 'ESTABLISHED', localPort: 40001, comm: 'nginx', pid: 77 }),
      socketRow({ state: 'TIME_WAIT', localPort: 40002, inode: 0, pid: null, comm: null, uid: 0, timer: 'timewait', timerLeftMs: 41_000 }),
    ];
    stop = await launch(api);
    act(() => dash.dashboard.setView('connections'));
    act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 1, TIME_WAIT: 1 } })));
    await flush();
    const table = screen.getByTestId('connections-table');
    assert.match(table.textContent ?? '', /nginx \(77\)/);
    assert.match(table.textContent ?? '', /no owner — TIME_WAIT sockets belong to the kernel/);
    assert.match(table.textContent ?? '', /41 s/);
    assert.equal(table.querySelectorAll('.mark-new').length, 0, 'the first load marks nothing');
    api.rows = [...api.rows, socketRow({ state: 'ESTABLISHED', localPort: 40003, comm: 'curl', pid: 88 })];
    act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 2, states: { ESTABLISHED: 2, TIME_WAIT: 1 } })));
    await flush();
    const marked = table.querySelectorAll('.row.mark-new');
    assert.equal(marked.length, 1);
    assert.match(marked[0].textContent ?? '', /40003/);
    assert.equal(screen.getByTestId('connections-total').textContent, '3 of 3 sockets');
  });

  it('connection filters go to the query and persist across launches', async () => {
    const api = new FakeApi();
    api.rows = [socketRow({ state: 'TIME_WAIT', inode: 0, comm: null, pid: null }), socketRow({ localPort: 5 })];
    stop = await launch(api);
    act(() => dash.dashboard.setView('connections'));
    act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 1, TIME_WAIT: 1 } })));
    await flush();
    act(() => {
      fireEvent.click(screen.getByTestId('filter-state-TIME_WAIT'));
    });
    await flush();
    assert.deepEqual(api.socketQueries.at(-1)?.states, ['TIME_WAIT']);
    assert.equal(screen.getByTestId('connections-total').textContent, '1 of 2 sockets');
    const port = screen.getByPlaceholderText('local or remote');
    act(() => {
      fireEvent.change(port, { target: { value: '99999' } });
    });
    assert.match(document.body.textContent ?? '', /port must be a number from 0 to 65535/);
    const saved = JSON.parse(localStorage.getItem('waitline.connections.filters') ?? '{}');
    assert.deepEqual(saved.states, ['TIME_WAIT']);
    // a new launch starts with the saved filter
    stop();
    cleanup();
    stop = await launch(api);
    act(() => dash.dashboard.setView('connections'));
    act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 2 })));
    await flush();
    assert.equal(screen.getByTestId('filter-state-TIME_WAIT').getAttribute('aria-pressed'), 'true');
  });

  it('50,000 sockets: only the visible rows are in the DOM, fetched a page at a time', async () => {
    const api = new FakeApi();
    api.rows = Array.from({ length: 50_000 }, (_, i) =>
      socketRow({ state: 'TIME_WAIT', localPort: 10_000 + (i % 50_000), remotePort: 80, inode: 0, comm: null, pid: null }),
    );
    stop = await launch(api);
    act(() => dash.dashboard.setView('connections'));
    act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { TIME_WAIT: 50_000 } })));
    await flush();
    const rows = screen.getByTestId('connections-table').querySelectorAll('[role="row"]');
    assert.ok(rows.length > 10 && rows.length < 80, `${rows.length} row elements`);
    assert.ok(api.socketQueries.every((q) => (q.limit ?? 0) <= 1000), 'pages, never the whole table');
    assert.equal(screen.getByTestId('connections-total').textContent, '50,000 of 50,000 sockets');
  });
});
