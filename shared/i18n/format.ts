// Numbers, durations and times in the reader's locale, all through Intl (docs/i18n.md). Counts keep
// every digit (grouping only) so what a user reads is what the kernel reported; `compact` is for
// axes and badges where space is short (120K in English, 12万 in Chinese).

import type { Locale } from './index';

export interface Formatter {
  locale: Locale;
  /** 12,345 — every digit; "—" for no value */
  count(n: number | null | undefined): string;
  /** 120K / 12万 */
  compact(n: number | null | undefined): string;
  /** one decimal below 100, whole above */
  rate(n: number | null | undefined): string;
  /** "42.5 %" / "42.5%" */
  percent(n: number | null | undefined): string;
  /** fixed decimals */
  fixed(n: number | null | undefined, digits: number): string;
  /** "1 min 5 s" / "1分5秒" */
  duration(seconds: number | null | undefined): string;
  /** "250 ms" / "250毫秒" */
  millis(ms: number | null | undefined, digits?: number): string;
  /** "14:05:09" in local time */
  clock(ms: number, withSeconds?: boolean): string;
  /** "Dec 1" / "12月1日" */
  day(ms: number): string;
  /** date and time, medium */
  dateTime(ms: number): string;
  /** 1.5 MB */
  bytes(n: number | null | undefined): string;
}

export const NO_VALUE = '—';

const cache = new Map<Locale, Formatter>();

function finite(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** `format`, remembering its last results: a dashboard formats mostly the same numbers every tick,
 *  and Intl's number formatting costs microseconds a call (docs/performance.md, "The renderer"). */
function remembering(format: (n: number) => string): (n: number) => string {
  const seen = new Map<number, string>();
  return (n) => {
    // a Map does not tell -0 from 0, Intl does ("-0")
    if (n === 0 && 1 / n < 0) return format(n);
    let s = seen.get(n);
    if (s === undefined) {
      if (seen.size >= 1024) seen.clear();
      s = format(n);
      seen.set(n, s);
    }
    return s;
  };
}

const numberFormat = (nf: Intl.NumberFormat) => remembering((n) => nf.format(n));

/** The formatter of a locale (cached: Intl formatters are costly to build, cheap to use). */
export function formatter(locale: Locale): Formatter {
  const hit = cache.get(locale);
  if (hit) return hit;
  const int = numberFormat(new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }));
  const one = numberFormat(new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
  const compact = numberFormat(new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }));
  const pct = numberFormat(new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }));
  const pctInt = numberFormat(new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }));
  const fixedFmts = new Map<number, Intl.NumberFormat>();
  const unit = (u: string) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 0 });
  const sec = unit('second');
  const min = unit('minute');
  const hour = unit('hour');
  const msFmts = new Map<number, (n: number) => string>();
  const clockS = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const clockM = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const dayFmt = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });
  const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  const byteFmts = byteUnits.map((u) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 1 }));
  const zh = locale === 'zh-CN';
  const join = (parts: string[]) => parts.join(zh ? '' : ' ');

  const f: Formatter = {
    locale,
    count: (n) => (finite(n) ? int(n) : NO_VALUE),
    compact: (n) => (finite(n) ? compact(n) : NO_VALUE),
    rate: (n) => (finite(n) ? (Math.abs(n) >= 100 ? int : one)(n) : NO_VALUE),
    percent: (n) => (finite(n) ? (Math.abs(n) >= 10 ? pctInt : pct)(n / 100) : NO_VALUE),
    fixed(n, digits) {
      if (!finite(n)) return NO_VALUE;
      let nf = fixedFmts.get(digits);
      if (!nf) {
        nf = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
        fixedFmts.set(digits, nf);
      }
      return nf.format(n);
    },
    duration(seconds) {
      if (!finite(seconds)) return NO_VALUE;
      const s = Math.max(0, Math.round(seconds));
      if (s < 60) return sec.format(s);
      if (s < 3600) return join([min.format(Math.floor(s / 60)), sec.format(s % 60)]);
      return join([hour.format(Math.floor(s / 3600)), min.format(Math.floor((s % 3600) / 60))]);
    },
    millis(ms, digits = 0) {
      if (!finite(ms)) return NO_VALUE;
      let nf = msFmts.get(digits);
      if (!nf) {
        nf = numberFormat(new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: digits, minimumFractionDigits: digits }));
        msFmts.set(digits, nf);
      }
      return nf(ms);
    },
    clock: (ms, withSeconds = true) => (withSeconds ? clockS : clockM).format(ms),
    day: (ms) => dayFmt.format(ms),
    dateTime: (ms) => dateTimeFmt.format(ms),
    bytes(n) {
      if (!finite(n)) return NO_VALUE;
      let i = 0;
      let v = Math.abs(n);
      while (v >= 1000 && i < byteUnits.length - 1) {
        v /= 1000;
        i++;
      }
      return byteFmts[i]!.format(Math.sign(n) * v);
    },
  };
  cache.set(locale, f);
  return f;
}
