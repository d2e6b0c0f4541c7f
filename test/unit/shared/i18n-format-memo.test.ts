// The formatter remembers results (shared/i18n/format.ts): what it prints must stay exactly what Intl
// prints, for repeated numbers, -0, and after its memory fills and is cleared. Intl is the oracle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatter } from '../../../shared/i18n/format';

describe('formatter: remembered results equal Intl', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`${locale}: count, compact, rate, percent and millis over 3,000 numbers, twice, in a new order`, () => {
      const f = formatter(locale);
      const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
      const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
      const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
      const pctInt = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
      const ms1 = new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 1, minimumFractionDigits: 1 });
      const nums = [0, -0, 1, -1, 0.05, 99.95, 100, 1234.5, 1e6, 123_456_789];
      for (let i = 0; i < 3000; i++) nums.push(Math.round(((i * 7919) % 100_003) * (i % 3 === 0 ? 1.37 : 1)));
      for (const order of [nums, [...nums].reverse(), nums]) {
        for (const n of order) {
          assert.equal(f.count(n), int.format(n), `count ${n}`);
          assert.equal(f.compact(n), compact.format(n), `compact ${n}`);
          assert.equal(f.rate(n), (Math.abs(n) >= 100 ? int : one).format(n), `rate ${n}`);
          assert.equal(f.percent(n), (Math.abs(n) >= 10 ? pctInt : pct).format(n / 100), `percent ${n}`);
          assert.equal(f.millis(n, 1), ms1.format(n), `millis ${n}`);
        }
      }
      assert.equal(f.count(-0), int.format(-0));
      assert.equal(f.count(Number.NaN), '—');
    });
  }
});
