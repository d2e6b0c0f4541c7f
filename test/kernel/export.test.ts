// `waitline export sockets` and `export budgets` as a user runs them, inside a private namespace with
// real sockets: the CSV, read back by a real parser, holds the same sockets `ss -tan` lists; filters
// work; the owner of an open socket is named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createNetns, requireRoot, type Netns } from './netns';
import { LineReader } from './lines';

const CLI = 'bin/waitline.mjs';

/** `ss -tanH` as a set of "STATE local remote" strings, in the CSV's spelling of states and addresses. */
function ssSet(text: string): Set<string> {
  const names: Record<string, string> = {
    ESTAB: 'ESTABLISHED', 'TIME-WAIT': 'TIME_WAIT', 'CLOSE-WAIT': 'CLOSE_WAIT', LISTEN: 'LISTEN', 'FIN-WAIT-1': 'FIN_WAIT1', 'FIN-WAIT-2': 'FIN_WAIT2',
    'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'LAST-ACK': 'LAST_ACK', CLOSING: 'CLOSING',
  };
  const out = new Set<string>();
  for (const line of text.trim().split('\n')) {
    if (!line.trim()) continue;
    const [state, , , local, remote] = line.trim().split(/\s+/);
    const ep = (s: string) => {
      const i = s.lastIndexOf(':');
      const addr = s.slice(0, i).replace(/^\[|\]$/g, '');
      return `${addr === '*' ? '' : addr}:${s.slice(i + 1) === '*' ? '0' : s.slice(i + 1)}`;
    };
    out.add(`${names[state] ?? state} ${ep(local)} ${ep(remote)}`);
  }
  return out;
}

describe('waitline export (private network namespace, real sockets)', { concurrency: false }, () => {
  let ns: Netns | null = null;
  let factoryPid = 0;
  const work = mkdtempSync(join(tmpdir(), 'wl-export-k-'));

  before(async () => {
    if (process.getuid?.() !== 0) return;
    assert.ok(existsSync('dist/cli.mjs'), 'the CLI is built (npm test runs the build first)');
    ns = await createNetns('wl-export');
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    const child = ns.spawn(process.execPath, [
      'test/kernel/socket-factory.mjs',
      JSON.stringify({ groups: [{ host: '127.0.0.1', port: 6100, established: 3, halfClosed: 2, timeWait: 40 }, { host: '::1', port: 6101, timeWait: 5, established: 1 }] }),
    ]);
    factoryPid = child.pid!;
    await new LineReader(child).expect('READY');
  });
  after(async () => {
    await ns?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('export sockets --format csv lists exactly the sockets ss -tan lists', async (t) => {
    if (!requireRoot(t)) return;
    const r = await ns!.exec(process.execPath, [CLI, 'export', 'sockets', '--format', 'csv']);
    const ss = await ns!.exec('ss', ['-tanH']);
    assert.equal(r.code, 0, r.stderr);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    const mine = new Set(rows.map((x) => `${x.state} ${x.local_address}:${x.local_port} ${x.remote_address === '0.0.0.0' || x.remote_address === '::' ? '' : x.remote_address}:${x.remote_port}`));
    const theirs = ssSet(ss.stdout);
    // LISTEN rows: ss prints the wildcard as * (or 0.0.0.0 / [::]); compare the rest exactly
    const strip = (s: Set<string>) => new Set([...s].filter((x) => !x.startsWith('LISTEN')));
    assert.deepEqual([...strip(mine)].sort(), [...strip(theirs)].sort());
    assert.equal(rows.filter((x) => x.state === 'TIME_WAIT').length, 45);
    assert.equal(rows.filter((x) => x.state === 'LISTEN').length, [...theirs].filter((x) => x.startsWith('LISTEN')).length);
    // the factory's open sockets are named with its pid
    const est = rows.filter((x) => x.state === 'ESTABLISHED' && x.remote_port === '6100');
    assert.equal(est.length, 3);
    for (const e of est) assert.equal(Number(e.pid), factoryPid, `owner of ${e.local_address}:${e.local_port}`);
  });

  it('filters (--state, --port) and JSON Lines to a file', async (t) => {
    if (!requireRoot(t)) return;
    const file = join(work, 'tw.jsonl');
    const r = await ns!.exec(process.execPath, [CLI, 'export', 'sockets', '--state', 'time_wait', '--port', '6101', '--format', 'jsonl', '--output', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /5 rows, [\d,]+ bytes written/);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    for (const l of lines) {
      assert.equal(l.state, 'TIME_WAIT');
      assert.equal(l.remote_port, 6101);
      assert.equal(l.family, 'ipv6');
      assert.ok(l.timer_left_ms > 0 && l.timer_left_ms <= 60_000);
    }
  });

  it('export budgets names the busiest destination with the ports ss counts toward it', async (t) => {
    if (!requireRoot(t)) return;
    const r = await ns!.exec(process.execPath, [CLI, 'export', 'budgets']);
    assert.equal(r.code, 0, r.stderr);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    const b = rows.find((x) => x.remote_address === '127.0.0.1' && x.remote_port === '6100');
    assert.ok(b, r.stdout);
    const ss = await ns!.exec('ss', ['-tanH', 'dst', '127.0.0.1', 'dport', '=', ':6100']);
    assert.equal(Number(b.in_use), ss.stdout.trim().split('\n').length);
    assert.equal(Number(b.time_wait), 40);
    assert.equal(b.verdict, 'fine');
  });

  it('usage errors are one clear line and exit 2', async (t) => {
    if (!requireRoot(t)) return;
    for (const [args, msg] of [
      [['export', 'sockets', '--state', 'WAITING'], /--state: states contains "WAITING", which is not a TCP state/],
      [['export', 'sockets', '--sort', 'size'], /--sort: sort must be one of state, local, remote/],
      [['export', 'sockets', '--port', '0'], /--port must be a port from 1 to 65535/],
      [['export', 'sockets', '--format', 'xlsx'], /--format must be csv or jsonl, not "xlsx"/],
      [['export', 'history'], /export history needs --from/],
      [['export', 'history', '--from', '-1h', '--to', '-2h'], /--to .* is before --from/],
      [['export', 'everything'], /cannot export "everything"/],
    ] as const) {
      const r = await ns!.exec(process.execPath, [CLI, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0], msg);
    }
  });
});
