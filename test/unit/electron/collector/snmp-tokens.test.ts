// parseSnmpTable reads value lines with a hand-written tokenizer (no split, no regex per value) and
// converts only the columns asked for. Checked here against a straightforward reading of the format
// written in the test — split on blanks, /^-?\d+$/ per value, Number() — on the real files of this
// machine, on the fixture, and on generated malformed text.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSnmpTable } from '../../../../electron/collector/parse/kv-files';
import { rng } from '../../../../electron/bench/rng';

/** The format read the plain way: header/value line pairs, every column, each value checked, columns
 *  separated by ASCII blanks. A value line with no values has no columns (the parser before this one
 *  split it into one empty value and counted that as skipped; it is a length mismatch now). */
function reference(text: string): { value: Record<string, number>; skipped: number } {
  const value: Record<string, number> = Object.create(null);
  let skipped = 0;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) {
      skipped++;
      continue;
    }
    const prefix = lines[i].slice(0, colon);
    const names = lines[i].slice(colon + 1).trim().split(/[ \t\n\v\f\r]+/);
    const next = lines[i + 1];
    if (next === undefined || !next.startsWith(prefix + ':')) {
      skipped++;
      continue;
    }
    i++;
    const rest = next.slice(colon + 1).trim();
    const values = rest === '' ? [] : rest.split(/[ \t\n\v\f\r]+/);
    if (names.some((n) => /^-?\d+$/.test(n)) || values.length !== names.length) {
      skipped += 2;
      continue;
    }
    values.forEach((v, k) => {
      if (/^-?\d+$/.test(v)) value[`${prefix}.${names[k]}`] = Number(v);
      else skipped++;
    });
  }
  return { value, skipped };
}

function sameAsReference(text: string, label: string): void {
  const got = parseSnmpTable(text);
  const want = reference(text);
  assert.deepEqual({ ...got.value }, { ...want.value }, label);
  assert.equal(got.skipped, want.skipped, `${label}: skipped`);
}

describe('parseSnmpTable: the tokenizer against a plain reading', () => {
  it('reads the fixture and this machine’s /proc/net/snmp and netstat as the plain reading does', () => {
    const texts: [string, string][] = [['fixture', readFileSync('test/fixtures/proc-net-snmp', 'latin1')]];
    for (const f of ['/proc/net/snmp', '/proc/net/netstat']) texts.push([f, readFileSync(f, 'latin1')]);
    for (const [label, text] of texts) {
      sameAsReference(text, label);
      assert.ok(Object.keys(parseSnmpTable(text).value).length > 10, `${label}: columns read`);
    }
  });

  it('reads counters beyond 2^53 and negative values as Number() does', () => {
    const big = ['18446744073709551615', '9007199254740993', '123456789012345678', '999999999999999', '-1', '-0', '0'];
    const text = `Tcp: ${big.map((_, i) => `C${i}`).join(' ')}\nTcp: ${big.join(' ')}\n`;
    const r = parseSnmpTable(text);
    big.forEach((v, i) => assert.equal(r.value[`Tcp.C${i}`], Number(v), v));
    assert.equal(r.skipped, 0);
  });

  it('agrees with the plain reading on 2,000 generated malformed texts', () => {
    const rand = rng(0x5eed);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const tokens = ['0', '7', '-1', '42', '-', '--3', '1-2', 'x', '12a', '+5', '3.5', '１', '0x10', '00012', '99999999999999999999'];
    const blanks = [' ', '  ', '\t', ' \t ', '\r', '\v', '\f'];
    for (let n = 0; n < 2000; n++) {
      const lines: string[] = [];
      const pairs = 1 + Math.floor(rand() * 4);
      for (let p = 0; p < pairs; p++) {
        const prefix = pick(['Tcp', 'TcpExt', 'Udp', 'Ip', '__proto__']);
        const cols = Math.floor(rand() * 6);
        const names = Array.from({ length: cols }, (_, k) => (rand() < 0.03 ? '5' : `N${k}`));
        const values = Array.from({ length: cols + (rand() < 0.15 ? pick([-1, 1]) : 0) }, () => pick(tokens));
        const join = (xs: string[]) => xs.map((x) => pick(blanks) + x).join('') + (rand() < 0.3 ? pick(blanks) : '');
        lines.push(`${prefix}:${join(names)}`);
        if (rand() < 0.9) lines.push(`${rand() < 0.95 ? prefix : 'Other'}:${join(values)}`);
        if (rand() < 0.1) lines.push(pick(['', 'no colon here', ':5']));
      }
      sameAsReference(lines.join('\n') + '\n', `text ${n}: ${JSON.stringify(lines)}`);
    }
  });

  it('converts only the columns asked for, skipping bad values in every column all the same', () => {
    const text = `${readFileSync('/proc/net/netstat', 'latin1')}Tcp: A B C\nTcp: 1 x 3\n`;
    const all = parseSnmpTable(text);
    const only = new Set(['TcpExt.TW', 'TcpExt.ListenOverflows', 'Tcp.C', 'IpExt.InOctets', 'Tcp.Missing']);
    for (let round = 0; round < 2; round++) {
      // twice: the second time from the kept column mask of each header
      const some = parseSnmpTable(text, only);
      assert.deepEqual(Object.keys(some.value).sort(), [...only].filter((k) => k in all.value).sort());
      for (const k of Object.keys(some.value)) assert.equal(some.value[k], all.value[k], k);
      assert.equal(some.skipped, all.skipped);
      assert.equal(some.skipped, 1);
    }
    // another set on the same headers is not answered from the first set's mask
    const other = parseSnmpTable(text, new Set(['Tcp.A']));
    assert.deepEqual({ ...other.value }, { 'Tcp.A': 1 });
  });
});

describe('parseSnmpTable on a very long line', () => {
  it('reads every one of 10,000 columns, and the next small table after it', () => {
    const n = 10_000;
    const names = Array.from({ length: n }, (_, k) => `C${k}`).join(' ');
    const values = Array.from({ length: n }, (_, k) => String(k * 3)).join(' ');
    const big = parseSnmpTable(`Tcp: ${names}\nTcp: ${values}\n`);
    assert.equal(Object.keys(big.value).length, n);
    assert.equal(big.value['Tcp.C9999'], 29_997);
    assert.equal(big.skipped, 0);
    const small = parseSnmpTable('Tcp: A B\nTcp: 4 5\n');
    assert.deepEqual({ ...small.value }, { 'Tcp.A': 4, 'Tcp.B': 5 });
  });
});
