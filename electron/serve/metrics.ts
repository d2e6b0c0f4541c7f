// Prometheus metrics of `waitline serve` (`/metrics`), rendered from the same Snapshot the dashboard
// gets. prom-client writes the exposition (a private registry, no default process metrics). The text
// is rendered at most once per snapshot and format, on the first scrape that asks, and cached: more
// scrapers cost nothing more. Names, labels and the reasons behind them: docs/metrics.md.

import { Counter, Gauge, Registry, type RegistryContentType } from 'prom-client';
import { ALERT_RULES, type AlertSeverity } from '../../shared/alerts';
import { formatEndpoint } from '../../shared/address';
import { addToBudgetRest, emptyBudgetRest } from '../../shared/port-budget';
import { COUNTER_NAMES, type BudgetVerdict, type CounterName, type Snapshot } from '../../shared/snapshot';
import { SYSCTL_CATALOG } from '../../shared/sysctl-catalog';
import { TCP_STATES } from '../../shared/tcp';

export type MetricsFormat = 'prometheus' | 'openmetrics';

export const METRICS_CONTENT_TYPE: Record<MetricsFormat, RegistryContentType> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/** --metrics-top: destinations (and CLOSE_WAIT processes) with series of their own */
export const METRICS_TOP_K = { default: 20, min: 1, max: 200 } as const;

/** OpenMetrics when the scraper lists it in Accept (Prometheus does, first), else the text format. A
 *  q=0 entry refuses it. */
export function metricsFormat(accept: string | undefined): MetricsFormat {
  if (!accept) return 'prometheus';
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';').map((x) => x.trim());
    if (type.toLowerCase() !== 'application/openmetrics-text') continue;
    const q = params.find((p) => /^q=/i.test(p));
    if (q && Number(q.slice(2)) === 0) continue;
    return 'openmetrics';
  }
  return 'prometheus';
}

/** What the server knows beside the snapshot. */
export interface MetricsExtra {
  /** ticks that failed since the server started */
  failures: number;
}

const VERDICTS: readonly BudgetVerdict[] = ['fine', 'at_risk', 'will_exhaust', 'exhausted'];
const SEVERITIES: readonly AlertSeverity[] = ['warning', 'critical'];

/** Kernel counter → metric name and HELP (docs/metrics.md, "Kernel counters"). */
const COUNTER_METRICS: Record<CounterName, { name: string; help: string }> = {
  'TcpExt.TW': { name: 'waitline_tcp_timewait_total', help: 'TIME_WAIT entries armed with the full timeout (TcpExt.TW)' },
  'TcpExt.TWKilled': { name: 'waitline_tcp_timewait_killed_total', help: 'TIME_WAIT entries armed with a short timeout (TcpExt.TWKilled)' },
  'TcpExt.TWRecycled': { name: 'waitline_tcp_timewait_recycled_total', help: 'TIME_WAIT tuples taken over by a new connection (TcpExt.TWRecycled)' },
  'TcpExt.TCPTimeWaitOverflow': {
    name: 'waitline_tcp_timewait_overflow_total',
    help: 'closes that skipped TIME_WAIT because tcp_max_tw_buckets was reached (TcpExt.TCPTimeWaitOverflow)',
  },
  'Tcp.ActiveOpens': { name: 'waitline_tcp_active_opens_total', help: 'connections opened by this machine (Tcp.ActiveOpens)' },
  'Tcp.PassiveOpens': { name: 'waitline_tcp_passive_opens_total', help: 'connections accepted (Tcp.PassiveOpens)' },
  'Tcp.AttemptFails': { name: 'waitline_tcp_attempt_fails_total', help: 'failed connection attempts (Tcp.AttemptFails)' },
  'Tcp.EstabResets': { name: 'waitline_tcp_estab_resets_total', help: 'established connections reset (Tcp.EstabResets)' },
  'Tcp.OutRsts': { name: 'waitline_tcp_out_rsts_total', help: 'segments sent with RST (Tcp.OutRsts)' },
  'Tcp.InErrs': { name: 'waitline_tcp_in_errs_total', help: 'segments received in error (Tcp.InErrs)' },
  'Tcp.RetransSegs': { name: 'waitline_tcp_retrans_segs_total', help: 'segments retransmitted (Tcp.RetransSegs)' },
  'TcpExt.ListenOverflows': { name: 'waitline_tcp_listen_overflows_total', help: 'accept queue overflows (TcpExt.ListenOverflows)' },
  'TcpExt.ListenDrops': { name: 'waitline_tcp_listen_drops_total', help: 'SYNs to a listener dropped (TcpExt.ListenDrops)' },
  'TcpExt.TCPAbortOnClose': { name: 'waitline_tcp_abort_on_close_total', help: 'resets on close with unread data (TcpExt.TCPAbortOnClose)' },
  'TcpExt.TCPAbortOnData': { name: 'waitline_tcp_abort_on_data_total', help: 'resets on data after close (TcpExt.TCPAbortOnData)' },
  'TcpExt.TCPAbortOnMemory': { name: 'waitline_tcp_abort_on_memory_total', help: 'resets for lack of memory (TcpExt.TCPAbortOnMemory)' },
  'TcpExt.TCPAbortOnTimeout': { name: 'waitline_tcp_abort_on_timeout_total', help: 'connections dropped after retries ran out (TcpExt.TCPAbortOnTimeout)' },
  'TcpExt.PAWSTimewait': { name: 'waitline_tcp_paws_timewait_total', help: 'segments to TIME_WAIT dropped by PAWS (TcpExt.PAWSTimewait)' },
  'TcpExt.TCPReqQFullDrop': { name: 'waitline_tcp_req_q_full_drop_total', help: 'SYNs dropped: request queue full, no syncookies (TcpExt.TCPReqQFullDrop)' },
  'TcpExt.SyncookiesSent': { name: 'waitline_tcp_syncookies_sent_total', help: 'SYN cookies sent (TcpExt.SyncookiesSent)' },
};

const NETNS = 'Scope: this network namespace.';
const HOST = 'Scope: the whole host (all network namespaces).';

/** One registry and its metrics. prom-client renames counters in place when it renders OpenMetrics,
 *  so each format has a set of its own. prom-client prints 0 for an unlabelled metric nobody set, so
 *  an unlabelled metric without a value this time (a counter this kernel lacks, sockstat unreadable)
 *  is taken out of the registry until it has one again: absent, never a made-up 0. */
class MetricSet {
  readonly registry: Registry<RegistryContentType>;
  private readonly g: Record<string, Gauge<string>> = {};
  private readonly counters = new Map<CounterName, Counter>();
  private readonly failures: Counter;
  /** every metric object, by name, with the key it is registered under now (null: taken out) */
  private readonly all = new Map<string, { metric: Gauge<string> | Counter; labelled: boolean; key: string | null }>();
  /** unlabelled metrics given a value in this fill */
  private readonly valued = new Set<string>();

  constructor(format: MetricsFormat) {
    this.registry = new Registry<RegistryContentType>();
    this.registry.setContentType(METRICS_CONTENT_TYPE[format]);
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[] = []) => {
      this.g[name] = new Gauge({ name, help, labelNames, registers });
      this.all.set(name, { metric: this.g[name], labelled: labelNames.length > 0, key: name });
    };
    gauge('waitline_build_info', 'Waitline version; always 1.', ['version']);
    gauge('waitline_tcp_sockets', `TCP sockets per state and family, as ss counts them. ${NETNS}`, ['state', 'family']);
    gauge(
      'waitline_tcp_timewait_expiring_sockets',
      `TIME_WAIT entries whose timer ends within within_seconds (cumulative; +Inf = all). A gauge: a distribution now, not observations over time. ${NETNS}`,
      ['within_seconds'],
    );
    gauge('waitline_tcp_curr_estab', `Tcp.CurrEstab from /proc/net/snmp. ${NETNS}`);
    gauge('waitline_ephemeral_ports_usable', 'Ports connect() may pick toward one destination: ip_local_port_range minus reserved ports and ports bound by listeners.');
    gauge('waitline_ephemeral_ports_reserved', 'Ports of ip_local_port_range listed in ip_local_reserved_ports.');
    gauge('waitline_destination_ports_held', 'Ephemeral ports held toward a destination: state_group open (every port-holding state but TIME_WAIT) or time_wait. dst="other" sums the destinations beyond the top K.', ['src', 'dst', 'state_group']);
    gauge('waitline_destination_ports_blocking', 'Ports a new connect() toward the destination cannot use now.', ['src', 'dst']);
    gauge('waitline_destination_budget_ratio', 'Blocking ports / usable ports toward the destination (0-1).', ['src', 'dst']);
    gauge('waitline_destination_close_rate', 'TIME_WAIT entries created per second toward the destination.', ['src', 'dst']);
    gauge('waitline_destination_exhaustion_seconds', 'Seconds until the destination runs out of ports, present only while a forecast says it will.', ['src', 'dst']);
    gauge('waitline_destination_verdict', 'The destination\'s verdict: 1 on it, 0 on the others. For dst="other": how many of those destinations have each verdict.', ['src', 'dst', 'verdict']);
    gauge('waitline_destinations', 'Destinations (local address, remote address, remote port) holding at least one ephemeral port.');
    gauge('waitline_destinations_truncated', 'Destinations folded into dst="other".');
    gauge('waitline_close_wait_sockets', 'CLOSE_WAIT sockets held by a process: the peer closed, the process has not. pid="other" sums the processes beyond the top K; pid="none" the unattributed ones.', ['pid', 'comm']);
    gauge('waitline_close_wait_oldest_age_seconds', 'Lower bound on how long ago the peer closed the process\'s oldest CLOSE_WAIT socket.', ['pid', 'comm']);
    gauge('waitline_sockstat_tcp_inuse', `TCP sockets in use, excluding timewait (/proc/net/sockstat{,6} inuse). ${NETNS}`, ['family']);
    gauge('waitline_sockstat_tcp_tw', `Timewait objects, including orphaned FIN_WAIT2 in timewait form (/proc/net/sockstat tw). ${NETNS}`);
    gauge('waitline_sockstat_tcp_orphan', `Orphaned TCP sockets (sockstat orphan). ${HOST}`);
    gauge('waitline_sockstat_tcp_alloc', `Allocated TCP sockets (sockstat alloc). ${HOST}`);
    gauge('waitline_sockstat_tcp_mem_pages', `TCP memory in pages (sockstat mem). ${HOST}`);
    gauge('waitline_sockstat_sockets_used', `Sockets of every protocol (sockstat sockets used). ${HOST}`);
    gauge('waitline_sysctl', 'Single-integer sysctls of Waitline\'s tuning catalog; a sysctl missing on this kernel is absent.', ['name']);
    gauge('waitline_alerts_active', 'Active alerts of Waitline\'s own engine per rule and severity.', ['rule', 'severity']);
    gauge('waitline_collector_tick_duration_seconds', 'Wall time of the last collection.');
    gauge('waitline_collector_last_tick_timestamp_seconds', 'When the last collection ran (Unix time).');
    gauge('waitline_collector_source', 'Socket table source of the last collection: 1 on it.', ['source']);
    gauge('waitline_collector_degraded', 'Sources that could not be read in the last collection.', ['source']);
    gauge('waitline_collector_degraded_sources', 'How many sources could not be read in the last collection.');
    gauge('waitline_collector_skipped_lines', 'Malformed lines or records skipped in the last collection, per source.', ['source']);
    for (const c of COUNTER_NAMES) {
      const m = COUNTER_METRICS[c];
      const counter = new Counter({ name: m.name, help: `${m.help}; the kernel's total since boot. ${NETNS}`, registers });
      this.counters.set(c, counter);
      this.all.set(m.name, { metric: counter, labelled: false, key: m.name });
    }
    this.failures = new Counter({ name: 'waitline_collector_failures_total', help: 'Collections that failed since waitline serve started.', registers });
  }

  /** Registers the unlabelled metrics valued in this fill and takes out the others. */
  private settle(): void {
    for (const [name, e] of this.all) {
      if (e.labelled) continue;
      const wanted = this.valued.has(name);
      if (wanted && e.key === null) {
        this.registry.registerMetric(e.metric);
        e.key = (e.metric as unknown as { name: string }).name;
      } else if (!wanted && e.key !== null) {
        this.registry.removeSingleMetric(e.key);
        e.key = null;
      }
    }
  }

  private set(name: string, value: number, labels: Record<string, string> = {}): void {
    if (!Number.isFinite(value)) return;
    this.g[name].set(labels, value);
    if (Object.keys(labels).length === 0) this.valued.add(name);
  }

  fill(s: Snapshot, extra: MetricsExtra, topK: number, version: string): void {
    // every metric object, registered or taken out, starts from nothing
    for (const e of this.all.values()) e.metric.reset();
    this.failures.reset();
    this.valued.clear();
    this.set('waitline_build_info', 1, { version });

    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const st of TCP_STATES) this.set('waitline_tcp_sockets', s.statesByFamily[family][st], { state: st.toLowerCase(), family });
    }
    const tw = s.timeWaitTimers;
    if (tw) {
      let sum = 0;
      for (let i = 0; i < tw.counts.length - 1; i++) {
        sum += tw.counts[i];
        this.set('waitline_tcp_timewait_expiring_sockets', sum, { within_seconds: String((i + 1) * tw.bucketS) });
      }
      this.set('waitline_tcp_timewait_expiring_sockets', tw.counts.reduce((a, b) => a + b, 0), { within_seconds: '+Inf' });
    }
    if (s.counters?.currEstab != null) this.set('waitline_tcp_curr_estab', s.counters.currEstab);

    // port budgets: the top K, then everything else as one "other" series
    if (s.ephemeral) {
      this.set('waitline_ephemeral_ports_usable', s.ephemeral.usable - (s.ephemeral.bound ?? 0));
      this.set('waitline_ephemeral_ports_reserved', s.ephemeral.reserved);
    }
    const listed = s.portBudgets.slice(0, topK);
    for (const b of listed) {
      const l = { src: b.localAddr, dst: formatEndpoint(b.remoteAddr, b.remotePort) };
      this.set('waitline_destination_ports_held', b.inUse - b.timeWait, { ...l, state_group: 'open' });
      this.set('waitline_destination_ports_held', b.timeWait, { ...l, state_group: 'time_wait' });
      this.set('waitline_destination_ports_blocking', b.blocking, l);
      if (b.usable > 0) this.set('waitline_destination_budget_ratio', b.blocking / b.usable, l);
      this.set('waitline_destination_close_rate', b.closeRatePerS, l);
      if (b.verdict === 'will_exhaust' && b.secondsToExhaustion !== null) this.set('waitline_destination_exhaustion_seconds', b.secondsToExhaustion, l);
      for (const v of VERDICTS) this.set('waitline_destination_verdict', v === b.verdict ? 1 : 0, { ...l, verdict: v });
    }
    const other = addToBudgetRest(s.portBudgetRest ?? emptyBudgetRest(), s.portBudgets.slice(topK));
    if (other.destinations > 0) {
      const l = { src: 'other', dst: 'other' };
      this.set('waitline_destination_ports_held', other.inUse - other.timeWait, { ...l, state_group: 'open' });
      this.set('waitline_destination_ports_held', other.timeWait, { ...l, state_group: 'time_wait' });
      this.set('waitline_destination_ports_blocking', other.blocking, l);
      this.set('waitline_destination_close_rate', other.closeRatePerS, l);
      for (const v of VERDICTS) this.set('waitline_destination_verdict', other.verdicts[v], { ...l, verdict: v });
    }
    this.set('waitline_destinations', listed.length + other.destinations);
    this.set('waitline_destinations_truncated', other.destinations);

    // CLOSE_WAIT per process, bounded the same way
    const own = s.owners;
    if (own) {
      const cw = own.closeWait.slice(0, topK);
      for (const p of cw) {
        const l = { pid: String(p.pid), comm: p.comm };
        this.set('waitline_close_wait_sockets', p.count, l);
        this.set('waitline_close_wait_oldest_age_seconds', p.oldestAgeS, l);
      }
      const acc = own.closeWaitAccounting;
      const otherCount = own.closeWait.slice(topK).reduce((a, p) => a + p.count, 0) + (acc?.otherProcesses.count ?? 0);
      const otherOldest = own.closeWait.slice(topK).reduce((a, p) => Math.max(a, p.oldestAgeS), -1);
      if (otherCount > 0 || own.closeWait.length > topK) {
        this.set('waitline_close_wait_sockets', otherCount, { pid: 'other', comm: 'other' });
        if (otherOldest >= 0) this.set('waitline_close_wait_oldest_age_seconds', otherOldest, { pid: 'other', comm: 'other' });
      }
      if (acc && acc.unattributed > 0) {
        this.set('waitline_close_wait_sockets', acc.unattributed, { pid: 'none', comm: 'unattributed' });
        if (acc.unattributedOldestAgeS !== null) this.set('waitline_close_wait_oldest_age_seconds', acc.unattributedOldestAgeS, { pid: 'none', comm: 'unattributed' });
      }
    }

    const so = s.sockstat;
    if (so) {
      this.set('waitline_sockstat_tcp_inuse', so.inuse4, { family: 'ipv4' });
      this.set('waitline_sockstat_tcp_inuse', so.inuse6, { family: 'ipv6' });
      this.set('waitline_sockstat_tcp_tw', so.tw);
      this.set('waitline_sockstat_tcp_orphan', so.orphan);
      this.set('waitline_sockstat_tcp_alloc', so.alloc);
      this.set('waitline_sockstat_tcp_mem_pages', so.memPages);
      if (so.socketsUsed !== null) this.set('waitline_sockstat_sockets_used', so.socketsUsed);
    }
    for (const [name, c] of this.counters) {
      const v = s.counters?.totals[name];
      if (v !== undefined && Number.isFinite(v) && v >= 0) {
        c.inc(v);
        this.valued.add(COUNTER_METRICS[name].name);
      }
    }
    for (const e of SYSCTL_CATALOG) {
      const v = s.sysctls[e.key];
      if (v?.available && /^\d{1,15}$/.test(v.raw)) this.set('waitline_sysctl', Number(v.raw), { name: e.key });
    }

    const active = s.alerts?.active ?? [];
    for (const rule of ALERT_RULES) {
      for (const severity of SEVERITIES) {
        this.set('waitline_alerts_active', active.filter((a) => a.rule === rule && a.severity === severity).length, { rule, severity });
      }
    }

    const h = s.health;
    this.set('waitline_collector_tick_duration_seconds', h.durationMs / 1000);
    this.set('waitline_collector_last_tick_timestamp_seconds', s.time / 1000);
    for (const source of ['netlink', 'procfs', 'none'] as const) this.set('waitline_collector_source', h.socketSource === source ? 1 : 0, { source });
    const degraded = new Set(h.degraded.map((d) => d.source));
    for (const source of degraded) this.set('waitline_collector_degraded', 1, { source });
    this.set('waitline_collector_degraded_sources', degraded.size);
    for (const [source, n] of Object.entries(h.skippedLines)) this.set('waitline_collector_skipped_lines', n, { source });
    if (extra.failures > 0) this.failures.inc(extra.failures);
    this.settle();
  }
}

export interface MetricsExporterOptions {
  /** destinations and CLOSE_WAIT processes with series of their own (default 20) */
  topK?: number;
  version: string;
}

/** The `/metrics` exposition of the latest snapshot, rendered lazily and cached per format. */
export class MetricsExporter {
  readonly topK: number;
  private readonly version: string;
  private snapshot: Snapshot | null = null;
  private extra: MetricsExtra = { failures: 0 };
  private readonly sets: Partial<Record<MetricsFormat, MetricSet>> = {};
  private readonly cache = new Map<MetricsFormat, Promise<string>>();

  constructor(opts: MetricsExporterOptions) {
    this.topK = opts.topK ?? METRICS_TOP_K.default;
    this.version = opts.version;
  }

  /** The latest snapshot (once per tick); the next scrape renders it. */
  update(snapshot: Snapshot, extra: MetricsExtra): void {
    this.snapshot = snapshot;
    this.extra = { ...extra };
    this.cache.clear();
  }

  /** Whether a snapshot has arrived (before the first, /metrics answers 503). */
  get ready(): boolean {
    return this.snapshot !== null;
  }

  render(format: MetricsFormat): Promise<{ contentType: string; body: string }> {
    const snap = this.snapshot;
    if (!snap) return Promise.reject(new Error('no snapshot yet'));
    let text = this.cache.get(format);
    if (!text) {
      const set = (this.sets[format] ??= new MetricSet(format));
      set.fill(snap, this.extra, this.topK, this.version);
      text = set.registry.metrics();
      this.cache.set(format, text);
      // a failed render is not cached
      text.catch(() => this.cache.delete(format));
    }
    return text.then((body) => ({ contentType: METRICS_CONTENT_TYPE[format], body }));
  }
}
