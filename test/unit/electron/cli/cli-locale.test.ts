// The CLI's language (electron/cli/text.ts): `--lang en|zh-CN` over LC_ALL, LC_MESSAGES, LANG; usage,
// argument errors and human output in Chinese under zh, English otherwise; JSON byte-identical in every
// language. Runs the CLI entry from the sources as a child (no build, no root).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliText, takeLangFlag } from '../../../../electron/cli/text';
import { formatSnapshot } from '../../../../electron/cli/snapshot';
import { formatKnobs } from '../../../../electron/cli/tune';
import { formatKillResult } from '../../../../electron/cli/kill';
import { SYSCTL_CATALOG } from '../../../../shared/sysctl-catalog';
import type { DestinationCount } from '../../../../shared/snapshot';
import { makeSnapshot } from '../../shared/history-fixtures';

/** The environment without any locale variable, plus `env`. */
function envWith(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k === 'LANG' || k === 'LANGUAGE' || k.startsWith('LC_')) delete base[k];
  return { ...base, ...env };
}

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: envWith(env) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ZH = { LANG: 'zh_CN.UTF-8' };
const C = { LANG: 'C' };
/** a phrase of the Chinese and of the English main usage */
const ZH_USAGE = /^用法：waitline \[--lang en\|zh-CN\] <command> \[options\]$/m;
const EN_USAGE = /^usage: waitline \[--lang en\|zh-CN\] <command> \[options\]$/m;
/** a raw catalog key leaking (cli.snapshot.title …) */
const RAW_KEY = /\bcli\.[a-z_]+\.[a-z_.]+/;

describe('CLI language', () => {
  it('LANG=zh_CN.UTF-8: the usage is Chinese; its syntax is unchanged', () => {
    const r = cli(ZH, '--help');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, ZH_USAGE);
    assert.match(r.out, /^命令：$/m);
    assert.match(r.out, /^ {2}snapshot {2}打印一份快照（更详细的 `ss -s`），或用 --watch 持续刷新$/m);
    assert.match(r.out, /^ {2}tune {6}通过 pkexec 辅助程序读取和修改 TCP 内核参数/m);
    assert.doesNotMatch(r.out, /usage:|print one snapshot|commands:/);
    assert.doesNotMatch(r.out, RAW_KEY);
  });

  it('LANG=C: English', () => {
    const r = cli(C, '--help');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, EN_USAGE);
    assert.match(r.out, /^ {2}snapshot {2}print one snapshot \(a richer `ss -s`\), or --watch it$/m);
    assert.doesNotMatch(r.out, /[\u4e00-\u9fff]/, 'no Chinese');
  });

  it('LC_ALL=C wins over LANG=zh_CN.UTF-8; LC_MESSAGES over LANG', () => {
    const r = cli({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }, '--help');
    assert.match(r.out, EN_USAGE);
    assert.doesNotMatch(r.out, /[\u4e00-\u9fff]/);
    assert.match(cli({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, '--help').out, ZH_USAGE);
  });

  it('--lang overrides the environment, before or after the command, as --lang X or --lang=X', () => {
    assert.match(cli(C, '--lang', 'zh-CN', '--help').out, ZH_USAGE);
    assert.match(cli(ZH, '--lang', 'en', '--help').out, EN_USAGE);
    assert.match(cli({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }, '--lang=zh-CN', '--help').out, ZH_USAGE);
    const sub = cli(C, 'snapshot', '--help', '--lang=zh-CN');
    assert.equal(sub.code, 0, sub.err);
    assert.match(sub.out, /^用法：waitline snapshot \[--json\] \[--interval S\] \[--watch\] \[--source auto\|netlink\|procfs\] \[--names\] \[--resolve\]$/m);
    assert.match(sub.out, /^ {2}--json {10}以 JSON 输出快照/m);
    assert.match(sub.out, /^退出状态：0 成功，1 无法读取内核文件，2 用法错误。$/m);
    const en = cli(ZH, '--lang', 'en', 'tune', '--help');
    assert.match(en.out, /^usage: waitline tune get \[KEY\.\.\.\] \[--json\]$/m);
    assert.match(en.out, /^ {2}--persist {3}also save the values in \/etc\/sysctl\.d\/90-waitline\.conf/m);
  });

  it('every command has a Chinese usage with no English prose and no raw key', () => {
    for (const cmd of ['snapshot', 'tune', 'kill', 'export', 'serve', 'probe']) {
      const r = cli(C, '--lang', 'zh-CN', cmd, '--help');
      assert.equal(r.code, 0, `${cmd}: ${r.err}`);
      assert.match(r.out, new RegExp(`^用法：waitline ${cmd}`), cmd);
      assert.match(r.out, /^选项：$/m, cmd);
      assert.doesNotMatch(r.out, /\bthis text\b|\boptions:|\bdefault\b|Exit status/, cmd);
      assert.doesNotMatch(r.out, RAW_KEY, cmd);
    }
  });

  it('an unknown --lang is an error listing the choices (exit 2), in the environment\'s language', () => {
    const en = cli(C, '--lang', 'fr', '--help');
    assert.equal(en.code, 2);
    assert.equal(en.out, '');
    assert.equal(en.err, 'waitline: unknown language "fr" for --lang: choose one of en, zh-CN\n');
    const zh = cli(ZH, 'snapshot', '--lang=de_DE');
    assert.equal(zh.code, 2);
    assert.equal(zh.err, 'waitline: --lang 不支持语言“de_DE”：请选择 en, zh-CN 之一\n');
    const missing = cli(C, 'snapshot', '--lang');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--lang needs a value: one of en, zh-CN/);
  });

  it('argument errors are Chinese under zh, with the Chinese usage, and keep exit 2', () => {
    const bogus = cli(ZH, 'snapshot', '--bogus');
    assert.equal(bogus.code, 2);
    assert.match(bogus.err, /^waitline snapshot: 未知选项 --bogus\n\n用法：waitline snapshot /);
    const interval = cli(ZH, 'snapshot', '--interval', 'soon');
    assert.equal(interval.code, 2);
    assert.match(interval.err, /^waitline snapshot: --interval 接受以普通小数表示的秒数，范围 0 到 3600，例如 2 或 0\.5；实际给出“soon”\n/);
    const unknown = cli(ZH, 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^waitline: 未知命令“frobnicate”\n\n用法：waitline/);
    const tune = cli(ZH, 'tune', 'get', 'no_such_knob');
    assert.equal(tune.code, 2);
    assert.match(tune.err, /^waitline tune: 未知的内核参数“no_such_knob”（运行 `waitline tune get` 查看列表）\n/);
    // and the same errors in English
    assert.match(cli(C, 'snapshot', '--bogus').err, /^waitline snapshot: unknown option --bogus\n\nusage: waitline snapshot /);
  });

  it('JSON is byte-identical in every language (tune get --json: ranges and notes stay English)', () => {
    const runs = [cli(C, 'tune', 'get', '--json'), cli(ZH, 'tune', 'get', '--json'), cli(C, '--lang', 'zh-CN', 'tune', 'get', '--json'), cli(ZH, '--lang', 'en', 'tune', 'get', '--json')];
    for (const r of runs) assert.equal(r.code, 0, r.err);
    const body = JSON.parse(runs[0]!.out) as { knobs: { key: string; range: string }[] };
    assert.ok(body.knobs.length > 5, 'the catalog is listed');
    assert.ok(body.knobs.some((k) => /^list like /.test(k.range)), 'the English range text is in the JSON');
    for (const r of runs.slice(1)) assert.equal(r.out, runs[0]!.out);
    assert.doesNotMatch(runs[1]!.out, /[\u4e00-\u9fff]/);
  });

  it('tune get (text) is Chinese under zh: headings, scopes and ranges', () => {
    const r = cli(ZH, 'tune', 'get', 'tcp_tw_reuse', 'ip_local_reserved_ports');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^参数\s+当前值\s+默认值\s+取值范围\s+作用域$/m);
    assert.match(r.out, /^net\.ipv4\.tcp_tw_reuse\s+\S+\s+2\s+0\|1\|2\s+网络命名空间$/m);
    assert.match(r.out, /列表，如 1,2-4,10/);
    assert.doesNotMatch(r.out, /KEY|VALUE|list like|RAW/);
  });
});

describe('CLI human output in zh-CN (in process)', () => {
  const zh = cliText('zh-CN');
  const dest = (peerAddr: string, servicePort: number, direction: DestinationCount['direction'], count: number): DestinationCount => ({
    direction,
    peerAddr,
    servicePort,
    localAddr: '10.0.0.2',
    count,
  });

  it('formatSnapshot: Chinese titles, Chinese-grouped numbers, identifiers kept', () => {
    const s = makeSnapshot({
      time: 1_763_700_000_000,
      states: { TIME_WAIT: 12_345, CLOSE_WAIT: 2, ESTABLISHED: 7 },
      overrides: { topTimeWait: [dest('93.184.216.34', 443, 'outbound', 20), dest('192.0.2.7', 22, 'inbound', 5)], topCloseWait: [dest('10.0.0.9', 5432, 'outbound', 2)] },
    });
    const text = formatSnapshot(s, { netns: 'other', tx: zh });
    assert.match(text, /^Waitline 快照 — 2025-11-21 04:40:00 UTC（12,354 个 TCP 套接字，来源 \S+，耗时 [\d.]+ ms）$/m);
    assert.match(text, /^状态 {10}\s+IPv4\s+IPv6\s+合计$/m);
    assert.match(text, /^TIME_WAIT\s+12,345\s+0\s+12,345$/m, 'state names stay as the kernel names them');
    assert.match(text, /TIME_WAIT 最多的目标（先关闭的一端持有 TIME_WAIT）：/);
    assert.match(text, /到 93\.184\.216\.34:443（本机先关闭）/);
    assert.match(text, /本机端口 22，来自 192\.0\.2\.7（本机服务端先关闭）/);
    assert.match(text, /计数器（合计：自本网络命名空间创建以来；速率需要两次采样）：/);
    assert.doesNotMatch(text, RAW_KEY);
    assert.doesNotMatch(text, /\b(sockets|we closed first|Counters|since|ports free up)\b/);
    // English stays the default
    assert.match(formatSnapshot(s, { netns: 'other' }), /Counters \(totals since this network namespace was created; rates need two samples\):/);
  });

  it('formatKnobs and formatKillResult in Chinese', () => {
    const knobs = SYSCTL_CATALOG.slice(0, 3).map((e) => ({ key: e.key, available: true, unavailableReason: null, value: e.default ?? '1' }));
    const table = formatKnobs(knobs, zh.t);
    assert.match(table, /^参数\s+当前值\s+默认值\s+取值范围\s+作用域$/m);
    assert.doesNotMatch(table, RAW_KEY);
    const killed = formatKillResult({ ok: true, killed: [{ state: 'CLOSE-WAIT', local: 'a:1', remote: 'b:2', process: '' }], kernel: null }, 'a:1', 'b:2', zh.t);
    assert.match(killed, /^已销毁 CLOSE_WAIT 套接字 a:1 -> b:2；ss 中已看不到它\n注意：泄漏并未因此修复/);
    assert.match(formatKillResult({ ok: true, killed: [], kernel: null }, 'a:1', 'b:2', zh.t), /套接字 a:1 -> b:2 在销毁时已经不存在/);
  });

  it('takeLangFlag strips --lang wherever it is and stops at --', () => {
    assert.deepEqual(takeLangFlag(['snapshot', '--lang', 'zh-CN', '--json']), { argv: ['snapshot', '--json'], lang: 'zh-CN', error: null });
    assert.deepEqual(takeLangFlag(['--lang=en', 'tune', 'get']).argv, ['tune', 'get']);
    assert.deepEqual(takeLangFlag(['x', '--', '--lang', 'fr']), { argv: ['x', '--', '--lang', 'fr'], lang: null, error: null });
    assert.ok(takeLangFlag(['--lang', 'fr']).error);
  });
});
