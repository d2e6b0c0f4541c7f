// The Prometheus exposition (electron/serve/metrics.ts) from real Collector snapshots of synthetic
// socket tables whose counts the test knows: bounded cardinality (10,000 destinations → K + 1 series),
// nothing lost in the "other" sums, both formats, and `promtool check metrics` on the output. The
// end-to-end test against a real Prometheus server is test/kernel/prometheus.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Collector } from '../../../../electron/collector/index';
import { SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import type { SocketSource } from '../../../../electron/collector/types';
import { MetricsExporter, metricsFormat } from '../../../../electron/serve/metrics';
import type { Snapshot } from '../../../../shared/snapshot';
import { parseExposition, type Sample } from './exposition';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const sum = (xs: Sample[]) => xs.reduce((a, s) => a + s.value, 0);

const [LOW, HIGH] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

interface Dest {
  remote: string;
  port: number;
  timeWait: number;
  established: number;
}

/** A Collector reading a synthetic table (and this machine's real /proc for everything else). */
function collectorOver(dests: Dest[], listLimit?: number): Collector {
  const source: SocketSource = {
    name: 'netlink',
    async read() {
      const b = new SocketTableBuilder(1024);
      for (const d of dests) {
        let lp = LOW;
        for (let i = 0; i < d.timeWait; i++) {
          b.push({ family: 4, state: 6, localAddr: '10.0.0.1', localPort: lp++, remoteAddr: d.remote, remotePort: d.port, txQueue: 0, rxQueue: 0, timer: 3, timerLeftMs: 30_000, retransmits: 0, uid: 0, inode: 0 });
        }
        for (let i = 0; i < d.established; i++) {
          b.push({ family: 4, state: 1, localAddr: '10.0.0.1', localPort: lp++, remoteAddr: d.remote, remotePort: d.port, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode: 1000 + lp });
        }
        assert.ok(lp <= HIGH, 'the synthetic destinations fit the port range');
      }
      return { table: b.finish(), source: 'netlink', skipped: {}, unknownStates: 0, peerClosed: null };
    },
  };
  return new Collector({ socketSource: source, listLimit });
}

function manyDestinations(n: number): Dest[] {
  const out: Dest[] = [];
  // three heavy ones that must rank first, then n − 3 with 1–3 TIME_WAIT entries each
  out.push({ remote: '192.0.2.1', port: 443, timeWait: 900, established: 40 });
  out.push({ remote: '192.0.2.2', port: 5432, timeWait: 700, established: 0 });
  out.push({ remote: '192.0.2.3', port: 80, timeWait: 500, established: 5 });
  for (let i = 3; i < n; i++) out.push({ remote: `10.${(i >> 8) & 255}.${i & 255}.9`, port: 8000 + (i % 7), timeWait: 1 + (i % 3), established: i % 5 === 0 ? 1 : 0 });
  return out;
}

async function render(c: Collector, topK: number, format: 'prometheus' | 'openmetrics' = 'prometheus'): Promise<{ snap: Snapshot; text: string; samples: Sample[] }> {
  const snap = await c.tick();
  const m = new MetricsExporter({ topK, version: '1.2.3' });
  m.update(snap, { failures: 0 });
  const r = await m.render(format);
  return { snap, text: r.body, samples: parseExposition(r.body) };
}

describe('Prometheus metrics: bounded cardinality and nothing lost', () => {
  const dests = manyDestinations(10_000);
  const totalHeld = dests.reduce((a, d) => a + d.timeWait + d.established, 0);
  const totalTw = dests.reduce((a, d) => a + d.timeWait, 0);

  for (const k of [20, 1, 200]) {
    it(`10,000 destinations with --metrics-top ${k}: ${k} + 1 series per metric, sums equal the table`, async () => {
      const { samples } = await render(collectorOver(dests, Math.max(10, k)), k);
      const held = samples.filter((s) => s.name === 'waitline_destination_ports_held');
      const pairs = new Set(held.map((s) => `${s.labels.src} ${s.labels.dst}`));
      assert.equal(pairs.size, k + 1, `${pairs.size} destination series`);
      assert.ok(pairs.has('other other'));
      for (const name of ['waitline_destination_ports_blocking', 'waitline_destination_close_rate']) {
        assert.equal(samples.filter((s) => s.name === name).length, k + 1, name);
      }
      assert.equal(samples.filter((s) => s.name === 'waitline_destination_verdict').length, (k + 1) * 4);
      // "other" has no budget ratio: a sum across destinations is not a budget
      assert.equal(samples.filter((s) => s.name === 'waitline_destination_budget_ratio').length, k);
      // conservation: every held port is in exactly one series
      assert.equal(sum(held), totalHeld);
      assert.equal(sum(held.filter((s) => s.labels.state_group === 'time_wait')), totalTw);
      const one = (name: string) => samples.find((s) => s.name === name)!.value;
      assert.equal(one('waitline_destinations'), 10_000);
      assert.equal(one('waitline_destinations_truncated'), 10_000 - k);
      assert.equal(sum(samples.filter((s) => s.name === 'waitline_destination_verdict')), 10_000, 'verdict counts add up to the destinations');
      // the heaviest destination always has its own series, with its own counts
      const top = held.filter((s) => s.labels.dst === '192.0.2.1:443');
      assert.deepEqual(
        Object.fromEntries(top.map((s) => [s.labels.state_group, s.value])),
        { open: 40, time_wait: 900 },
      );
      if (k >= 3) {
        assert.ok(pairs.has('10.0.0.1 192.0.2.2:5432') && pairs.has('10.0.0.1 192.0.2.3:80'), [...pairs].slice(0, 5).join(', '));
      }
    });
  }

  it('states per family match the table, every state present with 0, and the TIME_WAIT expiry is cumulative', async () => {
    const few: Dest[] = [{ remote: '192.0.2.1', port: 443, timeWait: 7, established: 3 }];
    const { samples } = await render(collectorOver(few), 20);
    const st = (state: string, family: string) => samples.find((s) => s.name === 'waitline_tcp_sockets' && s.labels.state === state && s.labels.family === family)?.value;
    assert.equal(st('time_wait', 'ipv4'), 7);
    assert.equal(st('established', 'ipv4'), 3);
    assert.equal(st('close_wait', 'ipv4'), 0);
    assert.equal(st('time_wait', 'ipv6'), 0);
    assert.equal(samples.filter((s) => s.name === 'waitline_tcp_sockets').length, 13 * 2);
    const exp = samples.filter((s) => s.name === 'waitline_tcp_timewait_expiring_sockets');
    // all 7 have 30 s left: none within 25 s, all within 30 s
    const within = (w: string) => exp.find((s) => s.labels.within_seconds === w)?.value;
    assert.equal(within('25'), 0);
    assert.equal(within('30'), 7);
    assert.equal(within('55'), 7);
    assert.equal(within('+Inf'), 7);
    for (let i = 1; i < exp.length; i++) assert.ok(exp[i].value >= exp[i - 1].value, 'cumulative');
  });

  it('a forecast is exported only while there is one; an exhausted destination has none and verdict 1 on exhausted', async () => {
    const { snap } = await render(collectorOver([{ remote: '192.0.2.1', port: 443, timeWait: 3, established: 0 }]), 20);
    const b = snap.portBudgets[0];
    const m = new MetricsExporter({ topK: 20, version: 'x' });
    const scrape = async (over: Partial<typeof b>) => {
      m.update({ ...snap, portBudgets: [{ ...b, ...over }] }, { failures: 0 });
      return parseExposition((await m.render('prometheus')).body);
    };
    let s = await scrape({ verdict: 'will_exhaust', secondsToExhaustion: 42.5 });
    assert.equal(s.find((x) => x.name === 'waitline_destination_exhaustion_seconds')?.value, 42.5);
    s = await scrape({ verdict: 'exhausted', secondsToExhaustion: null });
    assert.equal(s.find((x) => x.name === 'waitline_destination_exhaustion_seconds'), undefined);
    const v = s.filter((x) => x.name === 'waitline_destination_verdict' && x.labels.dst === '192.0.2.1:443');
    assert.deepEqual(Object.fromEntries(v.map((x) => [x.labels.verdict, x.value])), { fine: 0, at_risk: 0, will_exhaust: 0, exhausted: 1 });
    // a fresh render after each update, not the cached text
    s = await scrape({ verdict: 'fine', secondsToExhaustion: null });
    assert.equal(s.find((x) => x.name === 'waitline_destination_verdict' && x.labels.verdict === 'fine')?.value, 1);
  });

  it('counters are the kernel totals, named _total in both formats; OpenMetrics ends with # EOF', async () => {
    const c = collectorOver([{ remote: '192.0.2.1', port: 443, timeWait: 1, established: 0 }]);
    const prom = await render(c, 20, 'prometheus');
    const om = await render(c, 20, 'openmetrics');
    const tw = prom.snap.counters?.totals['TcpExt.TW'];
    assert.ok(tw !== undefined, 'this kernel has TcpExt.TW');
    assert.equal(prom.samples.find((s) => s.name === 'waitline_tcp_timewait_total')?.value, tw);
    assert.match(prom.text, /^# TYPE waitline_tcp_timewait_total counter$/m);
    assert.match(om.text, /^# TYPE waitline_tcp_timewait counter$/m);
    assert.match(om.text, /^waitline_tcp_timewait_total \d+$/m);
    assert.ok(om.text.endsWith('# EOF\n'));
    assert.ok(!prom.text.includes('# EOF'));
    // no default process metrics in the private registry
    assert.ok(!/^process_|^nodejs_/m.test(prom.text));
  });

  it('promtool check metrics finds nothing to complain about', async (t) => {
    const have = spawnSync('promtool', ['--version']).status === 0;
    if (!have) {
      if (IN_CI) throw new Error('CI: promtool (Debian package prometheus) is missing');
      console.log('# skipped: promtool is not installed (apt-get install prometheus)');
      return t.skip('promtool missing');
    }
    const { text } = await render(collectorOver(manyDestinations(50)), 20);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal((r.stdout + r.stderr).trim(), '', 'no lint warnings');
  });
});

describe('metricsFormat: what the scraper asked for', () => {
  it('OpenMetrics when Accept lists it (as Prometheus does), the text format otherwise', () => {
    const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    assert.equal(metricsFormat(prometheus), 'openmetrics');
    assert.equal(metricsFormat(undefined), 'prometheus');
    assert.equal(metricsFormat('text/plain'), 'prometheus');
    assert.equal(metricsFormat('*/*'), 'prometheus');
    assert.equal(metricsFormat('application/openmetrics-text; q=0, text/plain'), 'prometheus');
    assert.equal(metricsFormat('Application/OpenMetrics-Text'), 'openmetrics');
  });
});

describe('absent, never a made-up 0', () => {
  it('a kernel counter or gauge missing from the snapshot is absent from the exposition, in both formats, and comes back with a value', async () => {
    const c = new Collector({ socketSource: { name: 'netlink', read: async () => ({ table: new SocketTableBuilder(1).finish(), source: 'netlink', skipped: {}, unknownStates: 0 }) } });
    const snap = await c.tick();
    assert.ok(snap.counters?.totals['TcpExt.TCPTimeWaitOverflow'] !== undefined && snap.sockstat, 'this kernel has them');
    const m = new MetricsExporter({ topK: 20, version: 'x' });
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const totals = { ...snap.counters!.totals };
      delete totals['TcpExt.TCPTimeWaitOverflow'];
      m.update({ ...snap, counters: { ...snap.counters!, totals }, sockstat: null }, { failures: 0 });
      let text = (await m.render(format)).body;
      assert.doesNotMatch(text, /^waitline_tcp_timewait_overflow_total /m, format);
      assert.doesNotMatch(text, /^waitline_sockstat_tcp_tw /m, format);
      assert.match(text, /^waitline_tcp_timewait_total \d+$/m, 'the others stay');
      // and back once the snapshot has them again, with their values
      m.update(snap, { failures: 0 });
      text = (await m.render(format)).body;
      assert.match(text, new RegExp(`^waitline_tcp_timewait_overflow_total ${snap.counters!.totals['TcpExt.TCPTimeWaitOverflow']}$`, 'm'), format);
      assert.match(text, new RegExp(`^waitline_sockstat_tcp_tw ${snap.sockstat!.tw}$`, 'm'), format);
    }
  });
});
