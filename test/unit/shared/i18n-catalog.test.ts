// The catalogs (shared/i18n/locales) against each other and against the code that uses them:
// - every key the code names exists in English (tsc checks typed calls; this also checks the
//   templates and lists the code builds keys from), and no English key is unused;
// - zh-CN has exactly the English keys (plural forms aside: Chinese has only `_other`), arrays of the
//   same length, and the same interpolation variables;
// - no English prose is left in zh-CN: after removing identifiers on the allowlist (sysctl names,
//   TIME_WAIT, errno names, flags, paths, product names), no Latin word remains.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CATALOG_AREAS, CATALOGS } from '../../../shared/i18n/catalog';
import { createI18n, localeFromAcceptLanguage, localeFromEnv, matchLocale, pickLocale } from '../../../shared/i18n';
import { formatter } from '../../../shared/i18n/format';

const ROOT = join(import.meta.dirname, '../../..');
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Tree = { [k: string]: unknown };

/** key → value for every leaf; arrays are leaves by index ("a.b.0"), with their length recorded. */
function flatten(tree: unknown, prefix = '', out = new Map<string, string>(), arrays = new Map<string, number>()) {
  if (Array.isArray(tree)) {
    arrays.set(prefix, tree.length);
    tree.forEach((v, i) => flatten(v, `${prefix}.${i}`, out, arrays));
  } else if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree as Tree)) flatten(v, prefix ? `${prefix}.${k}` : k, out, arrays);
  } else {
    out.set(prefix, String(tree));
  }
  return { leaves: out, arrays };
}

const en = flatten(CATALOGS.en);
const zh = flatten(CATALOGS['zh-CN']);
const base = (k: string) => k.replace(PLURAL, '');

function vars(s: string): Set<string> {
  return new Set([...s.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!));
}

function varsByBase(leaves: Map<string, string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [k, v] of leaves) {
    const b = base(k);
    const set = out.get(b) ?? new Set<string>();
    for (const x of vars(v)) set.add(x);
    out.set(b, set);
  }
  return out;
}

/** Source files whose text may name keys. */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'locales') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const CODE = ['renderer', 'electron', 'shared'].flatMap((d) => sources(join(ROOT, d))).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));

/** Literal keys and key templates the code mentions: any quoted string that starts with an area name
 *  and a dot, and any template literal that does (its ${…} parts match one or more key segments). */
function mentioned(): { literals: Set<string>; patterns: RegExp[]; calls: { key: string; path: string }[] } {
  const areas = CATALOG_AREAS.join('|');
  const literals = new Set<string>();
  const patterns: RegExp[] = [];
  const calls: { key: string; path: string }[] = [];
  const lit = new RegExp(`(['"])((?:${areas})\\.[\\w.-]+)\\1`, 'g');
  const tpl = new RegExp(`\`((?:${areas})\\.[^\`]*\\$\\{[^\`]*)\``, 'g');
  const call = new RegExp(`\\b(?:t|msg|i18nKey=)\\(?\\s*(['"])((?:${areas})\\.[\\w.-]+)\\1`, 'g');
  for (const { path, text } of CODE) {
    for (const m of text.matchAll(lit)) literals.add(m[2]!);
    for (const m of text.matchAll(tpl)) {
      const parts = m[1]!.split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
      patterns.push(new RegExp(`^${parts.join('[\\w-]+(?:\\.[\\w-]+)*')}`));
    }
    for (const m of text.matchAll(call)) calls.push({ key: m[2]!, path });
  }
  return { literals, patterns, calls };
}

describe('i18n catalogs', () => {
  it('has the same keys in English and zh-CN (Chinese plurals only need _other)', () => {
    const enBases = new Set([...en.leaves.keys()].map(base));
    const zhBases = new Set([...zh.leaves.keys()].map(base));
    const missing = [...enBases].filter((k) => !zhBases.has(k));
    const extra = [...zhBases].filter((k) => !enBases.has(k));
    assert.deepEqual(missing, [], `keys missing from zh-CN: ${missing.join(', ')}`);
    assert.deepEqual(extra, [], `keys only in zh-CN: ${extra.join(', ')}`);
    for (const k of en.leaves.keys()) {
      if (PLURAL.test(k)) assert.ok(zh.leaves.has(k.replace(PLURAL, '_other')), `zh-CN lacks the _other form of ${k}`);
    }
    for (const [k, n] of en.arrays) assert.equal(zh.arrays.get(k), n, `${k}: zh-CN list length`);
    assert.ok(en.leaves.size > 50, `only ${en.leaves.size} English strings`);
  });

  it('uses the same interpolation variables on both sides', () => {
    const a = varsByBase(en.leaves);
    const b = varsByBase(zh.leaves);
    const bad: string[] = [];
    for (const [k, set] of a) {
      const other = b.get(k) ?? new Set();
      const x = [...set].sort().join(',');
      const y = [...other].sort().join(',');
      if (x !== y) bad.push(`${k}: en {${x}} zh-CN {${y}}`);
    }
    assert.deepEqual(bad, []);
  });

  it('has no empty strings', () => {
    for (const [k, v] of [...en.leaves, ...zh.leaves]) assert.ok(v.trim().length > 0, `${k} is empty`);
  });

  it('every key the code names exists, and every English key is used', () => {
    const { literals, patterns, calls } = mentioned();
    const all = [...en.leaves.keys()];
    const exists = (k: string) => en.leaves.has(k) || all.some((x) => base(x) === k || x.startsWith(`${k}.`));
    const unknown = calls.filter((c) => !exists(c.key)).map((c) => `${c.key} (${c.path.slice(ROOT.length + 1)})`);
    assert.deepEqual(unknown, [], 'keys the code calls for that no catalog has');
    const used = (k: string) => {
      const b = base(k);
      for (let p = b; p.includes('.'); p = p.slice(0, p.lastIndexOf('.'))) if (literals.has(p)) return true;
      return patterns.some((re) => re.test(b));
    };
    const unused = all.filter((k) => !used(k));
    assert.deepEqual(unused, [], `unused keys: ${unused.slice(0, 40).join(', ')}`);
  });

  it('leaves no English in zh-CN beyond identifiers on the allowlist', () => {
    const bad: string[] = [];
    for (const [k, v] of zh.leaves) {
      const rest = stripAllowed(v);
      const words = rest.match(/[A-Za-z]{2,}/g);
      if (words) bad.push(`${k}: ${words.join(' ')}  «${v.slice(0, 80)}»`);
    }
    assert.deepEqual(bad, []);
  });

  it('the allowlist filter is not a blanket: English prose is caught', () => {
    assert.match(stripAllowed('套接字 waiting for data'), /waiting/);
    assert.match(stripAllowed('端口 is exhausted，tcp_tw_reuse'), /is exhausted/);
    assert.doesNotMatch(stripAllowed('tcp_tw_reuse 只影响 connect() 发起的连接，TIME_WAIT 固定 60 秒（TCP_TIMEWAIT_LEN）'), /[A-Za-z]{2,}/);
  });
});

/** Product names, tools, protocols and units that stay as they are in Chinese text. */
const ALLOWED_WORDS = new Set(
  (
    'Waitline Linux Windows polkit pkexec polkitd ss netstat iproute2 Prometheus Grafana Chromium Electron systemd sysctl sysctls ' +
    'netlink sockstat conntrack iptables nftables nf_conntrack TcpTimedWaitDelay English Intl PromQL promtool tcpdump lsof ' +
    'IPv4 IPv6 Nginx HAProxy Redis MySQL PostgreSQL Java Go Python Node Node.js localhost loopback AppImage deb rpm ' +
    'ms s KB MB GB kB Hz B Alt Ctrl Shift Enter Esc Tab x ip netns fd uid pid gid UTC PromQL RFC procfs inet_diag sock_diag ' +
    'waitline snapshot serve tune export kill probe names run help json csv ndjson ' +
    'ulimit' +
    ' KiB Cookie' +
    ' TcpExt TWKilled EstabResets OutRsts root https postgres' +
    ' TWRecycled' +
    ' SQLite Debian Ubuntu'
  ).split(/\s+/),
);

function stripAllowed(s: string): string {
  return s
    .replace(/\{\{[^}]*\}\}/g, ' ') // interpolation
    .replace(/\$t\([^)]*\)/g, ' ')
    .replace(/`[^`]*`/g, ' ') // code spans
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(?:^|[\s(（])\/[\w./*-]+/g, ' ') // paths
    .replace(/--?[a-z][\w-]*/g, ' ') // flags
    .replace(/\b[A-Za-z]+\(\)/g, ' ') // function names: connect()
    .replace(/\b[A-Za-z0-9]+(?:[_.:][A-Za-z0-9]+)+\b/g, ' ') // tcp_tw_reuse, net.ipv4.x, TcpExt:TWRecycled
    .replace(/\b[A-Z][A-Z0-9]+s?\b/g, ' ') // TIME_WAIT parts, TCP, RST, EADDRNOTAVAIL, SYNs
    .replace(/\b\w*\d\w*\b/g, ' ') // words with digits: 4.18, x86
    .replace(/[A-Za-z][\w.+-]*/g, (w) => (ALLOWED_WORDS.has(w) ? ' ' : w));
}

describe('locale choice', () => {
  it('maps language tags to the catalogs', () => {
    assert.equal(matchLocale('zh_CN.UTF-8'), 'zh-CN');
    assert.equal(matchLocale('zh-Hans-SG'), 'zh-CN');
    assert.equal(matchLocale('en_GB.UTF-8'), 'en');
    assert.equal(matchLocale('C'), null);
    assert.equal(matchLocale('C.UTF-8'), null);
    assert.equal(matchLocale('de_DE'), null);
    assert.equal(pickLocale(['de-DE', 'zh-TW', 'en']), 'zh-CN');
    assert.equal(pickLocale(['fr', 'de']), 'en');
  });

  it('follows LC_ALL, then LC_MESSAGES, then LANG, the first set deciding', () => {
    assert.equal(localeFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
    assert.equal(localeFromEnv({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }), 'en');
    assert.equal(localeFromEnv({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }), 'zh-CN');
    assert.equal(localeFromEnv({ LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_CN' }), 'zh-CN');
    assert.equal(localeFromEnv({}), 'en');
  });

  it('reads Accept-Language by quality, not by order', () => {
    assert.equal(localeFromAcceptLanguage('en;q=0.5,zh-CN;q=0.9'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('fr-FR,fr;q=0.9,en;q=0.8,zh;q=0.7'), 'en');
    assert.equal(localeFromAcceptLanguage('zh;q=0,en'), 'en');
    assert.equal(localeFromAcceptLanguage(';;;,,'), 'en');
    assert.equal(localeFromAcceptLanguage(undefined), 'en');
  });
});

describe('formatting through Intl', () => {
  it('compacts counts per locale: 12万 vs 120K', () => {
    assert.equal(formatter('zh-CN').compact(120_000), '12万');
    assert.equal(formatter('en').compact(120_000), '120K');
    assert.equal(formatter('en').count(1234567), '1,234,567');
    assert.equal(formatter('en').count(null), '—');
  });

  it('writes durations with the locale’s units', () => {
    assert.equal(formatter('en').duration(65), '1 min 5 sec');
    assert.match(formatter('zh-CN').duration(65), /^1\s?分钟5\s?秒$/);
    assert.match(formatter('zh-CN').duration(7260), /^2\s?小时1\s?分钟$/);
  });

  it('translates through the instance and falls back to English for a missing zh-CN string', () => {
    const zhI = createI18n('zh-CN');
    assert.equal(zhI.t('common.language.label'), '语言');
    assert.equal(createI18n('en').t('common.language.label'), 'Language');
  });
});
