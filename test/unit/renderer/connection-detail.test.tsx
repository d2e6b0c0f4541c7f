// The selected connection's details and "Close connection…" (ConnectionDetail.tsx): what is asked of
// the host (one exact key, polled), what is shown (values, gone, TIME_WAIT, unavailable), and the
// close action's confirmation, request and result — and its refusal where it cannot work.
import './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import { DETAIL_POLL_MS, killConsequence, nextSample } from '../../../renderer/features/connections/ConnectionDetail';
import type { AppInfo } from '../../../shared/api';
import type { ConnInfoAnswer, TcpDetails } from '../../../shared/conn-info';
import { makeSnapshot } from '../shared/history-fixtures';
import { createLocalization } from '../../../renderer/i18n';
import { flush, launchApp } from './launch-app';
import { FakeApi, socketRow } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const INFO: AppInfo = { transport: 'electron', version: '0.1.0', kernel: '6.18.0', hostname: 'h', readOnly: false, tickMs: 1000, kill: { available: true, reason: null } };

function tcp(over: Partial<TcpDetails> = {}): TcpDetails {
  const t = { infoBytes: 232, state: 'ESTABLISHED', caState: 'open', options: [] } as unknown as Record<string, unknown>;
  for (const k of ['rttUs', 'rttVarUs', 'minRttUs', 'totalRetransSegs', 'rtoRetransmits', 'bytesSent', 'bytesAcked', 'bytesReceived', 'sndCwndSegs', 'lastDataSentMs', 'lastDataRecvMs']) t[k] = 0;
  return { ...(t as unknown as TcpDetails), ...over };
}

function answer(over: Partial<ConnInfoAnswer> = {}): ConnInfoAnswer {
  return {
    key: { family: 'ipv4', localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '10.0.0.9', remotePort: 5432 },
    status: 'ok',
    reason: null,
    state: 'ESTABLISHED',
    cookie: '7',
    inode: 99,
    uid: 1000,
    rxQueueBytes: 0,
    txQueueBytes: 0,
    congestion: 'cubic',
    tcp: tcp({ rttUs: 1250, rttVarUs: 300, totalRetransSegs: 3, bytesSent: 1_234_567, bytesAcked: 1_234_568, bytesReceived: 4321, sndCwndSegs: 10 }),
    ...over,
  };
}

let dash: Dashboard;
let stop: () => void = () => {};

async function open(api: FakeApi, info: AppInfo = INFO): Promise<void> {
  api.getInfo = async () => info;
  api.rows = [
    socketRow({ localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '10.0.0.9', remotePort: 5432 }),
    socketRow({ state: 'CLOSE_WAIT', localAddr: '::ffff:127.0.0.1', localPort: 8080, remoteAddr: '::ffff:127.0.0.1', remotePort: 51000, family: 'ipv6' }),
  ];
  const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t');
  dash = l.dash;
  stop = l.stop;
  act(() => dash.dashboard.setView('connections'));
  act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 1, CLOSE_WAIT: 1 } })));
  await flush();
}

function clickRow(i: number): void {
  const rows = [...document.querySelectorAll('[data-testid="connections-table"] .row:not(.placeholder)')];
  assert.ok(rows[i], `row ${i} of ${rows.length}`);
  fireEvent.click(rows[i]);
}

describe('connection details and close (jsdom)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    stop();
    cleanup();
  });

  it('asks for the selected row only, by its exact key, and shows the kernel\'s values', async () => {
    const api = new FakeApi();
    api.details = { available: true, at: T0, durationMs: 0.1, answers: [answer()] };
    await open(api);
    assert.equal(api.detailRequests.length, 0, 'nothing is asked before a row is selected');
    clickRow(0);
    await flush();
    assert.deepEqual(api.detailRequests, [[{ family: 'ipv4', localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '10.0.0.9', remotePort: 5432 }]]);
    const text = screen.getByTestId('detail-values').textContent ?? '';
    assert.match(text, /RTT1\.25 ms ± 0\.30 ms/);
    assert.match(text, /Retransmits3 segments/);
    assert.match(text, /Sent1\.23 MB \(1\.23 MB acked\)/);
    assert.match(text, /Received4\.3 kB/);
    assert.match(text, /Congestion window10 segments · cubic/);
    // selecting it again closes the pane, and the polling stops with it
    clickRow(0);
    await flush();
    assert.equal(screen.queryByTestId('connection-detail'), null);
  });

  it('says when the socket is gone, has no tcp_info, or details are unavailable', async () => {
    const api = new FakeApi();
    api.details = { available: true, at: T0, durationMs: 0.1, answers: [answer({ status: 'not_found', tcp: null, state: null })] };
    await open(api);
    clickRow(0);
    await flush();
    assert.match(screen.getByTestId('detail-status').textContent ?? '', /gone: the kernel has no such socket now/);
    stop();
    cleanup();
    const api2 = new FakeApi();
    api2.details = { available: false, reason: 'the socket table comes from /proc/net/tcp, which has no tcp_info' };
    await open(api2);
    clickRow(0);
    await flush();
    assert.match(screen.getByTestId('detail-status').textContent ?? '', /not available: the socket table comes from \/proc/);
  });

  it('Close connection… confirms what will happen, sends the exact ends, and shows the verified result', async () => {
    const api = new FakeApi();
    api.details = { available: true, at: T0, durationMs: 0.1, answers: [answer({ state: 'CLOSE_WAIT' })] };
    api.killAnswer = { ok: true, killed: [{ state: 'CLOSE-WAIT', local: '[::ffff:127.0.0.1]:8080', remote: '[::ffff:127.0.0.1]:51000', process: '' }], kernel: '6.18.0' };
    await open(api);
    clickRow(1);
    await flush();
    fireEvent.click(screen.getByTestId('close-connection'));
    const confirm = screen.getByTestId('kill-confirm').textContent ?? '';
    assert.match(confirm, /Close \[::ffff:127\.0\.0\.1\]:8080 → \[::ffff:127\.0\.0\.1\]:51000\?/);
    assert.match(confirm, /the leak is not fixed by this/, 'a CLOSE_WAIT kill says the leak stays');
    assert.equal(api.killRequests.length, 0, 'nothing before the confirmation');
    fireEvent.click(screen.getByTestId('kill-confirm-yes'));
    await flush();
    assert.deepEqual(api.killRequests, [{ local: '[::ffff:127.0.0.1]:8080', remote: '[::ffff:127.0.0.1]:51000' }]);
    assert.match(screen.getByTestId('kill-result').textContent ?? '', /^Closed: the kernel no longer has/);
    assert.equal((screen.getByTestId('close-connection') as HTMLButtonElement).disabled, true, 'once closed, not again');
  });

  it('a refused kill is shown with its reason; where it cannot work the action is disabled with why', async () => {
    const api = new FakeApi();
    api.killAnswer = { ok: false, code: 'dismissed', message: 'authentication was dismissed; nothing was killed' };
    await open(api);
    clickRow(0);
    await flush();
    fireEvent.click(screen.getByTestId('close-connection'));
    fireEvent.click(screen.getByTestId('kill-confirm-yes'));
    await flush();
    assert.match(screen.getByTestId('kill-result').textContent ?? '', /Not closed: authentication was dismissed; nothing was killed/);
    assert.equal(screen.getByTestId('kill-error').getAttribute('data-code'), 'dismissed', 'translated by its code');
    assert.equal(screen.getByTestId('kill-detail').textContent, 'authentication was dismissed; nothing was killed', 'the host\'s English detail beside');
    stop();
    cleanup();
    const api2 = new FakeApi();
    await open(api2, { ...INFO, kill: { available: false, reason: 'this kernel (6.1.0) was built without CONFIG_INET_DIAG_DESTROY' } });
    clickRow(0);
    await flush();
    const button = screen.getByTestId('close-connection') as HTMLButtonElement;
    assert.equal(button.disabled, true);
    assert.match(screen.getByTestId('kill-unavailable').textContent ?? '', /CONFIG_INET_DIAG_DESTROY/);
  });
});

describe('connection details and close in zh-CN (jsdom)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    stop();
    cleanup();
  });

  async function openZh(api: FakeApi, info: AppInfo = INFO): Promise<void> {
    api.getInfo = async () => info;
    api.rows = [
      socketRow({ localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '10.0.0.9', remotePort: 5432 }),
      socketRow({ state: 'CLOSE_WAIT', localAddr: '10.0.0.1', localPort: 8080, remoteAddr: '10.0.0.2', remotePort: 51000 }),
    ];
    const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t', { localization: createLocalization({ preference: 'zh-CN', persist: false }) });
    dash = l.dash;
    stop = l.stop;
    act(() => dash.dashboard.setView('connections'));
    act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 1, CLOSE_WAIT: 1 } })));
    await flush();
  }

  it('shows the values, the confirmation and a refusal (by its code) in Chinese, the English detail beside', async () => {
    const api = new FakeApi();
    api.details = { available: true, at: T0, durationMs: 0.1, answers: [answer({ state: 'CLOSE_WAIT' })] };
    api.killAnswer = { ok: false, code: 'not_authorized', message: 'not authorized, or no authentication agent is running; nothing was killed.' };
    await openZh(api);
    clickRow(1);
    await flush();
    const values = screen.getByTestId('detail-values').textContent ?? '';
    assert.match(values, /重传3 个报文段/);
    assert.match(values, /拥塞窗口10 个报文段 · cubic/);
    assert.match(values, /已发送1\.23 MB（已确认 1\.23 MB）/);
    assert.equal(screen.getByTestId('close-connection').textContent, '关闭连接…');
    fireEvent.click(screen.getByTestId('close-connection'));
    const confirm = screen.getByTestId('kill-confirm').textContent ?? '';
    assert.match(confirm, /关闭 10\.0\.0\.1:8080 → 10\.0\.0\.2:51000？/);
    assert.match(confirm, /这并不能修复泄漏/, 'the CLOSE_WAIT caveat, translated');
    assert.match(confirm, /pkexec/);
    fireEvent.click(screen.getByTestId('kill-confirm-yes'));
    await flush();
    assert.match(screen.getByTestId('kill-error').textContent ?? '', /^未关闭：未获授权/);
    assert.equal(screen.getByTestId('kill-detail').getAttribute('lang'), 'en');
    assert.match(screen.getByTestId('kill-detail').textContent ?? '', /not authorized/);
    const pane = screen.getByTestId('connection-detail').textContent ?? '';
    assert.doesNotMatch(pane, /\bconnections\.[a-zA-Z]+\.[a-zA-Z]/, 'no raw keys');
    assert.doesNotMatch(pane, /Retransmits|Congestion window|Close connection|Not closed/, 'no English labels');
  });

  it('translates every kill code', () => {
    const zh = createLocalization({ preference: 'zh-CN', persist: false });
    for (const code of ['invalid', 'read_only', 'unavailable', 'not_found', 'still_present', 'not_authorized', 'dismissed', 'not_installed', 'helper_failed'] as const) {
      const text = zh.i18n.t(`connections.kill.error.${code}`);
      assert.ok(text && !text.startsWith('connections.') && /[\u4e00-\u9fff]/.test(text), `${code}: ${text}`);
    }
  });
});

describe('detail samples and words', () => {
  it('rates come from the difference of two answers over their time apart; none from one answer', () => {
    const a = tcp({ bytesAcked: 1000, bytesReceived: 500, rttUs: 2000 });
    const first = nextSample(null, T0, a);
    assert.deepEqual(first, { time: T0, rttMs: 2, outBps: null, inBps: null });
    const b = tcp({ bytesAcked: 5000, bytesReceived: 500, rttUs: 1000 });
    const second = nextSample({ time: T0, tcp: a }, T0 + DETAIL_POLL_MS, b);
    assert.equal(second.outBps, 4000 / (DETAIL_POLL_MS / 1000));
    assert.equal(second.inBps, 0);
    // a counter that went down (a new socket on the same tuple) gives no rate, not a negative one
    assert.equal(nextSample({ time: T0, tcp: b }, T0 + 2000, a).outBps, null);
  });

  it('the confirmation tells each state\'s truth', () => {
    assert.match(killConsequence('ESTABLISHED'), /peer gets a reset/);
    assert.match(killConsequence('CLOSE_WAIT'), /still holds its file descriptor/);
    assert.match(killConsequence('TIME_WAIT'), /Linux ≥ 6\.0/);
  });
});
