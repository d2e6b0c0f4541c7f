// deploy/prometheus/: the alerting rules (promtool check + the promtool unit tests, which must bite),
// their coverage of the app's own rules, the metric names they read, and the scrape config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ALERT_RULES } from '../../../shared/alerts';
import {
  ALERTS_LABELS,
  DEPLOY,
  groupingLabels,
  literalValues,
  metricContract,
  metricNames,
  PROMETHEUS_SERIES,
  realExposition,
  requireTool,
  run,
  selectors,
  TARGET_LABELS,
} from './deploy-helpers';

const RULES = join(DEPLOY, 'prometheus/waitline-rules.yml');
const RULE_TESTS = join(DEPLOY, 'prometheus/waitline-rules.test.yml');
const SCRAPE = join(DEPLOY, 'prometheus/scrape-config.yml');

interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: AlertingRule[] }[];
}
interface RuleTestFile {
  rule_files: string[];
  tests: {
    name?: string;
    input_series: { series: string; values: string }[];
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts: { exp_labels?: Record<string, string> }[] }[];
  }[];
}

const ruleFile = yaml.load(readFileSync(RULES, 'utf8')) as RuleFile;
const rules = ruleFile.groups.flatMap((g) => g.rules);
const ruleTests = yaml.load(readFileSync(RULE_TESTS, 'utf8')) as RuleTestFile;

/** "Checking FILE\n  SUCCESS: 12 rules found" */
function rulesFound(out: string): number | null {
  const m = /SUCCESS: (\d+) rules found/.exec(out);
  return m ? Number(m[1]) : null;
}

test('promtool check rules: the rule file is valid, lint-clean, and holds every rule the YAML has', (t) => {
  const skip = requireTool('promtool', 'prometheus');
  if (skip) return t.skip(skip);
  const r = run('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', RULES]);
  console.log(r.out.trim());
  assert.equal(r.status, 0, r.out);
  // an empty or half-parsed file would pass with fewer rules
  assert.ok(ruleFile.groups.length >= 3, `rule groups: ${ruleFile.groups.length}`);
  assert.equal(rulesFound(r.out), rules.length, r.out);
  assert.ok(rules.length >= 9, `rules: ${rules.length}`);
});

test('promtool test rules: the unit tests pass', (t) => {
  const skip = requireTool('promtool', 'prometheus');
  if (skip) return t.skip(skip);
  const r = run('promtool', ['test', 'rules', RULE_TESTS]);
  console.log(r.out.trim());
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /SUCCESS/);
  assert.doesNotMatch(r.out, /FAILED/);
  assert.deepEqual(ruleTests.rule_files, ['waitline-rules.yml']);
  const cases = ruleTests.tests.flatMap((g) => g.alert_rule_test ?? []);
  console.log(`${ruleTests.tests.length} test groups, ${cases.length} alert cases`);
  assert.ok(ruleTests.tests.length >= 9 && cases.length >= 30, `${ruleTests.tests.length} groups, ${cases.length} cases`);
});

test('every alert and severity has a test case where it fires and one where it must not', () => {
  const cases = ruleTests.tests.flatMap((g) => g.alert_rule_test ?? []);
  const kinds = new Set(rules.map((r) => `${r.alert}/${r.labels?.severity}`));
  for (const kind of kinds) {
    const [alert, severity] = kind.split('/');
    const mine = cases.filter((c) => c.alertname === alert);
    const fires = mine.some((c) => c.exp_alerts.some((a) => a.exp_labels?.severity === severity));
    const silent = mine.some((c) => !c.exp_alerts.some((a) => a.exp_labels?.severity === severity));
    assert.ok(fires, `${kind}: no test case expects it to fire`);
    assert.ok(silent, `${kind}: no test case where it must not fire`);
  }
  // and no test names an alert that does not exist
  for (const c of cases) assert.ok(rules.some((r) => r.alert === c.alertname), `test of unknown alert ${c.alertname}`);
});

test('the rules mirror every rule of the app, with severities, annotations and honest kernel advice', () => {
  const mirrored = new Set(rules.map((r) => r.labels?.rule).filter(Boolean));
  assert.deepEqual([...mirrored].sort(), [...ALERT_RULES].sort());
  for (const r of rules) {
    assert.match(r.alert, /^Waitline[A-Z][A-Za-z]+$/, r.alert);
    assert.ok(['warning', 'critical'].includes(r.labels?.severity ?? ''), `${r.alert}: severity ${r.labels?.severity}`);
    assert.ok(r.annotations?.summary && r.annotations.description, `${r.alert}: summary and description`);
    if (r.labels?.rule) assert.match(`${r.annotations.summary}`, /\$labels\.instance/, `${r.alert}: summary names the instance`);
    const text = `${r.annotations.summary} ${r.annotations.description}`;
    // a mention of these knobs must be the truth about them, never advice to use them
    if (/tcp_tw_recycle/.test(text)) assert.match(text, /tcp_tw_recycle (is gone|no longer exists)[^.]*4\.12/, `${r.alert}: tcp_tw_recycle`);
    if (/tcp_fin_timeout/.test(text)) assert.match(text, /tcp_fin_timeout (does not shorten TIME_WAIT|is about FIN_WAIT2)/, `${r.alert}: tcp_fin_timeout`);
  }
  // per destination: the summaries name src and dst
  for (const r of rules.filter((x) => ['port_forecast', 'port_budget'].includes(x.labels?.rule ?? ''))) {
    assert.match(r.annotations!.summary!, /\$labels\.src[\s\S]*\$labels\.dst/, r.alert);
  }
});

test('the thresholds are the app\'s defaults (DEFAULT_ALERT_SETTINGS)', async () => {
  const { DEFAULT_ALERT_SETTINGS: d } = await import('../../../shared/alerts');
  const exprOf = (alert: string, severity: string) => rules.find((r) => r.alert === alert && r.labels?.severity === severity)!.expr;
  assert.match(exprOf('WaitlinePortsForecast', 'warning'), new RegExp(`< ${d.forecastMinutes * 60}\\b`));
  assert.match(exprOf('WaitlinePortsForecast', 'critical'), /< 60\b/);
  assert.match(exprOf('WaitlinePortBudget', 'warning'), new RegExp(`>= ${d.budgetWarnPercent / 100}\\b[\\s\\S]*>= ${d.budgetClearPercent / 100}\\b`));
  assert.match(exprOf('WaitlinePortBudget', 'critical'), new RegExp(`>= ${d.budgetCriticalPercent / 100}\\b[\\s\\S]*>= ${d.budgetWarnPercent / 100}\\b`));
  assert.match(exprOf('WaitlineCloseWaitLeak', 'warning'), new RegExp(`>= ${d.closeWaitMinCount}\\b[\\s\\S]*\\[${d.closeWaitHoldS / 60}m\\]`));
  assert.match(exprOf('WaitlineTimeWaitBuckets', 'warning'), new RegExp(`>= ${d.twBucketsPercent / 100}\\b[\\s\\S]*>= ${(d.twBucketsPercent - 10) / 100}\\b`));
  for (const r of rules.filter((x) => x.labels?.rule && x.labels.rule !== 'tw_overflow')) {
    assert.equal(r.keep_firing_for, `${d.clearAfterS / 60}m`, `${r.alert}: keep_firing_for = clearAfterS`);
  }
});

test('every ALERTS self-reference names an alert and severity of this file', () => {
  for (const r of rules) {
    for (const s of selectors(r.expr).filter((x) => x.metric === 'ALERTS')) {
      const name = s.matchers.find((m) => m.label === 'alertname' && m.op === '=')?.value;
      const severity = s.matchers.find((m) => m.label === 'severity' && m.op === '=')?.value;
      assert.equal(name, r.alert, `${r.alert}: ALERTS{alertname="${name}"} is not this alert`);
      if (severity) assert.equal(severity, r.labels?.severity, `${r.alert}: ALERTS{severity="${severity}"} in the ${r.labels?.severity} rule`);
      assert.ok(s.matchers.some((m) => m.label === 'alertstate' && m.value === 'firing'), `${r.alert}: ALERTS without alertstate="firing"`);
    }
  }
});

test('the promtool tests bite: rules with a moved threshold or a dropped clause fail them', (t) => {
  const skip = requireTool('promtool', 'prometheus');
  if (skip) return t.skip(skip);
  const original = readFileSync(RULES, 'utf8');
  const mutations: { what: string; from: string; to: string; alert: string }[] = [
    { what: 'budget critical 90 % → 95 %', from: 'waitline_destination_budget_ratio >= 0.9\n', to: 'waitline_destination_budget_ratio >= 0.95\n', alert: 'WaitlinePortBudget' },
    { what: 'budget warning held down to 70 % instead of 60 %', from: 'waitline_destination_budget_ratio >= 0.6\n', to: 'waitline_destination_budget_ratio >= 0.7\n', alert: 'WaitlinePortBudget' },
    { what: 'CLOSE_WAIT leak from 11 sockets', from: 'waitline_close_wait_sockets{pid!~"other|none"} >= 10\n', to: 'waitline_close_wait_sockets{pid!~"other|none"} >= 11\n', alert: 'WaitlineCloseWaitLeak' },
    { what: 'forecast critical at <= 60 s', from: 'waitline_destination_exhaustion_seconds < 60\n', to: 'waitline_destination_exhaustion_seconds <= 60\n', alert: 'WaitlinePortsForecast' },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'waitline-rules-'));
  try {
    copyFileSync(RULE_TESTS, join(dir, 'waitline-rules.test.yml'));
    // the copy as it is passes: what fails below fails because of the change
    writeFileSync(join(dir, 'waitline-rules.yml'), original);
    assert.equal(run('promtool', ['test', 'rules', join(dir, 'waitline-rules.test.yml')]).status, 0);
    for (const m of mutations) {
      assert.equal(original.split(m.from).length, 2, `${m.what}: "${m.from.trim()}" occurs exactly once in the rules`);
      writeFileSync(join(dir, 'waitline-rules.yml'), original.replace(m.from, m.to));
      const r = run('promtool', ['test', 'rules', join(dir, 'waitline-rules.test.yml')]);
      assert.notEqual(r.status, 0, `${m.what}: promtool test rules still passes`);
      assert.match(r.out, /FAILED/, m.what);
      assert.match(r.out, new RegExp(`alertname: ${m.alert},`), `${m.what}: the failure is about ${m.alert}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every metric and label the rules read is in docs/metrics.md', () => {
  const contract = metricContract();
  assert.ok(contract.names.size >= 50, `docs/metrics.md lists ${contract.names.size} metrics`);
  for (const r of rules) {
    const names = metricNames(r.expr);
    assert.ok(names.length > 0, `${r.alert}: no metric in ${r.expr}`);
    for (const n of names) if (!PROMETHEUS_SERIES.has(n)) assert.ok(contract.names.has(n), `${r.alert}: ${n} is not in docs/metrics.md`);
    for (const s of selectors(r.expr)) {
      const allowed = new Set([...TARGET_LABELS, ...(s.metric === 'ALERTS' ? ALERTS_LABELS : []), ...(contract.labels.get(s.metric) ?? [])]);
      for (const m of s.matchers) assert.ok(allowed.has(m.label), `${r.alert}: ${s.metric} has no label ${m.label}`);
    }
    // on (…) / by (…): a label of a metric this expression reads (ALERTS carries the alert's labels)
    const own = new Set([...TARGET_LABELS, ...names.flatMap((x) => [...(contract.labels.get(x) ?? []), ...(x === 'ALERTS' ? ALERTS_LABELS : [])])]);
    for (const l of groupingLabels(r.expr)) assert.ok(own.has(l), `${r.alert}: ${l} is not a label of ${names.join(', ')}`);
  }
});

test('every metric the rules read is in a real exposition, with the label values they match', async () => {
  const { exposition } = await realExposition();
  for (const r of rules) {
    for (const n of metricNames(r.expr)) {
      if (PROMETHEUS_SERIES.has(n)) continue;
      assert.ok(exposition.families.has(n), `${r.alert}: ${n} is not in MetricsExporter's exposition`);
    }
    for (const s of selectors(r.expr)) {
      if (PROMETHEUS_SERIES.has(s.metric)) continue;
      for (const m of s.matchers) {
        const seen = exposition.values.get(s.metric)?.get(m.label);
        const wanted = literalValues(m);
        if (!seen || !wanted || m.op.startsWith('!')) continue;
        for (const v of wanted) assert.ok(seen.has(v), `${r.alert}: ${s.metric}{${m.label}="${v}"}: the exposition has only ${[...seen].join(', ')}`);
      }
    }
  }
  // the one the tw_buckets rule divides by is there on this kernel
  assert.ok(exposition.values.get('waitline_sysctl')?.get('name')?.has('net.ipv4.tcp_max_tw_buckets'), 'waitline_sysctl{name="net.ipv4.tcp_max_tw_buckets"}');
});

test('the CLOSE_WAIT leak rule\'s labels exist: this process\'s CLOSE_WAIT sockets show under its pid', async () => {
  const { exposition, sockets } = await realExposition();
  const mine = exposition.samples.filter((s) => s.name === 'waitline_close_wait_sockets' && s.labels.pid === String(process.pid));
  assert.equal(mine.length, 1, `no waitline_close_wait_sockets{pid="${process.pid}"} in:\n${exposition.samples.filter((s) => s.name === 'waitline_close_wait_sockets').map((s) => JSON.stringify(s)).join('\n')}`);
  assert.ok(mine[0]!.value >= sockets.closeWait, `pid ${process.pid}: ${mine[0]!.value} CLOSE_WAIT sockets, made ${sockets.closeWait}`);
  assert.ok(mine[0]!.labels.comm, 'comm label');
  const tw = exposition.samples.filter((s) => s.name === 'waitline_tcp_sockets' && s.labels.state === 'time_wait').reduce((a, s) => a + s.value, 0);
  assert.ok(tw >= sockets.timeWait, `waitline_tcp_sockets{state="time_wait"}: ${tw}, made ${sockets.timeWait}`);
  // the destination we made (127.0.0.1 → 127.0.0.1:port) has its budget series
  const dst = `127.0.0.1:${sockets.serverPort}`;
  const budget = exposition.samples.find((s) => s.name === 'waitline_destination_budget_ratio' && s.labels.dst === dst);
  assert.ok(budget && budget.value > 0 && budget.value < 1, `waitline_destination_budget_ratio{dst="${dst}"}: ${JSON.stringify(budget)}`);
});

interface ScrapeConfig {
  scrape_configs: {
    job_name: string;
    metrics_path?: string;
    scheme?: string;
    authorization?: { type?: string; credentials_file?: string; credentials?: string };
    static_configs: { targets: string[] }[];
  }[];
}

test('the scrape config: a bearer token from a file, the job the rules expect, valid for promtool', (t) => {
  const text = readFileSync(SCRAPE, 'utf8');
  const cfg = yaml.load(text) as ScrapeConfig;
  assert.equal(cfg.scrape_configs.length, 1);
  const job = cfg.scrape_configs[0]!;
  assert.deepEqual(job.authorization, { type: 'Bearer', credentials_file: '/etc/prometheus/waitline-token' });
  assert.equal(job.metrics_path ?? '/metrics', '/metrics');
  assert.ok(job.static_configs[0]!.targets.every((x) => /:7780$/.test(x)), 'targets on port 7780');
  // WaitlineTargetDown watches this job
  const down = rules.find((r) => r.alert === 'WaitlineTargetDown')!;
  assert.match(down.expr, new RegExp(`up\\{job="${job.job_name}"\\}`));

  const skip = requireTool('promtool', 'prometheus');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-scrape-'));
  try {
    const token = join(dir, 'waitline-token');
    writeFileSync(token, 'a-token-of-at-least-16-characters\n');
    chmodSync(token, 0o600);
    const copy = join(dir, 'prometheus.yml');
    const pointed = text.replace('credentials_file: /etc/prometheus/waitline-token', `credentials_file: ${token}`);
    assert.notEqual(pointed, text);
    writeFileSync(copy, pointed);
    const ok = run('promtool', ['check', 'config', copy]);
    console.log(ok.out.trim());
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /SUCCESS/);
    // promtool does look at the file: without it the same config fails
    rmSync(token);
    const missing = run('promtool', ['check', 'config', copy]);
    assert.notEqual(missing.status, 0, missing.out);
    assert.match(missing.out, /waitline-token/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
