#!/usr/bin/env node
// HTTP GETs on one kept-alive connection per host, for tests that must not disturb the socket table
// they measure: every request a test makes from a fresh process would leave a TIME_WAIT entry behind.
// Reads one JSON request per stdin line ({"url": …, "headers": {…}}) and prints `REPLY {status, body}`.
import http from 'node:http';
import readline from 'node:readline';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
process.stdout.write('READY\n');
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const { url, headers = {} } = JSON.parse(line);
  const req = http.get(url, { agent, headers }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (body += d));
    res.on('end', () => process.stdout.write(`REPLY ${JSON.stringify({ status: res.statusCode, body })}\n`));
  });
  req.on('error', (e) => process.stdout.write(`REPLY ${JSON.stringify({ status: 0, body: e.message })}\n`));
});
rl.on('close', () => process.exit(0));
