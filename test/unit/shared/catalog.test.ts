// The sysctl catalog: complete against docs/kernel.md ("Sysctls Waitline reads and tunes"), truthful
// about its "Myths Waitline corrects", and its pure validation refuses what the helper refuses, with
// the same specific messages; every knob's texts come from the catalogs in English and zh-CN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATALOG_KEYS,
  KNOB_IDS,
  SYSCTL_CATALOG,
  WRITABLE_KEYS,
  catalogEntry,
  describe as describeValue,
  knobId,
  knobState,
  knobText,
  normalizeSysctlValue,
  parseAssignments,
  problemText,
  sysctlPath,
  sysctlRead,
  usablePorts,
  validateChanges,
  validateSysctlValue,
  type KnobId,
} from '../../../shared/sysctl-catalog';
import { createI18n, renderMsg } from '../../../shared/i18n';
import { reuseApplies as reuseAppliesTo } from '../../../shared/port-budget';

const reuseApplies = (reuse: number, timestamps: number, addr: string) => reuseAppliesTo({ reuse, timestamps, delayMs: 1000 }, addr);

/** The tunables of docs/kernel.md, "Sysctls Waitline reads and tunes". */
const DOCUMENTED_KEYS = [
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_tw_reuse_delay',
  'net.ipv4.tcp_tw_recycle',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_timestamps',
  'net.ipv4.tcp_max_orphans',
  'net.ipv4.tcp_orphan_retries',
  'net.ipv4.tcp_syn_retries',
  'net.ipv4.tcp_synack_retries',
  'net.ipv4.tcp_max_syn_backlog',
  'net.core.somaxconn',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rfc1337',
];

describe('catalog contents', () => {
  it('has every tunable of docs/kernel.md, once, in dotted form', () => {
    for (const k of DOCUMENTED_KEYS) assert.ok(CATALOG_KEYS.includes(k), k);
    assert.equal(new Set(CATALOG_KEYS).size, CATALOG_KEYS.length, 'no duplicates');
    for (const k of CATALOG_KEYS) assert.match(k, /^net\.(ipv4|core)\.[a-z0-9_]+$/);
  });

  it('gives each entry a type, unit or null, range, default, scope, explanation and history', () => {
    for (const e of SYSCTL_CATALOG) {
      assert.ok(e.title.length > 3, e.key);
      assert.ok(e.summary.length > 20, e.key);
      assert.ok(e.kernelRange.length > 0, e.key);
      assert.ok(e.history.length > 0, e.key);
      assert.ok(e.scope === 'netns' || e.scope === 'global', e.key);
      assert.ok(e.default !== null || e.defaultNote || !e.writable, `${e.key} needs a default or a note`);
      if (e.kind === 'int') assert.ok(e.writable ? e.min! <= e.max! : true, e.key);
      if (e.kind === 'enum') assert.ok((e.values ?? []).length >= 2, e.key);
      if (e.writable) assert.ok(e.risks.length > 0, `${e.key} says what goes wrong`);
    }
  });

  it('states the defaults and scopes of docs/kernel.md', () => {
    const d = (k: string) => catalogEntry(k)!.default;
    assert.equal(d('net.ipv4.tcp_tw_reuse'), '2');
    assert.equal(d('net.ipv4.tcp_tw_reuse_delay'), '1000');
    assert.equal(catalogEntry('net.ipv4.tcp_tw_reuse_delay')!.unit, 'milliseconds');
    assert.equal(d('net.ipv4.tcp_fin_timeout'), '60');
    assert.equal(d('net.ipv4.ip_local_port_range'), '32768 60999');
    assert.equal(d('net.core.somaxconn'), '4096');
    assert.equal(d('net.ipv4.tcp_keepalive_time'), '7200');
    assert.equal(catalogEntry('net.ipv4.tcp_max_orphans')!.scope, 'global');
    assert.equal(catalogEntry('net.ipv4.tcp_tw_reuse')!.scope, 'netns');
    assert.deepEqual(catalogEntry('net.ipv4.tcp_tw_reuse')!.values!.map((v) => v.value), [0, 1, 2]);
  });

  it('shows tcp_tw_recycle as removed in 4.12 with the NAT reason, and never writable', () => {
    const e = catalogEntry('net.ipv4.tcp_tw_recycle')!;
    assert.equal(e.kind, 'removed');
    assert.equal(e.removedIn, '4.12');
    assert.match(e.summary, /NAT/);
    assert.equal(WRITABLE_KEYS.includes(e.key), false);
    const r = validateSysctlValue(e.key, '1');
    assert.deepEqual(r, {
      ok: false,
      message: 'net.ipv4.tcp_tw_recycle: removed in Linux 4.12, cannot be set',
      msg: { key: 'knobs.validation.removed', params: { key: 'net.ipv4.tcp_tw_recycle', version: '4.12' } },
    });
  });

  it('corrects the myths of docs/kernel.md where the knobs meet them', () => {
    const mythText = (k: string) => catalogEntry(k)!.myths.map((m) => `${m.myth} ${m.truth}`).join(' ');
    assert.match(mythText('net.ipv4.tcp_fin_timeout'), /FIN_WAIT2/);
    assert.match(mythText('net.ipv4.tcp_fin_timeout'), /60 s/);
    assert.match(mythText('net.ipv4.tcp_tw_reuse'), /defaults to 2/);
    assert.match(mythText('net.ipv4.tcp_tw_reuse'), /outgoing connect\(\) only|only affects outgoing/);
    assert.match(mythText('net.ipv4.tcp_tw_reuse'), /timestamps/);
    assert.match(mythText('net.ipv4.tcp_max_tw_buckets'), /TCPTimeWaitOverflow/);
    assert.match(mythText('net.ipv4.ip_local_port_range'), /per \(source IP, destination IP, destination port\)/);
    assert.match(mythText('net.ipv4.tcp_max_orphans'), /separate, global/);
    assert.match(mythText('net.ipv4.tcp_tw_recycle'), /4\.12/);
    // and the catalog itself never repeats a myth as fact
    const all = SYSCTL_CATALOG.map((e) => `${e.summary} ${e.risks.join(' ')}`).join(' ');
    assert.doesNotMatch(all, /tcp_fin_timeout (sets|controls) (the )?TIME_WAIT/i);
  });

  it('maps keys to /proc/sys paths only for catalog keys', () => {
    assert.equal(sysctlPath('net.core.somaxconn'), '/proc/sys/net/core/somaxconn');
    assert.equal(sysctlPath('net.ipv4.tcp_tw_reuse', '/x'), '/x/net/ipv4/tcp_tw_reuse');
    assert.throws(() => sysctlPath('kernel.core_pattern'), /not a Waitline sysctl/);
    assert.throws(() => sysctlPath('net.ipv4.../../kernel.core_pattern'), /not a Waitline sysctl/);
  });
});

describe('validateSysctlValue', () => {
  const bad: [string, string, RegExp][] = [
    ['net.ipv4.tcp_tw_reuse', '3', /^net\.ipv4\.tcp_tw_reuse: 3 is not one of 0, 1, 2$/],
    ['net.ipv4.tcp_tw_reuse', '', /\(empty\) is not one of 0, 1, 2/],
    ['net.ipv4.tcp_tw_reuse', '$(id)', /\$\(id\) is not one of/],
    ['net.ipv4.tcp_fin_timeout', '-1', /-1 is negative/],
    ['net.ipv4.tcp_fin_timeout', '0x10', /is hexadecimal/],
    ['net.ipv4.tcp_fin_timeout', '1e3', /is not a whole decimal number/],
    ['net.ipv4.tcp_fin_timeout', '030', /has a leading zero/],
    ['net.ipv4.tcp_fin_timeout', '99999999999', /is too long/],
    ['net.ipv4.tcp_fin_timeout', '٣٠', /control or non-ASCII characters is not a decimal integer/],
    ['net.ipv4.tcp_fin_timeout', '1 ', /contains whitespace/],
    ['net.ipv4.tcp_fin_timeout', '1\n', /control or non-ASCII characters contains whitespace/],
    ['net.ipv4.tcp_fin_timeout', '0', /0 is outside 1–600/],
    ['net.ipv4.tcp_tw_reuse_delay', '60001', /outside 1–60000/],
    ['net.ipv4.tcp_syn_retries', '128', /outside 1–127/],
    ['net.ipv4.ip_local_port_range', '1000 2000', /low port 1000 is below net\.ipv4\.ip_unprivileged_port_start \(1024\)/],
    ['net.ipv4.ip_local_port_range', '50000 40000', /low port 50000 must be below high port 40000/],
    ['net.ipv4.ip_local_port_range', '40000 40000', /must be below/],
    ['net.ipv4.ip_local_port_range', '40000  50000', /not two port numbers separated by one space/],
    ['net.ipv4.ip_local_port_range', '40000 65536', /high port 65536 is outside 1–65535/],
    ['net.ipv4.ip_local_reserved_ports', '5-3', /range 5-3 ends before it starts/],
    ['net.ipv4.ip_local_reserved_ports', '1,,2', /\(empty\) is not a port or a range/],
    ['net.ipv4.ip_local_reserved_ports', '65536', /outside 1–65535/],
    ['kernel.core_pattern', '|/bin/sh', /^kernel\.core_pattern: not a sysctl Waitline may change$/],
    ['net.ipv4.ip_unprivileged_port_start', '0', /read-only/],
  ];
  for (const [key, value, re] of bad) {
    it(`refuses ${key}=${JSON.stringify(value)}`, () => {
      const r = validateSysctlValue(key, value, { unprivilegedPortStart: 1024 });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, re);
    });
  }

  it('accepts and normalizes good values', () => {
    const ok = (k: string, v: string) => validateSysctlValue(k, v, { unprivilegedPortStart: 1024 });
    assert.deepEqual(ok('net.ipv4.tcp_tw_reuse', '1'), { ok: true, value: '1' });
    assert.deepEqual(ok('net.ipv4.ip_local_port_range', '40000\t60999'), { ok: true, value: '40000 60999' });
    assert.deepEqual(ok('net.ipv4.ip_local_port_range', '1024 65535'), { ok: true, value: '1024 65535' });
    assert.deepEqual(ok('net.ipv4.ip_local_reserved_ports', ''), { ok: true, value: '' });
    assert.deepEqual(ok('net.ipv4.ip_local_reserved_ports', '1,2-4,10'), { ok: true, value: '1,2-4,10' });
    assert.deepEqual(ok('net.ipv4.tcp_orphan_retries', '0'), { ok: true, value: '0' });
    assert.deepEqual(ok('net.core.somaxconn', '65535'), { ok: true, value: '65535' });
  });

  it('only checks the unprivileged start when it is known', () => {
    assert.equal(validateSysctlValue('net.ipv4.ip_local_port_range', '500 2000').ok, true);
    assert.equal(validateSysctlValue('net.ipv4.ip_local_port_range', '500 2000', { unprivilegedPortStart: 0 }).ok, true);
    assert.equal(validateSysctlValue('net.ipv4.ip_local_port_range', '500 2000', { unprivilegedPortStart: 501 }).ok, false);
  });
});

describe('validateChanges / parseAssignments', () => {
  it('is all-or-nothing: one bad value fails the batch and is named', () => {
    const r = validateChanges({ 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_fin_timeout': 'abc' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors, ['net.ipv4.tcp_fin_timeout: abc is not a decimal integer']);
    assert.ok(r.byKey['net.ipv4.tcp_fin_timeout']);
  });
  it('refuses an empty or oversized request', () => {
    assert.deepEqual(validateChanges({}).errors, ['no changes given']);
    const many: Record<string, string> = {};
    for (let i = 0; i < 30; i++) many[`net.ipv4.x${i}`] = '1';
    assert.match(validateChanges(many).errors[0]!, /too many changes \(30; at most 24\)/);
  });
  it('parses KEY=VALUE with spaces in the value, refuses duplicates and missing "="', () => {
    const r = parseAssignments(['net.ipv4.ip_local_port_range=40000 60999', 'a=b=c', 'noequals', '=1', 'a=x']);
    assert.deepEqual(r.changes, { 'net.ipv4.ip_local_port_range': '40000 60999', a: 'b=c' });
    assert.deepEqual(r.errors, ['noequals: expected KEY=VALUE', '=1: expected KEY=VALUE', 'a: given more than once']);
  });
  it('describes unprintable input instead of echoing it', () => {
    assert.equal(describeValue('ok'), 'ok');
    assert.equal(describeValue(''), '(empty)');
    assert.equal(describeValue('a\u001b[31m'), 'a value with control or non-ASCII characters');
    assert.equal(describeValue('x'.repeat(50)), `${'x'.repeat(40)}…`);
  });
});

describe('port budget helpers', () => {
  it('counts usable ports: range minus reserved ports inside it (docs/exhaustion.md)', () => {
    assert.equal(usablePorts('32768 60999', ''), 28232);
    assert.equal(usablePorts('32768\t60999', '40000-40009,50000,1-100'), 28232 - 11);
    assert.equal(usablePorts('40000 40009', '40000-40004,40003'), 5);
    assert.equal(usablePorts('nonsense', ''), null);
  });
  it('knows when tcp_tw_reuse applies', () => {
    assert.equal(reuseApplies(2, 1, '127.0.0.1'), true);
    assert.equal(reuseApplies(2, 1, '::1'), true);
    assert.equal(reuseApplies(2, 1, '10.0.0.1'), false);
    assert.equal(reuseApplies(1, 1, '10.0.0.1'), true);
    assert.equal(reuseApplies(1, 0, '10.0.0.1'), false, 'no timestamps, no reuse');
    assert.equal(reuseApplies(0, 1, '127.0.0.1'), false);
  });
  it('normalizes the kernel’s tab-separated port range', () => {
    assert.equal(normalizeSysctlValue('32768\t60999\n'), '32768 60999');
    assert.equal(normalizeSysctlValue('\n'), '');
  });
});

describe('knob texts in the catalogs (shared/i18n/locales/{en,zh-CN}/knobs.json)', () => {
  const en = createI18n('en').t;
  const zh = createI18n('zh-CN').t;
  const CJK = /[\u4e00-\u9fff]/;

  it('keys every knob by the last segment of its name, unique, and builds the English fields from the catalog', () => {
    assert.deepEqual(
      SYSCTL_CATALOG.map((e) => e.knobId),
      SYSCTL_CATALOG.map((e) => e.key.split('.').pop()),
    );
    assert.equal(new Set(KNOB_IDS).size, KNOB_IDS.length, 'knob ids are unique');
    assert.deepEqual([...KNOB_IDS].sort(), SYSCTL_CATALOG.map((e) => e.knobId).sort());
    for (const e of SYSCTL_CATALOG) {
      assert.equal(knobId(e.key), e.knobId);
      const t = knobText(en, e.knobId);
      assert.equal(e.title, t.title);
      assert.equal(e.summary, t.summary);
      assert.equal(e.kernelRange, t.kernelRange);
      assert.equal(e.history, t.history);
      assert.equal(e.defaultNote, t.defaultNote);
      assert.deepEqual(e.risks, t.risks);
      assert.deepEqual(e.myths, t.myths);
      for (const v of e.values ?? []) assert.equal(v.meaning, t.values?.[String(v.value)], `${e.key}=${v.value}`);
    }
  });

  it('has title, summary, risks, myths and history for every knob in both languages', () => {
    for (const e of SYSCTL_CATALOG) {
      const a = knobText(en, e.knobId);
      const b = knobText(zh, e.knobId);
      for (const [lang, x] of [['en', a], ['zh-CN', b]] as const) {
        assert.ok(x.title.length > 3 && x.title !== e.knobId, `${lang} ${e.key} title`);
        assert.ok(x.summary.length > 15, `${lang} ${e.key} summary`);
        assert.ok(x.history.length > 3, `${lang} ${e.key} history`);
        assert.ok(x.kernelRange.length > 0, `${lang} ${e.key} kernelRange`);
        assert.ok(Array.isArray(x.risks) && Array.isArray(x.myths), `${lang} ${e.key} risks/myths`);
        if (e.writable) assert.ok(x.risks.length > 0, `${lang} ${e.key} says what goes wrong`);
        for (const m of x.myths) assert.ok(m.myth.length > 5 && m.truth.length > 5, `${lang} ${e.key} myth`);
      }
      assert.equal(b.risks.length, a.risks.length, `${e.key}: as many risks in zh-CN`);
      assert.equal(b.myths.length, a.myths.length, `${e.key}: as many myths in zh-CN`);
      assert.equal(Boolean(b.defaultNote), Boolean(a.defaultNote), `${e.key}: defaultNote in both`);
      assert.deepEqual(Object.keys(b.values ?? {}), Object.keys(a.values ?? {}), `${e.key}: enum meanings in both`);
      for (const s of [b.title, b.summary, b.history, ...b.risks, ...b.myths.flatMap((m) => [m.myth, m.truth]), ...Object.values(b.values ?? {})]) {
        assert.match(s, CJK, `${e.key}: Chinese text, got «${s}»`);
      }
    }
  });

  it('meets the Chinese tutorials’ myths head-on, with the kernel facts', () => {
    const zhMyths = (id: KnobId) => knobText(zh, id).myths;
    const fin = zhMyths('tcp_fin_timeout');
    const finMyth = fin.find((m) => m.myth.includes('tcp_fin_timeout 就是 TIME_WAIT 的时长'));
    assert.ok(finMyth, 'tcp_fin_timeout 就是 TIME_WAIT 的时长');
    assert.match(finMyth.truth, /FIN_WAIT2/);
    assert.match(finMyth.truth, /60 秒/);
    assert.match(finMyth.truth, /TCP_TIMEWAIT_LEN/);
    const recycle = zhMyths('tcp_tw_recycle')[0]!;
    assert.match(recycle.myth, /开启 tcp_tw_recycle.*快速回收 TIME_WAIT/);
    assert.match(recycle.truth, /4\.12/);
    assert.match(recycle.truth, /NAT/);
    assert.match(knobText(zh, 'tcp_tw_recycle').summary, /时间戳/);
    const delay = fin.find((m) => m.myth.includes('TcpTimedWaitDelay'));
    assert.ok(delay, 'TcpTimedWaitDelay 默认 2 秒');
    assert.match(delay.myth, /默认 2 秒/);
    assert.match(delay.truth, /Windows/);
    assert.match(delay.truth, /Tcpip\\Parameters\\TcpTimedWaitDelay/);
    assert.match(delay.truth, /TCP_TIMEWAIT_LEN = 60 秒/);
    // and in English, word for word on the entry
    const enDelay = catalogEntry('net.ipv4.tcp_fin_timeout')!.myths.find((m) => m.myth.includes('TcpTimedWaitDelay'))!;
    assert.match(enDelay.truth, /Windows registry value/);
    assert.match(enDelay.truth, /TCP_TIMEWAIT_LEN = 60 s, fixed at compile time/);
  });

  it('gives every refusal a Msg whose English is the message, and names the bounds in zh-CN', () => {
    const r = validateSysctlValue('net.ipv4.tcp_fin_timeout', '0');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.msg);
    assert.equal(renderMsg(en, r.msg), r.message);
    assert.equal(renderMsg(zh, r.msg), 'net.ipv4.tcp_fin_timeout：0 超出允许范围 1–600');
    assert.equal(problemText(zh, r.msg), '0 超出允许范围 1–600');
    assert.equal(problemText(en, r.msg), '0 is outside 1–600');
    const big = validateSysctlValue('net.ipv4.tcp_tw_reuse_delay', '60001');
    if (!big.ok) assert.match(renderMsg(zh, big.msg!), /60001 超出允许范围 1–60000$/, 'bounds without digit grouping');
    const low = validateSysctlValue('net.ipv4.ip_local_port_range', '1000 2000', { unprivilegedPortStart: 1024 });
    if (!low.ok) assert.match(renderMsg(zh, low.msg!), /低端端口 1000 小于 net\.ipv4\.ip_unprivileged_port_start（1024）/);
    // every refusal of the table above: the Msg renders to exactly the English message, and to Chinese
    const cases: [string, string][] = [
      ['net.ipv4.tcp_tw_reuse', '3'], ['net.ipv4.tcp_fin_timeout', '-1'], ['net.ipv4.tcp_fin_timeout', '0x10'], ['net.ipv4.tcp_fin_timeout', '1e3'],
      ['net.ipv4.tcp_fin_timeout', '030'], ['net.ipv4.tcp_fin_timeout', '99999999999'], ['net.ipv4.tcp_fin_timeout', '1 '], ['net.ipv4.tcp_fin_timeout', 'abc'],
      ['net.ipv4.ip_local_port_range', '50000 40000'], ['net.ipv4.ip_local_port_range', 'x'], ['net.ipv4.ip_local_port_range', '40000 65536'],
      ['net.ipv4.ip_local_port_range', '0 65535'], ['net.ipv4.ip_local_port_range', '01 2'], ['net.ipv4.ip_local_reserved_ports', '5-3'],
      ['net.ipv4.ip_local_reserved_ports', 'a'], ['net.ipv4.ip_local_reserved_ports', '01'], ['net.ipv4.ip_local_reserved_ports', '70000'],
      ['net.ipv4.ip_local_reserved_ports', Array(65).fill('1').join(',')], ['kernel.core_pattern', '1'], ['net.ipv4.ip_unprivileged_port_start', '0'],
      ['net.ipv4.tcp_tw_recycle', '1'], ['net.ipv4.tcp_fin_timeout', 'x'.repeat(600)],
    ];
    for (const [k, v] of cases) {
      const c = validateSysctlValue(k, v);
      assert.equal(c.ok, false, `${k}=${v}`);
      if (c.ok) continue;
      assert.equal(renderMsg(en, c.msg!), c.message);
      assert.match(renderMsg(zh, c.msg!), CJK, c.message);
    }
  });

  it('carries Msgs beside the English errors of validateChanges and parseAssignments', () => {
    const r = validateChanges({ 'net.ipv4.tcp_fin_timeout': 'abc', 'net.ipv4.tcp_syn_retries': '200' });
    assert.equal(r.errorMsgs.length, r.errors.length);
    assert.deepEqual(r.errorMsgs.map((m) => renderMsg(en, m)), r.errors);
    assert.equal(renderMsg(zh, r.errorMsgs[1]!), 'net.ipv4.tcp_syn_retries：200 超出允许范围 1–127');
    assert.deepEqual(validateChanges({}).errorMsgs.map((m) => renderMsg(zh, m)), ['没有给出任何修改']);
    const a = parseAssignments(['noequals', 'a=1', 'a=2']);
    assert.deepEqual(a.errorMsgs.map((m) => renderMsg(en, m)), a.errors);
    assert.deepEqual(a.errorMsgs.map((m) => renderMsg(zh, m)), ['noequals：格式应为 KEY=VALUE', 'a：重复给出']);
  });

  it('sysctlRead and knobState carry each reason as a catalog message too, the same in English', () => {
    const fin = catalogEntry('net.ipv4.tcp_fin_timeout')!;
    const orphans = catalogEntry('net.ipv4.tcp_max_orphans')!;
    const values = [
      sysctlRead(catalogEntry('net.ipv4.tcp_tw_recycle')!, 'removed'),
      sysctlRead(fin, { error: { code: 'ENOENT' } }),
      sysctlRead(orphans, { error: { code: 'ENOENT' } }),
      sysctlRead(fin, { error: { code: 'EACCES' } }),
    ];
    assert.deepEqual(values.map((v) => (v.available ? '' : v.reason)), [
      'removed in Linux 4.12',
      'not present on this kernel',
      'not present here: it is global, so only the initial network namespace has it (or this kernel lacks it)',
      'cannot be read (EACCES)',
    ]);
    const states = [...values.map((v, i) => knobState(`k${i}`, v)), knobState('x', undefined)];
    for (const k of states) {
      assert.equal(k.available, false);
      const m = k.unavailableMsg;
      assert.ok(m, k.unavailableReason!);
      assert.equal(renderMsg(en, m), k.unavailableReason, 'the message says what the English reason says');
      assert.match(renderMsg(zh, m), CJK);
    }
    assert.equal(renderMsg(zh, states[3]!.unavailableMsg!), '无法读取（EACCES）');
    assert.equal(knobState('ok', { available: true, raw: '1', scope: 'netns' }).unavailableMsg, undefined);
  });
});
