// deploy/grafana/waitline-dashboard.json: it parses, every panel queries something through the
// dashboard's data source, and every metric, label and label value a query uses exists — in the
// contract (docs/metrics.md) and in what MetricsExporter really exposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERTS_LABELS,
  DEPLOY,
  groupingLabels,
  literalValues,
  metricContract,
  metricNames,
  PROMETHEUS_SERIES,
  realExposition,
  selectors,
  TARGET_LABELS,
} from './deploy-helpers';

const FILE = join(DEPLOY, 'grafana/waitline-dashboard.json');

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
  format?: string;
  legendFormat?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; definition?: string; datasource?: { uid?: string } }[] };
  annotations: { list: { expr?: string; datasource?: { uid?: string } }[] };
  __inputs?: { name: string; type: string; pluginId: string }[];
}

const text = readFileSync(FILE, 'utf8');

function load(): Dashboard {
  return JSON.parse(text) as Dashboard;
}

/** Every panel, rows' nested panels included. */
function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}
const queryPanels = (d: Dashboard) => allPanels(d).filter((p) => p.type !== 'row');

/** Every PromQL expression: panel targets, the annotation query, template variable queries. */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of queryPanels(d)) for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const a of d.annotations.list) if (a.expr) out.push({ where: 'annotation', expr: a.expr });
  for (const v of d.templating.list) if (v.type === 'query' && v.definition) out.push({ where: `variable ${v.name}`, expr: v.definition });
  return out;
}

test('the dashboard parses, is recent-schema, and has a data source and an instance variable', () => {
  const d = load();
  assert.ok(d.schemaVersion >= 36 && d.schemaVersion <= 41, `schemaVersion ${d.schemaVersion}`);
  assert.match(d.uid, /^[a-z0-9-]{1,40}$/);
  assert.ok(d.title.includes('Waitline'));
  const vars = new Map(d.templating.list.map((v) => [v.name, v]));
  const ds = vars.get('datasource');
  const input = d.__inputs?.find((i) => i.pluginId === 'prometheus');
  assert.ok((ds && ds.type === 'datasource' && ds.query === 'prometheus') || input, 'a Prometheus data source variable or ${DS_PROMETHEUS} input');
  const dsRef = ds ? '${datasource}' : `\${${input!.name}}`;
  assert.equal(vars.get('instance')?.type, 'query');
  assert.match(vars.get('instance')!.definition!, /label_values\(waitline_[a-z_]+(\{[^}]*\})?, instance\)/);
  // every query goes through that data source
  for (const v of d.templating.list) if (v.type === 'query') assert.equal(v.datasource?.uid, dsRef, `variable ${v.name} data source`);
  for (const a of d.annotations.list) if (a.expr) assert.equal(a.datasource?.uid, dsRef, 'annotation data source');
  for (const p of queryPanels(d)) {
    assert.equal(p.datasource?.uid, dsRef, `panel "${p.title}" data source`);
    for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, dsRef, `panel "${p.title}" ${t.refId} data source`);
  }
  // a file that was not filled in, or a leftover from a Grafana export
  assert.doesNotMatch(text, /"uid": "[a-f0-9]{8,}"|undefined|NaN/);
});

test('every panel has a query; every query selects the chosen job and instance', () => {
  const d = load();
  const panels = queryPanels(d);
  assert.ok(panels.length >= 25, `${panels.length} panels`);
  for (const p of panels) {
    const targets = p.targets ?? [];
    assert.ok(targets.length > 0, `panel "${p.title}" has no target`);
    const refIds = targets.map((t) => t.refId);
    assert.equal(new Set(refIds).size, refIds.length, `panel "${p.title}": duplicate refIds`);
    for (const t of targets) {
      assert.ok(t.expr && t.expr.trim(), `panel "${p.title}" ${t.refId}: empty expression`);
      for (const s of selectors(t.expr)) {
        const labels = new Map(s.matchers.map((m) => [m.label, m.value]));
        assert.equal(labels.get('instance'), '$instance', `panel "${p.title}" ${t.refId}: ${s.metric} without instance="$instance"`);
        assert.equal(labels.get('job'), '$job', `panel "${p.title}" ${t.refId}: ${s.metric} without job="$job"`);
      }
    }
  }
  // ids unique, and panels inside the 24-column grid without overlapping
  const ids = allPanels(d).map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
  const cells = new Set<string>();
  for (const p of allPanels(d)) {
    const g = p.gridPos;
    assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0, `panel "${p.title}" grid ${JSON.stringify(g)}`);
    for (let x = g.x; x < g.x + g.w; x++) {
      for (let y = g.y; y < g.y + g.h; y++) {
        assert.ok(!cells.has(`${x},${y}`), `panel "${p.title}" overlaps another at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
});

test('the dashboard covers what it is for', () => {
  const exprs = expressions(load()).map((e) => e.expr);
  const uses = (re: RegExp) => exprs.some((e) => re.test(e));
  const wanted: [string, RegExp][] = [
    ['TCP states over time', /waitline_tcp_sockets\b/],
    ['TIME_WAIT expiry distribution', /waitline_tcp_timewait_expiring_sockets\b/],
    ['budget ratio', /waitline_destination_budget_ratio\b/],
    ['ports held', /waitline_destination_ports_held\b/],
    ['close rate', /waitline_destination_close_rate\b/],
    ['forecast', /waitline_destination_exhaustion_seconds\b/],
    ['verdict counts', /sum by \(verdict\) \(waitline_destination_verdict\b/],
    ['CLOSE_WAIT per process', /waitline_close_wait_sockets\b/],
    ['TIME_WAIT overflow rate', /rate\(waitline_tcp_timewait_overflow_total\b/],
    ['engine alerts', /waitline_alerts_active\b/],
    ['Prometheus alerts', /\bALERTS\{/],
    ['collector health', /waitline_collector_last_tick_timestamp_seconds\b/],
  ];
  for (const [what, re] of wanted) assert.ok(uses(re), `no query for ${what} (${re})`);
  // counters only ever through rate()/increase(): a raw total since boot says nothing
  for (const e of exprs) {
    for (const m of e.matchAll(/\b(waitline_[a-z0-9_]+_total)\b/g)) {
      const before = e.slice(0, m.index);
      assert.match(before, /(rate|increase)\(\s*$/, `${m[1]} used without rate()/increase() in ${e}`);
    }
  }
});

test('every metric and label the dashboard queries is in docs/metrics.md', () => {
  const contract = metricContract();
  const allLabels = new Set([...TARGET_LABELS, ...ALERTS_LABELS, 'le', ...[...contract.labels.values()].flatMap((l) => [...l])]);
  const exprs = expressions(load());
  assert.ok(exprs.length >= 50, `${exprs.length} expressions`);
  for (const { where, expr } of exprs) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${where}: no metric in ${expr}`);
    for (const n of names) if (!PROMETHEUS_SERIES.has(n)) assert.ok(contract.names.has(n), `${where}: ${n} is not in docs/metrics.md`);
    for (const s of selectors(expr)) {
      const allowed = new Set([...TARGET_LABELS, ...(s.metric === 'ALERTS' ? [...ALERTS_LABELS, ...allLabels] : []), ...(contract.labels.get(s.metric) ?? [])]);
      for (const m of s.matchers) assert.ok(allowed.has(m.label), `${where}: ${s.metric} has no label ${m.label}`);
    }
    // by (…) / on (…): a label of a metric this expression reads (or made by its label_replace)
    const own = new Set([...TARGET_LABELS, ...names.flatMap((n) => [...(contract.labels.get(n) ?? []), ...(n === 'ALERTS' ? allLabels : [])])]);
    for (const m of expr.matchAll(/label_replace\([\s\S]*?,\s*"([a-z_]+)"/g)) own.add(m[1]!);
    for (const l of groupingLabels(expr)) assert.ok(own.has(l), `${where}: ${l} is not a label of ${names.join(', ')}`);
  }
});

test('every metric the dashboard queries is in a real exposition, with the label values it matches', async () => {
  const { exposition } = await realExposition();
  for (const { where, expr } of expressions(load())) {
    for (const n of metricNames(expr)) {
      if (PROMETHEUS_SERIES.has(n)) continue;
      assert.ok(exposition.families.has(n), `${where}: ${n} is not in MetricsExporter's exposition`);
    }
    for (const s of selectors(expr)) {
      if (PROMETHEUS_SERIES.has(s.metric)) continue;
      for (const m of s.matchers) {
        const seen = exposition.values.get(s.metric)?.get(m.label);
        const wanted = literalValues(m);
        if (!wanted || m.op.startsWith('!')) continue;
        assert.ok(seen, `${where}: ${s.metric} has no series with label ${m.label} here`);
        for (const v of wanted) assert.ok(seen.has(v), `${where}: ${s.metric}{${m.label}="${v}"}: the exposition has only ${[...seen].join(', ')}`);
      }
    }
  }
  // the TIME_WAIT heatmap turns within_seconds into le: the values must be numbers or +Inf
  const within = exposition.values.get('waitline_tcp_timewait_expiring_sockets')?.get('within_seconds');
  assert.ok(within && within.size >= 2, 'waitline_tcp_timewait_expiring_sockets has its buckets');
  for (const v of within) assert.match(v, /^(\d+(\.\d+)?|\+Inf)$/, `within_seconds="${v}" cannot be an le`);
});
