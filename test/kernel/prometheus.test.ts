// A real Prometheus server (Debian's `prometheus`) scraping a real `waitline serve`, both inside a
// private network namespace with known sockets in it. What Prometheus stored is read back through its
// HTTP API (/api/v1/query) and compared with `ss` and with the sockets the factory made; scrapes
// without the token, or with a wrong one, leave the target down. Every HTTP request of the test goes
// through one kept-alive connection (http-relay.mjs), so the test does not add TIME_WAIT entries to
// the table it checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNetns, IN_CI, requireRoot, ssStateCounts, type Netns } from './netns';
import { LineReader } from './lines';

const CLI = resolve('bin/waitline.mjs');
const FACTORY = resolve('test/kernel/socket-factory.mjs');
const RELAY = resolve('test/kernel/http-relay.mjs');
const RULES = resolve('deploy/prometheus/waitline-rules.yml');
const SERVE_PORT = 7781;
const PROM = '127.0.0.1:9090';

interface Reply {
  status: number;
  body: string;
}
interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Whether Prometheus is here: CI must have it (fail loudly); a developer's machine may skip. */
function havePrometheus(): boolean {
  const ok = spawnSync('prometheus', ['--version']).status === 0 && spawnSync('promtool', ['--version']).status === 0;
  if (!ok && IN_CI) throw new Error('CI: prometheus/promtool are missing (apt-get install prometheus)');
  if (!ok) console.log('# skipped: Prometheus is not installed (apt-get install prometheus)');
  return ok;
}

describe('a real Prometheus scrapes waitline serve (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let dir = '';
  let relay: LineReader | null = null;
  let factoryPort = 0;
  let factoryPid = 0;
  let ready = false;
  const metricsToken = randomBytes(24).toString('hex');
  const dashboardToken = randomBytes(24).toString('hex');
  let queue: Promise<unknown> = Promise.resolve();

  /** One request at a time through the relay (its replies come back in order). */
  function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
    const r = queue.then(async () => {
      relay!.send(JSON.stringify({ url, headers }));
      return JSON.parse(await relay!.expect('REPLY', 20_000)) as Reply;
    });
    queue = r.catch(() => undefined);
    return r;
  }

  async function query(q: string): Promise<VectorSample[]> {
    const r = await get(`http://${PROM}/api/v1/query?query=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body) as { status: string; data: { resultType: string; result: VectorSample[] } };
    assert.equal(body.status, 'success');
    return body.data.result;
  }
  const value = async (q: string): Promise<number | null> => {
    const v = await query(q);
    assert.ok(v.length <= 1, `${q}: ${v.length} series`);
    return v.length === 1 ? Number(v[0].value[1]) : null;
  };

  before(async () => {
    if (process.getuid?.() !== 0 || !havePrometheus()) return;
    dir = mkdtempSync(join(tmpdir(), 'wl-prom-'));
    chmodSync(dir, 0o755);
    const file = (name: string, text: string, mode = 0o600) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      chmodSync(p, mode);
      return p;
    };
    const mtok = file('metrics-token', `${metricsToken}\n`);
    const dtok = file('dashboard-token', `${dashboardToken}\n`);
    const wrong = file('wrong-token', `${randomBytes(24).toString('hex')}\n`);
    ns = await createNetns('wl-prom');
    // without tcp_tw_reuse (default 2 = loopback), every TIME_WAIT entry blocks its port
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');

    // known sockets toward one server: 3 ESTABLISHED pairs, 2 half-closed (FIN_WAIT2 / CLOSE_WAIT),
    // 25 client-side TIME_WAIT — made before anything else runs, so nothing else changes them
    const factory = new LineReader(ns.spawn(process.execPath, [FACTORY, JSON.stringify({ groups: [{ host: '127.0.0.1', established: 3, halfClosed: 2, timeWait: 25 }] })]));
    const made = JSON.parse(await factory.expect('READY')) as { pid: number; groups: { port: number }[] };
    factoryPort = made.groups[0].port;
    factoryPid = made.pid;

    const serve = new LineReader(
      ns.spawn(process.execPath, [CLI, 'serve', '--port', String(SERVE_PORT), '--no-history', '--token-file', dtok, '--metrics-token-file', mtok, '--alert-settings', join(dir, 'alerts.json')]),
    );
    await serve.until(/^Stop with/, 30_000);

    const job = (name: string, credentials: string | null) =>
      [
        `  - job_name: ${name}`,
        ...(credentials ? ['    authorization:', '      type: Bearer', `      credentials_file: ${credentials}`] : []),
        '    static_configs:',
        `      - targets: ['127.0.0.1:${SERVE_PORT}']`,
      ].join('\n');
    const config = file(
      'prometheus.yml',
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        ...(existsSync(RULES) ? ['rule_files:', `  - ${RULES}`] : []),
        'scrape_configs:',
        job('waitline', mtok),
        job('waitline-dashboard-token', dtok),
        job('waitline-no-token', null),
        job('waitline-wrong-token', wrong),
        '',
      ].join('\n'),
      0o644,
    );
    ns.spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${PROM}`, '--log.level=warn']);
    relay = new LineReader(ns.spawn(process.execPath, [RELAY]));
    await relay.expect('READY');

    // until Prometheus answers and has scraped every job at least once
    const deadline = Date.now() + 45_000;
    for (;;) {
      const r = await get(`http://${PROM}/-/ready`);
      if (r.status === 200) {
        const up = await query('up');
        if (up.length === 4 && (await value('count(waitline_tcp_sockets{job="waitline"})')) === 26) break;
      }
      if (Date.now() > deadline) throw new Error(`Prometheus did not scrape in 45 s (last: ${r.status} ${r.body.slice(0, 200)})`);
      await new Promise((res) => setTimeout(res, 500));
    }
    ready = true;
  });

  after(async () => {
    await ns?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the target is up with the metrics token or the dashboard token, down without one or with a wrong one (401)', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    const up = Object.fromEntries((await query('up')).map((s) => [s.metric.job, Number(s.value[1])]));
    assert.deepEqual(up, { waitline: 1, 'waitline-dashboard-token': 1, 'waitline-no-token': 0, 'waitline-wrong-token': 0 });
    const targets = JSON.parse((await get(`http://${PROM}/api/v1/targets`)).body) as { data: { activeTargets: { labels: { job: string }; lastError: string }[] } };
    for (const tg of targets.data.activeTargets) {
      if (tg.labels.job === 'waitline-no-token' || tg.labels.job === 'waitline-wrong-token') assert.match(tg.lastError, /401/, tg.labels.job);
      else assert.equal(tg.lastError, '', tg.labels.job);
    }
  });

  it('waitline_tcp_sockets in Prometheus equals ss, state by state', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    const ss = await ssStateCounts(ns!);
    assert.equal(ss.TIME_WAIT, 25, 'the factory made 25 TIME_WAIT entries');
    for (const [state, ssName] of [
      ['time_wait', 'TIME_WAIT'],
      ['close_wait', 'CLOSE_WAIT'],
      ['fin_wait2', 'FIN_WAIT2'],
      ['listen', 'LISTEN'],
    ] as const) {
      const v = await value(`sum(waitline_tcp_sockets{job="waitline",state="${state}"})`);
      assert.equal(v, ss[ssName], `${state}: Prometheus ${v}, ss ${ss[ssName]}`);
    }
    // the expiry distribution counts the same entries
    assert.equal(await value('waitline_tcp_timewait_expiring_sockets{job="waitline",within_seconds="+Inf"}'), ss.TIME_WAIT);
  });

  it('the destination holds the ports the factory made: 25 in TIME_WAIT, 5 open, 30 blocking, fine', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    const dst = `127.0.0.1:${factoryPort}`;
    const ssDst = await ns!.exec('ss', ['-tanH', 'dst', dst]);
    const ssHeld = ssDst.stdout.split('\n').filter((l) => l.trim()).length;
    const held = Object.fromEntries(
      (await query(`waitline_destination_ports_held{job="waitline",dst="${dst}"}`)).map((s) => [s.metric.state_group, Number(s.value[1])]),
    );
    assert.deepEqual(held, { time_wait: 25, open: 5 });
    assert.equal(held.time_wait + held.open, ssHeld, `ss counts ${ssHeld} sockets toward ${dst}`);
    assert.equal(await value(`waitline_destination_ports_blocking{job="waitline",dst="${dst}"}`), 30);
    const usable = await value('waitline_ephemeral_ports_usable{job="waitline"}');
    assert.ok(usable !== null && usable > 1000);
    assert.ok(Math.abs((await value(`waitline_destination_budget_ratio{job="waitline",dst="${dst}"}`))! - 30 / usable) < 1e-9);
    assert.equal(await value(`waitline_destination_verdict{job="waitline",dst="${dst}",verdict="fine"}`), 1);
    assert.equal(await value(`waitline_destination_exhaustion_seconds{job="waitline",dst="${dst}"}`), null);
    // the counters arrive as counters: TcpExt.TW counted the 25 TIME_WAIT entries (and nothing else
    // in this fresh namespace closed first)
    assert.equal(await value('waitline_tcp_timewait_total{job="waitline"}'), 25);
  });

  it('the CLOSE_WAIT holder is named per process: the factory holds its 2 half-closed server sockets', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    const cw = await query(`waitline_close_wait_sockets{job="waitline"}`);
    const mine = cw.filter((s) => s.metric.pid === String(factoryPid));
    assert.equal(mine.length, 1, JSON.stringify(cw.map((s) => s.metric)));
    assert.equal(Number(mine[0].value[1]), 2);
    assert.equal(mine[0].metric.comm, 'node');
    assert.equal(
      cw.reduce((a, s) => a + Number(s.value[1]), 0),
      (await ssStateCounts(ns!)).CLOSE_WAIT,
      'every CLOSE_WAIT socket is in one series',
    );
  });

  it('the exposition passes promtool check metrics', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    const r = await get(`http://127.0.0.1:${SERVE_PORT}/metrics`, { Authorization: `Bearer ${metricsToken}` });
    assert.equal(r.status, 200);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: r.body, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal((check.stdout + check.stderr).trim(), '');
  });

  it('the shipped alerting rules load into the real server', async (t) => {
    if (!requireRoot(t, 'the Prometheus test') || !ready) return;
    assert.ok(existsSync(RULES), `${RULES} exists`);
    const rules = JSON.parse((await get(`http://${PROM}/api/v1/rules`)).body) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const all = rules.data.groups.flatMap((g) => g.rules);
    assert.ok(all.length >= 6, `${all.length} rules loaded`);
    for (const r of all) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError ?? ''}`);
  });
});
