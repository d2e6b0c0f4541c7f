// The probe panel (renderer/features/timewait/ProbePanel.tsx): the form's request as sent, the
// report as shown (latency, errors by errno with their meaning, TIME_WAIT per side, who closed
// first), the host's refusals, and the panel disabled where the host is read-only.
import './renderer-dom';
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { probeRequestFrom, whoClosedFirstText } from '../../../renderer/features/timewait/ProbePanel';
import { whoClosedFirstLines, type ProbeReport } from '../../../electron/probe/report';
import { createI18n, enT } from '../../../shared/i18n';
import { formatter } from '../../../shared/i18n/format';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import type { AppInfo } from '../../../shared/api';
import type { ProbeOutcome, ProbeReportData } from '../../../shared/probe';
import { makeSnapshot } from '../shared/history-fixtures';
import { flush, launchApp } from './launch-app';
import { FakeApi } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const INFO: AppInfo = { transport: 'electron', version: '0.1.0', kernel: '6.18.0', hostname: 'h', readOnly: false, tickMs: 1000, kill: { available: true, reason: null } };

function report(over: Partial<ProbeReportData> = {}): ProbeReportData {
  return {
    target: { address: '10.0.0.5', port: 8080, name: null, candidates: [], addressClass: 'private' },
    settings: { count: 50, concurrency: 4, ratePerS: 1000, timeoutS: 1.5, closeFirst: 'client' },
    startedAt: T0,
    durationMs: 1234,
    attempted: 50,
    ok: 47,
    failed: 3,
    interrupted: false,
    errors: { ECONNREFUSED: 2, ETIMEDOUT: 1 },
    latencyMs: { count: 47, min: 0.1, mean: 0.5, p50: 0.42, p90: 1.25, p99: 12.5, max: 1234 },
    closing: { closeTimeouts: 0, errorsAfterConnect: {} },
    timeWait: {
      source: 'procfs',
      serverVisible: false,
      client: { timeWaitBefore: 3, timeWaitAfter: 50, ours: { TIME_WAIT: 47 } },
      server: { timeWaitBefore: 0, timeWaitAfter: 0, ours: {} },
    },
    ephemeral: { low: 32768, high: 60999, twReuse: '2' },
    exitCode: 1,
    ...over,
  };
}

const OK: ProbeOutcome = {
  ok: true,
  report: report(),
  errnoMeaning: { ECONNREFUSED: 'refused: nothing listens on that port', ETIMEDOUT: 'no answer within --timeout' },
  whoClosedFirst: [
    'Who closes first keeps TIME_WAIT (60 s on Linux).',
    'The client closed first, so the client holds the TIME_WAIT: 47 sockets here, each keeping a local port toward 10.0.0.5:8080 busy for 60 s.',
  ],
};

let dash: Dashboard;
let stop: () => void = () => {};

async function open(api: FakeApi, info: AppInfo = INFO, url = 'http://127.0.0.1:7780/?token=t'): Promise<void> {
  api.getInfo = async () => info;
  const l = await launchApp(api, url);
  dash = l.dash;
  stop = l.stop;
  act(() => dash.dashboard.setView('timewait'));
  act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { TIME_WAIT: 3 } })));
  await flush();
  fireEvent.click(screen.getByRole('button', { name: 'Probe a server…' }));
}

function fill(label: string, value: string): void {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('probe panel', () => {
  afterEach(() => {
    stop();
    cleanup();
  });

  it('sends exactly the form as a request and shows the report', async () => {
    const api = new FakeApi();
    api.probeAnswer = OK;
    let release: () => void = () => {};
    api.probeGate = new Promise<void>((r) => (release = r));
    await open(api);
    assert.match(screen.getByTestId('probe-panel').textContent ?? '', /Watch the TIME_WAIT chart while it runs/);
    fill('Target', ' 10.0.0.5:8080 ');
    fill('Count', '50');
    fill('Concurrency', '4');
    fill('Timeout', '1.5');
    fireEvent.change(screen.getByLabelText('Closes first'), { target: { value: 'client' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await flush();
    assert.deepEqual(api.probeRequests, [{ target: '10.0.0.5:8080', count: 50, concurrency: 4, timeoutS: 1.5, closeFirst: 'client' }]);
    const busy = screen.getByRole('button', { name: 'Running…' }) as HTMLButtonElement;
    assert.equal(busy.disabled, true, 'disabled while running');
    release();
    await flush();
    assert.equal((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled, false);
    const rep = screen.getByTestId('probe-report').textContent ?? '';
    assert.match(rep, /Connected 47 of 50, 3 failed in 1\.23 s/);
    assert.match(screen.getByTestId('probe-latency').textContent ?? '', /p50 0\.420 ms · p90 1\.25 ms · p99 12\.5 ms · max 1,234 ms/);
    const errs = screen.getByTestId('probe-errors').textContent ?? '';
    assert.match(errs, /2ECONNREFUSEDrefused: nothing listens on that port/);
    assert.match(errs, /1ETIMEDOUTno answer within --timeout/);
    const tw = screen.getByTestId('probe-timewait').textContent ?? '';
    assert.match(tw, /Client side \(this machine\): 47 of this probe’s connections in TIME_WAIT; all programs 3 before → 50 after/);
    assert.match(tw, /Server side: not visible/);
    // the panel writes the host's sentences itself, from the report's figures (in the page's language)
    for (const line of OK.whoClosedFirst) assert.ok(rep.includes(line), `missing: ${line}`);
    // a marker on the charts at the probe's start
    assert.ok(dash.dashboard.markers().some((m) => m.time === T0 && m.label === 'probe 10.0.0.5:8080'));
  });

  it('sends the defaults (100, 10, 3 s, client) and shows the host\'s refusal', async () => {
    const api = new FakeApi();
    api.probeAnswer = { ok: false, code: 'invalid', message: 'localhost resolves to 127.0.0.1, a loopback address' };
    await open(api);
    fill('Target', 'localhost:8080');
    fireEvent.change(screen.getByLabelText('Closes first'), { target: { value: 'server' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await flush();
    assert.deepEqual(api.probeRequests, [{ target: 'localhost:8080', count: 100, concurrency: 10, timeoutS: 3, closeFirst: 'server' }]);
    assert.match(screen.getByTestId('probe-error').textContent ?? '', /Not probed: localhost resolves to 127\.0\.0\.1/);
  });

  it('refuses an out-of-bounds form without asking the host', async () => {
    const api = new FakeApi();
    await open(api);
    fill('Target', '10.0.0.5:80');
    fill('Count', '100001');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await flush();
    assert.equal(api.probeRequests.length, 0);
    assert.match(screen.getByRole('alert').textContent ?? '', /Count is a whole number from 1 to 100,000/);
  });

  it('is disabled with the reason where the host is read-only (serve)', async () => {
    const api = new FakeApi();
    await open(api, { ...INFO, readOnly: true });
    fill('Target', '10.0.0.5:80');
    const run = screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement;
    assert.equal(run.disabled, true);
    assert.match(screen.getByTestId('probe-read-only').textContent ?? '', /read-only: a probe is an active network action/);
  });

  it('shows the panel in zh-CN: labels, the report, errno meanings, who closed first and refusals in Chinese', async () => {
    const api = new FakeApi();
    api.probeAnswer = OK;
    api.getInfo = async () => INFO;
    const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t');
    dash = l.dash;
    stop = l.stop;
    act(() => dash.localization.setPreference('zh-CN'));
    act(() => dash.dashboard.setView('timewait'));
    act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { TIME_WAIT: 3 } })));
    await flush();
    fireEvent.click(screen.getByRole('button', { name: '探测服务器…' }));
    const panel = () => screen.getByTestId('probe-panel').textContent ?? '';
    assert.match(panel(), /最多 100,000 个连接，同时 256 个/);
    fill('目标', '10.0.0.5:8080');
    fill('连接数', '0');
    fireEvent.click(screen.getByRole('button', { name: '运行' }));
    await flush();
    assert.equal(api.probeRequests.length, 0);
    assert.match(screen.getByRole('alert').textContent ?? '', /连接数须为 1 到 100,000 之间的整数。/);
    fill('连接数', '50');
    fireEvent.change(screen.getByLabelText('先关闭方'), { target: { value: 'client' } });
    fireEvent.click(screen.getByRole('button', { name: '运行' }));
    await flush();
    const rep = screen.getByTestId('probe-report').textContent ?? '';
    assert.match(rep, /50 个连接中成功 47 个，失败 3 个，用时 1\.23 秒/);
    assert.match(screen.getByTestId('probe-latency').textContent ?? '', /^连接时延：p50 0\.420\s?毫秒 · p90 1\.25\s?毫秒 · p99 12\.5\s?毫秒 · 最大 1,234\s?毫秒$/);
    const errs = screen.getByTestId('probe-errors').textContent ?? '';
    assert.match(errs, /2ECONNREFUSED被拒绝：该端口上没有监听/, 'the errno stays; its meaning is Chinese');
    assert.match(errs, /1ETIMEDOUT在 --timeout 内没有应答/);
    const tw = screen.getByTestId('probe-timewait').textContent ?? '';
    assert.match(tw, /客户端一侧（本机）：本次探测的连接中有 47 个处于 TIME_WAIT；所有程序合计：运行前 3 → 运行后 50/);
    assert.match(tw, /服务端一侧：不可见/);
    assert.match(rep, /先关闭的一方持有 TIME_WAIT（Linux 上为 60 秒）。/);
    assert.match(rep, /客户端先关闭，因此由客户端持有 TIME_WAIT：本机 47 个套接字，每个都让一个通往 10\.0\.0\.5:8080 的本地端口被占用 60 秒。/);
    for (const english of ['Connected', 'latency', 'refused', 'nothing listens', 'Client side', 'not visible', 'closed first', 'Who closes']) {
      assert.ok(!panel().includes(english), `English left: ${english}`);
    }
    assert.doesNotMatch(panel(), /timewait\.probe\.|alerts\./, 'no raw key');
    // the marker is stored in English whatever the language (the charts translate it when shown)
    assert.ok(dash.dashboard.markers().some((m) => m.label === 'probe 10.0.0.5:8080'));

    // a refusal: the code is translated, the host's detail shown as it came
    api.probeAnswer = { ok: false, code: 'busy', message: 'another probe is running' };
    fireEvent.click(screen.getByRole('button', { name: '运行' }));
    await flush();
    assert.equal(screen.getByTestId('probe-error').textContent, '忙：another probe is running');
  });

  it('writes who closed first as the CLI does, for every case the summary has', () => {
    const zh = createI18n('zh-CN').t;
    const cases: ProbeReportData[] = [
      report(),
      report({ ok: 0, failed: 50, latencyMs: null }),
      report({ closing: { closeTimeouts: 5, errorsAfterConnect: {} } }),
      report({ settings: { count: 50, concurrency: 4, ratePerS: 1000, timeoutS: 2, closeFirst: 'server' } }),
      report({
        settings: { count: 50, concurrency: 4, ratePerS: 1000, timeoutS: 1.5, closeFirst: 'server' },
        closing: { closeTimeouts: 7, errorsAfterConnect: {} },
        timeWait: {
          source: 'netlink',
          serverVisible: true,
          client: { timeWaitBefore: 0, timeWaitAfter: 7, ours: { TIME_WAIT: 7 } },
          server: { timeWaitBefore: 1, timeWaitAfter: 41, ours: { TIME_WAIT: 40 } },
        },
      }),
      report({ timeWait: { source: null, reason: 'the socket table could not be read' } }),
    ];
    for (const r of cases) {
      assert.deepEqual(whoClosedFirstText(enT(), formatter('en'), r), whoClosedFirstLines(r as ProbeReport));
      const lines = whoClosedFirstText(zh, formatter('zh-CN'), r);
      assert.equal(lines.length, whoClosedFirstLines(r as ProbeReport).length);
      for (const line of lines) assert.doesNotMatch(line, /closed first|connections|timewait\.probe/, line);
    }
  });

  it('probeRequestFrom checks the form against PROBE_LIMITS', () => {
    const f = { target: 'a.example:1', count: '1', concurrency: '256', timeoutS: '0.1', closeFirst: 'client' as const };
    assert.deepEqual(probeRequestFrom(f), { target: 'a.example:1', count: 1, concurrency: 256, timeoutS: 0.1, closeFirst: 'client' });
    assert.equal(typeof probeRequestFrom({ ...f, concurrency: '257' }), 'string');
    assert.equal(typeof probeRequestFrom({ ...f, timeoutS: '30.5' }), 'string');
    assert.equal(typeof probeRequestFrom({ ...f, timeoutS: '0.05' }), 'string');
    assert.equal(typeof probeRequestFrom({ ...f, count: '1e3' }), 'string');
    assert.equal(typeof probeRequestFrom({ ...f, target: '  ' }), 'string');
  });
});
