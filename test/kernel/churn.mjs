#!/usr/bin/env node
// A real HTTP server and a client that closes first, at a fixed rate, in whatever network namespace
// it runs in: what a load test that runs out of ephemeral ports does. Plain Node, no build step.
//
//   node churn.mjs '{"port":8080,"rate":50,"durationS":30,"probeEveryMs":1000,"probeUntilS":70}'
//
// After the flow, optional probes: one connect every probeEveryMs until probeUntilS after the start,
// each outcome recorded with its time (what a user retrying by hand would see).
// Prints `READY {"port":…}` once listening, then starts when a line `go` arrives on stdin; prints one
// `RESULT {json}` line at the end: the client's own timestamps (epoch ms) of its first connect, first
// and last EADDRNOTAVAIL, and its counts by outcome. Keeps running (holding nothing) until stdin closes.
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';

const spec = JSON.parse(process.argv[2] ?? '{}');
const host = spec.host ?? '127.0.0.1';
const rate = spec.rate ?? 50;
const durationS = spec.durationS ?? 30;

const server = http.createServer({ keepAlive: true }, (req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end('ok\n');
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen({ host, port: spec.port ?? 0 }, resolve);
});
const port = server.address().port;

const result = { startedAt: 0, endedAt: 0, ok: 0, eaddrnotavail: 0, otherErrors: {}, firstFail: null, lastFail: null, firstOkAfterFail: null, probes: [] };

function once() {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let done = false;
    const finish = (outcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    sock.on('error', (e) => {
      sock.destroy();
      finish(e.code ?? 'error');
    });
    sock.on('connect', () => {
      sock.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    });
    sock.on('data', (d) => {
      if (d.toString().includes('ok')) {
        // the client closes first: it keeps the TIME_WAIT
        sock.end();
        sock.on('close', () => finish('ok'));
      }
    });
    setTimeout(() => {
      sock.destroy();
      finish('timeout');
    }, 5000);
  });
}

async function run() {
  const intervalMs = 1000 / rate;
  const pending = [];
  result.startedAt = Date.now();
  const t0 = performance.now();
  let i = 0;
  while (performance.now() - t0 < durationS * 1000) {
    const at = Date.now();
    pending.push(
      once().then((o) => {
        if (o === 'ok') {
          result.ok++;
          if (result.firstFail !== null && result.firstOkAfterFail === null) result.firstOkAfterFail = at;
        } else if (o === 'EADDRNOTAVAIL') {
          result.eaddrnotavail++;
          if (result.firstFail === null) result.firstFail = at;
          result.lastFail = at;
        } else {
          result.otherErrors[o] = (result.otherErrors[o] ?? 0) + 1;
        }
      }),
    );
    i++;
    const next = t0 + i * intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(pending);
  result.endedAt = Date.now();
  if (spec.probeEveryMs) {
    while (Date.now() - result.startedAt < (spec.probeUntilS ?? durationS) * 1000) {
      const at = Date.now();
      result.probes.push({ at, outcome: await once() });
      const wait = at + spec.probeEveryMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

process.stdout.write(`READY ${JSON.stringify({ port, pid: process.pid })}\n`);
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'go') void run();
});
rl.on('close', () => process.exit(0));
