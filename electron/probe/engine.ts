// The connection probe: `count` TCP connects to one address, at most `concurrency` at a time and at
// most `ratePerS` started per second, each timed from connect() to the connection, then closed so
// that the chosen side closes first. Plain Node (node:net only); the CLI (electron/cli/probe.ts) and,
// later, the app's probe panel run it. It connects only to the address it is given: resolving names
// and the loopback/private rule are resolve.ts's job, before this.
//
// Closing (docs/probe.md):
//   client first — after connecting, the probe sends FIN (end()) and waits for the server's FIN; the
//     client socket ends in TIME_WAIT. A server that never answers our FIN within --timeout is counted
//     (closeTimeouts) and the socket is closed anyway (it lingers in FIN_WAIT2 on our side).
//   server first — the probe waits for the server's FIN, then closes: the server ends in TIME_WAIT. A
//     server that has not closed within --timeout is counted and the probe closes first instead (that
//     connection's TIME_WAIT is then on the client).

import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkSettings, type ProbeSettings } from './options';
import { errnoClass } from './stats';
import type { Endpoint } from './timewait';

export interface ProbeRunOptions extends ProbeSettings {
  /** an IP literal (already resolved) */
  address: string;
  port: number;
  /** stops starting new connects; those in flight finish (each bounded by the timeout) */
  signal?: AbortSignal;
  /** called after each attempt (for a progress line) */
  onAttempt?(done: number, ok: number): void;
}

export interface ProbeRunResult {
  attempted: number;
  ok: number;
  failed: number;
  /** connect failures by errno class (ETIMEDOUT = no connection within the timeout) */
  errors: Record<string, number>;
  /** connect latency of each successful connect, ms, in completion order */
  latenciesMs: Float64Array;
  /** connections whose peer did not close in time: client-first, the server never answered our
   *  FIN; server-first, the server never closed, so the probe closed first */
  closeTimeouts: number;
  /** errors after a connection was made (e.g. ECONNRESET while closing), by errno class */
  errorsAfterConnect: Record<string, number>;
  /** the local end of every successful connection (to find their sockets in the table afterwards) */
  endpoints: Endpoint[];
  /** wall clock, epoch ms */
  startedAt: number;
  durationMs: number;
  /** the run was stopped (signal) before all `count` connects were started */
  interrupted: boolean;
}

type Outcome =
  | { ok: true; latencyMs: number; local: Endpoint | null; closeTimeout: boolean; afterError: string | null }
  | { ok: false; error: string };

function attempt(o: ProbeRunOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    // allowHalfOpen: the probe decides when its side closes (Node would otherwise answer a FIN at once)
    const s = new Socket({ allowHalfOpen: true });
    const timeoutMs = o.timeoutS * 1000;
    const t0 = performance.now();
    let outcome: Outcome | null = null;
    let connected = false;
    let latencyMs = 0;
    let local: Endpoint | null = null;
    let closeTimeout = false;
    let afterError: string | null = null;
    let timer: NodeJS.Timeout | null = setTimeout(() => {
      timer = null;
      if (!connected) outcome = { ok: false, error: 'ETIMEDOUT' };
      else closeTimeout = true;
      s.destroy();
    }, timeoutMs);
    const stopTimer = () => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
    s.on('connect', () => {
      latencyMs = performance.now() - t0;
      connected = true;
      if (s.localAddress && s.localPort) local = { addr: s.localAddress, port: s.localPort };
      s.resume(); // discard whatever the server sends (a banner): unread data would make close() send RST
      stopTimer();
      timer = setTimeout(() => {
        timer = null;
        closeTimeout = true;
        s.destroy();
      }, timeoutMs);
      if (o.closeFirst === 'client') s.end();
    });
    // the server's FIN: client-first, the reply to ours (we are in TIME_WAIT now); server-first, the
    // server closed: answer with ours (the server ends in TIME_WAIT)
    s.on('end', () => {
      stopTimer();
      s.destroy();
    });
    s.on('error', (e) => {
      if (!connected) outcome ??= { ok: false, error: errnoClass(e) };
      else afterError ??= errnoClass(e);
    });
    s.on('close', () => {
      stopTimer();
      resolve(outcome ?? (connected ? { ok: true, latencyMs, local, closeTimeout, afterError } : { ok: false, error: 'EOTHER' }));
    });
    s.connect({ host: o.address, port: o.port });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the probe. Throws ProbeInputError when the settings exceed PROBE_LIMITS. */
export async function runProbe(o: ProbeRunOptions): Promise<ProbeRunResult> {
  checkSettings(o);
  const errors: Record<string, number> = {};
  const errorsAfterConnect: Record<string, number> = {};
  const latencies = new Float64Array(o.count);
  const endpoints: Endpoint[] = [];
  let next = 0;
  let done = 0;
  let ok = 0;
  let closeTimeouts = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  const spacingMs = 1000 / o.ratePerS;

  const worker = async () => {
    for (;;) {
      if (o.signal?.aborted) return;
      const i = next++;
      if (i >= o.count) return;
      // connect i starts no earlier than i / rate seconds into the run: the rate cap holds over any
      // stretch of the run, whatever the concurrency
      // (timers may fire up to a millisecond early by this clock: sleep again until due)
      const due = t0 + i * spacingMs;
      for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) await sleep(Math.max(1, Math.ceil(wait)));
      if (o.signal?.aborted) return;
      const r = await attempt(o);
      done++;
      if (r.ok) {
        latencies[ok++] = r.latencyMs;
        if (r.local) endpoints.push(r.local);
        if (r.closeTimeout) closeTimeouts++;
        if (r.afterError) errorsAfterConnect[r.afterError] = (errorsAfterConnect[r.afterError] ?? 0) + 1;
      } else {
        errors[r.error] = (errors[r.error] ?? 0) + 1;
      }
      o.onAttempt?.(done, ok);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  return {
    attempted: done,
    ok,
    failed: done - ok,
    errors,
    latenciesMs: latencies.slice(0, ok),
    closeTimeouts,
    errorsAfterConnect,
    endpoints,
    startedAt,
    durationMs: performance.now() - t0,
    interrupted: done < o.count,
  };
}
