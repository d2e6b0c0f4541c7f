// Host sentences as Msgs (host.* catalog): why killing is unavailable (electron/privileged/kill-client),
// why ports have no service names (electron/collector/services-file), the probe's input refusals
// (electron/probe/options, resolve), the socket-tuple refusals (shared/socket-tuple) and the query
// refusals (shared/query-checks). For each: the English `message`/`reason`/`error` is byte-for-byte
// the sentence the code built before the catalog (the old templates are copied below), the Msg rides
// beside it, zh-CN renders it in Chinese, and the CLI prints it in its language.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError, usageErrorText } from '../../../electron/cli/args';
import { runExport } from '../../../electron/cli/export';
import { runKill } from '../../../electron/cli/kill';
import { runProbeCommand } from '../../../electron/cli/probe';
import { cliText } from '../../../electron/cli/text';
import { loadServicesFile } from '../../../electron/collector/services-file';
import { destroySupportFromConfig, detectDestroySupport, KillClient } from '../../../electron/privileged/kill-client';
import { checkSettings, closeFirstOption, describeClass, intOption, parsePort, parseTarget, ProbeInputError, type AddressClass } from '../../../electron/probe/options';
import { resolveTarget } from '../../../electron/probe/resolve';
import { createI18n, msgText, renderMsg, typedT, type Msg } from '../../../shared/i18n';
import { PROBE_LIMITS } from '../../../shared/probe';
import { checkConnKeys, checkExportRequest, checkHistoryQuery, checkKillRequest, checkProbeRequest, checkSocketQuery, QueryError } from '../../../shared/query-checks';
import { parseTuple } from '../../../shared/socket-tuple';
import { TCP_STATES } from '../../../shared/tcp';
import { EXPORT_KINDS } from '../../../shared/export-format';
import { CONN_INFO_MAX_KEYS } from '../../../shared/conn-info';

const zhT = typedT(createI18n('zh-CN').t);
const zh = (m: Msg) => renderMsg(zhT, m);
const HAN = /\p{Script=Han}/u;
const RAW_KEY = /\bhost\.[a-z]+\.[A-Za-z]/;

/** zh-CN rendering: Chinese, no raw key, none of `english` left, each of `parts` present. */
function assertChinese(m: Msg, english: RegExp, ...parts: string[]): string {
  const s = zh(m);
  assert.match(s, HAN, s);
  assert.doesNotMatch(s, RAW_KEY, s);
  assert.doesNotMatch(s, english, s);
  for (const p of parts) assert.ok(s.includes(p), `${JSON.stringify(p)} in ${s}`);
  return s;
}

const root = mkdtempSync(join(tmpdir(), 'wl-host-messages-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function capture(fn: () => Promise<number>, t = cliText('zh-CN').t): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await fn().catch((e: unknown) => {
      if (e instanceof UsageError) {
        err.push(usageErrorText(e, t));
        return 2;
      }
      throw e;
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('kill availability reasons', () => {
  const KILL_EN = /this kernel|was built|cannot destroy|not installed|is not readable|unknown release/;
  const old = {
    noDestroy: (k: string, source: string) =>
      `this kernel (${k}) was built without CONFIG_INET_DIAG_DESTROY (${source}), so it cannot destroy sockets; ` + 'many hardened kernels leave it out. ss -K would silently do nothing here',
    noDiag: (k: string, source: string) => `this kernel (${k}) was built without CONFIG_INET_DIAG (${source}), so sockets can neither be listed nor destroyed through sock_diag`,
    unreadable: (procConfig: string, bootDir: string, kernel: string | null) => `the kernel's build config is not readable (no ${procConfig}, no ${bootDir}/config-${kernel ?? 'RELEASE'})`,
    helper: (p: string) => `the Waitline kill helper is not installed at ${p} (install the deb/rpm package)`,
    pkexec: (p: string) => `pkexec is not installed at ${p} (Debian/Ubuntu: apt install pkexec)`,
  };

  it('from the build config: English unchanged, Chinese rendered', () => {
    for (const kernel of ['6.1.0-13-amd64', null]) {
      const k = kernel ?? 'unknown release';
      const a = destroySupportFromConfig('CONFIG_INET_DIAG=m\n', '/boot/config-x', kernel);
      assert.equal(a.reason, old.noDestroy(k, '/boot/config-x'));
      assert.ok(a.reasonMsg);
      assert.equal(msgText(a.reasonMsg), a.reason);
      assertChinese(a.reasonMsg, KILL_EN, 'CONFIG_INET_DIAG_DESTROY（/boot/config-x）', '无法销毁套接字', 'ss -K', kernel ?? '版本未知');
      const b = destroySupportFromConfig('# nothing\n', '/proc/config.gz', kernel);
      assert.equal(b.reason, old.noDiag(k, '/proc/config.gz'));
      assert.ok(b.reasonMsg);
      assertChinese(b.reasonMsg, KILL_EN, 'CONFIG_INET_DIAG（/proc/config.gz）', 'sock_diag');
    }
    const yes = destroySupportFromConfig('CONFIG_INET_DIAG_DESTROY=y\n', '/proc/config.gz', '6.8.0');
    assert.equal(yes.reason, null);
    assert.equal(yes.reasonMsg, null);
  });

  it('an unreadable config, a missing helper or pkexec', () => {
    const none = join(root, 'k-none');
    mkdirSync(none);
    for (const release of ['6.8.0', null]) {
      if (release) writeFileSync(join(none, 'osrelease'), `${release}\n`);
      const paths = { procConfig: join(none, 'config.gz'), bootDir: join(none, 'boot'), osrelease: join(none, release ? 'osrelease' : 'missing') };
      const s = detectDestroySupport(paths);
      assert.equal(s.available, null);
      assert.equal(s.reason, old.unreadable(paths.procConfig, paths.bootDir, release));
      assert.ok(s.reasonMsg);
      assertChinese(s.reasonMsg, KILL_EN, '无法读取内核的编译配置', `${paths.bootDir}/config-${release ?? 'RELEASE'}`);
    }
    const helperPath = join(root, 'no-helper');
    const a = new KillClient({ helperPath, direct: true, support: { procConfig: join(none, 'config.gz'), bootDir: join(none, 'boot') } }).availability();
    assert.equal(a.installed, old.helper(helperPath));
    assert.ok(a.installedMsg);
    assertChinese(a.installedMsg, KILL_EN, `未安装在 ${helperPath}`, 'deb/rpm');
    const helper = join(root, 'helper');
    writeFileSync(helper, '');
    const pkexecPath = join(root, 'no-pkexec');
    const b = new KillClient({ helperPath: helper, pkexecPath, direct: false }).availability();
    assert.equal(b.installed, old.pkexec(pkexecPath));
    assert.ok(b.installedMsg);
    assertChinese(b.installedMsg, KILL_EN, `pkexec 未安装在 ${pkexecPath}`, '`apt install pkexec`');
  });

  it('`waitline kill --check` prints the reason in the CLI language; --json stays English', async () => {
    const k = join(root, 'k-hard');
    mkdirSync(join(k, 'boot'), { recursive: true });
    writeFileSync(join(k, 'osrelease'), '6.1.0-hardened\n');
    writeFileSync(join(k, 'boot', 'config-6.1.0-hardened'), 'CONFIG_INET_DIAG=y\n');
    const helper = join(root, 'helper');
    writeFileSync(helper, '');
    const opts = { helperPath: helper, direct: true, support: { procConfig: join(k, 'none.gz'), bootDir: join(k, 'boot'), osrelease: join(k, 'osrelease') } };
    const r = await capture(() => runKill(['--check'], opts, cliText('zh-CN')));
    assert.equal(r.code, 1);
    assert.match(r.out, /^此处无法销毁套接字：此内核（6\.1\.0-hardened）编译时未启用 CONFIG_INET_DIAG_DESTROY/);
    assert.doesNotMatch(r.out, KILL_EN);
    const en = await capture(() => runKill(['--check'], opts, cliText('en')));
    assert.equal(en.out, `killing sockets is unavailable here: ${old.noDestroy('6.1.0-hardened', join(k, 'boot', 'config-6.1.0-hardened'))}`);
    const json = await capture(() => runKill(['--check', '--json'], opts, cliText('zh-CN')));
    assert.equal(JSON.parse(json.out).reason, old.noDestroy('6.1.0-hardened', join(k, 'boot', 'config-6.1.0-hardened')));
  });

  it('a bad tuple on the CLI is refused in its language', async () => {
    const r = await capture(() => runKill(['127.0.0.1:1', '[::1]:2'], { helperPath: join(root, 'x'), direct: true }, cliText('zh-CN')));
    assert.equal(r.code, 2);
    assert.match(r.err, /^本端是 IPv4，对端是 IPv6：一个套接字只有一种地址族；未销毁任何套接字$/);
    const en = await capture(() => runKill(['127.0.0.1:1', '[::1]:2'], { helperPath: join(root, 'x'), direct: true }, cliText('en')), cliText('en').t);
    assert.equal(en.err, 'local is IPv4 and remote is IPv6: one socket has one address family; nothing was killed');
  });
});

describe('the services file note', () => {
  const SVC_EN = /does not exist|is not readable|could not be read|ports are shown|larger than/;
  it('missing, not a file, too large: English unchanged, Chinese rendered', () => {
    const missing = join(root, 'services-missing');
    const a = loadServicesFile(missing);
    assert.equal(a.reason, `${missing} does not exist: ports are shown without service names`);
    assert.ok(a.reasonMsg);
    assert.equal(msgText(a.reasonMsg), a.reason);
    assertChinese(a.reasonMsg, SVC_EN, `${missing} 不存在`, '服务名');
    const d = join(root, 'services-dir');
    mkdirSync(d);
    const b = loadServicesFile(d);
    assert.match(String(b.reason), /^.* could not be read \(EISDIR: .*\): ports are shown without service names$/);
    assert.ok(b.reasonMsg);
    assert.equal(msgText(b.reasonMsg), b.reason);
    assertChinese(b.reasonMsg, SVC_EN, `无法读取 ${d}（EISDIR`);
    const big = join(root, 'services-big');
    writeFileSync(big, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    const c = loadServicesFile(big);
    assert.equal(c.reason, `${big} is larger than ${4 * 1024 * 1024} bytes; not read`);
    assert.ok(c.reasonMsg);
    assertChinese(c.reasonMsg, SVC_EN, `${big} 大于 4194304 字节`);
    const ok = loadServicesFile('/etc/services');
    if (ok.reason === null) assert.equal(ok.reasonMsg, null);
  });
});

/** The ProbeInputError `fn` throws. */
function probeError(fn: () => unknown): ProbeInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProbeInputError) return e;
    throw e;
  }
  assert.fail('no ProbeInputError');
}

describe('probe input refusals', () => {
  const PROBE_EN = /must be|takes a|is not an|is neither|not supported|put an|got |not a host|resolves to|the target is/;
  const form = 'the target is HOST:PORT — an IPv4 address (10.0.0.5:80), an IPv6 address in brackets ([::1]:8080) or a host name (example.com:443)';
  const cases: [() => unknown, string, string[]][] = [
    [() => parsePort('0'), 'the port must be a number from 1 to 65535; got "0"', ['端口必须是 1 到 65535 之间的数字', '“0”']],
    [() => parseTarget(''), `${form}; got ""`, ['目标格式为 HOST:PORT']],
    [() => parseTarget('[::1'), `${form}; got "[::1"`, ['“[::1”']],
    [() => parseTarget('[fe80::1%eth0]:80'), 'IPv6 zone ids ("%eth0") are not supported; got "[fe80::1%eth0]:80"', ['不支持 IPv6 区域标识']],
    [() => parseTarget('[::g]:80'), `"::g" is not an IPv6 address; ${form}`, ['“::g”不是 IPv6 地址']],
    [() => parseTarget('example.com'), `${form}; the port is missing in "example.com"`, ['缺少端口']],
    [() => parseTarget('::1:80'), 'put an IPv6 address in brackets: [::1]:80', ['请把 IPv6 地址放在方括号中：[::1]:80']],
    [() => parseTarget('127.1:80'), '"127.1" is not an IPv4 address (four numbers 0–255 without leading zeros, e.g. 10.0.0.5)', ['“127.1”不是 IPv4 地址']],
    [() => parseTarget('bad_name!:80'), `"bad_name!" is neither an IP address nor a host name; ${form}`, ['既不是 IP 地址也不是主机名']],
    [() => parseTarget('224.0.0.1:80'), '224.0.0.1 is a multicast address, not a host to connect to', ['224.0.0.1 是组播地址']],
    [() => parseTarget('[::]:80'), ':: is the unspecified address, not a host to connect to', [':: 是未指定地址']],
    [() => intOption('1e3', 'count', 1, 100000), '--count takes a whole number from 1 to 100,000; got "1e3"', ['--count 取 1 到 100,000 之间的整数']],
    [() => intOption('0', 'count', 1, 100000), '--count takes a whole number from 1 to 100,000; got 0', ['实际为 0']],
    [() => intOption('200000', 'count', 1, 100000), '--count takes a whole number from 1 to 100,000 (a hard cap); got 200000', ['硬性上限']],
    [() => closeFirstOption('both'), '--close-first takes client or server; got "both"', ['--close-first 只能取']],
    [() => checkSettings({ count: 0, concurrency: 1, ratePerS: 1, timeoutS: 1, closeFirst: 'client' }), `count must be 1 to ${PROBE_LIMITS.maxCount}, not 0`, ['次数必须在 1 到']],
    [() => checkSettings({ count: 1, concurrency: 0, ratePerS: 1, timeoutS: 1, closeFirst: 'client' }), `concurrency must be 1 to ${PROBE_LIMITS.maxConcurrency}, not 0`, ['并发数']],
    [() => checkSettings({ count: 1, concurrency: 1, ratePerS: 0, timeoutS: 1, closeFirst: 'client' }), `rate must be 1 to ${PROBE_LIMITS.maxRatePerS} connects/s, not 0`, ['速率']],
    [() => checkSettings({ count: 1, concurrency: 1, ratePerS: 1, timeoutS: 0, closeFirst: 'client' }), `timeout must be ${PROBE_LIMITS.minTimeoutS} to ${PROBE_LIMITS.maxTimeoutS} s, not 0`, ['超时必须在']],
    [() => checkSettings({ count: 1, concurrency: 1, ratePerS: 1, timeoutS: 1, closeFirst: 'x' as 'client' }), 'close-first must be client or server', ['先关闭的一方']],
  ];

  it('English unchanged, Chinese rendered', () => {
    for (const [fn, english, parts] of cases) {
      const e = probeError(fn);
      assert.equal(e.message, english);
      assert.equal(msgText(e.msg), english);
      assertChinese(e.msg, PROBE_EN, ...parts);
    }
    const classes: Record<AddressClass, string> = {
      public: 'a public address',
      loopback: 'a loopback address',
      private: 'a private address',
      shared: 'a carrier-grade NAT address (100.64.0.0/10)',
      'link-local': 'a link-local address',
      unspecified: 'the unspecified address',
      multicast: 'a multicast address',
      broadcast: 'the broadcast address',
      reserved: 'a reserved address',
    };
    for (const [c, words] of Object.entries(classes)) assert.equal(describeClass(c as AddressClass), words);
  });

  it('a name resolving to a refused address', async () => {
    const refused = async (address: string) => {
      try {
        await resolveTarget({ host: 'db.example', port: 5432, kind: 'name' }, async () => [{ address, family: 4 }]);
      } catch (e) {
        if (e instanceof ProbeInputError) return e;
        throw e;
      }
      return assert.fail('not refused');
    };
    const lo = await refused('127.0.0.1');
    assert.equal(lo.message, 'db.example resolves to 127.0.0.1, a loopback address: the probe reaches loopback and private addresses only when you type them — run `waitline probe 127.0.0.1:5432`');
    assertChinese(lo.msg, PROBE_EN, '环回地址', '`waitline probe 127.0.0.1:5432`');
    const mc = await refused('224.0.0.1');
    assert.equal(mc.message, 'db.example resolves to 224.0.0.1, a multicast address, not a host to connect to');
    assertChinese(mc.msg, PROBE_EN, '组播地址');
  });

  it('`waitline probe` prints the refusal in the CLI language', async () => {
    const zhRun = await capture(() => runProbeCommand(['::1:80'], cliText('zh-CN')));
    assert.equal(zhRun.code, 2);
    assert.equal(zhRun.err, '请把 IPv6 地址放在方括号中：[::1]:80');
    const enRun = await capture(() => runProbeCommand(['::1:80'], cliText('en')), cliText('en').t);
    assert.equal(enRun.err, 'put an IPv6 address in brackets: [::1]:80');
    const cnt = await capture(() => runProbeCommand(['10.0.0.5:80', '--count', 'x'], cliText('zh-CN')));
    assert.equal(cnt.err, '--count 取 1 到 100,000 之间的整数；实际为“x”'.replace('100,000', PROBE_LIMITS.maxCount.toLocaleString('en-US')));
  });
});

describe('socket tuple refusals', () => {
  const TUPLE_EN = /is not|is empty|longer than|may contain|has no port|needs brackets|unspecified address|one socket has|\(empty\)|a value with/;
  /** the old show(): printable ASCII as is (shortened), anything else described */
  const show = (s: string) => (s === '' ? '(empty)' : /[^ -~]/.test(s) ? 'a value with control or non-ASCII characters' : s.length > 40 ? `${s.slice(0, 40)}...` : s);
  const cases: [unknown, unknown, string, string[]][] = [
    [5, '1.2.3.4:5', 'local is not text', ['本端不是文本']],
    ['', '1.2.3.4:5', 'local is empty', ['本端为空']],
    ['1.2.3.4:5', '1'.repeat(65), 'remote is longer than 64 characters', ['对端超过 64 个字符']],
    ['1.2.3.4:5 ', '1.2.3.4:5', `local ${show('1.2.3.4:5 ')} may contain only digits, hex letters, '.', ':' and brackets (A.B.C.D:PORT or [IPV6]:PORT)`, ['只能包含数字']],
    ['[1::2::3]:5', '1.2.3.4:5', `local: ${show('1::2::3')} is not an IPv6 address`, ['本端：1::2::3 不是 IPv6 地址']],
    ['[]:5', '1.2.3.4:5', `local: ${show('')} is not an IPv6 address`, ['本端：（空） 不是 IPv6 地址']],
    ['[::1]5', '1.2.3.4:5', `local ${show('[::1]5')} is not [IPV6]:PORT`, ['不是 [IPV6]:PORT 格式']],
    ['1.2.3.4', '1.2.3.4:5', `local ${show('1.2.3.4')} has no port (ADDR:PORT)`, ['没有端口']],
    ['::1:5', '1.2.3.4:5', `local ${show('::1:5')}: an IPv6 address needs brackets, like [::1]:PORT`, ['需要放在方括号中']],
    ['1.2.3.04:5', '1.2.3.4:5', `local: ${show('1.2.3.04')} is not an IPv4 address (dotted decimal, no leading zeros)`, ['不是 IPv4 地址']],
    ['1.2.3.4:0', '1.2.3.4:5', `local: port ${show('0')} is not 1-65535`, ['本端：端口 0 不在 1-65535 范围内']],
    ['1.2.3.4:5', '0.0.0.0:5', "remote: 0.0.0.0 is the unspecified address, not a socket's end", ['对端：0.0.0.0 是未指定地址']],
    ['[::]:5', '[::1]:5', "local: :: is the unspecified address, not a socket's end", ['本端：:: 是未指定地址']],
    ['1.2.3.4:5', '[::1]:5', 'local is IPv4 and remote is IPv6: one socket has one address family', ['本端是 IPv4，对端是 IPv6']],
  ];

  it('English unchanged, Chinese rendered', () => {
    for (const [l, r, english, parts] of cases) {
      const t = parseTuple(l, r);
      assert.equal(t.ok, false, english);
      if (t.ok) continue;
      assert.equal(t.error, english);
      assert.equal(msgText(t.msg), english);
      assertChinese(t.msg, TUPLE_EN, ...parts);
    }
    const bin = parseTuple('1.2.3.4:5\u0000', '1.2.3.4:5');
    assert.ok(!bin.ok);
    if (!bin.ok) {
      assert.equal(bin.error, `local ${show('1.2.3.4:5\u0000')} may contain only digits, hex letters, '.', ':' and brackets (A.B.C.D:PORT or [IPV6]:PORT)`);
      assertChinese(bin.msg, TUPLE_EN, '含控制字符或非 ASCII 字符的值');
    }
  });
});

/** The QueryError `fn` throws. */
function queryError(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  assert.fail('no QueryError');
}

describe('query refusals', () => {
  const QUERY_EN = /must be|has an unknown|lists more|contains|is before|ask for|is longer|, got |an array|the socket query|the history query|connection key/;
  const cases: [() => unknown, string, string[]][] = [
    [() => checkSocketQuery(null), 'the socket query must be an object, got null', ['套接字查询必须是对象，实际为 null']],
    [() => checkSocketQuery([]), 'the socket query must be an object, got an array', ['实际为 数组']],
    [() => checkSocketQuery(new Date()), 'the socket query must be a plain object', ['套接字查询必须是普通对象']],
    [() => checkSocketQuery({ nope: 1 }), 'the socket query has an unknown field "nope"', ['含有未知字段 "nope"']],
    [() => checkSocketQuery({ states: 'x' }), 'states must be an array of TCP state names, got "x"', ['`states` 必须是 TCP 状态名数组']],
    [() => checkSocketQuery({ states: new Array(20).fill('LISTEN') }), `states lists more than ${TCP_STATES.length} entries`, [`超过 ${TCP_STATES.length} 个`]],
    [() => checkSocketQuery({ states: ['NOPE'] }), `states contains "NOPE", which is not a TCP state (expected one of ${TCP_STATES.join(', ')})`, ['不是 TCP 状态', TCP_STATES.join(', ')]],
    [() => checkSocketQuery({ address: 5 }), 'address must be a string, got 5', ['address 必须是字符串，实际为 5']],
    [() => checkSocketQuery({ address: 'a'.repeat(201) }), 'address is longer than 200 characters', ['address 超过 200 个字符']],
    [() => checkSocketQuery({ port: 70000 }), 'port must be an integer from 0 to 65535, got 70000', ['port 必须是 0 到 65535 之间的整数']],
    [() => checkSocketQuery({ sort: 'x' }), 'sort must be one of state, local, remote, localPort, remotePort, timerLeftMs, txQueue, rxQueue, uid, process, got "x"', ['`sort` 必须是以下之一']],
    [() => checkSocketQuery({ descending: 'yes' }), 'descending must be true or false, got "yes"', ['`descending` 必须是 `true` 或 `false`']],
    [() => checkSocketQuery({ limit: () => 1 }), 'limit must be an integer from 1 to 1000, got a function', ['function 类型的值']],
    [() => checkHistoryQuery({ fromMs: 'a', toMs: 1, maxPoints: 1 }), 'fromMs must be a finite number, got "a"', ['fromMs 必须是有限数值']],
    [() => checkHistoryQuery({ fromMs: 2, toMs: 1, maxPoints: 1 }), 'toMs (1) is before fromMs (2)', ['`toMs`（1）早于 `fromMs`（2）']],
    [() => checkHistoryQuery(1), 'the history query must be an object, got 1', ['历史查询必须是对象']],
    [() => checkExportRequest({ kind: 'x', format: 'csv' }), `kind must be one of ${EXPORT_KINDS.join(', ')}, got "x"`, ['`kind` 必须是以下之一']],
    [() => checkExportRequest({ kind: 'history', format: 'xml' }), 'format must be csv or jsonl, got "xml"', ['`format` 必须是 `csv` 或 `jsonl`']],
    [() => checkExportRequest({ kind: 'history', format: 'csv', fromMs: 0, toMs: 1, resolution: '5m' }), 'resolution must be 1s or 1m, got "5m"', ['`resolution` 必须是 `1s` 或 `1m`']],
    [() => checkExportRequest({ kind: 'history', format: 'csv', fromMs: 0, toMs: 1, x: 1 }), 'the export request has an unknown field "x"', ['导出请求含有未知字段']],
    [() => checkConnKeys('x'), 'the connection keys must be an array, got "x"', ['连接键必须是数组']],
    [() => checkConnKeys([]), `ask for 1 to ${CONN_INFO_MAX_KEYS} connections, not 0`, [`请查询 1 到 ${CONN_INFO_MAX_KEYS} 个连接，而不是 0 个`]],
    [() => checkConnKeys([{ family: 'ipv4', x: 1 }]), 'connection key 0 has an unknown field "x"', ['连接键 0含有未知字段']],
    [() => checkConnKeys([{ family: 'ipx' }]), 'family must be "ipv4" or "ipv6", got "ipx"', ['`family` 必须是']],
    [() => checkConnKeys([{ family: 'ipv4', localAddr: 7 }]), 'localAddr must be an IP address, got 7', ['localAddr 必须是 IP 地址']],
    [() => checkConnKeys([{ family: 'ipv6', localAddr: '1.2.3.4' }]), 'localAddr must be an IPv6 address, got "1.2.3.4"', ['localAddr 必须是 IPv6 地址']],
    [() => checkConnKeys([{ family: 'ipv4', localAddr: '1.2.3.4', localPort: 1, remoteAddr: '1.2.3.5', remotePort: 2, cookie: 'x' }]), 'cookie must be a decimal number as text, got "x"', ['`cookie` 必须是']],
    [() => checkKillRequest({ local: '1.2.3.4:5', remote: '[::1]:5' }), 'local is IPv4 and remote is IPv6: one socket has one address family', ['本端是 IPv4']],
    [() => checkKillRequest({ local: 1 }), 'local is not text', ['本端不是文本']],
    [() => checkKillRequest(null), 'the kill request must be an object, got null', ['关闭连接请求必须是对象']],
    [() => checkProbeRequest({ target: '' }), 'target must be HOST:PORT text of 1 to 300 characters, got ""', ['`target` 必须是']],
    [() => checkProbeRequest({ target: 'a:1', timeoutS: 0 }), `timeoutS must be ${PROBE_LIMITS.minTimeoutS} to ${PROBE_LIMITS.maxTimeoutS}, got 0`, ['`timeoutS` 必须在']],
    [() => checkProbeRequest({ target: 'a:1', timeoutS: 1, closeFirst: 'x' }), 'closeFirst must be "client" or "server", got "x"', ['`closeFirst` 必须是']],
    [() => checkProbeRequest({ target: 'a:1', timeoutS: 1, closeFirst: 'client', count: 0 }), `count must be an integer from 1 to ${PROBE_LIMITS.maxCount}, got 0`, ['count 必须是 1 到']],
    [() => checkProbeRequest(undefined), 'the probe request must be an object, got undefined', ['探测请求必须是对象，实际为 undefined']],
  ];

  it('English unchanged, Chinese rendered', () => {
    for (const [fn, english, parts] of cases) {
      const e = queryError(fn);
      assert.equal(e.message, english);
      assert.ok(e.msg, english);
      assert.equal(msgText(e.msg), english);
      assertChinese(e.msg, QUERY_EN, ...parts);
    }
    const long = queryError(() => checkSocketQuery({ sort: 'y'.repeat(50) }));
    assert.equal(long.message, `sort must be one of state, local, remote, localPort, remotePort, timerLeftMs, txQueue, rxQueue, uid, process, got ${JSON.stringify(`${'y'.repeat(40)}…`)}`);
  });

  it('`waitline export sockets` prints a filter refusal in the CLI language', async () => {
    const r = await capture(() => runExport(['sockets', '--state', 'NOPE'], {}, cliText('zh-CN')));
    assert.equal(r.code, 2);
    assert.match(r.err, /^--state：`states` 包含 "NOPE"，它不是 TCP 状态（应为以下之一：ESTABLISHED, /);
    const en = await capture(() => runExport(['sockets', '--state', 'NOPE'], {}, cliText('en')), cliText('en').t);
    assert.match(en.err, /^--state: states contains "NOPE", which is not a TCP state \(expected one of ESTABLISHED, /);
  });
});
