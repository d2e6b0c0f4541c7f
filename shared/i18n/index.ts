// One i18n runtime for every process (docs/i18n.md): the renderer (through react-i18next), Electron
// main (menus, dialogs, notifications), the CLI and `waitline serve` all create an i18next instance
// over the same catalogs (./catalog.ts). Pure apart from i18next itself: no DOM, no Node APIs.
//
// Machine output never changes with the locale: JSON (`--json`, the API, /metrics) keeps its English
// `message` fields, rendered here with the English instance (`enT`) from the same catalog, and carries
// a `Msg` (key + params) beside it where a person may read it in another language.

import i18next, { type i18n as I18n, type TFunction as I18nextT } from 'i18next';
import { CATALOGS, type Catalog } from './catalog';
import { fastT } from './fast';

export type { Catalog } from './catalog';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** What the user chose: follow the system (or the browser), or one language. */
export type LocalePreference = 'system' | Locale;
export const LOCALE_PREFERENCES: readonly LocalePreference[] = ['system', ...LOCALES];

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function isLocalePreference(v: unknown): v is LocalePreference {
  return v === 'system' || isLocale(v);
}

/** Plural forms are asked for by their base key: `sockets_one` / `sockets_other` → `sockets`. */
type PluralBase<K extends string> = K extends `${infer B}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B | K : K;

/** Every key of the English catalog: the leaves (dotted paths) with plural forms by their base, and
 *  the objects above them (read whole with returnObjects). Computed once from the JSON's type.
 *  (i18next's own key types — CustomTypeOptions — instantiate too deeply for tsc on a catalog of
 *  this size (TS2589), so Waitline types `t` itself: see `Translate`.) */
type KeysOf<T> = {
  [K in keyof T & string]: T[K] extends string | readonly unknown[] ? PluralBase<K> : K | `${K}.${KeysOf<T[K]>}`;
}[keyof T & string];

/** A typed translation key: a misspelt or missing key fails to compile. */
export type MsgKey = KeysOf<Catalog>;

/** Parameters of a translation: interpolation variables, `count` for plurals. */
export type TParams = Record<string, string | number | boolean | null | undefined>;

/** The translation function every process uses: i18next's `t`, typed by the catalog's keys. */
export type Translate = (key: MsgKey, params?: TParams) => string;
/** Older name kept for the code that says TFunction. */
export type TFunction = Translate;

/** An i18next instance's `t`, typed. */
export function typedT(t: I18nextT | ((...args: never[]) => unknown)): Translate {
  return t as unknown as Translate;
}

/** A message a person may read in either language: a catalog key and its parameters. Numbers in
 *  params are formatted by the catalog text itself (`{{n, number}}`) in the reader's locale. */
export interface Msg {
  key: MsgKey;
  params?: Record<string, string | number>;
}

/** The locale for one language tag ("zh-CN", "zh_CN.UTF-8", "zh-Hans-SG", "en-GB", "C"), or null when
 *  Waitline has no catalog for it. Every Chinese tag maps to the Simplified catalog, the only one. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const clean = tag.trim().split(/[.@]/)[0]!.replace(/_/g, '-').toLowerCase();
  if (!clean || clean === 'c' || clean === 'posix') return null;
  const lang = clean.split('-')[0];
  if (lang === 'zh') return 'zh-CN';
  if (lang === 'en') return 'en';
  return null;
}

/** The first of `tags` (most preferred first) Waitline has a catalog for; English otherwise. */
export function pickLocale(tags: readonly (string | null | undefined)[]): Locale {
  for (const t of tags) {
    const m = matchLocale(t);
    if (m) return m;
  }
  return 'en';
}

/** The CLI's locale: POSIX precedence for messages, LC_ALL over LC_MESSAGES over LANG; the first one
 *  set decides (so LC_ALL=C means English even when LANG is Chinese). */
export function localeFromEnv(env: Record<string, string | undefined>): Locale {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const v = env[name];
    if (v) return matchLocale(v) ?? 'en';
  }
  return 'en';
}

/** The browser's preference from an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8"): the tag with
 *  the highest q that Waitline has a catalog for; English when none or the header is malformed. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header || header.length > 2000) return 'en';
  const tags = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)).find(Boolean);
      return { tag: tag!.trim(), q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return pickLocale(tags.map((x) => x.tag));
}

/** Resolve a preference: 'system' follows the given system/browser tags. */
export function resolveLocale(pref: LocalePreference, systemTags: readonly string[]): Locale {
  return pref === 'system' ? pickLocale(systemTags) : pref;
}

/** A new, initialised i18next instance (synchronous: the catalogs are bundled). */
export function createI18n(locale: Locale): I18n {
  const inst = i18next.createInstance();
  void inst.init({
    resources: { en: { translation: CATALOGS.en }, 'zh-CN': { translation: CATALOGS['zh-CN'] } },
    lng: locale,
    fallbackLng: 'en',
    supportedLngs: [...LOCALES],
    load: 'currentOnly',
    initAsync: false,
    returnNull: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false },
    contextSeparator: '~ctx~', // matches CustomTypeOptions (catalog.ts): no context variants
    showSupportNotice: false,
  } as Parameters<I18n['init']>[0]);
  return inst;
}

let english: Translate | null = null;

/** English, for the stable `message` fields of machine output: the catalog's strings rendered by
 *  fastT (the same text as i18next's, test/unit/shared/i18n-fast.test.ts), i18next for the rest. The
 *  collector words its alerts with it every tick; through i18next one sentence cost 0.45–0.85 ms at
 *  one call a second (docs/performance.md, "Idle CPU"). */
export function enT(): Translate {
  english ??= fastT('en', typedT(createI18n('en').t));
  return english;
}

/** A Msg in the given instance's language. */
export function renderMsg(t: Translate, msg: Msg): string {
  return t(msg.key, msg.params);
}

/** A Msg in English (for `message` fields). */
export function msgText(msg: Msg): string {
  return renderMsg(enT(), msg);
}

/** Construct a Msg with its key checked at compile time. */
export function msg(key: MsgKey, params?: Record<string, string | number>): Msg {
  return params ? { key, params } : { key };
}
