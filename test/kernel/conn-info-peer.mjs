#!/usr/bin/env node
// Connections with known traffic for test/kernel/conn-info.test.ts, in whatever network namespace it
// runs in, held open until its stdin closes. Plain Node (no build step).
//
// For each loopback address (127.0.0.1 and ::1): a listener, one client that writes exactly
// BYTES[host] bytes and then holds the connection open (the server reads them all and writes nothing);
// and, on 127.0.0.1, one more connection the client closes first, so the client's end is in TIME_WAIT.
// Prints `READY {"v4":{"client":P,"server":P,"bytes":N},"v6":{…},"timeWait":{"client":P,"server":P}}`
// once every server has read every byte and the TIME_WAIT connection has closed.
import net from 'node:net';

const BYTES = { '127.0.0.1': 1_234_567, '::1': 4_321 };
const held = [];

function listen(host, onSocket) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: false }, onSocket);
    srv.once('error', reject);
    srv.listen({ host, port: 0 }, () => resolve(srv.address().port));
  });
}

/** A client writes `bytes` to a new server on `host`; resolves once the server has read them all. */
async function knownTraffic(host, bytes) {
  let serverRead = null;
  const done = new Promise((resolve) => (serverRead = resolve));
  const port = await listen(host, (sock) => {
    held.push(sock);
    let got = 0;
    sock.on('data', (d) => {
      got += d.length;
      if (got === bytes) serverRead();
    });
    sock.on('error', () => {});
  });
  const client = await new Promise((resolve, reject) => {
    const c = net.connect({ host, port }, () => resolve(c));
    c.once('error', reject);
  });
  held.push(client);
  client.on('error', () => {});
  client.write(Buffer.alloc(bytes, 0x5a));
  await done;
  return { client: client.localPort, server: port, bytes };
}

/** A connection the client closes first: the client's end goes to TIME_WAIT. */
async function timeWait() {
  let serverClosed = null;
  const closed = new Promise((resolve) => (serverClosed = resolve));
  const port = await listen('127.0.0.1', (sock) => {
    sock.on('error', () => {});
    sock.on('end', () => sock.end());
    sock.on('close', () => serverClosed());
    sock.resume(); // read (and drop) the client's bytes, so its FIN is seen
  });
  const client = await new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => resolve(c));
    c.once('error', reject);
  });
  const local = client.localPort;
  const clientClosed = new Promise((resolve) => client.on('close', resolve));
  client.end('bye');
  client.resume();
  await Promise.all([closed, clientClosed]);
  return { client: local, server: port };
}

const v4 = await knownTraffic('127.0.0.1', BYTES['127.0.0.1']);
const v6 = await knownTraffic('::1', BYTES['::1']);
const tw = await timeWait();
process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, v4, v6, timeWait: tw })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
