// Renderer benchmark: per-tick render cost in real Chromium, measured by the page itself with the
// Performance API (renderer/perf.ts records `waitline:tick`, `waitline:history`, `waitline:table`:
// store update → React render + commit → style + layout, all synchronous).
//
// The page is the production build served by the real `waitline serve` server; only its data source
// is synthetic so the load is exact and repeatable: 24 h of 1 s history (86,400 samples) in the
// server's HistoryStore, and a 50,000-row socket table paged by the collector's own table query.
// Then the same measure on the Tuning view, where a tick changes only a few text nodes: a floor to
// read the views against (reported beside them, as the collector's floor is beside the snapshot).
// Last, the same measure on a page with one line of text and no app: what the browser itself costs a
// tick on this machine (the thread woken by a task, a text change, a later task, a forced layout).
// Plain Node; never imports `electron`.

import { rng } from './rng';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { SNAPSHOT_SCHEMA, type DestinationCount, type PortBudget, type Snapshot, type SocketPage, type SocketQuery } from '../../shared/snapshot';
import { emptyStateCounts, stateCode, type TcpState } from '../../shared/tcp';
import { querySocketTable } from '../collector/table-query';
import type { SocketTable } from '../collector/types';
import { startServe, type ServeCollector } from '../serve/server';

export interface BenchRenderOptions {
  /** built renderer (default dist/renderer) */
  staticDir?: string;
  /** default /usr/bin/chromium */
  chromiumPath?: string;
  /** ticks measured per scenario (default 30) */
  ticks?: number;
  /** tick period of the synthetic collector, ms (default 500: twice the real rate, to finish sooner) */
  tickMs?: number;
  /** rows in the socket table scenario (default 50,000) */
  tableRows?: number;
  /** history samples (default 86,400 = 24 h at 1 s) */
  historySamples?: number;
  /** measurement aid: when set, each scenario's measured ticks are CPU-profiled (CDP Profiler) into
   *  <profileDir>/<n>.cpuprofile, n = 1 … 6 in scenario order (1 min, 1 h, 24 h, TIME_WAIT, table, floor;
   *  open in Chromium DevTools). Profiling slows the page: figures from such a run are not comparable. */
  profileDir?: string;
  /** with profileDir: record a Chromium trace (<n>.trace.json: style, layout, paint …) instead of a
   *  CPU profile */
  profileTrace?: boolean;
  log?: (line: string) => void;
}

export interface RenderStats {
  /** mean per-tick render cost, ms (including any history/table update that tick caused, amortized) */
  mean: number;
  p95: number;
  max: number;
  samples: number;
}

export interface BenchRenderResult {
  /** Overview at the 24 h window with 24 h of history: mean ms per tick, one history refresh amortized */
  perTickMs24h: number;
  /** Connections view over a 50,000-row table: mean ms per tick */
  perTickMsTable50k: number;
  /** Overview at the default 1 min window */
  perTickMs1m: number;
  /** Overview at the 1 h window */
  perTickMs1h: number;
  /** the TIME_WAIT view */
  perTickMsTimeWait: number;
  overview1h: RenderStats;
  timeWait: RenderStats;
  overview24h: RenderStats;
  table50k: RenderStats;
  overview1m: RenderStats;
  /** one 24 h history refresh (fetch excluded, render included): ms */
  historyRefreshMs: number;
  /** ticks between two 24 h refreshes (one per pixel of movement) */
  ticksPerHistoryRefresh: number;
  /** The reference a view's cost is measured against (reported, not judged): the Tuning view, where
   *  a tick changes only a few text nodes (the header's status line, the tuning preview), so its cost
   *  is the store update, React's pass over the header, and the browser's style, layout and paint of
   *  a frame whose text changed: roughly what any view pays before drawing anything of its own (a
   *  reference point, not a proven lower bound). */
  floor: RenderStats;
  /** floor.mean */
  floorMsPerTick: number;
  /** The same measure on a page that is one line of text, no app, no React: a timer wakes the
   *  thread every tick, one text node changes, a later task forces layout and records the measure,
   *  as renderer/perf.ts does. What this machine's browser costs a tick before any of Waitline's
   *  work: a lower bound for every view (reported, not judged). */
  browserFloor: RenderStats;
  /** browserFloor.mean */
  browserFloorMsPerTick: number;
  /** each view's mean per tick minus the floor's: what the view itself adds, ms */
  aboveFloorMs: { overview1m: number; overview1h: number; overview24h: number; timeWait: number; table50k: number };
  /** the 4 ms per tick goal */
  goalMs: number;
  chromium: string;
  historySamples: number;
  tableRows: number;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---- synthetic but realistic data ------------------------------------------------------------------

function syntheticStates(i: number, r: () => number): Record<TcpState, number> {
  const s = emptyStateCounts();
  // a daily load curve with bursts
  const day = Math.sin((i / 86_400) * 2 * Math.PI);
  s.TIME_WAIT = Math.round(18_000 + 9_000 * day + 3_000 * r() + (i % 3600 < 60 ? 8_000 : 0));
  s.ESTABLISHED = Math.round(2_500 + 800 * day + 200 * r());
  s.CLOSE_WAIT = Math.round(40 + 30 * r() + (i % 7200 > 7000 ? 400 : 0));
  s.LISTEN = 24;
  s.FIN_WAIT2 = Math.round(60 * r());
  s.SYN_SENT = Math.round(15 * r());
  s.LAST_ACK = Math.round(5 * r());
  return s;
}

function syntheticTable(rows: number): SocketTable {
  const r = rng(7);
  const states: TcpState[] = ['TIME_WAIT', 'TIME_WAIT', 'TIME_WAIT', 'ESTABLISHED', 'CLOSE_WAIT', 'FIN_WAIT2'];
  const peers = Array.from({ length: 40 }, (_, i) => `10.1.${i >> 4}.${(i * 7) % 250}`);
  const t: SocketTable = {
    length: rows,
    family: new Uint8Array(rows).fill(4),
    state: new Uint8Array(rows),
    localAddr: new Array<string>(rows).fill('10.0.0.5'),
    localPort: new Uint16Array(rows),
    remoteAddr: new Array<string>(rows),
    remotePort: new Uint16Array(rows),
    txQueue: new Uint32Array(rows),
    rxQueue: new Uint32Array(rows),
    timer: new Uint8Array(rows),
    timerLeftMs: new Uint32Array(rows),
    retransmits: new Uint32Array(rows),
    uid: new Uint32Array(rows),
    inode: new Float64Array(rows),
    cookie: null,
  };
  for (let i = 0; i < rows; i++) {
    const st = states[Math.floor(r() * states.length)];
    t.state[i] = stateCode(st);
    t.localPort[i] = 32768 + (i % 28_000);
    t.remoteAddr[i] = peers[Math.floor(r() * peers.length)];
    t.remotePort[i] = [443, 5432, 6379, 80][i % 4];
    t.timer[i] = st === 'TIME_WAIT' ? 3 : 0;
    t.timerLeftMs[i] = st === 'TIME_WAIT' ? Math.floor(r() * 60_000) : 0;
    t.uid[i] = st === 'TIME_WAIT' ? 0 : 1000;
    t.inode[i] = st === 'TIME_WAIT' ? 0 : 100_000 + i;
  }
  return t;
}

class SyntheticCollector implements ServeCollector {
  private seq = 0;
  private readonly r = rng(42);
  constructor(
    private readonly table: SocketTable | null,
    private readonly startIndex: number,
  ) {}

  async tick(): Promise<Snapshot> {
    const i = this.startIndex + this.seq;
    const states = syntheticStates(i, this.r);
    const now = Date.now();
    const total = Object.values(states).reduce((a, b) => a + b, 0);
    const tops: DestinationCount[] = Array.from({ length: 10 }, (_, k) => ({
      direction: 'outbound',
      peerAddr: `10.1.0.${k + 1}`,
      servicePort: [443, 5432, 6379, 80][k % 4],
      localAddr: '10.0.0.5',
      count: Math.round(states.TIME_WAIT / (k + 2)),
    }));
    const budgets: PortBudget[] = tops.map((d, k) => {
      const percentUsed = (d.count / 28_232) * 100;
      const steadyStatePercent = percentUsed * (1 + k / 10);
      return {
        localAddr: d.localAddr,
        remoteAddr: d.peerAddr,
        remotePort: d.servicePort,
        inUse: d.count + 30,
        timeWait: d.count,
        blocking: d.count + 30,
        usable: 28_232,
        percentUsed,
        closeRatePerS: d.count / 60,
        rateWindowS: 10,
        activeGrowthPerS: 0,
        forecastBasisS: 10,
        firstFreeS: 1,
        freedWithin10s: Math.round(d.count / 6),
        exhaustedSince: null,
        holdSeconds: 60,
        reuseApplies: false,
        steadyState: (steadyStatePercent * 28_232) / 100,
        steadyStatePercent,
        secondsToExhaustion: steadyStatePercent > 100 ? 120 : null,
        verdict: steadyStatePercent > 100 ? 'will_exhaust' : steadyStatePercent > 80 ? 'at_risk' : 'fine',
      };
    });
    const counts = Array.from({ length: 12 }, () => Math.round((states.TIME_WAIT / 12) * (0.8 + 0.4 * this.r())));
    const snap: Snapshot = {
      schema: SNAPSHOT_SCHEMA,
      time: now,
      seq: this.seq++,
      intervalMs: 1000,
      states,
      statesByFamily: { ipv4: states, ipv6: emptyStateCounts() },
      totalSockets: total,
      sockstat: { inuse4: total - states.TIME_WAIT, inuse6: 0, orphan: 3, tw: states.TIME_WAIT, alloc: total, memPages: 900, socketsUsed: total + 100 },
      counters: {
        totals: {},
        rates: {
          'TcpExt.TW': 300 + 100 * this.r(),
          'TcpExt.TWKilled': 0,
          'Tcp.ActiveOpens': 310 + 100 * this.r(),
          'Tcp.PassiveOpens': 40 * this.r(),
          'Tcp.EstabResets': 2 * this.r(),
          'Tcp.OutRsts': 3 * this.r(),
          'TcpExt.TCPTimeWaitOverflow': 0,
          'TcpExt.TWRecycled': 0,
        },
        currEstab: states.ESTABLISHED,
      },
      timeWaitTimers: { bucketS: 5, counts, freedNext10s: counts[0] + counts[1], finWait2Timewait: states.FIN_WAIT2, total: states.TIME_WAIT },
      topTimeWait: tops,
      topCloseWait: [],
      portBudgets: budgets,
      ephemeral: { low: 32768, high: 60999, reserved: 0, usable: 28_232 },
      // the port range too, as a real snapshot has it: the Tuning view's budget preview needs it
      sysctls: {
        'net.ipv4.tcp_max_tw_buckets': { available: true, raw: '262144', scope: 'netns' },
        'net.ipv4.ip_local_port_range': { available: true, raw: '32768\t60999', scope: 'netns' },
        'net.ipv4.ip_local_reserved_ports': { available: true, raw: '', scope: 'netns' },
      },
      owners: null,
      health: {
        socketSource: 'netlink',
        fallbackReason: null,
        durationMs: 12,
        tableRead: true,
        tableAt: now,
        skippedLines: {},
        degraded: [],
      },
    };
    return snap;
  }

  querySockets(q: SocketQuery): SocketPage {
    return querySocketTable(this.table, Date.now(), q, null);
  }

  setDemand(): void {}
}

// ---- measuring in the page ----------------------------------------------------------------------

/** Installs an observer in the page collecting every waitline:* measure. */
async function observe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as PageGlobal;
    g.__wlMeasures = [];
    new g.PerformanceObserver((list: PageGlobal) => {
      for (const e of list.getEntries()) if (e.name.startsWith('waitline:')) g.__wlMeasures.push({ name: e.name, duration: e.duration });
    }).observe({ type: 'measure' });
  });
}

type Measure = { name: string; duration: number };

// The page runs under the app's real Content-Security-Policy (script-src 'self', no 'unsafe-eval'):
// page.waitForFunction evaluates its predicate with eval() inside the page — with a string or a
// function alike — and the policy refuses it. page.evaluate goes through the DevTools protocol
// instead, which the policy does not govern; so every wait here polls with page.evaluate.
// The page's globals, typed loosely (this file is type-checked without the DOM library):
type PageGlobal = any;

async function waitInPage(page: Page, what: string, pred: (arg: PageGlobal) => unknown, arg: PageGlobal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(pred, arg)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Errors the page reported (uncaught exceptions, console errors — a CSP refusal is one): a scenario
 *  during which any arrived fails. */
function pageErrors(page: Page): { take(): string[] } {
  let errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  return {
    take() {
      const e = errors;
      errors = [];
      return e;
    },
  };
}

/** Set by benchRender when opts.profileDir is given: profiles each collect() into a file. */
let profiler: { start(): Promise<void>; stop(): Promise<void> } | null = null;

async function collect(page: Page, ticks: number, timeoutMs: number): Promise<Measure[]> {
  await profiler?.start();
  try {
    return await collectTicks(page, ticks, timeoutMs);
  } finally {
    await profiler?.stop();
  }
}

async function collectTicks(page: Page, ticks: number, timeoutMs: number): Promise<Measure[]> {
  await page.evaluate(() => void ((globalThis as PageGlobal).__wlMeasures.length = 0));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = (await page.evaluate(() => (globalThis as PageGlobal).__wlMeasures.slice())) as Measure[];
    const n = m.filter((x) => x.name === 'waitline:tick').length;
    if (n >= ticks) return m;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${ticks} ticks were rendered in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Per-tick cost: each tick's own render plus, amortized, the history/table renders it caused. */
function perTick(measures: { name: string; duration: number }[], extra: string[]): RenderStats {
  const perTickCosts: number[] = [];
  let pending = 0;
  // attribute each extra measure to the tick before it
  for (const m of measures) {
    if (m.name === 'waitline:tick') {
      if (perTickCosts.length) perTickCosts[perTickCosts.length - 1] += pending;
      pending = 0;
      perTickCosts.push(m.duration);
    } else if (extra.includes(m.name)) {
      pending += m.duration;
    }
  }
  if (perTickCosts.length) perTickCosts[perTickCosts.length - 1] += pending;
  const sorted = [...perTickCosts].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    mean: round(mean),
    p95: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0),
    max: round(sorted[sorted.length - 1] ?? 0),
    samples: sorted.length,
  };
}

/** The page and tick of `browserFloor`: one text node changed by a timer every `tickMs`, measured as
 *  renderer/perf.ts measures a tick — from before the change, through a hop to a later task (a
 *  MessageChannel message), to a forced style + layout — and recorded as `waitline:tick`. The text
 *  is made before the measure starts: only the browser's part is timed. */
async function bareTicks(page: Page, ticks: number, tickMs: number, timeoutMs: number): Promise<Measure[]> {
  await page.setContent('<!doctype html><html><body><div><span>0 sockets</span></div></body></html>');
  await observe(page);
  // a string, not a function: evaluated as written (no helper the bundler might wrap it in)
  await page.evaluate(`(() => {
    const text = document.querySelector('span').firstChild;
    const channel = new MessageChannel();
    let after = null;
    channel.port1.onmessage = () => { const f = after; after = null; if (f) f(); };
    let i = 0;
    setInterval(() => {
      i++;
      const line = (1000 + i) + ' sockets · ' + (10 + (i % 50)) + ':00:0' + (i % 10) + ' · netlink · ' + (1 + (i % 7)) + '.2 ms';
      const start = performance.now();
      text.nodeValue = line;
      after = () => {
        void document.body.offsetHeight;
        performance.clearMeasures('waitline:tick');
        performance.measure('waitline:tick', { start, end: performance.now() });
      };
      channel.port2.postMessage(0);
    }, ${Math.max(1, Math.floor(tickMs))});
  })()`);
  // not collect(): the profiler, when asked for, is attached to the app's page
  return collectTicks(page, ticks, timeoutMs);
}

export async function benchRender(opts: BenchRenderOptions = {}): Promise<BenchRenderResult> {
  const staticDir = resolve(opts.staticDir ?? 'dist/renderer');
  const chromiumPath = opts.chromiumPath ?? '/usr/bin/chromium';
  const ticks = opts.ticks ?? 30;
  const tickMs = opts.tickMs ?? 500;
  const tableRows = opts.tableRows ?? 50_000;
  const historySamples = opts.historySamples ?? 86_400;
  const log = opts.log ?? (() => {});
  if (!existsSync(resolve(staticDir, 'index.html'))) throw new Error(`the renderer is not built (${staticDir}); run \`npm run build\``);
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath} (apt-get install chromium)`);

  const collector = new SyntheticCollector(syntheticTable(tableRows), historySamples);
  const server = await startServe({ collector, staticDir, port: 0, tickMs, historyCapacity: Math.max(historySamples + 1000, 86_400) });
  // 24 h of history ending now, one sample per second
  const r = rng(1);
  const now = Date.now();
  for (let i = 0; i < historySamples; i++) {
    server.history.pushSample(now - (historySamples - i) * 1000, syntheticStates(i, r), {
      timeWaitArrivals: 300 + 100 * r(),
      activeOpens: 300 + 100 * r(),
      passiveOpens: 40 * r(),
      resets: 5 * r(),
      twOverflow: i % 5000 === 0 ? 50 : 0,
      twRecycled: 0,
    });
  }
  server.history.addMarker(now - 6 * 3600_000, 'tcp_tw_reuse=1');

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/waitline', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/waitline' },
  });
  try {
    const chromiumVersion = browser.version();
    // never bypassCSP: the page runs under the policy the app ships
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = pageErrors(page);
    let profiled = 0;
    if (opts.profileDir) {
      const dir = resolve(opts.profileDir);
      mkdirSync(dir, { recursive: true });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      const trace = opts.profileTrace === true;
      const events: unknown[] = [];
      cdp.on('Tracing.dataCollected', (d: { value: unknown[] }) => void events.push(...d.value));
      profiler = trace ? {
        start: async () => void (await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8', transferMode: 'ReportEvents' })),
        stop: async () => {
          const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
          await cdp.send('Tracing.end');
          await done;
          writeFileSync(resolve(dir, `${++profiled}.trace.json`), JSON.stringify({ traceEvents: events.splice(0) }));
        },
      } : {
        start: async () => void (await cdp.send('Profiler.start')),
        stop: async () => {
          const { profile } = await cdp.send('Profiler.stop');
          writeFileSync(resolve(dir, `${++profiled}.cpuprofile`), JSON.stringify(profile));
        },
      };
    }
    /** A scenario that errors fails the bench, loudly, naming it. */
    const scenario = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      log(`${name}…`);
      let out: T;
      try {
        out = await run();
      } catch (e) {
        throw new Error(`renderer scenario "${name}" failed: ${(e as Error).message}${errors.take().map((x) => `; ${x}`).join('')}`);
      }
      const errs = errors.take();
      if (errs.length) throw new Error(`renderer scenario "${name}": the page reported ${errs.join('; ')}`);
      return out;
    };
    const timeout = ticks * tickMs * 4 + 20_000;
    await scenario('load', async () => {
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="state-chart"]', { timeout: 20_000 });
      await observe(page);
    });

    const overview1m = await scenario('overview, 1 min window', async () => {
      await page.click('[data-testid="window-1m"]');
      return perTick(await collect(page, ticks, timeout), []);
    });
    const overview1h = await scenario('overview, 1 h window', async () => {
      await page.click('[data-testid="window-1h"]');
      return perTick(await collect(page, ticks, timeout), ['waitline:history']);
    });

    const { overview24h, historyRefreshMs, ticksPerRefresh } = await scenario(`overview, 24 h window over ${historySamples} samples`, async () => {
    await page.evaluate(() => void ((globalThis as PageGlobal).__wlMeasures.length = 0));
    await page.click('[data-testid="window-24h"]');
    await waitInPage(
      page,
      'the 24 h chart (more than 300 points)',
      () => Number((globalThis as PageGlobal).document.querySelector('[data-testid="state-chart"]')?.getAttribute('data-points')) > 300,
      null,
      20_000,
    );
    // the switch itself fetched and drew the 24 h range: that is the cost of one history refresh
    await waitInPage(page, 'a history render', () => (globalThis as PageGlobal).__wlMeasures.some((m: Measure) => m.name === 'waitline:history'), null, 20_000);
    const switchMeasures = (await page.evaluate(() => (globalThis as PageGlobal).__wlMeasures.slice())) as Measure[];
    const hist = switchMeasures.filter((m) => m.name === 'waitline:history').map((m) => m.duration);
    const historyRefreshMs = Math.round((hist.reduce((a, b) => a + b, 0) / hist.length) * 1000) / 1000;
    // The 24 h chart is refetched when the newest sample moves it by one pixel (renderer/store):
    // every (24 h / chart width) seconds at 1 s ticks. Amortize one refresh over that many ticks.
    const points = Number(await page.getAttribute('[data-testid="state-chart"]', 'data-points'));
    const ticksPerRefresh = Math.max(1, Math.floor(86_400_000 / Math.max(1, points * 2) / 1000));
    const m24 = await collect(page, ticks, timeout);
    const ticks24 = perTick(m24, ['waitline:history']);
    const amortized = Math.round((historyRefreshMs / ticksPerRefresh) * 1000) / 1000;
    const overview24h: RenderStats = { ...ticks24, mean: Math.round((ticks24.mean + amortized) * 1000) / 1000 };
    return { overview24h, historyRefreshMs, ticksPerRefresh };
    });

    const timeWait = await scenario('TIME_WAIT view', async () => {
      await page.click('[data-testid="nav-timewait"]');
      return perTick(await collect(page, ticks, timeout), []);
    });

    const table50k = await scenario(`connections, ${tableRows} rows`, async () => {
      await page.click('[data-testid="nav-connections"]');
      await waitInPage(
        page,
        `the connections total to show ${tableRows}`,
        (rows: number) =>
          ((globalThis as PageGlobal).document.querySelector('[data-testid="connections-total"]')?.textContent ?? '').replace(/[^0-9]/g, '').includes(String(rows)),
        tableRows,
        20_000,
      );
      return perTick(await collect(page, ticks, timeout), ['waitline:table']);
    });

    const floor = await scenario('floor: the Tuning view (a few text nodes change per tick)', async () => {
      await page.click('[data-testid="nav-tuning"]');
      // the knob cards are drawn at once; their current values once the host's tuning state is in
      // (a one-off re-render of every card, which must not land in a measured tick)
      await waitInPage(page, "the Tuning view with the host's values", () => !!(globalThis as PageGlobal).document.querySelector('[data-testid^="current-"]'), null, 20_000);
      return perTick(await collect(page, ticks, timeout), []);
    });
    const browserFloor = await scenario('browser floor: a page of one text line, no app', async () => {
      const bare = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        return perTick(await bareTicks(bare, ticks, tickMs, timeout), []);
      } finally {
        await bare.close();
      }
    });
    const above = (x: RenderStats) => Math.round((x.mean - floor.mean) * 1000) / 1000;

    return {
      perTickMs24h: overview24h.mean,
      perTickMsTable50k: table50k.mean,
      perTickMs1m: overview1m.mean,
      perTickMs1h: overview1h.mean,
      perTickMsTimeWait: timeWait.mean,
      overview1h,
      timeWait,
      overview24h,
      table50k,
      overview1m,
      historyRefreshMs,
      ticksPerHistoryRefresh: ticksPerRefresh,
      floor,
      floorMsPerTick: floor.mean,
      browserFloor,
      browserFloorMsPerTick: browserFloor.mean,
      aboveFloorMs: { overview1m: above(overview1m), overview1h: above(overview1h), overview24h: above(overview24h), timeWait: above(timeWait), table50k: above(table50k) },
      goalMs: 4,
      chromium: chromiumVersion,
      historySamples,
      tableRows,
    };
  } finally {
    profiler = null;
    await browser.close().catch(() => undefined);
    await server.close();
  }
}
