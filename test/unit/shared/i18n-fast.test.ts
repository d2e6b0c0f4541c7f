// The fast `t` (shared/i18n/fast.ts) against i18next itself, the oracle: every string of both
// catalogs, in both languages, with numbers that exercise grouping, decimals, rounding and negatives,
// plural counts on both sides of every category, and the inputs it must hand to i18next (missing
// values, non-numbers in number formats, i18next's own options, unknown keys).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOGS } from '../../../shared/i18n/catalog';
import { fastT } from '../../../shared/i18n/fast';
import { createI18n, enT, LOCALES, msg, msgText, typedT, type MsgKey, type TParams, type Translate } from '../../../shared/i18n';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function leaves(tree: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree as Record<string, unknown>)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, String(tree));
  return out;
}

/** Every variable of every form of every key (English and Chinese), by base key. */
function variables(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const loc of LOCALES) {
    for (const [k, v] of leaves(CATALOGS[loc])) {
      const b = k.replace(PLURAL, '');
      const set = out.get(b) ?? new Set<string>();
      for (const m of v.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)) set.add(m[1]!);
      out.set(b, set);
    }
  }
  return out;
}

const NUMBERS = [0, 1, 2, 7.25, 1234.5678, 28_232, 1_000_000.05, -3.5, 0.04];
const SAMPLES: (string | number | boolean)[] = ['10.0.0.1:443', '简体', 42, 3.14159, true];

/** A t that counts how often the fast one handed a call to i18next. */
function counted(t: Translate): { t: Translate; calls: string[] } {
  const calls: string[] = [];
  return { calls, t: (k, p) => (calls.push(k), t(k, p)) };
}

describe('fast t equals i18next', () => {
  const keys = variables();
  for (const loc of LOCALES) {
    it(`every key in ${loc}, with numbers and text in every variable`, () => {
      const slowT = typedT(createI18n(loc).t);
      const fallback = counted(slowT);
      const fast = fastT(loc, fallback.t);
      let compared = 0;
      for (const [key, vars] of keys) {
        const sets: TParams[] = NUMBERS.map((n, i) => {
          const p: TParams = {};
          let j = 0;
          for (const v of vars) p[v] = v === 'count' ? n : (i + j++) % 3 === 2 ? SAMPLES[(i + j) % SAMPLES.length] : NUMBERS[(i + j) % NUMBERS.length];
          return p;
        });
        for (const p of sets) {
          assert.equal(fast(key as MsgKey, p), slowT(key as MsgKey, p), `${loc} ${key} ${JSON.stringify(p)}`);
          compared++;
        }
      }
      assert.ok(compared > 1000, `compared ${compared}`);
      // the fast path really ran: only keys it does not model went to i18next
      const handed = new Set(fallback.calls);
      assert.ok(handed.size < keys.size / 4, `${handed.size} of ${keys.size} keys were handed to i18next: ${[...handed].slice(0, 10).join(', ')}`);
    });

    it(`plural forms in ${loc}: counts across every category, and count interpolated`, () => {
      const slowT = typedT(createI18n(loc).t);
      const fast = fastT(loc, slowT);
      const plurals = [...leaves(CATALOGS.en).keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''));
      assert.ok(plurals.length > 3);
      for (const key of new Set(plurals)) {
        for (const count of [0, 1, 2, 5, 21, 1.5, 1000]) {
          const p: TParams = { count };
          for (const v of keys.get(key) ?? []) if (v !== 'count') p[v] = 17;
          assert.equal(fast(key as MsgKey, p), slowT(key as MsgKey, p), `${loc} ${key} count=${count}`);
        }
      }
    });
  }

  for (const loc of LOCALES) {
    it(`nested keys in ${loc}: every choice a $t(prefix.{{var}}) can make, without i18next`, () => {
      const slowT = typedT(createI18n(loc).t);
      const fallback = counted(slowT);
      const fast = fastT(loc, fallback.t);
      let nestedKeys = 0;
      for (const [key, text] of leaves(CATALOGS[loc])) {
        const m = /\$t\(([\w.]+)\.\{\{(\w+)\}\}((?:\.\w+)*)\)/.exec(text);
        if (!m || PLURAL.test(key)) continue;
        nestedKeys++;
        // the choices that name a string (a selector over a whole area also names its sub-objects)
        const at = (path: string): unknown => path.split('.').reduce((n: any, s) => n?.[s], CATALOGS[loc] as any);
        const children = Object.keys(at(m[1]!) as object).filter((c) => typeof at(`${m[1]}.${c}${m[3]}`) === 'string');
        assert.ok(children.length >= 1, key);
        for (const child of children) {
          for (const n of [0, 2.5, 12_345]) {
            // every variable of the catalog, so that nested strings at any depth have theirs
            const p: TParams = {};
            // (but not `unit`: i18next hands every parameter to Intl.NumberFormat, where it means something)
            for (const vs of keys.values()) for (const v of vs) if (v !== 'count' && v !== 'unit') p[v] = n;
            p.dest = '10.0.0.1:80';
            // a second level (frees.in → ahead.{{aheadUnit}}) gets a real choice as well
            p.aheadUnit = 's';
            p[m[2]!] = child;
            assert.equal(fast(key as MsgKey, p), slowT(key as MsgKey, p), `${loc} ${key} ${JSON.stringify(p)}`);
          }
        }
      }
      assert.ok(nestedKeys >= 3, `only ${nestedKeys} nesting keys`);
      // the page's per-tick sentences (one level of nesting under another, selectors all set here)
      // never went to i18next; host messages nest selectors this test leaves as numbers, which do go
      assert.deepEqual(fallback.calls.filter((k) => k.startsWith('timewait.')), []);
      assert.ok(fallback.calls.length < nestedKeys * 6, `${fallback.calls.length} calls went to i18next`);
    });
  }

  for (const loc of LOCALES) {
    it(`whole numbers in ${loc} (written without Intl when safe): grouping, signs, -0 and beyond 2^53 as i18next`, () => {
      const slowT = typedT(createI18n(loc).t);
      const fast = fastT(loc, slowT);
      const WHOLE = [-0, 5, 999, 1000, -1000, 12_345, 123_456, 1_234_567, -1_234_567, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53 + 2, 1e21];
      let compared = 0;
      for (const [key, vars] of keys) {
        if (![...(leaves(CATALOGS.en).entries())].some(([k, v]) => k.replace(PLURAL, '') === key && v.includes(', number'))) continue;
        for (const n of WHOLE) {
          const p: TParams = {};
          for (const v of vars) p[v] = v === 'count' ? 3 : n;
          assert.equal(fast(key as MsgKey, p), slowT(key as MsgKey, p), `${loc} ${key} ${n}`);
          compared++;
        }
      }
      assert.ok(compared >= WHOLE.length * 10, `compared ${compared}`);
    });
  }

  it('hands to i18next what it does not model, and the answer is still i18next’s', () => {
    const slowT = typedT(createI18n('zh-CN').t);
    const fallback = counted(slowT);
    const fast = fastT('zh-CN', fallback.t);
    const cases: [string, TParams | undefined][] = [
      ['alerts.message.tw_overflow', {}], // the variable is missing
      ['alerts.message.tw_overflow', { rate: 'fast' }], // a number format given text
      ['alerts.message.tw_overflow', { rate: Number.NaN }],
      ['alerts.message.tw_overflow', { rate: 3, lng: 'en' }], // an i18next option
      ['alerts.message.tw_overflow', { rate: 3, style: 'percent' }], // would change the Intl format
      ['no.such.key', undefined],
      ['timewait.budget', undefined], // an object, not a string
      ['app.sockets', { count: '3', n: 3 }], // a count that is not a number
      // a nested key that does not exist, and a value that brings its own $t(
      ['timewait.budget.sentence.exhausted', { usable: 5, dest: 'x', frees: 'nope', rate: 1 }],
      ['timewait.budget.sentence.exhausted', { usable: 5, dest: '$t(timewait.budget.frees.none)', frees: 'none', rate: 1 }],
    ];
    for (const [k, p] of cases) assert.equal(fast(k as MsgKey, p), slowT(k as MsgKey, p), `${k} ${JSON.stringify(p)}`);
    assert.equal(fallback.calls.length, cases.length);
  });

  it('renders the budget rate itself, formatted in the language’s own digits and separators', () => {
    const calls: string[] = [];
    const en = fastT('en', (k) => (calls.push(k), 'SLOW'));
    const zh = fastT('zh-CN', (k) => (calls.push(k), 'SLOW'));
    const enOut = en('alerts.message.tw_overflow' as MsgKey, { rate: 1234.56 });
    const zhOut = zh('alerts.message.tw_overflow' as MsgKey, { rate: 1234.56 });
    // nested: the frees clause comes from its own key
    const nested = en('timewait.budget.sentence.exhausted' as MsgKey, { usable: 28232, dest: '10.0.0.1:80', frees: 'none', rate: 0 });
    assert.deepEqual(calls, []);
    assert.match(enOut, /\(1234\.6\/s\)/); // useGrouping: false, one decimal
    assert.match(zhOut, /1234\.6/);
    assert.notEqual(enOut, zhOut);
    assert.match(nested, /all 28,232 ports held; .*; no held port is in TIME_WAIT, so none frees/);
  });
  it('inserts values verbatim, as i18next does: replacement patterns, braces, markup', () => {
    const slowT = typedT(createI18n('en').t);
    const fallback = counted(slowT);
    const fast = fastT('en', fallback.t);
    for (const host of ['a$&b', '$$x', "$'", '$1', '{{kernel}}', '<b>&amp;</b>', '']) {
      const p: TParams = { host, kernel: '6.1' };
      assert.equal(fast('app.header.host', p), slowT('app.header.host', p), JSON.stringify(host));
      assert.ok(fast('app.header.host', p).startsWith(host), JSON.stringify(host));
    }
    assert.deepEqual(fallback.calls, []);
  });
});

describe('enT, the English of machine output', () => {
  it('is the fast t: the alerts’ sentences come out as i18next words them, every key', () => {
    const slowT = typedT(createI18n('en').t);
    const t = enT();
    assert.equal(enT(), t, 'one t, built once');
    let compared = 0;
    for (const [key, vars] of variables()) {
      for (const n of [0, 1, 49, 1234.5678, -3.5]) {
        const p: TParams = {};
        for (const v of vars) p[v] = n;
        assert.equal(t(key as MsgKey, p), slowT(key as MsgKey, p), `${key} ${JSON.stringify(p)}`);
        compared++;
      }
    }
    assert.ok(compared > 1000, `compared ${compared}`);
    // what the collector words every tick while an alert is up
    const leak = msg('alerts.message.close_wait_leak', { subject: 'app (pid 7)', sockets: 49, seconds: 130 });
    assert.equal(msgText(leak), slowT('alerts.message.close_wait_leak', leak.params));
    assert.match(msgText(leak), /^app \(pid 7\) holds 49 CLOSE_WAIT sockets/);
  });
});
