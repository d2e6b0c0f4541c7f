// Parsers keyed by input (issue 10): a key named like an Object.prototype member ("__proto__",
// "constructor", "prototype", "hasOwnProperty", "toString") must be stored as an ordinary entry,
// keep its value, and leave Object.prototype untouched; a key the input does not contain must not
// read an inherited member.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValueLines, parseSnmpTable, parseSockstat } from '../../../../electron/collector/parse/kv-files';
import { parseArgs } from '../../../../electron/cli/args';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

/** Object.prototype's own property names and descriptors' values, to compare after each test. */
function prototypeFingerprint(): string {
  return JSON.stringify(
    Object.getOwnPropertyNames(Object.prototype)
      .sort()
      .map((n) => [n, typeof Object.getOwnPropertyDescriptor(Object.prototype, n)?.value]),
  );
}
const BEFORE = prototypeFingerprint();

function assertPrototypeUntouched(): void {
  assert.equal(prototypeFingerprint(), BEFORE, 'Object.prototype gained or changed a property');
  const probe: Record<string, unknown> = {};
  for (const k of ['inuse', 'orphan', 'tw', 'x', 'Tcp.ActiveOpens']) assert.equal(probe[k], undefined, `Object.prototype.${k} appeared`);
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
  assert.equal(typeof probe.hasOwnProperty, 'function');
  assert.equal(typeof probe.toString, 'function');
}

afterEach(assertPrototypeUntouched);

describe('parseKeyValueLines with hostile keys', () => {
  it('keeps "__proto__: …" as a prefix with its values and pollutes nothing', () => {
    const r = parseKeyValueLines('__proto__: inuse 7 polluted 1\nTCP: inuse 3 __proto__ 9 constructor 4\n');
    assert.equal(r.skipped, 0);
    assert.equal(Object.getPrototypeOf(r.value), null);
    assert.deepEqual(Object.keys(r.value), ['__proto__', 'TCP']);
    assert.ok(Object.prototype.hasOwnProperty.call(r.value, '__proto__'));
    assert.equal(r.value['__proto__']!['inuse'], 7);
    assert.equal(r.value['__proto__']!['polluted'], 1);
    assert.equal(r.value['TCP']!['__proto__'], 9);
    assert.equal(r.value['TCP']!['constructor'], 4);
    assert.equal(r.value['TCP']!['inuse'], 3);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  for (const key of HOSTILE) {
    it(`stores "${key}" as an own entry at both levels, with its value`, () => {
      const r = parseKeyValueLines(`${key}: ${key} 11 inuse 2\n`);
      const rec = r.value[key];
      assert.ok(rec, `prefix ${key} is missing`);
      assert.ok(Object.prototype.hasOwnProperty.call(r.value, key));
      assert.ok(Object.prototype.hasOwnProperty.call(rec, key));
      assert.equal(rec[key], 11);
      assert.equal(rec['inuse'], 2);
      assert.deepEqual(Object.entries(rec), [[key, 11], ['inuse', 2]]);
    });
    it(`does not read an inherited "${key}" when the input lacks it`, () => {
      const r = parseKeyValueLines('TCP: inuse 1\n');
      assert.equal(r.value[key], undefined);
      assert.equal(r.value['TCP']![key], undefined);
    });
  }

  it('sockstat: a TCP line without inuse is still "no TCP line", even if inuse is named elsewhere', () => {
    assert.throws(() => parseSockstat('__proto__: inuse 5\nTCP: orphan 1\n', null), /no "TCP: inuse …" line/);
    const s = parseSockstat('__proto__: inuse 5\nTCP: inuse 3 orphan 1 tw 2 alloc 4 mem 1\n', 'constructor: inuse 9\nTCP6: inuse 6\n');
    assert.equal(s.value.inuse4, 3);
    assert.equal(s.value.inuse6, 6);
    assert.equal(s.value.socketsUsed, null);
  });
});

describe('parseSnmpTable with hostile names', () => {
  it('keeps "__proto__" and friends as "Prefix.Name" entries and a bare "__proto__" prefix line', () => {
    const names = HOSTILE.join(' ');
    const values = HOSTILE.map((_, i) => String(i + 1)).join(' ');
    const r = parseSnmpTable(`Tcp: ${names}\nTcp: ${values}\n__proto__: a b\n__proto__: 5 6\n`);
    assert.equal(r.skipped, 0);
    assert.equal(Object.getPrototypeOf(r.value), null);
    HOSTILE.forEach((n, i) => assert.equal(r.value[`Tcp.${n}`], i + 1, n));
    assert.equal(r.value['__proto__.a'], 5);
    assert.equal(r.value['__proto__.b'], 6);
    for (const k of HOSTILE) assert.equal(r.value[k], undefined, `inherited ${k} readable`);
  });
});

describe('parseArgs with hostile flag names', () => {
  it('refuses --__proto__ and --constructor as unknown options and never reads inherited flags', () => {
    assert.throws(() => parseArgs(['--__proto__=x'], { values: ['interval'] }), /unknown option --__proto__/);
    assert.throws(() => parseArgs(['--constructor'], { booleans: ['json'] }), /unknown option --constructor/);
    const a = parseArgs(['--json'], { booleans: ['json', 'constructor'] });
    assert.equal(a.flags['constructor'], undefined, 'an unset flag named constructor reads as unset');
    assert.equal(a.flags['__proto__'], undefined);
    const b = parseArgs(['--constructor', '--__proto__', 'v'], { booleans: ['constructor'], values: ['__proto__'] });
    assert.equal(b.flags['constructor'], true);
    assert.equal(b.flags['__proto__'], 'v');
    assert.ok(Object.prototype.hasOwnProperty.call(b.flags, '__proto__'));
  });
});
