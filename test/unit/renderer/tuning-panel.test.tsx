// The tuning panel in jsdom: knobs with live values and defaults, unavailable knobs greyed with the
// reason, inline validation, the diff and warnings before applying, the port-budget preview,
// "keep these settings?" with its countdown and the automatic revert, history with revert, the
// not-authorized message, and the read-only transport. The API behind the store is an in-memory
// implementation of the four tuning calls (the real chain is tested in test/privileged/).
import { dom } from './tuning-jsdom-env';
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Snapshot } from '../../../shared/snapshot';
import type { ApplyTuningRequest, TuningChange, TuningResult, TuningState } from '../../../shared/tuning';
import { TuningView } from '../../../renderer/features/tuning/TuningView';
import { DashboardProvider } from '../../../renderer/store/context';
import { createDashboard, type Dashboard } from '../../../renderer/store/create-dashboard';
import type { TuningApi } from '../../../renderer/store/tuning';
import { TuningService } from '../../../electron/main/tuning-service';
import { FakeApi } from './renderer-fake-api';
import { createLocalization, type Localization } from '../../../renderer/i18n';
import { DISMISSED_MESSAGE } from '../../../electron/privileged/client';
import { catalogEntry, knobState, sysctlRead } from '../../../shared/sysctl-catalog';
import type { Msg } from '../../../shared/i18n';

const VALUES: Record<string, string | null> = {
  'net.ipv4.tcp_tw_reuse': '2',
  'net.ipv4.tcp_tw_reuse_delay': '1000',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_max_tw_buckets': '131072',
  'net.ipv4.ip_local_port_range': '32768\t60999', // as a transport passing the kernel's text sends it
  'net.ipv4.ip_local_reserved_ports': '',
  'net.ipv4.tcp_timestamps': '1',
  'net.ipv4.tcp_max_orphans': null,
  'net.ipv4.tcp_orphan_retries': '0',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_synack_retries': '5',
  'net.ipv4.tcp_max_syn_backlog': '2048',
  'net.core.somaxconn': '4096',
  'net.ipv4.tcp_syncookies': '1',
  'net.ipv4.tcp_keepalive_time': '7200',
  'net.ipv4.tcp_keepalive_intvl': '75',
  'net.ipv4.tcp_keepalive_probes': '9',
  'net.ipv4.tcp_rfc1337': '0',
  'net.ipv4.tcp_tw_recycle': null,
  'net.ipv4.ip_unprivileged_port_start': '1024',
  'net.ipv4.tcp_ehash_entries': '-262144',
};

/** An in-memory host: keeps values, applies, confirms, reverts, auto-reverts at the deadline. */
class MemoryHost {
  values = { ...VALUES };
  history: TuningChange[] = [];
  requests: ApplyTuningRequest[] = [];
  confirms: string[] = [];
  reverts: string[] = [];
  deny = false;
  /** why tcp_max_orphans is unavailable (a child namespace) */
  orphansReason = 'not present here: it is global';
  /** the same reason as a catalog message, when the reader worded it (sysctlRead / knobState) */
  orphansMsg: Msg | undefined = undefined;
  /** refuse applying with this result code and message (like the privileged client) */
  refuse: { code: 'dismissed' | 'invalid' | 'busy'; message: string } | null = null;
  confirmMs = 30_000;
  private seq = 0;

  private settle(): void {
    for (const c of this.history) {
      if (c.state === 'pending_confirm' && c.confirmDeadline !== null && Date.now() >= c.confirmDeadline) {
        this.restore(c);
        c.state = 'auto_reverted';
        c.confirmDeadline = null;
      }
    }
  }
  private restore(c: TuningChange): void {
    for (const x of c.changes) this.values[x.key] = x.before;
  }
  api = {
    getTuning: async (): Promise<TuningState> => {
      this.settle();
      return {
        writable: true,
        readOnlyReason: null,
        knobs: Object.entries(this.values).map(([key, value]) => ({
          key,
          available: value !== null,
          unavailableReason: value === null ? (key.endsWith('max_orphans') ? this.orphansReason : 'removed') : null,
          ...(value === null && key.endsWith('max_orphans') && this.orphansMsg ? { unavailableMsg: this.orphansMsg } : {}),
          value,
        })),
        history: this.history.map((c) => ({ ...c })).reverse(),
      };
    },
    applyTuning: async (r: ApplyTuningRequest): Promise<TuningResult> => {
      this.requests.push(r);
      if (this.refuse) return { ok: false, ...this.refuse };
      if (this.deny) return { ok: false, code: 'not_authorized', message: 'not authorized, or no authentication agent is running; nothing was changed. Fix: …' };
      const change: TuningChange = {
        id: `20260101T12000${this.seq++}Z-1`,
        time: Date.now(),
        changes: Object.entries(r.changes).map(([key, after]) => ({ key, before: this.values[key] ?? '', after })),
        persisted: r.persist,
        state: 'pending_confirm',
        confirmDeadline: Date.now() + this.confirmMs,
      };
      for (const x of change.changes) this.values[x.key] = x.after;
      this.history.push(change);
      return { ok: true, change: { ...change } };
    },
    confirmTuning: async (id: string): Promise<TuningResult> => {
      this.confirms.push(id);
      const c = this.history.find((x) => x.id === id)!;
      c.state = 'kept';
      c.confirmDeadline = null;
      return { ok: true, change: { ...c } };
    },
    revertTuning: async (id: string): Promise<TuningResult> => {
      this.reverts.push(id);
      const c = this.history.find((x) => x.id === id)!;
      this.restore(c);
      c.state = 'reverted';
      c.confirmDeadline = null;
      return { ok: true, change: { ...c } };
    },
  };
}

function budgetSnapshot(remoteAddr: string): Snapshot {
  return {
    portBudgets: [
      {
        localAddr: '10.0.0.1',
        remoteAddr,
        remotePort: 443,
        inUse: 20000,
        timeWait: 19000,
        usable: 28232,
        percentUsed: 70.8,
        closeRatePerS: 400,
        rateWindowS: 10,
        holdSeconds: 60,
        reuseApplies: false,
        steadyState: 25000,
        steadyStatePercent: 88.6,
        secondsToExhaustion: null,
        verdict: 'at_risk',
      },
    ],
    ephemeral: { low: 32768, high: 60999, reserved: 0, usable: 28232 },
    sysctls: {},
  } as unknown as Snapshot;
}

let host: MemoryHost;
/** this test's dashboard instance */
let dash: Dashboard;

/** A new dashboard whose tuning calls go to `tuning` (the rest of its API is in memory). */
function createDashboardOver(tuning: TuningApi, localization?: Localization): void {
  dash = createDashboard(Object.assign(new FakeApi(), tuning), localization ? { localization } : {});
  dash.dashboard.store.setState({ transport: 'electron', info: null, snapshot: null });
}

async function renderPanel() {
  render(
    <DashboardProvider dashboard={dash}>
      <TuningView />
    </DashboardProvider>,
  );
  await screen.findByTestId('current-net.ipv4.tcp_fin_timeout');
}

function type(key: string, value: string) {
  fireEvent.change(screen.getByTestId(`input-${key}`), { target: { value } });
}

after(() => dom.window.close());

beforeEach(() => {
  host = new MemoryHost();
  createDashboardOver(host.api);
});
afterEach(() => cleanup());

describe('tuning panel', () => {
  it('shows every knob with its current value and default; unavailable ones greyed with the reason', async () => {
    await renderPanel();
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '60 s');
    assert.equal(screen.getByTestId('current-net.ipv4.ip_local_port_range').textContent?.trim(), '32768 60999');
    const recycle = screen.getByTestId('knob-net.ipv4.tcp_tw_recycle');
    assert.equal(recycle.getAttribute('aria-disabled'), 'true');
    assert.match(screen.getByTestId('unavailable-net.ipv4.tcp_tw_recycle').textContent!, /Removed in Linux 4\.12; it cannot be applied/);
    assert.equal(within(recycle).queryByRole('textbox'), null, 'no input for a removed knob');
    assert.match(screen.getByTestId('unavailable-net.ipv4.tcp_max_orphans').textContent!, /global/);
    // explanation and myths are there
    const fin = screen.getByTestId('knob-net.ipv4.tcp_fin_timeout');
    assert.match(fin.textContent!, /orphaned socket/);
    assert.match(screen.getByTestId('myths-net.ipv4.tcp_fin_timeout').textContent!, /TIME_WAIT is a fixed 60 s/);
    assert.equal(screen.queryByTestId('read-only'), null);
  });

  it('validates as you type and blocks applying an invalid value', async () => {
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '0x10');
    assert.match(screen.getByTestId('error-net.ipv4.tcp_fin_timeout').textContent!, /0x10 is hexadecimal/);
    assert.match(screen.getByTestId('plan-errors').textContent!, /net\.ipv4\.tcp_fin_timeout: 0x10 is hexadecimal/);
    assert.equal((screen.getByTestId('review-button') as HTMLButtonElement).disabled, true);
    type('net.ipv4.ip_local_port_range', '1000 2000');
    assert.match(screen.getByTestId('error-net.ipv4.ip_local_port_range').textContent!, /below net\.ipv4\.ip_unprivileged_port_start \(1024\)/);
    type('net.ipv4.tcp_fin_timeout', '30');
    assert.equal(screen.queryByTestId('error-net.ipv4.tcp_fin_timeout'), null);
    type('net.ipv4.ip_local_port_range', '32768 60999');
    assert.equal(screen.queryByTestId('error-net.ipv4.ip_local_port_range'), null);
    assert.deepEqual(within(screen.getByTestId('diff')).getAllByRole('row').slice(1).map((r) => r.textContent), ['net.ipv4.tcp_fin_timeout6030'], 'an unchanged range is not in the diff');
  });

  it('shows the diff and warnings, applies exactly the changed values, then asks to keep them', async () => {
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    type('net.ipv4.tcp_keepalive_time', '7200'); // unchanged: not in the diff
    fireEvent.change(screen.getByTestId('input-net.ipv4.tcp_tw_reuse'), { target: { value: '1' } });
    const diff = screen.getByTestId('diff');
    const rows = within(diff).getAllByRole('row').slice(1).map((r) => r.textContent);
    assert.deepEqual(rows, ['net.ipv4.tcp_tw_reuse21', 'net.ipv4.tcp_fin_timeout6030']);
    const warnings = screen.getByTestId('warnings').textContent!;
    assert.match(warnings, /TIME_WAIT stays 60 s/);
    assert.match(warnings, /helps only connections this host opens/);
    fireEvent.click(screen.getByTestId('persist'));
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    assert.deepEqual(host.requests, [{ changes: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_fin_timeout': '30' }, persist: true }]);
    const banner = await screen.findByTestId('keep-banner');
    assert.match(banner.textContent!, /Keep these settings\?/);
    assert.match(screen.getByTestId('keep-countdown').textContent!, /in (30|29) s/);
    assert.match(banner.textContent!, /net\.ipv4\.tcp_fin_timeout: 60 → 30/);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '30 s', 'refreshed after applying');
    await act(async () => {
      fireEvent.click(screen.getByTestId('keep-button'));
    });
    assert.equal(host.confirms.length, 1);
    assert.equal(screen.queryByTestId('keep-banner'), null);
    assert.match(screen.getByTestId('tuning-message').textContent!, /Kept/);
  });

  it("one chart marker per apply: the renderer's live marker and main's history marker merge", async () => {
    // main's real TuningService in front of the in-memory host, marking into a history list
    const hostMarkers: { time: number; label: string }[] = [];
    const service = new TuningService(
      {
        getState: host.api.getTuning,
        apply: host.api.applyTuning,
        confirm: host.api.confirmTuning,
        revert: host.api.revertTuning,
      },
      { addMarker: (time, label) => hostMarkers.push({ time, label }) },
    );
    createDashboardOver({ ...host.api, applyTuning: (r) => service.apply(r) });
    const before = dash.dashboard.markers().length;
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    await screen.findByTestId('keep-banner');
    assert.deepEqual(
      hostMarkers.map((m) => m.label),
      ['applied: tcp_fin_timeout 60→30'],
    );
    // the 24 h history fetch brings main's marker: still one marker for the change
    dash.dashboard.addMarkers(hostMarkers);
    const added = dash.dashboard.markers().slice(before);
    assert.deepEqual(added, hostMarkers, 'exactly the one marker main recorded');
  });

  it('reverts automatically when not confirmed, and says so', async () => {
    host.confirmMs = 1000;
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    await screen.findByTestId('keep-banner');
    const msg = await screen.findByText(/Not confirmed in time: the previous values were restored/, {}, { timeout: 8000 });
    assert.ok(msg);
    assert.equal(screen.queryByTestId('keep-banner'), null);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '60 s');
    assert.equal(host.confirms.length, 0);
  });

  it('lists applied changes and reverts one from the history', async () => {
    await renderPanel();
    type('net.ipv4.tcp_syn_retries', '3');
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    await act(async () => {
      fireEvent.click(await screen.findByTestId('keep-button'));
    });
    const id = host.history[0]!.id;
    assert.match(screen.getByTestId(`history-${id}`).textContent!, /tcp_syn_retries: 6 → 3.*kept/);
    await act(async () => {
      fireEvent.click(screen.getByTestId(`revert-${id}`));
    });
    assert.deepEqual(host.reverts, [id]);
    assert.match(screen.getByTestId(`history-${id}`).textContent!, /reverted/);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_syn_retries').textContent?.trim(), '6');
  });

  it('shows "not authorized" clearly and keeps the values', async () => {
    host.deny = true;
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    // translated by its code; the host's English message follows as the detail
    assert.match(screen.getByTestId('tuning-message-text').textContent!, /^Not authorized, or no authentication agent is running; nothing was changed/);
    assert.match(screen.getByTestId('tuning-message-detail').textContent!, /not authorized, or no authentication agent is running; nothing was changed\. Fix: …/);
    assert.equal(screen.queryByTestId('keep-banner'), null);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '60 s');
  });

  it('previews the port budget of the busiest destination before and after', async () => {
    dash.dashboard.store.setState({ snapshot: budgetSnapshot('10.0.0.2') });
    await renderPanel();
    const now = screen.getByTestId('budget-preview');
    assert.match(now.textContent!, /10\.0\.0\.1 → 10\.0\.0\.2:443/);
    assert.match(now.textContent!, /28,232/);
    assert.match(now.textContent!, /60 s \(TIME_WAIT\)/);
    type('net.ipv4.ip_local_port_range', '20000 60999');
    const p = screen.getByTestId('budget-preview').textContent!;
    assert.match(p, /before → after/);
    assert.match(p, /41,000/, 'widened range: 60999 − 20000 + 1 usable ports');
    // 1,000 + 400/s × 60 s = 25,000 ports held: 61 % of 41,000
    assert.match(p, /25,000 ports \(61%\)/);
    fireEvent.change(screen.getByTestId('input-net.ipv4.tcp_tw_reuse'), { target: { value: '1' } });
    const q = screen.getByTestId('budget-preview').textContent!;
    assert.match(q, /1 s \(tcp_tw_reuse\)/, 'reuse=1 applies to a non-loopback destination: held for the 1 s delay');
    assert.match(q, /41,000\/s/);
  });

  it('keeps tcp_tw_reuse=2 from shortening the hold toward a non-loopback destination', async () => {
    dash.dashboard.store.setState({ snapshot: budgetSnapshot('10.0.0.2') });
    await renderPanel();
    type('net.ipv4.tcp_tw_reuse_delay', '500');
    const p = screen.getByTestId('budget-preview').textContent!;
    assert.doesNotMatch(p, /tcp_tw_reuse\)/);
  });

  it('is read-only over `waitline serve`: says so and disables every input', async () => {
    dash.dashboard.store.setState({ transport: 'serve' });
    await renderPanel();
    assert.match(screen.getByTestId('read-only').textContent!, /read-only: `waitline serve` never changes kernel settings/);
    assert.equal((screen.getByTestId('input-net.ipv4.tcp_fin_timeout') as HTMLInputElement).disabled, true);
    assert.equal((screen.getByTestId('input-net.ipv4.tcp_tw_reuse') as HTMLSelectElement).disabled, true);
  });
});

describe('tuning panel in zh-CN', () => {
  const zhCN = () => createLocalization({ preference: 'zh-CN', persist: false });
  // what the collector and the privileged client give (sysctlRead → knobState): the English reason
  // and the same as a catalog message, which the panel shows in the UI's language
  beforeEach(() => {
    const k = knobState('net.ipv4.tcp_max_orphans', sysctlRead(catalogEntry('net.ipv4.tcp_max_orphans')!, { error: { code: 'ENOENT' } }));
    assert.equal(k.unavailableReason, 'not present here: it is global, so only the initial network namespace has it (or this kernel lacks it)');
    host.orphansReason = k.unavailableReason!;
    host.orphansMsg = k.unavailableMsg;
  });
  /** No catalog key (area.group.key) and no English sentence left in what the panel shows. */
  function assertNoLeaks(text: string) {
    assert.doesNotMatch(text, /\b(tuning|knobs|common)\.[a-z][\w]*\.[\w.]+/, 'a raw catalog key');
    for (const en of [/What goes wrong/, /Myths \(/, /\bCurrent\b/, /\bDefault\b/, /Proposed/, /per namespace/, /Port budget/, /Usable ports/, /Unavailable:/, /Removed in Linux/, /TIME_WAIT itself lasts/]) {
      assert.doesNotMatch(text, en, `English left: ${en}`);
    }
    // three English words in a row outside identifiers and the kernel's own log lines
    const prose = text
      .replace(/prefer different parity for start\/end values|Cannot assign requested address|too many orphaned sockets/g, '')
      .match(/\b[A-Za-z]{2,} [a-z]{2,} [a-z]{2,}\b/g);
    assert.equal(prose, null, `English prose: ${prose?.join(' | ')}`);
  }

  it('shows a knob, its explanation and its myths in Chinese', async () => {
    createDashboardOver(host.api, zhCN());
    await renderPanel();
    const view = screen.getByTestId('tuning-view');
    assert.match(view.textContent!, /调优/);
    const fin = screen.getByTestId('knob-net.ipv4.tcp_fin_timeout');
    assert.match(fin.textContent!, /孤儿 FIN_WAIT2 的存活时长/);
    assert.match(fin.textContent!, /net\.ipv4\.tcp_fin_timeout/, 'the sysctl name stays as it is');
    assert.match(fin.textContent!, /当前值/);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '60 秒');
    const myths = screen.getByTestId('myths-net.ipv4.tcp_fin_timeout').textContent!;
    assert.match(myths, /误区（3）/);
    assert.match(myths, /tcp_fin_timeout 就是 TIME_WAIT 的时长/);
    assert.match(myths, /TIME_WAIT 固定为 60 秒（TCP_TIMEWAIT_LEN，编译期常量）/);
    assert.match(myths, /TcpTimedWaitDelay 是 Windows 的注册表项/);
    assert.match(screen.getByTestId('myths-net.ipv4.tcp_tw_recycle').textContent!, /开启 tcp_tw_recycle 就能快速回收 TIME_WAIT。.*4\.12/);
    assert.match(screen.getByTestId('unavailable-net.ipv4.tcp_tw_recycle').textContent!, /^不可用：已在 Linux 4\.12 中移除，无法设置。$/);
    // the host's reason for a missing global key, in Waitline's wording: translated
    assert.equal(
      screen.getByTestId('unavailable-net.ipv4.tcp_max_orphans').textContent,
      '不可用：此处不存在：它是全局参数，只有初始网络命名空间中才有（或者此内核没有它）',
    );
    const reuse = screen.getByTestId('input-net.ipv4.tcp_tw_reuse') as HTMLSelectElement;
    assert.deepEqual([...reuse.options].map((o) => o.textContent), ['0 — 关闭', '1 — 所有出站连接都可复用', '2 — 仅回环（loopback）连接可复用']);
    assertNoLeaks(view.textContent!);
  });

  it('names the bounds of an out-of-range value in Chinese, inline and in the plan', async () => {
    createDashboardOver(host.api, zhCN());
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '0');
    assert.equal(screen.getByTestId('error-net.ipv4.tcp_fin_timeout').textContent, '0 超出允许范围 1–600');
    assert.equal(screen.getByTestId('plan-errors').textContent, 'net.ipv4.tcp_fin_timeout：0 超出允许范围 1–600');
    type('net.ipv4.tcp_fin_timeout', '30');
    assert.match(screen.getByTestId('warnings').textContent!, /无论设成多少，TIME_WAIT 都仍是 60 秒/);
    assert.match(screen.getByTestId('review-button').textContent!, /检查并应用/);
    assertNoLeaks(screen.getByTestId('tuning-view').textContent!);
  });

  it('shows a dismissed authentication in Chinese, with the English detail secondary', async () => {
    host.refuse = { code: 'dismissed', message: DISMISSED_MESSAGE };
    createDashboardOver(host.api, zhCN());
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    fireEvent.click(screen.getByTestId('review-button'));
    assert.match(screen.getByTestId('apply-button').textContent!, /应用 1 项修改/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    assert.equal(screen.getByTestId('tuning-message-text').textContent, '身份验证已取消；未做任何修改。');
    assert.equal(screen.getByTestId('tuning-message-detail').textContent, `详细信息：${DISMISSED_MESSAGE}`);
    assert.equal(screen.queryByTestId('keep-banner'), null);
    assert.equal(host.values['net.ipv4.tcp_fin_timeout'], '60');
  });

  it('English shows the code’s sentence once when the host says the same', async () => {
    host.refuse = { code: 'dismissed', message: DISMISSED_MESSAGE };
    await renderPanel();
    type('net.ipv4.tcp_fin_timeout', '30');
    fireEvent.click(screen.getByTestId('review-button'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('apply-button'));
    });
    assert.equal(screen.getByTestId('tuning-message-text').textContent, 'Authentication was dismissed; nothing was changed.');
    assert.equal(screen.queryByTestId('tuning-message-detail'), null);
  });

  it('switches language without a reload', async () => {
    await renderPanel();
    assert.match(screen.getByTestId('knob-net.ipv4.tcp_fin_timeout').textContent!, /Orphaned FIN_WAIT2 lifetime/);
    await act(async () => {
      dash.localization.setPreference('zh-CN');
    });
    assert.match(screen.getByTestId('knob-net.ipv4.tcp_fin_timeout').textContent!, /孤儿 FIN_WAIT2 的存活时长/);
    assert.equal(screen.getByTestId('current-net.ipv4.tcp_fin_timeout').textContent?.trim(), '60 秒');
  });
});
