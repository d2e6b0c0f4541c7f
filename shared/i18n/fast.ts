// A fast path for `t` over Waitline's own catalogs (docs/performance.md, "The renderer").
//
// i18next's `t` costs tens of microseconds a call here: it resolves the key through its resource
// store, runs its interpolation regexes, and builds a cache key for number formats by serialising
// every option (JSON.stringify) on each call. The port-budget rows alone call it ~100 times a tick.
// This compiles each catalog string once into literal text and placeholders — `{{name}}` and
// `{{name, number}}` / `{{name, number(opt: v; …)}}` — and resolves plurals (`count`) the way i18next
// does (`key_zero` for 0, then `key_<Intl.PluralRules category>`, then `key`; the page's language
// first, then English), and nesting without options (`$t(timewait.budget.frees.{{frees}})`:
// resolved after interpolation, with the same parameters, as i18next's nest() does). Anything it
// does not model — nesting with options, other formats, i18next's own options as parameters, a
// missing or non-numeric value — goes to i18next itself, so the output is i18next's in every case.
// A plain `{{name, number}}` given a safe whole number is written here without Intl, in a language
// checked once to group digits by threes with commas (the collector words alert sentences through
// enT(), this same path, once a second: docs/performance.md, "Idle CPU").
// test/unit/shared/i18n-fast.test.ts holds the two equal for every key of both catalogs.

import { CATALOGS } from './catalog';
import type { Locale, MsgKey, TParams, Translate } from './index';

interface Placeholder {
  name: string;
  number: Intl.NumberFormatOptions | null;
  /** `{{name, number}}` with no options: Intl's default format */
  plain: boolean;
  /** the Intl.NumberFormat of this placeholder per language (a template of the English catalog is
   *  also rendered for Chinese, as i18next's fallback) */
  formatters?: Map<Locale, Intl.NumberFormat>;
}
type Part = string | Placeholder;
/** null: i18next handles the key */
type Template = Compiled | null;

/** Parameter names i18next reads as options of `t` rather than as variables. */
const I18NEXT_OPTIONS = new Set([
  'defaultValue', 'context', 'replace', 'lng', 'lngs', 'fallbackLng', 'ns', 'keySeparator', 'nsSeparator',
  'returnObjects', 'returnDetails', 'joinArrays', 'postProcess', 'interpolation', 'skipInterpolation',
  'ordinal', 'formatParams', 'interpolationkey',
]);

/** Options Intl.NumberFormat reads: i18next merges every parameter into a format's options, so a
 *  parameter named like one of these changes the number's format — left to i18next. */
const INTL_NUMBER_OPTIONS = new Set([
  'localeMatcher', 'numberingSystem', 'style', 'currency', 'currencyDisplay', 'currencySign', 'unit',
  'unitDisplay', 'notation', 'compactDisplay', 'signDisplay', 'useGrouping', 'minimumIntegerDigits',
  'minimumFractionDigits', 'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits',
  'roundingPriority', 'roundingIncrement', 'roundingMode', 'trailingZeroDisplay', 'locale',
]);

/** `number` or `number(minimumFractionDigits: 1; useGrouping: false)` → options; null when it is
 *  another format. Values are read as i18next reads them: true/false, integers, else text. */
function numberFormat(spec: string): Intl.NumberFormatOptions | null {
  const m = /^number\s*(?:\((.*)\))?$/i.exec(spec.trim());
  if (!m) return null;
  const opts: Record<string, string | number | boolean> = {};
  for (const opt of (m[1] ?? '').split(';')) {
    if (!opt.trim()) continue;
    const [k, ...rest] = opt.split(':');
    const key = k!.trim();
    const raw = rest.join(':').trim().replace(/^'+|'+$/g, '');
    if (raw === 'true' || raw === 'false') opts[key] = raw === 'true';
    else if (raw !== '' && !Number.isNaN(Number(raw))) opts[key] = parseInt(raw, 10);
    else opts[key] = raw;
  }
  return opts as Intl.NumberFormatOptions;
}

interface Compiled {
  parts: Part[];
  /** the text holds `$t(…)`: resolved after interpolation */
  nests: boolean;
}

function compile(text: string): Compiled | null {
  if (text === '') return null;
  const parts: Part[] = [];
  const re = /\{\{(.+?)\}\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const inner = m[1]!;
    const comma = inner.indexOf(',');
    if (inner.trimStart().startsWith('-')) return null; // unescaped prefix: i18next's business
    if (comma < 0) parts.push({ name: inner.trim(), number: null, plain: false });
    else {
      const number = numberFormat(inner.slice(comma + 1));
      if (!number) return null;
      parts.push({ name: inner.slice(0, comma).trim(), number, plain: Object.keys(number).length === 0 });
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { parts, nests: text.includes('$t(') };
}

function lookup(catalog: unknown, key: string): unknown {
  let node = catalog;
  for (const seg of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

interface LocaleTables {
  templates: Map<string, Template | undefined>;
  plural: Intl.PluralRules;
}

const tables = new Map<Locale, LocaleTables>();

function tablesOf(locale: Locale): LocaleTables {
  let t = tables.get(locale);
  if (!t) {
    t = { templates: new Map(), plural: new Intl.PluralRules(locale) };
    tables.set(locale, t);
  }
  return t;
}

/** The compiled string of `key` in one catalog: undefined when the catalog has no string there,
 *  null when i18next must handle it. */
function templateOf(locale: Locale, key: string): Template | undefined {
  const t = tablesOf(locale);
  if (t.templates.has(key)) return t.templates.get(key);
  const v = lookup(CATALOGS[locale], key);
  const out = typeof v === 'string' ? (v === '' ? undefined : compile(v)) : v === undefined ? undefined : null;
  t.templates.set(key, out);
  return out;
}

function numberFormatter(part: Placeholder, locale: Locale): Intl.NumberFormat {
  part.formatters ??= new Map();
  let f = part.formatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { ...part.number });
    part.formatters.set(locale, f);
  }
  return f;
}

/** Locales whose default number format writes a whole number as its digits grouped by threes with
 *  commas and a leading '-' (English and Chinese), checked against Intl itself once per locale. */
const commaGrouping = new Map<Locale, boolean>();
function groupsWithCommas(locale: Locale): boolean {
  let ok = commaGrouping.get(locale);
  if (ok === undefined) {
    const nf = new Intl.NumberFormat(locale);
    ok = nf.format(7) === '7' && nf.format(1234) === '1,234' && nf.format(-1234567) === '-1,234,567' && nf.format(123456) === '123,456';
    commaGrouping.set(locale, ok);
  }
  return ok;
}

/** A safe integer as Intl's default format writes it in a comma-grouping locale, without a call into
 *  ICU: at one alert sentence a second that call cost more than the rest of the sentence (cold). */
function groupedInteger(v: number): string {
  const digits = String(v < 0 ? -v : v);
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return v < 0 ? '-' + out : out;
}

/** The template i18next would pick for `key` (and `count`), or undefined/null as templateOf. */
function resolve(locale: Locale, key: string, count: number | undefined): Template | undefined {
  const codes: Locale[] = locale === 'en' ? ['en'] : [locale, 'en'];
  for (const code of codes) {
    if (count !== undefined) {
      if (count === 0) {
        const z = templateOf(code, `${key}_zero`);
        if (z !== undefined) return z;
      }
      const s = templateOf(code, `${key}_${tablesOf(code).plural.select(count)}`);
      if (s !== undefined) return s;
    }
    const plain = templateOf(code, key);
    if (plain !== undefined) return plain;
  }
  return undefined;
}

/** i18next's nesting pattern: `$t(` up to the first `)`. */
const NEST = /\$t\((.+?)\)/g;
/** deeper nesting than this is left to i18next */
const MAX_NEST = 4;

/** The string for key + params, or null when i18next must make it. */
function render(locale: Locale, key: string, params: TParams | undefined, depth: number): string | null {
  if (key.includes(':')) return null;
  let count: number | undefined;
  /** a parameter named like an Intl option: number formats are i18next's then */
  let intlNamed = false;
  if (params) {
    for (const p in params) {
      if (I18NEXT_OPTIONS.has(p)) return null;
      if (INTL_NUMBER_OPTIONS.has(p)) intlNamed = true;
    }
    if ('count' in params) {
      if (typeof params.count !== 'number' || !Number.isFinite(params.count)) return null;
      count = params.count;
    }
  }
  const tpl = resolve(locale, key, count);
  if (!tpl) return null;
  let out = '';
  for (const part of tpl.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const v = params?.[part.name];
    if (v === undefined || v === null) return null;
    if (part.number) {
      if (intlNamed || typeof v !== 'number' || !Number.isFinite(v)) return null;
      out +=
        part.plain && Number.isSafeInteger(v) && !Object.is(v, -0) && groupsWithCommas(locale)
          ? groupedInteger(v)
          : numberFormatter(part, locale).format(v);
    } else {
      // a value bringing its own `$t(` turns i18next's nesting off for the whole string
      if (typeof v === 'string' && v.includes('$t(')) return null;
      out += String(v);
    }
  }
  if (!tpl.nests) return out;
  if (depth >= MAX_NEST) return null;
  let failed = false;
  out = out.replace(NEST, (_m, inner: string) => {
    const k = inner.trim();
    // `$t(key, {options})` and keys built from odd values are i18next's
    if (failed || k.includes(',') || k.includes('{')) return (failed = true), '';
    const nested = render(locale, k, params, depth + 1);
    if (nested === null) return (failed = true), '';
    return nested;
  });
  return failed ? null : out;
}

/** A `t` for `locale` that renders Waitline's catalog strings itself and hands everything else to
 *  `slow` (i18next's `t` for the same language). */
export function fastT(locale: Locale, slow: Translate): Translate {
  return (key: MsgKey, params?: TParams): string => render(locale, key, params, 0) ?? slow(key, params);
}
