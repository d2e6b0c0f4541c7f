// The CLI's language (docs/i18n.md): one i18n instance per run, in the locale chosen by the global
// `--lang en|zh-CN` flag, else by LC_ALL, LC_MESSAGES, LANG (shared/i18n localeFromEnv). Commands get
// `t` (the catalog, shared/i18n/locales/<lang>/cli.json) and `f` (numbers in that locale) for what a
// person reads; machine output (--json, ndjson, export files) never goes through either.

import { createI18n, isLocale, LOCALES, localeFromEnv, msg, renderMsg, type Locale, type Msg, type MsgKey, type TFunction } from '../../shared/i18n';
import { formatter, type Formatter } from '../../shared/i18n/format';

/** A translation function over the catalog's keys (checked at compile time). Narrower than i18next's
 *  TFunction, whose overloads instantiate too deeply for the compiler on this catalog. */
export type CliT = (key: MsgKey, params?: Record<string, string | number>) => string;

export interface CliText {
  locale: Locale;
  t: CliT;
  f: Formatter;
}

/** `t` of an i18next instance as a CliT. */
export function cliT(t: TFunction): CliT {
  return (key, params) => renderMsg(t, msg(key, params));
}

/** A host Msg (shared/i18n) in the CLI's language. */
export function cliMsg(t: CliT, m: Msg): string {
  return t(m.key, m.params);
}

/** The text of one run in `locale`. */
export function cliText(locale: Locale): CliText {
  return { locale, t: cliT(createI18n(locale).t), f: formatter(locale) };
}

let english: CliText | null = null;

/** English: the default of the formatting functions when a caller gives no language (tests, tools). */
export function englishText(): CliText {
  english ??= cliText('en');
  return english;
}

/** `--lang` removed from argv (anywhere: `waitline --lang zh-CN snapshot` or `waitline snapshot
 *  --lang=zh-CN`), and what it asked for. A value that is not a language is an error listing the
 *  choices (returned, not thrown: the dispatcher prints it in the environment's language). */
export function takeLangFlag(argv: readonly string[]): { argv: string[]; lang: Locale | null; error: ((t: CliT) => string) | null } {
  const rest: string[] = [];
  let lang: Locale | null = null;
  let error: ((t: CliT) => string) | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a !== '--lang' && !a.startsWith('--lang=')) {
      rest.push(a);
      continue;
    }
    const v = a === '--lang' ? argv[++i] : a.slice('--lang='.length);
    const choices = LOCALES.join(', ');
    if (v === undefined || v === '') error ??= (t) => t('cli.lang.missing', { choices });
    else if (isLocale(v)) lang = v;
    else {
      const given = v.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
      error ??= (t) => t('cli.lang.unknown', { given, choices });
    }
  }
  return { argv: rest, lang, error };
}

/** The locale of a run: --lang, else the environment. */
export function cliLocale(lang: Locale | null, env: Readonly<Record<string, string | undefined>>): Locale {
  return lang ?? localeFromEnv(env);
}

/** One option of a usage text: its syntax (never translated) and its description (translated; may
 *  hold line breaks, which are indented under the description column). */
export type OptionRow = readonly [syntax: string, description: string];

/** The option rows in two columns: descriptions start at `width` (a longer syntax gets a line of
 *  its own). */
export function optionLines(rows: readonly OptionRow[], width: number): string {
  const indent = ' '.repeat(width);
  return rows
    .map(([syntax, desc]) => {
      const head = `  ${syntax}`;
      const lines = desc.split('\n');
      const first = head.length < width ? head.padEnd(width) + lines[0] : `${head}\n${indent}${lines[0]}`;
      return [first, ...lines.slice(1).map((l) => indent + l)].join('\n');
    })
    .join('\n');
}

/** "usage: <syntax lines>" with the label translated; later syntax lines are given with their indentation. */
export function usageHead(t: CliT, syntax: readonly string[]): string {
  const label = t('cli.main.usage_label');
  // a full-width colon carries its own space
  const head = label.endsWith('：') ? label : `${label} `;
  return syntax.map((s, i) => (i === 0 ? head + s : s)).join('\n');
}

/** Display width: CJK characters take two columns in a terminal. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** `s` padded on the right to `w` terminal columns. */
export function pad(s: string, w: number): string {
  const sw = textWidth(s);
  return sw >= w ? s : s + ' '.repeat(w - sw);
}

/** `s` padded on the left to `w` terminal columns. */
export function lpad(s: string, w: number): string {
  const sw = textWidth(s);
  return sw >= w ? s : ' '.repeat(w - sw) + s;
}

