#!/usr/bin/env node
// Listeners for the connection-probe tests, in whatever network namespace it runs in; holds them until
// its stdin closes. Plain Node (no build step) so it starts fast under `ip netns exec`.
//
//   node probe-server.mjs '[{"host":"127.0.0.1","port":7001,"mode":"wait"},{"host":"::","port":7002,"mode":"close"}]'
//
// Modes: "wait" — an ordinary server that closes only after its client closed (it answers the
// client's FIN with its own), so the client is the one that closes first; "close" — closes every
// connection as soon as it is accepted, so the server closes first. Prints `READY` once all listen.
import net from 'node:net';

const specs = JSON.parse(process.argv[2] ?? '[]');

function listen({ host, port, mode }) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: mode === 'close' }, (sock) => {
      sock.on('error', () => {});
      sock.resume();
      if (mode === 'close') sock.end();
    });
    srv.once('error', reject);
    srv.listen({ host, port, backlog: 4096 }, () => resolve(srv));
  });
}

Promise.all(specs.map(listen)).then(
  () => {
    process.stdout.write('READY\n');
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  },
  (e) => {
    process.stdout.write(`ERROR ${e.message}\n`);
    process.exit(1);
  },
);
