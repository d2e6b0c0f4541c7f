// Port exhaustion, end to end on the real kernel: a real HTTP server and a client that closes first,
// in private network namespaces with ip_local_port_range narrowed to 1,000 ports and tcp_tw_reuse=0.
// Before, during and after exhaustion, the collector's verdicts, times and counts are checked
// against what the client itself saw (its own timestamps of the first and last EADDRNOTAVAIL, and
// probe connects after its flow) and against `ss`. Alerts ride on the same snapshots.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, AlertEvent } from '../../shared/alerts';
import type { PortBudget, Snapshot } from '../../shared/snapshot';
import { createNetns, requireRoot, type Netns } from './netns';
import { LineReader } from './lines';

const CHURN = 'test/kernel/churn.mjs';
const PROBE = 'test/kernel/collector-probe.ts';
const PORT = 8080;
const RANGE = '40000 40999';

interface Probe {
  at: number;
  outcome: string;
}
interface ChurnResult {
  startedAt: number;
  endedAt: number;
  ok: number;
  eaddrnotavail: number;
  otherErrors: Record<string, number>;
  firstFail: number | null;
  lastFail: number | null;
  probes: Probe[];
}

interface Scenario {
  ns: Netns;
  churn: LineReader;
  probe: LineReader;
  snaps: Snapshot[];
  events: AlertEvent[];
  result: ChurnResult | null;
}

async function scenario(prefix: string, churnSpec: object, alerts: object): Promise<Scenario> {
  const ns = await createNetns(prefix);
  await ns.sysctl('net.ipv4.ip_local_port_range', RANGE);
  await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
  const churn = new LineReader(ns.spawn(process.execPath, [CHURN, JSON.stringify({ port: PORT, ...churnSpec })]));
  await churn.expect('READY');
  const probe = new LineReader(ns.spawn(process.execPath, ['--import', 'tsx', PROBE, 'auto', JSON.stringify(alerts)]));
  await probe.expect('READY');
  return { ns, churn, probe, snaps: [], events: [], result: null };
}

async function tick(s: Scenario): Promise<Snapshot> {
  s.probe.send('tick');
  const snap = JSON.parse(await s.probe.next()) as Snapshot;
  s.snaps.push(snap);
  s.events.push(...(snap.alerts?.events ?? []));
  return snap;
}

const toServer = (s: Snapshot): PortBudget | undefined =>
  s.portBudgets.find((b) => b.remoteAddr === '127.0.0.1' && b.remotePort === PORT);

/** sockets holding an ephemeral port toward the server, as ss counts them */
async function ssHeld(ns: Netns): Promise<number> {
  const r = await ns.exec('ss', ['-tanH', 'dst', `127.0.0.1:${PORT}`]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rel = (r: ChurnResult, t: number) => `+${((t - r.startedAt) / 1000).toFixed(1)} s`;
const describeSnap = (r: ChurnResult, s: Snapshot) => {
  const b = toServer(s);
  return `${rel(r, s.time)}: ${b ? `${b.verdict} ${b.blocking}/${b.usable} tte=${b.secondsToExhaustion} rate=${b.closeRatePerS.toFixed(1)} basis=${b.forecastBasisS.toFixed(1)}` : 'no budget'}`;
};

describe('port exhaustion on the real kernel (private network namespaces, 1,000 ports, tcp_tw_reuse=0)', { concurrency: false }, () => {
  let fast: Scenario | null = null; // 50/s for 30 s: out at +20 s, until the first TIME_WAIT expires at +60 s
  let slow: Scenario | null = null; // 20/s until it fails at +50 s
  const plateau: { at: number; ss: number; snap: Snapshot }[] = [];

  before(async () => {
    if (process.getuid?.() !== 0) return;
    fast = await scenario('wl-exh50', { rate: 50, durationS: 30, probeEveryMs: 1000, probeUntilS: 70 }, { clearAfterS: 3 });
    slow = await scenario('wl-exh20', { rate: 20, durationS: 53 }, {});
    // both flows start together; both collectors tick once a second for 70 s
    fast.churn.send('go');
    slow.churn.send('go');
    const t0 = Date.now();
    for (let i = 1; Date.now() - t0 < 70_000; i++) {
      await sleep(Math.max(0, t0 + i * 1000 - Date.now()));
      const snap = await tick(fast);
      const elapsed = Date.now() - t0;
      // while the destination is out (+21 s … +58 s) the held count is still: compare with ss exactly
      if (elapsed > 22_000 && elapsed < 58_000 && i % 5 === 0) plateau.push({ at: elapsed, ss: await ssHeld(fast.ns), snap });
      if (Date.now() - t0 < 56_000) await tick(slow);
    }
    fast.result = JSON.parse(await fast.churn.expect('RESULT', 20_000));
    slow.result = JSON.parse(await slow.churn.expect('RESULT', 20_000));
  });

  after(async () => {
    await fast?.ns.close();
    await slow?.ns.close();
  });

  it('the client really ran out: 1,000 connections, then EADDRNOTAVAIL from about +20 s', (t) => {
    if (!requireRoot(t)) return;
    const r = fast!.result!;
    assert.equal(r.ok, 1000, JSON.stringify(r));
    assert.ok(r.firstFail !== null && r.lastFail !== null);
    const first = (r.firstFail - r.startedAt) / 1000;
    assert.ok(first > 18 && first < 22.5, `first EADDRNOTAVAIL at +${first} s`);
    assert.deepEqual(r.otherErrors, {});
  });

  it('forecast made 5 s into the flow is within 20 % of the real first EADDRNOTAVAIL (50/s)', (t) => {
    if (!requireRoot(t)) return;
    const r = fast!.result!;
    const s5 = fast!.snaps.find((s) => s.time >= r.startedAt + 4500 && s.time <= r.startedAt + 6500);
    assert.ok(s5, 'a snapshot about 5 s in');
    const b = toServer(s5)!;
    assert.equal(b.verdict, 'will_exhaust', describeSnap(r, s5));
    const actualLeft = (r.firstFail! - s5.time) / 1000;
    assert.ok(Math.abs(b.secondsToExhaustion! - actualLeft) <= 0.2 * actualLeft, `predicted ${b.secondsToExhaustion} s, really ${actualLeft} s; ${describeSnap(r, s5)}`);
    assert.ok(b.forecastBasisS > 3 && b.forecastBasisS < 7, `based on ${b.forecastBasisS} s`);
    // and it never says fine/at risk while heading for the wall, from the third second on
    for (const s of fast!.snaps.filter((x) => x.time >= r.startedAt + 3000 && x.time <= r.firstFail! - 1500)) {
      assert.equal(toServer(s)?.verdict, 'will_exhaust', describeSnap(r, s));
    }
  });

  it('at 20/s the warning comes at least 30 s before the first EADDRNOTAVAIL', (t) => {
    if (!requireRoot(t)) return;
    const r = slow!.result!;
    assert.ok(r.firstFail !== null, `the 20/s client never failed: ${JSON.stringify(r)}`);
    const firstWarn = slow!.snaps.find((s) => toServer(s)?.verdict === 'will_exhaust');
    assert.ok(firstWarn, 'a will_exhaust verdict');
    assert.ok(r.firstFail - firstWarn.time >= 30_000, `warned at ${rel(r, firstWarn.time)}, failed at ${rel(r, r.firstFail)}`);
    const alert = slow!.events.find((e) => e.kind === 'raised' && e.alert.rule === 'port_forecast');
    assert.ok(alert, 'a port_forecast alert');
    assert.ok(r.firstFail - alert.time >= 30_000, `alert at ${rel(r, alert.time)}`);
    const s5 = slow!.snaps.find((s) => s.time >= r.startedAt + 4500)!;
    const left = (r.firstFail - s5.time) / 1000;
    assert.ok(Math.abs(toServer(s5)!.secondsToExhaustion! - left) <= 0.2 * left, describeSnap(r, s5));
  });

  it('while out: exhausted, all 1,000 held (as ss counts), when the first ports free, no "0 s" forecast', (t) => {
    if (!requireRoot(t)) return;
    const r = fast!.result!;
    const during = fast!.snaps.filter((s) => s.time >= r.firstFail! + 1000 && s.time <= r.startedAt + 58_500);
    assert.ok(during.length >= 30, `${during.length} snapshots while out`);
    for (const s of during) {
      const b = toServer(s)!;
      assert.equal(b.verdict, 'exhausted', describeSnap(r, s));
      assert.equal(b.blocking, 1000);
      assert.equal(b.usable, 1000);
      assert.equal(b.secondsToExhaustion, null);
      // the first TIME_WAIT entries were made at about +0 s: they free at about +60 s
      const expect = (r.startedAt + 60_000 - s.time) / 1000;
      assert.ok(b.firstFreeS !== null && Math.abs(b.firstFreeS - expect) < 1.5, `first free in ${b.firstFreeS} s, expected ≈ ${expect}`);
      assert.ok(b.exhaustedSince !== null && b.exhaustedSince <= r.firstFail! + 1500 && b.exhaustedSince >= r.firstFail! - 1500);
    }
    assert.ok(plateau.length >= 3);
    for (const p of plateau) assert.equal(toServer(p.snap)!.inUse, p.ss, `collector vs ss at +${p.at / 1000} s`);
    // about 50 per second free within 10 s of the moment they free: ≈ 500 once within 10 s of +60 s
    const near = during.find((s) => s.time >= r.startedAt + 52_000);
    if (near) {
      const b = toServer(near)!;
      const expected = Math.max(0, Math.min(1000, (near.time + 10_000 - (r.startedAt + 60_000)) * 0.05));
      assert.ok(Math.abs(b.freedWithin10s - expected) <= 60, `freed within 10 s ${b.freedWithin10s}, expected ≈ ${expected}`);
    }
  });

  it('recovery is reported when ports really free, as the client\'s probe connects found', (t) => {
    if (!requireRoot(t)) return;
    const r = fast!.result!;
    const probes = r.probes;
    assert.ok(probes.length >= 30, `${probes.length} probes`);
    const firstOk = probes.find((p) => p.outcome === 'ok');
    assert.ok(firstOk, 'a probe connect succeeded after the TIME_WAIT entries expired');
    assert.ok(firstOk.at > r.startedAt + 58_000, `first probe success at ${rel(r, firstOk.at)}`);
    // probes whose neighbours agree are unambiguous; the nearest snapshot agrees with them
    for (let i = 1; i < probes.length - 1; i++) {
      const p = probes[i];
      if (probes[i - 1].outcome !== p.outcome || probes[i + 1].outcome !== p.outcome) continue;
      const s = fast!.snaps.reduce((a, b) => (Math.abs(b.time - p.at) < Math.abs(a.time - p.at) ? b : a));
      if (Math.abs(s.time - p.at) > 700) continue;
      const v = toServer(s)?.verdict;
      if (p.outcome === 'EADDRNOTAVAIL') assert.equal(v, 'exhausted', `probe failed at ${rel(r, p.at)}; ${describeSnap(r, s)}`);
      else assert.notEqual(v, 'exhausted', `probe succeeded at ${rel(r, p.at)}; ${describeSnap(r, s)}`);
    }
  });

  it('alerts: exhaustion raised when it happened and cleared after recovery; the forecast warned first', (t) => {
    if (!requireRoot(t)) return;
    const r = fast!.result!;
    const raised = fast!.events.find((e) => e.kind === 'raised' && e.alert.rule === 'port_exhausted');
    assert.ok(raised, 'port_exhausted raised');
    assert.ok(Math.abs(raised.time - r.firstFail!) <= 1500, `raised at ${rel(r, raised.time)}, first failure ${rel(r, r.firstFail!)}`);
    assert.match(raised.alert.message, /^Exhausted: all 1,000 ports held; new connections to 127\.0\.0\.1:8080 fail with EADDRNOTAVAIL/);
    assert.equal(raised.alert.severity, 'critical');
    const forecast = fast!.events.find((e) => e.kind === 'raised' && e.alert.rule === 'port_forecast');
    assert.ok(forecast && forecast.time < raised.time - 10_000, 'the forecast alert came well before');
    const cleared = fast!.events.find((e) => e.kind === 'cleared' && e.alert.rule === 'port_exhausted');
    const firstOk = r.probes.find((p) => p.outcome === 'ok')!;
    assert.ok(cleared, 'port_exhausted cleared after recovery');
    // the alert follows the verdict: it clears clearAfterS (3 s) after the first snapshot that is no
    // longer exhausted, at the first tick at or past that moment
    const lastOut = fast!.snaps.filter((s) => s.time < cleared.time && toServer(s)?.verdict === 'exhausted').at(-1)!;
    const goneAt = fast!.snaps.find((s) => s.time > lastOut.time)!;
    const held = cleared.time - goneAt.time;
    assert.ok(held >= 3000 && held <= 3000 + 2000, `cleared ${held} ms after the verdict lifted at ${rel(r, goneAt.time)}`);
    // and the verdict lifted when ports really freed: not before the first successful probe (less one
    // tick), and no later than one coarse timer-wheel slot after it (entries that far out expire in
    // batches up to ≈4 s apart, docs/exhaustion.md), plus a tick
    assert.ok(
      goneAt.time >= firstOk.at - 1000 && goneAt.time <= firstOk.at + 4100 + 1500,
      `verdict lifted at ${rel(r, goneAt.time)}, first success ${rel(r, firstOk.at)}; ${describeSnap(r, goneAt)}`,
    );
    // no flapping: raised once, cleared once
    assert.equal(fast!.events.filter((e) => e.alert.rule === 'port_exhausted').length, 2);
    const active = (s: Snapshot): Alert[] => s.alerts?.active ?? [];
    const mid = fast!.snaps.find((s) => s.time >= r.startedAt + 40_000)!;
    assert.ok(active(mid).some((a) => a.rule === 'port_exhausted'));
  });
});
