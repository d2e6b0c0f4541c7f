#!/usr/bin/env node
// Makes known numbers of TCP sockets in each state, in whatever network namespace it runs in, and
// holds them until its stdin closes. Plain Node (no build step) so it starts fast under `ip netns exec`.
//
//   node socket-factory.mjs '{"groups":[{"host":"127.0.0.1","port":5000,"established":3,"halfClosed":2,"timeWait":5}]}'
//
// Per group: 1 LISTEN; `established` pairs (2 ESTABLISHED sockets each); `halfClosed` pairs where the
// client sent FIN and the server never closes (client FIN_WAIT2, server CLOSE_WAIT); `timeWait`
// connections the client closed first (client TIME_WAIT, server gone). Prints one line
// `READY {json}` with the ports used, then obeys stdin commands: `timewait GROUP N` → makes N more
// TIME_WAIT connections and prints `DONE {json}`.
import net from 'node:net';
import readline from 'node:readline';

const spec = JSON.parse(process.argv[2] ?? '{"groups":[]}');
const held = [];
const servers = [];

function listen(host, port) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: true });
    srv.on('connection', (sock) => {
      held.push(sock);
      sock.on('error', () => {});
      sock.on('end', () => {
        // a TIME_WAIT client closed: close our side; half-closed clients get no answer (CLOSE_WAIT)
        if (srv.closeOnEnd.has(sock.remotePort)) sock.end();
      });
    });
    srv.closeOnEnd = new Set();
    srv.once('error', reject);
    srv.listen({ host, port, backlog: 4096 }, () => resolve(srv));
  });
}

function connect(host, port, opts = {}) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host, port, allowHalfOpen: opts.halfOpen ?? false }, () => resolve(c));
    c.once('error', reject);
  });
}

async function makeTimeWait(srv, host, port, n) {
  const ports = [];
  for (let i = 0; i < n; i++) {
    const c = await connect(host, port);
    srv.closeOnEnd.add(c.localPort);
    ports.push(c.localPort);
    await new Promise((resolve) => {
      c.on('close', resolve);
      c.on('error', () => {});
      c.end();
    });
  }
  return ports;
}

async function main() {
  const report = [];
  for (const g of spec.groups) {
    const srv = await listen(g.host, g.port ?? 0);
    servers.push({ srv, host: g.host, port: srv.address().port });
    const port = srv.address().port;
    const established = [];
    for (let i = 0; i < (g.established ?? 0); i++) {
      const c = await connect(g.host, port);
      c.on('error', () => {});
      held.push(c);
      established.push(c.localPort);
    }
    const halfClosed = [];
    for (let i = 0; i < (g.halfClosed ?? 0); i++) {
      const c = await connect(g.host, port, { halfOpen: true });
      c.on('error', () => {});
      held.push(c);
      c.end(); // FIN: we stay readable (FIN_WAIT2); the server never closes (CLOSE_WAIT)
      halfClosed.push(c.localPort);
    }
    const timeWait = await makeTimeWait(srv, g.host, port, g.timeWait ?? 0);
    report.push({ host: g.host, port, established, halfClosed, timeWait });
  }
  // let the last FIN/ACKs land before reporting
  await new Promise((r) => setTimeout(r, 200));
  process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, groups: report })}\n`);

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const [cmd, gi, count] = line.trim().split(/\s+/);
    if (cmd === 'timewait') {
      const s = servers[Number(gi)];
      const ports = await makeTimeWait(s.srv, s.host, s.port, Number(count));
      await new Promise((r) => setTimeout(r, 100));
      process.stdout.write(`DONE ${JSON.stringify({ ports })}\n`);
    }
  });
  rl.on('close', () => process.exit(0));
}

main().catch((e) => {
  process.stdout.write(`ERROR ${e.message}\n`);
  process.exit(1);
});
