// Alerts and exhausted port budgets in the React app (jsdom, fed through the bridge by the in-memory
// preload API): the exhausted row's words and colours, the one ranking in the TIME_WAIT view and the
// tuning preview, the alert banner and the Overview badge, the alert list, the settings panel's inline
// validation and save, and exactly one chart marker per alert event.
import { jsdomWindow } from './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FastSeries } from '../../../renderer/charts/FastSeries';
import { budgetPreview, worstDestination } from '../../../renderer/features/tuning/model';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import { validateAlertSettings, type Alert, type AlertEvent, type AlertsState } from '../../../shared/alerts';
import { alertMarkerLabel } from '../../../shared/alert-text';
import { msg } from '../../../shared/i18n';
import { budgetMsg } from '../../../shared/port-budget';
import type { PortBudget, Snapshot } from '../../../shared/snapshot';
import { makeSnapshot } from '../shared/history-fixtures';
import { exhaustedAlert } from '../shared/alert-fixtures';
import { launchApp, flush } from './launch-app';
import { FakeApi } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const USABLE = 28232;

function budget(p: Partial<PortBudget>): PortBudget {
  return {
    localAddr: '127.0.0.1',
    remoteAddr: '127.0.0.1',
    remotePort: 8080,
    inUse: 100,
    timeWait: 90,
    blocking: 100,
    usable: USABLE,
    percentUsed: (100 / USABLE) * 100,
    closeRatePerS: 1,
    rateWindowS: 10,
    activeGrowthPerS: null,
    forecastBasisS: 10,
    holdSeconds: 60,
    reuseApplies: false,
    steadyState: 70,
    steadyStatePercent: (70 / USABLE) * 100,
    secondsToExhaustion: null,
    firstFreeS: null,
    freedWithin10s: 0,
    exhaustedSince: null,
    verdict: 'fine',
    ...p,
  };
}

/** Exhausted toward 127.0.0.1:8080: every port held, the close rate collapsed to 0.2/s (so its
 *  steady state, 12 + 0.2 × 60 = 24 ports, is far below what is held). */
const EXHAUSTED = budget({
  inUse: USABLE,
  timeWait: USABLE - 12,
  blocking: USABLE,
  percentUsed: 100,
  closeRatePerS: 0.2,
  steadyState: 24,
  steadyStatePercent: (24 / USABLE) * 100,
  firstFreeS: 3.2,
  freedWithin10s: 120,
  exhaustedSince: T0 - 65_000,
  verdict: 'exhausted',
});

/** 4.5 % held now but closing fast: its steady state (120 %) is above the exhausted one's risk (100 %). */
const RUNNING_OUT = budget({
  remoteAddr: '10.0.0.5',
  remotePort: 443,
  inUse: 1270,
  timeWait: 1200,
  blocking: 1270,
  percentUsed: 4.5,
  closeRatePerS: 563,
  steadyState: 33_878,
  steadyStatePercent: 120,
  secondsToExhaustion: 48,
  verdict: 'will_exhaust',
});

function alert(p: Partial<Alert>): Alert {
  return exhaustedAlert(T0 - 65_000, p);
}

const CLOSE_WAIT_ALERT = alert({
  id: 'close_wait_leak:4242',
  rule: 'close_wait_leak',
  severity: 'warning',
  subject: 'java (pid 4242)',
  view: 'overview',
  message: 'java (pid 4242) holds 40 CLOSE_WAIT sockets, not falling for 130 s: the peers closed and the program has not called close() on them.',
  value: 40,
  raisedAt: T0 - 10_000,
});

function snap(time: number, seq: number, overrides: Partial<Snapshot> = {}): Snapshot {
  return makeSnapshot({ time, seq, states: { TIME_WAIT: 100 }, overrides });
}

function alertsState(p: Partial<AlertsState>): AlertsState {
  return { active: [], recent: [], events: [], ...p };
}

/** the running app's dashboard instance (each launch creates its own, as main.tsx does) */
let dash: Dashboard;

async function launch(api: FakeApi): Promise<() => void> {
  const l = await launchApp(api, 'app://waitline/index.html');
  dash = l.dash;
  return l.stop;
}


describe('exhausted port budgets and the one ranking', () => {
  let stop: () => void = () => {};
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    stop();
    cleanup();
  });

  it('an exhausted row says Exhausted, is never green, shows no steady state, and says when ports free', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.dashboard.setView('timewait'));
    act(() => api.emit(snap(T0, 1, { portBudgets: [budget({ remoteAddr: '10.0.0.9' }), EXHAUSTED] })));
    const rows = screen.getByTestId('port-budgets').querySelectorAll('tbody tr');
    const row = rows[0]!;
    assert.equal(row.getAttribute('data-verdict'), 'exhausted', 'exhausted ranks first');
    const text = row.textContent ?? '';
    assert.match(text, /Exhausted since \d\d:\d\d:\d\d/);
    assert.match(text, /first ports free in 3 s, 120 within 10 s/);
    assert.match(text, /no connection can be made, so none closes/);
    assert.doesNotMatch(text, /steady state/i, 'no steady state below what is held');
    assert.doesNotMatch(text, /in 0 s/);
    assert.doesNotMatch(screen.getByTestId('port-budgets').querySelectorAll('tbody tr')[0]!.querySelector('[data-testid="budget-close-rate"]')!.textContent ?? '', /\/s/, 'no 0/s close rate as if traffic stopped');
    assert.equal(row.querySelector('.level-ok'), null, 'no green pill or meter anywhere in the row');
    const pill = row.querySelector('[data-testid="budget-verdict-pill"]')!;
    assert.ok(pill.classList.contains('level-critical'), `verdict pill is critical, got ${pill.className}`);
    assert.equal(pill.textContent, 'exhausted');
    assert.ok(row.querySelector('.meter.level-critical'));
    // the fine row keeps its green and its forecast basis
    assert.ok(rows[1]!.querySelector('[data-testid="budget-verdict-pill"].level-ok'));
    assert.match(rows[1]!.textContent ?? '', /based on 10 s/);
  });

  it('a destination under 1 s from running out says "in under 1 s", never "in 0 s"', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.dashboard.setView('timewait'));
    act(() => api.emit(snap(T0, 1, { portBudgets: [{ ...RUNNING_OUT, secondsToExhaustion: 0.3 }] })));
    const row = screen.getByTestId('port-budgets').querySelector('tbody tr')!;
    assert.match(row.textContent ?? '', /will run out in under 1 s/);
    assert.doesNotMatch(row.textContent ?? '', /in 0 s/);
    assert.match(row.textContent ?? '', /based on 10 s/);
  });

  it('the TIME_WAIT view and the tuning preview both put the exhausted destination first', async () => {
    // sanity of the constructed case: by steady state alone the 4.5 % destination would win
    assert.ok(RUNNING_OUT.steadyStatePercent > Math.max(EXHAUSTED.percentUsed, EXHAUSTED.steadyStatePercent));
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.dashboard.setView('timewait'));
    const s = snap(T0, 1, {
      portBudgets: [RUNNING_OUT, EXHAUSTED],
      sysctls: { 'net.ipv4.ip_local_port_range': { available: true, raw: '32768\t60999', scope: 'netns' } },
    });
    act(() => api.emit(s));
    const rows = screen.getByTestId('port-budgets').querySelectorAll('tbody tr');
    assert.match(rows[0]!.textContent ?? '', /127\.0\.0\.1 → 127\.0\.0\.1:8080/);
    assert.match(rows[1]!.textContent ?? '', /10\.0\.0\.5:443/);

    assert.equal(worstDestination(s)?.remoteAddr, '127.0.0.1');
    const p = budgetPreview(null, s, {});
    assert.equal(p?.destination?.remoteAddr, '127.0.0.1', 'the preview is about the exhausted destination');
    assert.ok(p!.before.steadyState! >= EXHAUSTED.blocking, `preview steady state ${p!.before.steadyState} is not below the ports held`);
  });
});

describe('alerts in the app', () => {
  let stop: () => void = () => {};
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    stop();
    cleanup();
  });

  it('the banner shows active alerts (critical first) and goes away when none is active; the badge counts them', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => api.emit(snap(T0, 1, { portBudgets: [EXHAUSTED], alerts: alertsState({ active: [CLOSE_WAIT_ALERT, alert({})] }) })));
    const items = screen.getByTestId('alert-banner').querySelectorAll('[data-testid="alert-banner-item"]');
    assert.equal(items.length, 2);
    assert.match(items[0]!.textContent ?? '', /^critical Port exhaustion: 127\.0\.0\.1 → 127\.0\.0\.1:8080 — Exhausted: all 28,232 ports held/);
    assert.match(items[1]!.textContent ?? '', /CLOSE_WAIT leak: java \(pid 4242\)/);
    assert.equal(screen.getByTestId('overview-badge').textContent, '2');
    // the link goes to the view the alert concerns
    act(() => {
      fireEvent.click(items[0]!.querySelector('button')!);
    });
    assert.equal(dash.dashboard.store.getState().view, 'timewait');

    act(() => api.emit(snap(T0 + 1000, 2, { alerts: alertsState({ active: [CLOSE_WAIT_ALERT] }) })));
    assert.equal(screen.getByTestId('overview-badge').textContent, '1');
    act(() => api.emit(snap(T0 + 2000, 3, { alerts: alertsState({ recent: [{ ...CLOSE_WAIT_ALERT, clearedAt: T0 + 2000 }] }) })));
    assert.equal(screen.queryByTestId('alert-banner'), null);
    assert.equal(screen.queryByTestId('overview-badge'), null);
  });

  it('an exhausted destination is on the Overview even with alerts off', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => api.emit(snap(T0, 1, { portBudgets: [EXHAUSTED] })));
    assert.equal(dash.dashboard.store.getState().view, 'overview');
    assert.match(screen.getByTestId('alert-banner').textContent ?? '', /Exhausted: all 28,232 ports held; new connections to 127\.0\.0\.1:8080 fail/);
    assert.equal(screen.getByTestId('overview-badge').textContent, '1');
  });

  it('the Alerts view lists active and cleared alerts with when, how long and why', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.dashboard.setView('alerts'));
    const cleared = alert({ id: 'port_budget:x', rule: 'port_budget', severity: 'warning', raisedAt: T0 - 300_000, clearedAt: T0 - 60_000, message: '21,000 of 28,232 ports toward 127.0.0.1:8080 held (74.4 %).' });
    act(() => api.emit(snap(T0, 1, { alerts: alertsState({ active: [alert({})], recent: [cleared] }) })));
    await flush();
    const active = screen.getByTestId('alerts-active').textContent ?? '';
    assert.match(active, /critical/);
    assert.match(active, /Port exhaustion: 127\.0\.0\.1 → 127\.0\.0\.1:8080/);
    assert.match(active, /raised \d\d:\d\d:\d\d — active for 1 min 5 s/);
    assert.match(active, /fail with EADDRNOTAVAIL/);
    const recent = screen.getByTestId('alerts-recent').textContent ?? '';
    assert.match(recent, /raised \d\d:\d\d:\d\d, cleared \d\d:\d\d:\d\d — lasted 4 min 0 s/);
    assert.match(recent, /74\.4 %/);
    act(() => {
      fireEvent.click(screen.getByTestId('alerts-active').querySelector('[data-testid="alert-link"]')!);
    });
    assert.equal(dash.dashboard.store.getState().view, 'timewait');
  });

  it('the settings panel refuses budgetWarnPercent=101 with the validator message and sends nothing; a valid change is saved', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.dashboard.setView('alerts'));
    await flush();
    const input = screen.getByTestId('alert-setting-budgetWarnPercent') as HTMLInputElement;
    assert.equal(input.value, '70');
    act(() => {
      fireEvent.change(input, { target: { value: '101' } });
    });
    const expected = validateAlertSettings({ budgetWarnPercent: 101 });
    assert.ok(!expected.ok);
    assert.equal(screen.getByTestId('alert-error-budgetWarnPercent').textContent, expected.errors[0]!.message);
    const save = screen.getByTestId('alert-settings-save') as HTMLButtonElement;
    assert.equal(save.disabled, true);
    await act(async () => {
      fireEvent.submit(screen.getByTestId('alert-settings'));
    });
    assert.equal(api.alertPatches.length, 0, 'nothing invalid is sent');

    act(() => {
      fireEvent.change(input, { target: { value: '75' } });
    });
    assert.equal(screen.queryByTestId('alert-error-budgetWarnPercent'), null);
    await act(async () => {
      fireEvent.click(screen.getByTestId('alert-setting-notify'));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('alert-settings-save'));
    });
    await flush();
    assert.deepEqual(api.alertPatches, [{ budgetWarnPercent: 75, notify: false }]);
    assert.equal(api.alertSettings.budgetWarnPercent, 75);
    assert.match(screen.getByTestId('alert-settings-message').textContent ?? '', /^Saved/);
    assert.equal((screen.getByTestId('alert-setting-budgetWarnPercent') as HTMLInputElement).value, '75');
  });

  it('the host’s errors are shown when it refuses a change', async () => {
    const api = new FakeApi();
    api.refuseAlertSettings = { ok: false, errors: [{ field: 'clearAfterS', message: 'Clear after must be from 0 to 3600 s; got 9999' }] };
    stop = await launch(api);
    act(() => dash.dashboard.setView('alerts'));
    await flush();
    act(() => {
      fireEvent.change(screen.getByTestId('alert-setting-clearAfterS'), { target: { value: '300' } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('alert-settings-save'));
    });
    await flush();
    assert.equal(api.alertPatches.length, 1);
    assert.match(screen.getByTestId('alert-error-clearAfterS').textContent ?? '', /got 9999/);
    assert.match(screen.getByTestId('alert-settings-message').textContent ?? '', /Not saved: Clear after must be from 0 to 3600 s; got 9999/);
  });

  it('one chart marker per alert event, even when host history and the live event both carry it', async () => {
    const api = new FakeApi();
    const raised: AlertEvent = { kind: 'raised', time: T0 + 2000, alert: alert({ raisedAt: T0 + 2000 }), quiet: false };
    const escalated: AlertEvent = { kind: 'escalated', time: T0 + 3000, alert: alert({}), quiet: false };
    const clearedEv: AlertEvent = { kind: 'cleared', time: T0 + 4000, alert: alert({ clearedAt: T0 + 4000 }), quiet: false };
    const raisedLabel = alertMarkerLabel(raised)!;
    // main put the raised marker in its history before the page loaded
    api.history.addMarker(raised.time, raisedLabel);
    api.history.addMarker(T0 + 1000, 'tuning: tcp_tw_reuse=1');
    for (let i = 0; i < 3; i++) api.history.push(snap(Date.now() - 3000 + i * 1000, i));
    stop = await launch(api);
    act(() => api.emit(snap(T0 + 2000, 10, { alerts: alertsState({ events: [raised], active: [alert({})] }) })));
    act(() => api.emit(snap(T0 + 3000, 11, { alerts: alertsState({ events: [escalated], active: [alert({})] }) })));
    act(() => api.emit(snap(T0 + 4000, 12, { alerts: alertsState({ events: [clearedEv] }) })));
    // the same snapshot again (a replay) adds nothing
    act(() => api.emit(snap(T0 + 4000, 12, { alerts: alertsState({ events: [clearedEv] }) })));
    const alertMarkers = dash.dashboard.markers().filter((m) => m.label.startsWith('alert '));
    assert.deepEqual(alertMarkers, [
      { time: T0 + 2000, label: raisedLabel },
      { time: T0 + 4000, label: alertMarkerLabel(clearedEv)! },
    ], 'raised and cleared, once each; escalation is no marker');
    const local = dash.dashboard.store.getState().chart!;
    assert.equal(local.markers.filter((m) => m.label === raisedLabel).length, 1);
    assert.equal(local.markers.filter((m) => m.label.startsWith('alert ')).length, 2);

    // the 24 h window comes from host history, which has the raised marker too: still one
    api.history.addMarker(clearedEv.time, alertMarkerLabel(clearedEv)!);
    await act(async () => {
      dash.dashboard.setChartWindow('24h');
      await new Promise((r) => setTimeout(r, 0));
    });
    const host = dash.dashboard.store.getState().chart!;
    assert.equal(host.markers.filter((m) => m.label === raisedLabel).length, 1);
    assert.equal(host.markers.filter((m) => m.label.startsWith('alert ')).length, 2);
    assert.equal(host.markers.filter((m) => m.label.startsWith('tuning')).length, 1);
  });

  it('alert markers look different from tuning markers on the chart', () => {
    const raised: AlertEvent = { kind: 'raised', time: T0 + 10_000, alert: alert({}), quiet: false };
    const clearedEv: AlertEvent = { kind: 'cleared', time: T0 + 20_000, alert: alert({}), quiet: false };
    const markers = [
      { time: T0 + 5000, label: 'tuning: tcp_tw_reuse=1' },
      { time: raised.time, label: alertMarkerLabel(raised)! },
      { time: clearedEv.time, label: alertMarkerLabel(clearedEv)! },
    ];
    const { container } = render(
      <FastSeries
        width={600}
        height={200}
        plot={{ x: 50, y: 10, width: 500, height: 170 }}
        xDomain={[T0, T0 + 30_000]}
        yDomain={[0, 10]}
        times={[T0, T0 + 30_000]}
        items={[]}
        stacked={false}
        xTicks={[]}
        xTickFormat={String}
        markers={markers}
        markerLabels
      />,
    );
    const groups = [...container.querySelectorAll('.fast-marker')];
    assert.deepEqual(groups.map((g) => g.getAttribute('class')), [
      'fast-marker marker-tuning',
      'fast-marker marker-alert-raised',
      'fast-marker marker-alert-cleared',
    ]);
    assert.match(groups[0]!.textContent ?? '', /^⚙ tuning/);
    assert.match(groups[1]!.textContent ?? '', /^▲ alert raised: Port exhaustion: 127\.0\.0\.1 → 127\.0\.0\.1:8080/);
    assert.match(groups[2]!.textContent ?? '', /^✓ alert cleared: /);
    void jsdomWindow;
  });
});

describe('alerts and port budgets in zh-CN', () => {
  let stop: () => void = () => {};
  beforeEach(() => {
    localStorage.clear();
  });
  afterEach(() => {
    stop();
    cleanup();
  });

  const RAW_KEY = /\b(alerts|timewait|app)\.[a-z_]+\.[\w.]+/;

  it('the banner, the badge, the Alerts view and the TIME_WAIT view speak Chinese, figures grouped', async () => {
    const api = new FakeApi();
    stop = await launch(api);
    act(() => dash.localization.setPreference('zh-CN'));
    const exhausted = alert({ msg: budgetMsg(EXHAUSTED) });
    const buckets = alert({
      id: 'tw_buckets:netns',
      rule: 'tw_buckets',
      severity: 'warning',
      subject: 'this network namespace',
      message: '123,456 timewait objects, 94.2 % of tcp_max_tw_buckets (131,072): past it, closing connections skip TIME_WAIT.',
      msg: msg('alerts.message.tw_buckets', { tw: 123_456, percent: 94.19, cap: 131_072 }),
      value: 94.2,
    });
    const cleared = alert({
      id: 'port_budget:x',
      rule: 'port_budget',
      severity: 'warning',
      raisedAt: T0 - 300_000,
      clearedAt: T0 - 60_000,
      message: '21,000 of 28,232 ports toward 127.0.0.1:8080 held (74.4 %).',
      msg: msg('alerts.message.port_budget', { blocking: 21_000, usable: USABLE, dest: '127.0.0.1:8080', percent: 74.38 }),
    });
    act(() => api.emit(snap(T0, 1, { portBudgets: [EXHAUSTED], alerts: alertsState({ active: [buckets, exhausted], recent: [cleared] }) })));
    await flush();

    const banner = screen.getByTestId('alert-banner');
    const items = banner.querySelectorAll('[data-testid="alert-banner-item"]');
    assert.match(
      items[0]!.textContent ?? '',
      /^严重 端口耗尽：127\.0\.0\.1 → 127\.0\.0\.1:8080 — 已耗尽：全部 28,232 个端口均被占用；到 127\.0\.0\.1:8080 的新连接会以 EADDRNOTAVAIL 失败；第一批端口将在 3 秒后释放，10 秒内释放 120 个。/,
    );
    assert.match(items[0]!.textContent ?? '', /在“TIME_WAIT”中查看$/);
    assert.match(items[1]!.textContent ?? '', /^警告 TIME_WAIT 桶：本网络命名空间 — 123,456 个 TIME_WAIT 对象，达到 tcp_max_tw_buckets（131,072）的 94\.2%/);
    assert.equal(screen.getByTestId('overview-badge').getAttribute('aria-label'), '2 条活动告警');
    const bannerText = banner.textContent ?? '';
    for (const english of ['Exhausted', 'ports held', 'Show in', 'critical', 'warning', 'this network namespace']) assert.ok(!bannerText.includes(english), `English left: ${english}`);
    assert.doesNotMatch(bannerText, RAW_KEY);

    act(() => dash.dashboard.setView('alerts'));
    await flush();
    const active = screen.getByTestId('alerts-active').textContent ?? '';
    assert.match(active, /\d\d:\d\d:\d\d 触发——已持续 1\s?分钟5\s?秒/);
    assert.match(active, /第一批端口将在 3 秒后释放/);
    const recent = screen.getByTestId('alerts-recent').textContent ?? '';
    assert.match(recent, /端口预算：127\.0\.0\.1 → 127\.0\.0\.1:8080/);
    assert.match(recent, /\d\d:\d\d:\d\d 触发，\d\d:\d\d:\d\d 解除——持续 4\s?分钟0\s?秒/);
    assert.match(recent, /通往 127\.0\.0\.1:8080 的端口：28,232 个中已占用 21,000 个（74\.4%）。/);
    const view = document.querySelector('section.view')!.textContent ?? '';
    assert.match(view, /活动告警（2）/);
    assert.match(view, /最近解除/);
    assert.match(view, /告警设置/);
    for (const english of ['raised', 'cleared', 'lasted', 'Active', 'Recently', 'Alert settings', 'Show in', 'ports toward']) assert.ok(!view.includes(english), `English left: ${english}`);
    assert.doesNotMatch(view, RAW_KEY);

    // the settings panel: Chinese labels and units, and the validator's message in Chinese
    const input = screen.getByTestId('alert-setting-budgetWarnPercent') as HTMLInputElement;
    assert.match(input.closest('label')!.textContent ?? '', /^预算警告阈值/);
    fireEvent.change(input, { target: { value: '101' } });
    assert.equal(screen.getByTestId('alert-error-budgetWarnPercent').textContent, '预算警告阈值必须在 1 到 100 %之间；实际为 101');
    fireEvent.change(screen.getByTestId('alert-setting-clearAfterS'), { target: { value: '9999' } });
    assert.match(screen.getByTestId('alert-error-clearAfterS').textContent ?? '', /^解除前等待必须在 0 到 3600 秒之间；实际为 9999$/);

    // the TIME_WAIT view's exhausted row
    act(() => dash.dashboard.setView('timewait'));
    await flush();
    const row = screen.getByTestId('port-budgets').querySelector('tbody tr')!;
    assert.equal(row.querySelector('[data-testid="budget-verdict-pill"]')!.textContent, '已耗尽');
    assert.match(row.querySelector('[data-testid="budget-exhausted"]')!.textContent ?? '', /^自 \d\d:\d\d:\d\d 起已耗尽；第一批端口将在 3 秒后释放，10 秒内释放 120 个。$/);
    assert.equal(row.querySelector('[data-testid="budget-close-rate"]')!.textContent, '无法建立连接，也就没有连接关闭');
    const tw = document.querySelector('section.view')!.textContent ?? '';
    assert.match(tw, /各目标的端口预算/);
    assert.match(tw, /为什么会有 TIME_WAIT/);
    assert.match(tw, /默认约 28,000 个/);
    for (const english of ['Port budget', 'Exhausted', 'Why TIME_WAIT', 'ports held', 'Probe a server']) assert.ok(!tw.includes(english), `English left: ${english}`);
    assert.doesNotMatch(tw, RAW_KEY);
  });
});
