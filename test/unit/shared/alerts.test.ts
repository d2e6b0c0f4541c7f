// The alert engine on a manual clock (each snapshot carries its own time): raise delays, clear delays,
// thresholds that depend on the current status, escalation, repeats, quiet events, settings
// validation. Real-socket alerts are in test/kernel/exhaustion.test.ts.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine, DEFAULT_ALERT_SETTINGS, validateAlertSettings, type AlertSettings, type AlertsState } from '../../../shared/alerts';
import { portBudget } from '../../../shared/port-budget';
import type { PortBudget, Snapshot } from '../../../shared/snapshot';
import { makeSnapshot } from './history-fixtures';

const snapshotAt = (time: number): Snapshot => makeSnapshot({ time });

const OFF = { reuse: 0, delayMs: 1000, timestamps: 1 };
const T0 = 1_800_000_000_000;

/** A budget toward 10.0.0.2:443 with `held` of 1000 ports held by open connections (no forecast). */
function held(n: number): PortBudget {
  return portBudget({ localAddr: '10.0.0.1', remoteAddr: '10.0.0.2', remotePort: 443, inUse: n, timeWait: 0, recentTimeWait: 0 }, 1000, OFF, 10);
}

function snap(s: number, patch: Partial<Snapshot>): Snapshot {
  return { ...snapshotAt(T0 + s * 1000), ...patch };
}

function run(engine: AlertEngine, s: number, patch: Partial<Snapshot>): AlertsState {
  return engine.evaluate(snap(s, patch));
}

const settings = (p: Partial<AlertSettings> = {}): AlertSettings => ({ ...DEFAULT_ALERT_SETTINGS, ...p });

describe('alert engine', () => {
  it('budget use: warning from 70 % after its 5 s delay, critical from 90 %, and only below 60 % for 2 min clears', () => {
    const e = new AlertEngine(settings());
    assert.equal(run(e, 0, { portBudgets: [held(699)] }).active.length, 0, '69.9 % raises nothing');
    assert.equal(run(e, 1, { portBudgets: [held(700)] }).active.length, 0, 'not before the raise delay');
    assert.equal(run(e, 5, { portBudgets: [held(700)] }).active.length, 0, '4 s of it is not enough');
    const raised = run(e, 6, { portBudgets: [held(700)] });
    assert.deepEqual(raised.events.map((x) => [x.kind, x.alert.rule, x.alert.severity]), [['raised', 'port_budget', 'warning']]);
    assert.equal(raised.active[0].subject, '10.0.0.1 → 10.0.0.2:443');

    // 61 % stays raised (the clearing threshold depends on the status); 59.9 % starts the clear timer
    assert.equal(run(e, 10, { portBudgets: [held(610)] }).active.length, 1);
    const gone = run(e, 11, { portBudgets: [held(599)] });
    assert.equal(gone.active.length, 1);
    assert.equal(gone.active[0].conditionGoneAt, T0 + 11_000);
    // flapping back above 60 % resets the clear timer
    run(e, 60, { portBudgets: [held(650)] });
    assert.equal(run(e, 61, { portBudgets: [held(100)] }).active[0].conditionGoneAt, T0 + 61_000);
    assert.equal(run(e, 180, { portBudgets: [held(100)] }).active.length, 1, '119 s below is not 2 min');
    const cleared = run(e, 181, { portBudgets: [held(100)] });
    assert.deepEqual(cleared.events.map((x) => x.kind), ['cleared']);
    assert.equal(cleared.active.length, 0);
    assert.equal(cleared.recent[0].clearedAt, T0 + 181_000);

    // a fresh one: 89.9 % is warning, 90 % escalates at once, and critical holds down to 70 %
    const f = new AlertEngine(settings());
    run(f, 0, { portBudgets: [held(899)] });
    assert.equal(run(f, 5, { portBudgets: [held(899)] }).active[0].severity, 'warning');
    const esc = run(f, 6, { portBudgets: [held(900)] });
    assert.deepEqual(esc.events.map((x) => [x.kind, x.alert.severity]), [['escalated', 'critical']]);
    assert.equal(run(f, 7, { portBudgets: [held(700)] }).active[0].severity, 'critical');
    const down = run(f, 8, { portBudgets: [held(699)] });
    assert.equal(down.active[0].severity, 'warning');
    assert.equal(down.events.length, 0, 'de-escalation is not news');
  });

  it('an exhausted destination raises at once, its budget alert is quiet, and it clears after the clear delay', () => {
    const e = new AlertEngine(settings({ clearAfterS: 10 }));
    const out = run(e, 0, { portBudgets: [held(1000)] });
    assert.deepEqual(out.events.map((x) => [x.kind, x.alert.rule]), [['raised', 'port_exhausted']]);
    assert.equal(out.active[0].severity, 'critical');
    assert.match(out.active[0].message, /^Exhausted: all 1,000 ports held; new connections to 10\.0\.0\.2:443 fail with EADDRNOTAVAIL/);
    const later = run(e, 5, { portBudgets: [held(1000)] });
    assert.deepEqual(later.events.map((x) => [x.kind, x.alert.rule, x.quiet]), [['raised', 'port_budget', true]]);
    run(e, 6, { portBudgets: [held(500)] });
    assert.equal(run(e, 15, { portBudgets: [held(500)] }).active.filter((a) => a.rule === 'port_exhausted').length, 1);
    const c = run(e, 16, { portBudgets: [held(500)] });
    // 50 % is below the budget alert's 60 % too: both clear together
    assert.deepEqual(c.events.map((x) => [x.kind, x.alert.rule]).sort(), [['cleared', 'port_budget'], ['cleared', 'port_exhausted']]);
  });

  it('a forecast under the horizon raises after 3 s; beyond it, nothing', () => {
    // 50 closes/s, 250 held, 1,000 ports: runs out in 15 s
    const fc = portBudget({ localAddr: '10.0.0.1', remoteAddr: '10.0.0.2', remotePort: 443, inUse: 250, timeWait: 250, recentTimeWait: 500 }, 1000, OFF, 10);
    assert.equal(fc.verdict, 'will_exhaust');
    const e = new AlertEngine(settings());
    run(e, 0, { portBudgets: [fc] });
    assert.equal(run(e, 2, { portBudgets: [fc] }).events.length, 0);
    const r = run(e, 3, { portBudgets: [fc] });
    assert.deepEqual(r.events.map((x) => [x.kind, x.alert.rule, x.alert.severity]), [['raised', 'port_forecast', 'critical']]);
    // 1 min horizon: a 15 s forecast raises, a 61 s one does not
    const slow = { ...fc, secondsToExhaustion: 61 };
    const h = new AlertEngine(settings({ forecastMinutes: 1 }));
    for (let s = 0; s < 10; s++) assert.equal(run(h, s, { portBudgets: [slow] }).active.length, 0);
  });

  it('repeats an alert still active at most every 30 min', () => {
    const e = new AlertEngine(settings());
    run(e, 0, { portBudgets: [held(1000)] });
    const kinds = (s: number) => run(e, s, { portBudgets: [held(1000)] }).events.filter((x) => x.alert.rule === 'port_exhausted').map((x) => x.kind);
    assert.deepEqual(kinds(1799), []);
    assert.deepEqual(kinds(1800), ['repeated']);
    assert.deepEqual(kinds(1801), []);
    assert.deepEqual(kinds(3599), []);
    assert.deepEqual(kinds(3600), ['repeated']);
  });

  it('a CLOSE_WAIT leak: ≥ 10 sockets not falling for 2 min; a fall restarts the clock', () => {
    const owners = (count: number) => ({
      scannedAt: 0,
      attributed: count,
      withInode: count,
      kernelOwned: 0,
      unreadablePids: 0,
      topProcesses: [],
      closeWait: [{ pid: 4242, comm: 'python3', count, oldestAgeS: 0, growthPerMin: 0 }],
    });
    const e = new AlertEngine(settings());
    run(e, 0, { owners: owners(12) });
    assert.equal(run(e, 119, { owners: owners(13) }).active.length, 0);
    assert.equal(run(e, 100, { owners: owners(13) }).active.length, 0);
    const fell = new AlertEngine(settings());
    run(fell, 0, { owners: owners(20) });
    run(fell, 60, { owners: owners(19) }); // falling: the clock restarts
    assert.equal(run(fell, 120, { owners: owners(19) }).active.length, 0);
    const r = run(fell, 180, { owners: owners(19) });
    assert.deepEqual(r.events.map((x) => [x.kind, x.alert.rule, x.alert.subject]), [['raised', 'close_wait_leak', 'python3 (pid 4242)']]);
    // 9 sockets is below the threshold
    const nine = new AlertEngine(settings());
    run(nine, 0, { owners: owners(9) });
    assert.equal(run(nine, 500, { owners: owners(9) }).active.length, 0);
  });

  it('TIME_WAIT overflow and buckets', () => {
    const e = new AlertEngine(settings({ clearAfterS: 0 }));
    const base = snapshotAt(T0);
    const counters = (rate: number) => ({ totals: {}, rates: { 'TcpExt.TCPTimeWaitOverflow': rate }, currEstab: null });
    assert.deepEqual(run(e, 0, { counters: counters(2) }).events.map((x) => x.alert.rule), ['tw_overflow']);
    assert.deepEqual(run(e, 1, { counters: counters(0) }).events.map((x) => x.kind), ['cleared']);
    const sysctls = { ...base.sysctls, 'net.ipv4.tcp_max_tw_buckets': { available: true as const, raw: '1000', scope: 'netns' as const } };
    const sock = (tw: number) => ({ inuse4: 0, inuse6: 0, orphan: 0, tw, alloc: 0, memPages: 0, socketsUsed: null });
    const b = new AlertEngine(settings({ clearAfterS: 0 }));
    run(b, 0, { sysctls, sockstat: sock(799) });
    assert.equal(run(b, 10, { sysctls, sockstat: sock(799) }).active.length, 0, '79.9 % is below 80 %');
    run(b, 11, { sysctls, sockstat: sock(800) });
    assert.equal(run(b, 16, { sysctls, sockstat: sock(800) }).active[0]?.rule, 'tw_buckets');
    assert.equal(run(b, 17, { sysctls, sockstat: sock(700) }).active.length, 1, 'stays down to 70 %');
    assert.equal(run(b, 18, { sysctls, sockstat: sock(699) }).active.length, 0);
  });

  it('disabled: nothing raised, and what was active clears with an event', () => {
    const e = new AlertEngine(settings());
    run(e, 0, { portBudgets: [held(1000)] });
    e.setSettings(settings({ enabled: false }));
    const r = run(e, 1, { portBudgets: [held(1000)] });
    assert.deepEqual(r.events.map((x) => x.kind), ['cleared']);
    assert.equal(run(e, 2, { portBudgets: [held(1000)] }).active.length, 0);
  });
});

describe('alert settings validation', () => {
  it('accepts each limit and refuses one step past it, with a specific message', () => {
    assert.deepEqual(validateAlertSettings({ budgetWarnPercent: 100, budgetCriticalPercent: 100 }), {
      ok: true,
      settings: { ...DEFAULT_ALERT_SETTINGS, budgetWarnPercent: 100, budgetCriticalPercent: 100 },
    });
    const r = validateAlertSettings({ budgetWarnPercent: 101 });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map(({ field, message }) => ({ field, message })), [{ field: 'budgetWarnPercent', message: 'Budget warning must be from 1 to 100 %; got 101' }]);
    assert.equal(validateAlertSettings({ clearAfterS: 0 }).ok, true);
    assert.equal(validateAlertSettings({ clearAfterS: -1 }).ok, false);
    assert.equal(validateAlertSettings({ clearAfterS: 1.5 }).ok, false);
    assert.equal(validateAlertSettings({ repeatMinutes: 1440 }).ok, true);
    assert.equal(validateAlertSettings({ repeatMinutes: 1441 }).ok, false);
  });

  it('refuses wrong types, unknown fields, and thresholds that could never clear', () => {
    const msgs = (x: unknown) => {
      const r = validateAlertSettings(x);
      return r.ok ? [] : r.errors.map((e) => e.message);
    };
    assert.deepEqual(msgs({ enabled: 'yes' }), ['enabled must be true or false']);
    assert.deepEqual(msgs({ forecastMinutes: '5' }), ['Forecast horizon must be a number (1–1440 min)']);
    assert.deepEqual(msgs({ forecastMinutes: Number.NaN }), ['Forecast horizon must be a number (1–1440 min)']);
    assert.deepEqual(msgs({ __proto__: 1, nope: 1 }), ['unknown setting "nope"']);
    assert.deepEqual(msgs({ budgetClearPercent: 70 }), [
      'Budget clears below (70 %) must be below budget warning (70 %), or an alert could never clear',
    ]);
    assert.deepEqual(msgs({ budgetCriticalPercent: 60 }), ['Budget critical (60 %) must not be below budget warning (70 %)']);
    assert.deepEqual(msgs([]), ['alert settings must be an object']);
    assert.deepEqual(msgs(null), ['alert settings must be an object']);
  });
});
