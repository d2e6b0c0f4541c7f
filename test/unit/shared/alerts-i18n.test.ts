// Alerts, port budgets and chart markers in both languages (docs/i18n.md): the English `message`
// fields are rendered from the catalog and stay exactly what they were (the API's text does not
// change with the locale), the `msg` beside them renders in Chinese with the reader's number format,
// and a marker stored in English (the history never depends on the locale) is shown translated.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_RULES, ALERT_SETTING_LIMITS, AlertEngine, DEFAULT_ALERT_SETTINGS, NETNS_SUBJECT, validateAlertSettings, type Alert, type AlertEventKind } from '../../../shared/alerts';
import { ALERT_RULE_TITLES, alertMarkerLabel, alertTitle, alertTitleText, markerKind, markerLabelText, probeMarkerLabel } from '../../../shared/alert-text';
import { createI18n, enT, msgText, renderMsg } from '../../../shared/i18n';
import { aheadMsg, budgetMsg, budgetSentence, fmtSecondsAhead, portBudget, verdictMsg, VERDICT_KEYS, VERDICT_WORDS } from '../../../shared/port-budget';
import type { PortBudget, Snapshot } from '../../../shared/snapshot';
import { makeSnapshot } from './history-fixtures';

const zh = createI18n('zh-CN').t;
const en = enT();
const enCount = (x: number) => Math.round(x).toLocaleString('en-US');
const T0 = 1_800_000_000_000;
const OFF = { reuse: 0, delayMs: 1000, timestamps: 1 };

function b(p: Partial<PortBudget>): PortBudget {
  return {
    localAddr: '10.0.0.1',
    remoteAddr: '10.0.0.2',
    remotePort: 443,
    inUse: 1000,
    timeWait: 900,
    blocking: 1000,
    usable: 28232,
    percentUsed: 3.5,
    closeRatePerS: 12.25,
    rateWindowS: 10,
    activeGrowthPerS: null,
    forecastBasisS: 9.6,
    holdSeconds: 60,
    reuseApplies: false,
    steadyState: 835.4,
    steadyStatePercent: 3,
    secondsToExhaustion: null,
    firstFreeS: null,
    freedWithin10s: 0,
    exhaustedSince: null,
    verdict: 'fine',
    ...p,
  };
}

/** One budget per sentence shape: every verdict, every "when the first ports free", every unit ahead. */
const SHAPES: PortBudget[] = [
  b({ verdict: 'exhausted', blocking: 28232, percentUsed: 100, firstFreeS: null, closeRatePerS: 0 }),
  b({ verdict: 'exhausted', blocking: 28232, percentUsed: 100, firstFreeS: 0, freedWithin10s: 1234 }),
  b({ verdict: 'exhausted', blocking: 28232, percentUsed: 100, firstFreeS: 3.2, freedWithin10s: 120, closeRatePerS: 1234.56 }),
  b({ verdict: 'exhausted', blocking: 28232, percentUsed: 100, firstFreeS: 0.4, freedWithin10s: 5 }),
  b({ verdict: 'exhausted', blocking: 28232, percentUsed: 100, firstFreeS: 95, freedWithin10s: 0 }),
  b({ verdict: 'will_exhaust', secondsToExhaustion: 0.3, steadyState: 33878.6 }),
  b({ verdict: 'will_exhaust', secondsToExhaustion: 48.4, steadyState: 33878.6 }),
  b({ verdict: 'will_exhaust', secondsToExhaustion: 300, remoteAddr: 'fd00::2', steadyState: 40000 }),
  b({ verdict: 'will_exhaust', secondsToExhaustion: 9000, steadyState: 30000, forecastBasisS: 3599.5 }),
  b({ verdict: 'at_risk', blocking: 20000, steadyState: 15000.4, freedWithin10s: 3000 }),
  b({ verdict: 'at_risk', blocking: 15000, steadyState: 16000.6 }),
  b({ verdict: 'fine', blocking: 10, steadyState: 2.5 }),
];

describe('port budget sentences in both languages', () => {
  it('the catalog English is exactly budgetSentence (the CLI and the API say the same)', () => {
    for (const x of SHAPES) assert.equal(msgText(budgetMsg(x)), budgetSentence(x, enCount));
  });

  it('the Chinese keeps the figures (grouped), the errno and the address, and no English prose', () => {
    for (const x of SHAPES) {
      const s = renderMsg(zh, budgetMsg(x));
      assert.doesNotMatch(s, /timewait\.|ports|held|steady|connections|\$t\(/, s);
      assert.ok(s.includes('28,232'), s);
      if (x.verdict === 'exhausted' || x.verdict === 'will_exhaust') assert.ok(s.includes('EADDRNOTAVAIL'), s);
    }
    assert.equal(
      renderMsg(zh, budgetMsg(SHAPES[2]!)),
      '已耗尽：全部 28,232 个端口均被占用；到 10.0.0.2:443 的新连接会以 EADDRNOTAVAIL 失败；第一批端口将在 3 秒后释放，10 秒内释放 120 个。' +
        '由于无法建立连接，也就没有连接关闭：1234.6/秒的关闭速率不能说明实际需求。',
    );
    assert.match(renderMsg(zh, budgetMsg(SHAPES[7]!)), /^将在 5 分钟后耗尽：28,232 个端口中已占用 1,000 个，.*到 \[fd00::2\]:443 的新连接/);
    assert.match(renderMsg(zh, budgetMsg(SHAPES[5]!)), /^将在 1 秒内耗尽/);
  });

  it('"ahead" and the verdict words match the English helpers, and read naturally in Chinese', () => {
    for (const s of [0, 0.99, 1, 3.4, 89.4, 90, 300, 5399, 5400, 9000, 123456]) assert.equal(msgText(aheadMsg(s)), fmtSecondsAhead(s));
    assert.equal(renderMsg(zh, aheadMsg(3.4)), '3 秒后');
    assert.equal(renderMsg(zh, aheadMsg(0.2)), '1 秒内');
    assert.equal(renderMsg(zh, aheadMsg(9000)), '2.5 小时后');
    for (const v of Object.keys(VERDICT_KEYS) as (keyof typeof VERDICT_KEYS)[]) assert.equal(en(VERDICT_KEYS[v]), VERDICT_WORDS[v]);
    assert.equal(msgText(verdictMsg(SHAPES[6]!)), 'will run out in 48 s');
    assert.equal(renderMsg(zh, verdictMsg(SHAPES[6]!)), '48 秒后耗尽');
    assert.equal(renderMsg(zh, verdictMsg(SHAPES[0]!)), '已耗尽');
  });
});

/** The sentences the engine wrote before the catalog existed, verbatim: its messages must not move. */
const OLD = {
  port_budget: (blocking: number, usable: number, dest: string, p: number) => `${enCount(blocking)} of ${enCount(usable)} ports toward ${dest} held (${p.toFixed(1)} %).`,
  close_wait_leak: (subject: string, count: number, holding: number) =>
    `${subject} holds ${enCount(count)} CLOSE_WAIT sockets, not falling for ${Math.round(holding)} s: ` + `the peers closed and the program has not called close() on them.`,
  tw_overflow: (overflow: number) =>
    `TCPTimeWaitOverflow is rising (${overflow.toFixed(1)}/s): tcp_max_tw_buckets is reached, so closing ` +
    `connections skip TIME_WAIT entirely and lose its protection against late duplicates.`,
  tw_buckets: (tw: number, pct: number, cap: number) =>
    `${enCount(tw)} timewait objects, ${pct.toFixed(1)} % of tcp_max_tw_buckets (${enCount(cap)}): past it, closing connections skip TIME_WAIT.`,
};

function every(engine: AlertEngine, s: Snapshot): Alert[] {
  return engine.evaluate(s).active;
}

describe('alert messages', () => {
  it('every rule: the English message is unchanged, and its msg renders it in Chinese with grouped figures', () => {
    const e = new AlertEngine({ ...DEFAULT_ALERT_SETTINGS, closeWaitHoldS: 0, forecastMinutes: 60 });
    const budgetHeld = portBudget({ localAddr: '10.0.0.1', remoteAddr: '10.0.0.2', remotePort: 443, inUse: 21_234, timeWait: 0, recentTimeWait: 0 }, 28_232, OFF, 10);
    const exhausted = portBudget({ localAddr: '10.0.0.1', remoteAddr: '10.0.0.3', remotePort: 80, inUse: 28_232, timeWait: 28_000, recentTimeWait: 0, firstFreeMs: 3000, freedWithin10s: 120 }, 28_232, OFF, 10);
    const base = makeSnapshot({ time: T0 });
    const snap = (t: number): Snapshot => ({
      ...base,
      time: T0 + t * 1000,
      portBudgets: [budgetHeld, exhausted],
      owners: { ...(base.owners ?? {}), closeWait: [{ pid: 4242, comm: 'java', count: 12_345 }] } as Snapshot['owners'],
      counters: { ...(base.counters ?? {}), rates: { 'TcpExt.TCPTimeWaitOverflow': 1234.25 } } as Snapshot['counters'],
      sockstat: { ...(base.sockstat ?? {}), tw: 123_456 } as Snapshot['sockstat'],
      sysctls: { ...base.sysctls, 'net.ipv4.tcp_max_tw_buckets': { available: true, raw: '131072' } } as unknown as Snapshot['sysctls'],
    });
    every(e, snap(0));
    const active = every(e, snap(10));
    const by = (rule: string) => active.find((a) => a.rule === rule && !(rule === 'port_budget' && a.subject.endsWith(':80')))!;
    assert.deepEqual(new Set(active.map((a) => a.rule)), new Set(['port_exhausted', 'port_budget', 'close_wait_leak', 'tw_overflow', 'tw_buckets']));
    for (const a of active) {
      assert.ok(a.msg, `${a.rule} carries a msg`);
      assert.equal(a.message, msgText(a.msg!));
    }
    const pb = by('port_budget');
    assert.equal(pb.message, OLD.port_budget(21_234, 28_232, '10.0.0.2:443', (21_234 / 28_232) * 100));
    assert.equal(renderMsg(zh, pb.msg!), '通往 10.0.0.2:443 的端口：28,232 个中已占用 21,234 个（75.2%）。');
    assert.equal(by('port_exhausted').message, budgetSentence(exhausted, enCount));
    const cw = by('close_wait_leak');
    assert.equal(cw.message, OLD.close_wait_leak('java (pid 4242)', 12_345, 10));
    assert.equal(renderMsg(zh, cw.msg!), 'java (pid 4242) 持有 12,345 个 CLOSE_WAIT 套接字，已持续 10 秒没有减少：对端已关闭连接，而程序没有对这些套接字调用 close()。');
    assert.equal(by('tw_overflow').message, OLD.tw_overflow(1234.25));
    assert.match(renderMsg(zh, by('tw_overflow').msg!), /^TcpExt\.TCPTimeWaitOverflow 正在增长（1234\.3\/秒）/);
    const twb = by('tw_buckets');
    assert.equal(twb.message, OLD.tw_buckets(123_456, (123_456 / 131_072) * 100, 131_072));
    assert.equal(renderMsg(zh, twb.msg!), '123,456 个 TIME_WAIT 对象，达到 tcp_max_tw_buckets（131,072）的 94.2%：超过上限后，关闭的连接会跳过 TIME_WAIT。');
    assert.equal(alertTitleText(zh, twb), 'TIME_WAIT 桶：本网络命名空间');
    assert.equal(alertTitleText(en, twb), alertTitle(twb), 'the English title is the stable one');
  });

  it('settings errors carry a msg: the English as before, the Chinese with the field’s label and unit', () => {
    const errs = (x: unknown) => {
      const r = validateAlertSettings(x);
      return r.ok ? [] : r.errors;
    };
    const cases: [unknown, string][] = [
      [{ clearAfterS: 9999 }, '解除前等待必须在 0 到 3600 秒之间；实际为 9999'],
      [{ closeWaitMinCount: 1.5 }, 'CLOSE_WAIT 泄漏起始数量必须是整数（单位：个套接字）；实际为 1.5'],
      [{ forecastMinutes: 'x' }, '预测时间范围必须是数字（1–1440 分钟）'],
      [{ budgetCriticalPercent: 60 }, '预算严重阈值（60%）不能低于预算警告阈值（70%）'],
      [{ nope: 1 }, '未知设置“nope”'],
      [null, '告警设置必须是一个对象'],
    ];
    for (const [input, chinese] of cases) {
      const [e] = errs(input);
      assert.ok(e?.msg, JSON.stringify(input));
      assert.equal(e.message, msgText(e.msg));
      assert.equal(renderMsg(zh, e.msg), chinese);
    }
    for (const lim of Object.values(ALERT_SETTING_LIMITS)) {
      assert.equal(en(lim.labelKey), lim.label);
      assert.equal(en(lim.unitKey), lim.unit);
    }
  });
});

describe('chart markers: stored in English, shown in the reader’s language', () => {
  const subjects: Record<string, string> = {
    port_exhausted: '127.0.0.1 → 127.0.0.1:8080',
    port_forecast: '10.0.0.1 → [fd00::1]:443',
    port_budget: '10.0.0.1 → 10.0.0.2:443',
    close_wait_leak: 'java (pid 4242)',
    tw_overflow: NETNS_SUBJECT,
    tw_buckets: NETNS_SUBJECT,
  };
  const zhRule: Record<string, string> = {
    port_exhausted: '端口耗尽',
    port_forecast: '端口即将耗尽',
    port_budget: '端口预算',
    close_wait_leak: 'CLOSE_WAIT 泄漏',
    tw_overflow: 'TIME_WAIT 溢出',
    tw_buckets: 'TIME_WAIT 桶',
  };

  it('every rule, raised and cleared', () => {
    for (const rule of ALERT_RULES) {
      for (const kind of ['raised', 'cleared'] as AlertEventKind[]) {
        const alert = { rule, subject: subjects[rule]! } as Alert;
        const label = alertMarkerLabel({ kind, time: T0, alert, quiet: false })!;
        assert.equal(label, `alert ${kind}: ${ALERT_RULE_TITLES[rule]}: ${subjects[rule]}`, 'the stored label is English');
        assert.equal(markerKind(label), kind === 'raised' ? 'alert-raised' : 'alert-cleared');
        assert.equal(markerLabelText(en, label), label, 'English shows the label as stored');
        const subject = subjects[rule] === NETNS_SUBJECT ? '本网络命名空间' : subjects[rule];
        assert.equal(markerLabelText(zh, label), `告警${kind === 'raised' ? '触发' : '解除'}：${zhRule[rule]}：${subject}`);
      }
    }
  });

  it('the probe marker is translated; other labels (tuning, unknown rules) are shown as they are', () => {
    assert.equal(markerLabelText(zh, probeMarkerLabel('10.0.0.5:8080')), '探测 10.0.0.5:8080');
    assert.equal(markerLabelText(en, probeMarkerLabel('10.0.0.5:8080')), 'probe 10.0.0.5:8080');
    assert.equal(markerLabelText(zh, 'tuning: tcp_tw_reuse=1'), 'tuning: tcp_tw_reuse=1');
    assert.equal(markerLabelText(zh, 'alert raised: Some future rule: x'), '告警触发：Some future rule: x');
    assert.equal(markerLabelText(zh, 'probe'), 'probe');
    assert.equal(markerLabelText(zh, ''), '');
  });
});
