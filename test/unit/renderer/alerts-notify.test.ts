// Browser notifications over `waitline serve` (renderer/alerts/notify.ts) with an injected
// Notification constructor: only non-quiet raised / escalated / repeated events, only once permission
// is granted, only when the user wants them; a click focuses the page and opens the alert's view. And
// the wiring: under Electron the renderer never notifies.
import './renderer-dom';
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrowserNotifier, type NotificationCtorLike, type PermissionState } from '../../../renderer/alerts/notify';
import { initBridge } from '../../../renderer/bridge';
import { createDashboard, type Dashboard, type DashboardEnv } from '../../../renderer/store/create-dashboard';
import type { Alert, AlertEvent, AlertEventKind } from '../../../shared/alerts';
import type { AppInfo } from '../../../shared/api';
import { makeSnapshot } from '../shared/history-fixtures';
import { alertEvent, exhaustedAlert } from '../shared/alert-fixtures';
import { FakeApi } from './renderer-fake-api';
import { createAlertsSlice } from '../../../renderer/store/alerts';
import { createI18n, msg, type TFunction } from '../../../shared/i18n';
import { budgetMsg, portBudget } from '../../../shared/port-budget';

const T0 = 1_763_700_000_000;

function fakeNotification(initial: PermissionState) {
  const created: { title: string; body: string; tag: string; n: { onclick: ((e: unknown) => void) | null; closed: boolean } }[] = [];
  class N {
    static permission: PermissionState = initial;
    static requests = 0;
    static async requestPermission(): Promise<PermissionState> {
      N.requests++;
      N.permission = 'granted';
      return N.permission;
    }
    onclick: ((e: unknown) => void) | null = null;
    closed = false;
    constructor(title: string, options: { body: string; tag: string }) {
      created.push({ title, body: options.body, tag: options.tag, n: this });
    }
    close(): void {
      this.closed = true;
    }
  }
  return { N: N as unknown as NotificationCtorLike & { permission: PermissionState; requests: number }, created };
}

const ALERT: Alert = exhaustedAlert(T0, { message: 'Exhausted: all 28,232 ports held.' });

function ev(kind: AlertEventKind, time: number, quiet = false, alert: Partial<Alert> = {}): AlertEvent {
  return alertEvent(ALERT, kind, time, quiet, alert);
}

describe('BrowserNotifier', () => {
  it('notifies non-quiet raised, escalated and repeated events only, once each', () => {
    const { N, created } = fakeNotification('granted');
    const opened: string[] = [];
    let focused = 0;
    const n = new BrowserNotifier({ Notification: N, focus: () => focused++, open: (v) => opened.push(v) });
    const events = [
      ev('raised', T0),
      ev('raised', T0, true, { id: 'port_budget:x', rule: 'port_budget' }),
      ev('escalated', T0 + 1),
      ev('repeated', T0 + 2),
      ev('cleared', T0 + 3),
    ];
    assert.equal(n.handle(events), 3);
    assert.deepEqual(
      created.map((c) => [c.title, c.body, c.tag]),
      [
        ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', 'Exhausted: all 28,232 ports held.', ALERT.id],
        ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', 'Exhausted: all 28,232 ports held.', ALERT.id],
        ['Port exhaustion: 127.0.0.1 → 127.0.0.1:8080', 'Exhausted: all 28,232 ports held.', ALERT.id],
      ],
    );
    assert.equal(n.handle(events), 0, 'the same events again (a replayed snapshot) notify nothing');
    created[0]!.n.onclick!({});
    assert.equal(focused, 1);
    assert.deepEqual(opened, ['timewait']);
    assert.equal(created[0]!.n.closed, true);
  });

  it('shows nothing until permission is granted, nor when the user turned notifications off', async () => {
    const { N, created } = fakeNotification('default');
    let wanted = true;
    const n = new BrowserNotifier({ Notification: N, focus: () => {}, open: () => {}, wanted: () => wanted });
    assert.equal(n.handle([ev('raised', T0)]), 0);
    N.permission = 'denied';
    assert.equal(n.handle([ev('raised', T0 + 1)]), 0);
    assert.equal(created.length, 0);
    N.permission = 'default';
    assert.equal(await n.requestPermission(), 'granted');
    assert.equal(n.handle([ev('raised', T0 + 2)]), 1);
    wanted = false;
    assert.equal(n.handle([ev('raised', T0 + 3)]), 0);
    assert.equal(created.length, 1);
  });

  it('writes title and body in the page’s language (the msg), and follows a language switch', () => {
    const { N, created } = fakeNotification('granted');
    const i18n = createI18n('zh-CN');
    const exhausted = portBudget(
      { localAddr: '127.0.0.1', remoteAddr: '127.0.0.1', remotePort: 8080, inUse: 28232, timeWait: 28000, recentTimeWait: 0, firstFreeMs: 3000, freedWithin10s: 1234 },
      28232,
      { reuse: 0, delayMs: 1000, timestamps: 1 },
      10,
    );
    const zhAlert = { ...ALERT, msg: budgetMsg(exhausted) };
    const n = new BrowserNotifier({ Notification: N, focus: () => {}, open: () => {}, t: () => i18n.t as TFunction });
    n.handle([alertEvent(zhAlert, 'raised', T0)]);
    assert.equal(created[0]!.title, '端口耗尽：127.0.0.1 → 127.0.0.1:8080');
    assert.equal(
      created[0]!.body,
      '已耗尽：全部 28,232 个端口均被占用；到 127.0.0.1:8080 的新连接会以 EADDRNOTAVAIL 失败；第一批端口将在 3 秒后释放，10 秒内释放 1,234 个。' +
        '由于无法建立连接，也就没有连接关闭：0.0/秒的关闭速率不能说明实际需求。',
    );
    // the namespace-wide subject is translated too; an alert from an older host (no msg) keeps its English
    const buckets: Alert = {
      ...ALERT,
      id: 'tw_buckets:netns',
      rule: 'tw_buckets',
      subject: 'this network namespace',
      message: '123,456 timewait objects, 94.2 % of tcp_max_tw_buckets (131,072): past it, closing connections skip TIME_WAIT.',
      msg: msg('alerts.message.tw_buckets', { tw: 123456, percent: 94.19, cap: 131072 }),
    };
    n.handle([alertEvent(buckets, 'raised', T0 + 1), alertEvent(ALERT, 'repeated', T0 + 2)]);
    assert.equal(created[1]!.title, 'TIME_WAIT 桶：本网络命名空间');
    assert.equal(created[1]!.body, '123,456 个 TIME_WAIT 对象，达到 tcp_max_tw_buckets（131,072）的 94.2%：超过上限后，关闭的连接会跳过 TIME_WAIT。');
    assert.equal(created[2]!.title, '端口耗尽：127.0.0.1 → 127.0.0.1:8080');
    assert.equal(created[2]!.body, ALERT.message, 'no msg: the host’s English as is');
    // switching back to English: the next notification is English
    void i18n.changeLanguage('en');
    n.handle([alertEvent(zhAlert, 'repeated', T0 + 3)]);
    assert.equal(created[3]!.title, 'Port exhaustion: 127.0.0.1 → 127.0.0.1:8080');
    assert.match(created[3]!.body, /^Exhausted: all 28,232 ports held/);
  });

  it('the alerts slice hands its translation to the browser notifier', async () => {
    const { N, created } = fakeNotification('granted');
    const i18n = createI18n('zh-CN');
    const slice = createAlertsSlice(new FakeApi(), () => {}, () => i18n.t as TFunction);
    slice.enableBrowserNotifier(N, () => {});
    slice.browserNotifier()!.handle([ev('raised', T0)]);
    assert.equal(created[0]!.title, '端口耗尽：127.0.0.1 → 127.0.0.1:8080');
  });

  it('without a Notification API it says unsupported and never throws', async () => {
    const n = new BrowserNotifier({ Notification: null, focus: () => {}, open: () => {} });
    assert.equal(n.permission, 'unsupported');
    assert.equal(await n.requestPermission(), 'unsupported');
    assert.equal(n.handle([ev('raised', T0)]), 0);
  });
});

describe('notification wiring', () => {
  /** this test's dashboard instance */
  let dash: Dashboard;
  /** As main.tsx does it: the bridge's API for this page goes to a new dashboard, which starts. */
  function startDashboard(win: Pick<Window, 'location'> & { waitline?: FakeApi } & DashboardEnv): Promise<() => void> {
    const bridge = initBridge(win);
    dash = createDashboard(bridge.api, { transport: bridge.kind, fatal: bridge.reason, env: win });
    return dash.start();
  }

  beforeEach(() => {
    localStorage.clear();
  });

  it('over waitline serve: the button asks for permission, then snapshot events notify; a click opens the view', async () => {
    const api = new FakeApi();
    (api as { getInfo: () => Promise<AppInfo> }).getInfo = async () => ({ transport: 'serve', version: '0', kernel: 'k', hostname: 'h', readOnly: true, tickMs: 1000 });
    const { N, created } = fakeNotification('default');
    let focused = 0;
    const stop = await startDashboard({
      location: new URL('app://waitline/index.html') as unknown as Location,
      waitline: api,
      Notification: N,
      focus: () => focused++,
    });
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(dash.alerts.store.getState().permission, 'default');
    api.emit(makeSnapshot({ time: T0, overrides: { alerts: { active: [ALERT], recent: [], events: [ev('raised', T0)] } } }));
    assert.equal(created.length, 0, 'no notification before permission');
    await dash.alerts.requestBrowserNotifications();
    assert.equal(N.requests, 1);
    assert.equal(dash.alerts.store.getState().permission, 'granted');
    api.emit(makeSnapshot({ time: T0 + 1000, seq: 1, overrides: { alerts: { active: [ALERT], recent: [], events: [ev('escalated', T0 + 1000), ev('raised', T0 + 1000, true)] } } }));
    assert.equal(created.length, 1, 'the quiet event is not notified');
    created[0]!.n.onclick!({});
    assert.equal(focused, 1);
    assert.equal(dash.dashboard.store.getState().view, 'timewait');
    stop();
  });

  it('under Electron the renderer never notifies (main does)', async () => {
    const api = new FakeApi();
    const { N, created } = fakeNotification('granted');
    const stop = await startDashboard({ location: new URL('app://waitline/index.html') as unknown as Location, waitline: api, Notification: N });
    api.emit(makeSnapshot({ time: T0, overrides: { alerts: { active: [ALERT], recent: [], events: [ev('raised', T0)] } } }));
    assert.equal(created.length, 0);
    assert.equal(dash.alerts.store.getState().permission, null);
    stop();
  });
});
