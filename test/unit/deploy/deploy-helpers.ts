// Shared by the tests of the shipped integration files (deploy/): the tools they run, the metric
// contract of docs/metrics.md, a real /metrics exposition, and a small reader of PromQL selectors.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createCollector } from '../../../electron/collector/index';
import { MetricsExporter } from '../../../electron/serve/metrics';
import { DEFAULT_ALERT_SETTINGS } from '../../../shared/alerts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

/** Series Prometheus makes itself, which no exporter exposes. */
export const PROMETHEUS_SERIES = new Set(['ALERTS', 'up']);
/** Labels every scraped series gets, and those of ALERTS. */
export const TARGET_LABELS = ['job', 'instance'];
export const ALERTS_LABELS = ['alertname', 'alertstate', 'severity', 'rule'];

function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** undefined when the tool is there; outside CI a skip reason (printed); in CI it throws, so a
 *  missing prerequisite fails loudly instead of skipping (.ci/run installs the package). */
export function requireTool(tool: string, debianPackage: string): string | undefined {
  if (hasTool(tool)) return undefined;
  const reason = `${tool} is not installed (apt-get install ${debianPackage})`;
  if (process.env.CI === 'true') throw new Error(`deploy test prerequisite missing in CI: ${reason}`);
  console.log(`skipping: ${reason}`);
  return reason;
}

export interface Run {
  status: number | null;
  out: string;
}

export function run(cmd: string, args: string[], cwd = ROOT): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// ---------------------------------------------------------------- docs/metrics.md

export interface MetricContract {
  /** every metric name the tables list */
  names: Set<string>;
  /** labels per metric (from the "labels" column, or `{label}` after the name) */
  labels: Map<string, Set<string>>;
}

/** The metric tables of docs/metrics.md: each row's first cell names one metric, or several
 *  (`waitline_tcp_abort_on_close_total` … `_on_data_total`: a fragment continues the first name). */
export function metricContract(text = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8')): MetricContract {
  const names = new Set<string>();
  const labels = new Map<string, Set<string>>();
  let header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      header = [];
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (header.length === 0) {
      header = cells.map((c) => c.toLowerCase());
      continue;
    }
    const first = cells[0] ?? '';
    const tokens = [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const head = tokens[0];
    if (!head || !head.startsWith('waitline_')) continue;
    const rowNames: string[] = [];
    const rowLabels = new Set<string>();
    for (const tok of tokens) {
      const [, base = '', braces] = /^([a-z0-9_]+)(?:\{([^}]*)\})?$/.exec(tok) ?? [];
      if (braces) for (const l of braces.split(',')) rowLabels.add(l.trim());
      if (base.startsWith('waitline_')) rowNames.push(base);
      else if (base.startsWith('_')) {
        // "_on_data_total" continues the first name from its own first word ("_on_")
        const word = /^_[a-z0-9]+_/.exec(base)?.[0];
        const at = word ? head.lastIndexOf(word) : -1;
        if (at > 0) rowNames.push(head.slice(0, at) + base);
      }
    }
    const col = header.indexOf('labels');
    if (col >= 0) for (const m of (cells[col] ?? '').matchAll(/`([a-z_]+)`/g)) rowLabels.add(m[1]!);
    for (const n of rowNames) {
      names.add(n);
      labels.set(n, new Set(rowLabels));
    }
  }
  return { names, labels };
}

// ---------------------------------------------------------------- a real exposition

export interface Exposition {
  body: string;
  /** metric families declared with # TYPE */
  families: Set<string>;
  /** label values seen per metric and label */
  values: Map<string, Map<string, Set<string>>>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

export function parseExposition(body: string): Exposition {
  const families = new Set<string>();
  const values = new Map<string, Map<string, Set<string>>>();
  const samples: Exposition['samples'] = [];
  for (const line of body.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) families.add(type[1]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
    let perLabel = values.get(m[1]!);
    if (!perLabel) values.set(m[1]!, (perLabel = new Map()));
    for (const [k, v] of Object.entries(labels)) {
      if (!perLabel.has(k)) perLabel.set(k, new Set());
      perLabel.get(k)!.add(v);
    }
  }
  return { body, families, values, samples };
}

export interface LiveSockets {
  serverPort: number;
  closeWait: number;
  timeWait: number;
  close(): Promise<void>;
}

/** Loopback sockets of this process in known states: `timeWait` clients that closed first (TIME_WAIT
 *  on their side, holding their ephemeral port), and `closeWait` server sides whose peer closed and
 *  which this process never closes (CLOSE_WAIT, owned by this pid). */
export async function makeSockets(timeWait = 8, closeWait = 5): Promise<LiveSockets> {
  const held: net.Socket[] = [];
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    held.push(s);
    // the first `timeWait` connections: answer the client's FIN with ours (client → TIME_WAIT);
    // the rest: keep our side open (server side → CLOSE_WAIT)
    const closeBack = accepted++ < timeWait;
    s.on('end', () => {
      if (closeBack) s.end();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const connectAndClose = () =>
    new Promise<void>((resolve, reject) => {
      const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      c.on('error', reject);
      c.on('connect', () => {
        held.push(c);
        c.end();
        resolve();
      });
    });
  // one at a time, so the accept order is the connect order
  for (let i = 0; i < timeWait + closeWait; i++) await connectAndClose();
  await new Promise((r) => setTimeout(r, 300)); // FINs travel, the TIME_WAIT side settles
  return {
    serverPort: port,
    closeWait,
    timeWait,
    close: async () => {
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let cached: Promise<{ exposition: Exposition; sockets: Omit<LiveSockets, 'close'> }> | null = null;

/** The exposition MetricsExporter renders from a real collector tick on this machine (with the alert
 *  engine on, as in `waitline serve`), while this process holds a few TIME_WAIT and CLOSE_WAIT
 *  sockets so that per-destination and per-process series exist. Made once per test file. */
export function realExposition(): Promise<{ exposition: Exposition; sockets: Omit<LiveSockets, 'close'> }> {
  cached ??= (async () => {
    const sockets = await makeSockets();
    try {
      const collector = createCollector({ socketSource: 'auto', minTableIntervalMs: 0, maxTableIntervalMs: 0, alerts: DEFAULT_ALERT_SETTINGS });
      collector.setDemand({ table: true, owners: true });
      await collector.tick();
      await new Promise((r) => setTimeout(r, 200)); // a second tick gives rates and a close rate
      const snapshot = await collector.tick();
      const exporter = new MetricsExporter({ topK: 20, version: 'test' });
      exporter.update(snapshot, { failures: 0 });
      const { contentType, body } = await exporter.render('prometheus');
      if (!contentType.startsWith('text/plain')) throw new Error(`unexpected content type ${contentType}`);
      const { serverPort, closeWait, timeWait } = sockets;
      return { exposition: parseExposition(body), sockets: { serverPort, closeWait, timeWait } };
    } finally {
      await sockets.close();
    }
  })();
  return cached;
}

// ---------------------------------------------------------------- PromQL, read just enough

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** Without Go templates' `{{ … }}` (annotations, legends). */
function code(expr: string): string {
  return expr.replace(/\{\{[\s\S]*?\}\}/g, ' ');
}

/** Metric names an expression reads: waitline_* and Prometheus's own ALERTS / up. */
export function metricNames(expr: string): string[] {
  const out = new Set<string>();
  // not inside a string literal: label values like "waitline_x" are not metrics
  const bare = code(expr).replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of bare.matchAll(/\b(waitline_[a-z0-9_]+|ALERTS|up)\b/g)) {
    // `up` only as a selector (up{…} or up ==), not inside words or label lists
    if (m[1] === 'up' && !/^up\s*(\{|==|!=|>|<)/.test(bare.slice(m.index))) continue;
    out.add(m[1]!);
  }
  return [...out];
}

/** Every `metric{matchers}` in an expression (a metric without braces has no matchers). */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  const text = code(expr);
  for (const m of text.matchAll(/\b(waitline_[a-z0-9_]+|ALERTS|up)\b\s*(\{((?:[^{}"]|"(?:[^"\\]|\\.)*")*)\})?/g)) {
    const matchers: Matcher[] = [];
    for (const mm of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      matchers.push({ label: mm[1]!, op: mm[2] as Matcher['op'], value: mm[3]! });
    }
    out.push({ metric: m[1]!, matchers });
  }
  return out;
}

/** Label names in by (…), without (…), on (…), ignoring (…), group_left (…), group_right (…). */
export function groupingLabels(expr: string): string[] {
  const out = new Set<string>();
  for (const m of code(expr).matchAll(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g)) {
    for (const l of m[2]!.split(',')) if (l.trim()) out.add(l.trim());
  }
  return [...out];
}

/** The literal alternatives of a matcher value, or null when it is a real regular expression or
 *  holds a Grafana variable. */
export function literalValues(m: Matcher): string[] | null {
  if (m.value.includes('$')) return null;
  if (m.op === '=' || m.op === '!=') return [m.value];
  return /^[A-Za-z0-9_:./+-]+(\|[A-Za-z0-9_:./+-]+)*$/.test(m.value) ? m.value.split('|') : null;
}
