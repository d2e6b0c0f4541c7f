#!/usr/bin/env node
// Makes CLOSE_WAIT sockets whose peer closed at moments the test chooses, in whatever network
// namespace it runs in, and holds them until its stdin closes. Plain Node (no build step).
//
// Prints `READY {"pid":…,"ports":{"127.0.0.1":P4,"::1":P6}}` (one listener per loopback address; the
// accepted sockets are never closed or read), then obeys stdin, one command a line:
//   open NAME HOST N DATA → N connections to HOST; DATA=1: each client writes 100 bytes at once.
//                           Prints `OPENED {"name":…,"ports":[client ports]}`.
//   fin NAME              → the clients of NAME send FIN (shutdown(SHUT_WR); they stay open, in
//                           FIN_WAIT2): our accepted ends go to CLOSE_WAIT. Prints `FINNED {"name":…}`.
import net from 'node:net';
import readline from 'node:readline';

const held = [];
const clients = new Map();
const ports = {};

function listen(host) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (sock) => {
      sock.on('error', () => {});
      held.push(sock); // never read, never closed: CLOSE_WAIT once the peer sends FIN
    });
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => resolve(srv.address().port));
  });
}

function connect(host, port) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host, port, allowHalfOpen: true }, () => resolve(c));
    c.once('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  for (const host of ['127.0.0.1', '::1']) ports[host] = await listen(host);
  process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, ports })}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      const [cmd, name, host, n, data] = line.trim().split(/\s+/);
      if (cmd === 'open') {
        const list = [];
        for (let i = 0; i < Number(n); i++) {
          const c = await connect(host, ports[host]);
          c.on('error', () => {});
          if (data === '1') c.write(Buffer.alloc(100, 0x78));
          list.push(c);
        }
        clients.set(name, list);
        await sleep(50);
        process.stdout.write(`OPENED ${JSON.stringify({ name, ports: list.map((c) => c.localPort) })}\n`);
      } else if (cmd === 'fin') {
        for (const c of clients.get(name) ?? []) c.end();
        await sleep(50);
        process.stdout.write(`FINNED ${JSON.stringify({ name })}\n`);
      } else {
        process.stdout.write(`ERROR unknown command ${cmd}\n`);
      }
    });
  });
  rl.on('close', () => process.exit(0));
}

main().catch((e) => {
  process.stdout.write(`ERROR ${e.message}\n`);
  process.exit(1);
});
