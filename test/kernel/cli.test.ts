// `waitline snapshot` as a user runs it, inside a private namespace, against `ss`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TCP_STATES } from '../../shared/tcp';
import { createNetns, requireRoot, ssStateCounts, type Netns } from './netns';
import { LineReader } from './lines';

const CLI = 'bin/waitline.mjs';

describe('waitline snapshot CLI (private network namespace)', { concurrency: false }, () => {
  let ns: Netns | null = null;

  before(async () => {
    if (process.getuid?.() !== 0) return;
    assert.ok(existsSync('dist/cli.mjs'), 'the CLI is built (npm test runs the build first)');
    ns = await createNetns('wl-cli');
    const f = new LineReader(
      ns.spawn(process.execPath, [
        'test/kernel/socket-factory.mjs',
        JSON.stringify({ groups: [{ host: '127.0.0.1', port: 6000, established: 2, halfClosed: 3, timeWait: 25 }, { host: '::1', port: 6001, timeWait: 4 }] }),
      ]),
    );
    await f.expect('READY');
  });
  after(async () => {
    await ns?.close();
  });

  it('--json prints a Snapshot whose states match ss -tan, spelled as the kernel names them', async (t) => {
    if (!requireRoot(t)) return;
    const r = await ns!.exec(process.execPath, [CLI, 'snapshot', '--json', '--interval', '0']);
    assert.equal(r.code, 0, r.stderr);
    const snap = JSON.parse(r.stdout);
    const ss = await ssStateCounts(ns!);
    for (const st of TCP_STATES.slice(0, 11)) {
      assert.equal(typeof snap.states[st], 'number', `states.${st} present`);
      assert.equal(snap.states[st], ss[st], `${st}: waitline ${snap.states[st]} vs ss ${ss[st]}`);
    }
    assert.equal(snap.states.TIME_WAIT, 29);
  });

  it('prints a readable summary with the TIME_WAIT count and the worst port budget', async (t) => {
    if (!requireRoot(t)) return;
    const r = await ns!.exec(process.execPath, [CLI, 'snapshot', '--interval', '0.2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^TIME_WAIT\s+25\s+4\s+29$/m);
    assert.match(r.stdout, /TIME_WAIT: 29 sockets/);
    assert.match(r.stdout, /127\.0\.0\.1 → 127\.0\.0\.1:6000\s+30 in use/);
    assert.match(r.stdout, /Counters \(rate over/);
  });

  it('--watch refreshes until interrupted', async (t) => {
    if (!requireRoot(t)) return;
    const child = ns!.spawn(process.execPath, [CLI, 'snapshot', '--watch', '--json', '--interval', '0.3']);
    const lines = new LineReader(child);
    const a = JSON.parse(await lines.next());
    const b = JSON.parse(await lines.next());
    assert.equal(b.seq, a.seq + 1);
    assert.ok(b.counters.rates, 'the second refresh has rates');
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0);
  });
});
