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
    // without tw_reuse every TIME_WAIT entry holds its port for its whole 60 s, so "held" does not
    // depend on how long after the sockets the CLI runs (with the default 2 on loopback, entries older
    // than 1 s would be reusable and not counted)
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
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
    // 25 TIME_WAIT + the open sockets toward :6000 hold 30 ports out of the namespace's whole range
    const usable = /Port budget \(ephemeral (\d+)–(\d+), ([\d,]+) usable\)/.exec(r.stdout);
    assert.ok(usable, 'budget header');
    assert.equal(Number(usable[3].replace(/,/g, '')), Number(usable[2]) - Number(usable[1]) + 1);
    const v4 = r.stdout.search(/127\.0\.0\.1 → 127\.0\.0\.1:6000\s+FINE: 30 of ([\d,]+) ports held \(0\.1 %\), 25 TIME_WAIT/);
    const v6 = r.stdout.search(/::1 → \[::1\]:6001\s+FINE: 4 of [\d,]+ ports held/);
    assert.ok(v4 > 0 && v6 > 0, r.stdout);
    assert.ok(v4 < v6, 'the busier destination is listed first');
    // ss is the oracle for "held": every socket toward 127.0.0.1:6000 from a port inside the range
    const lo = Number(usable[1]);
    const hi = Number(usable[2]);
    const rows = (await ns!.exec('ss', ['-tanH', 'dst', '127.0.0.1', 'dport', '=', ':6000'])).stdout.trim().split('\n');
    const held = rows.filter((l) => {
      const port = Number(/:(\d+)\s/.exec(l.split(/\s+/).slice(3).join(' ') + ' ')?.[1]);
      return port >= lo && port <= hi;
    }).length;
    assert.equal(held, 30, `ss counts ${held} sockets toward 127.0.0.1:6000 inside the range`);
    assert.match(r.stdout, /Counters \(rate over/);
    // a namespace's counters start with it, and its negative ehash size is explained, not bare
    assert.match(r.stdout, /total since this network namespace was created/);
    const ehash = /^ {2}net\.ipv4\.tcp_ehash_entries\s+(.*)$/m.exec(r.stdout)?.[1] ?? '';
    const raw = (await ns!.exec('cat', ['/proc/sys/net/ipv4/tcp_ehash_entries'])).stdout.trim();
    if (raw === '') assert.match(ehash, /^unavailable — /);
    else if (raw.startsWith('-')) assert.equal(ehash, `${raw}  (negative: this namespace shares the host's ${raw.slice(1)}-bucket hash table)`);
    else assert.equal(ehash, raw);
  });

  it('speaks Chinese under LANG=zh_CN.UTF-8, while --json stays the LANG=C JSON (modulo the time fields)', async (t) => {
    if (!requireRoot(t)) return;
    // env(1) sets the locale inside the namespace; LC_ALL and LC_MESSAGES would override LANG
    const withLang = (lang: string, ...args: string[]) => ns!.exec('env', ['-u', 'LC_ALL', '-u', 'LC_MESSAGES', `LANG=${lang}`, process.execPath, CLI, 'snapshot', ...args]);
    const human = await withLang('zh_CN.UTF-8', '--interval', '0');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^Waitline 快照 — /);
    assert.match(human.stdout, /^状态\s+IPv4\s+IPv6\s+合计$/m);
    assert.match(human.stdout, /^TIME_WAIT\s+25\s+4\s+29$/m, 'state names and counts as in English');
    assert.match(human.stdout, /TIME_WAIT：29 个套接字/);
    assert.match(human.stdout, /端口预算（临时端口 \d+–\d+，可用 [\d,]+ 个）：/);
    assert.match(human.stdout, /计数器（合计：自本网络命名空间创建以来；速率需要两次采样）：/);
    assert.doesNotMatch(human.stdout, /\b(sockets|Port budget|Counters|since this network namespace)\b/);
    assert.doesNotMatch(human.stdout, /\bcli\.[a-z_]+\.[a-z_.]+/, 'no raw catalog key');

    const [zh, c] = await Promise.all([withLang('zh_CN.UTF-8', '--json', '--interval', '0'), withLang('C', '--json', '--interval', '0')]);
    assert.equal(zh.code, 0, zh.stderr);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(zh.stdout, /[\u4e00-\u9fff]/, 'no Chinese in the JSON');
    // the fields that change from one read to the next: times, durations, ages, timers, the forecasts
    // computed from TIME_WAIT ages, and sockstat's whole-machine figures (memPages, alloc, orphan,
    // socketsUsed: other programs change them)
    const volatile = (k: string) =>
      /^(time|seq|timeWaitTimers|memPages|alloc|orphan|unreadablePids|steadyState|steadyStatePercent|secondsToExhaustion|socketsUsed)$|Ms$|S$|Since$|At$|PerS$/.test(k);
    const stable = (text: string) => JSON.stringify(JSON.parse(text), (k, v) => (volatile(k) ? undefined : v));
    assert.equal(stable(zh.stdout), stable(c.stdout));
    assert.deepEqual(Object.keys(JSON.parse(zh.stdout)), Object.keys(JSON.parse(c.stdout)), 'the same fields, in the same order');
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
