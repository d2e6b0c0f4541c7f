// The renderer's language (docs/i18n.md): one i18next instance per page, handed to the components
// through react-i18next's provider. The preference (system, English, 简体中文) persists in the page's
// settings; "system" follows the desktop's languages (AppInfo.locale, from Electron's
// app.getPreferredSystemLanguages()) or, over `waitline serve`, the browser's navigator.languages.
// Switching re-renders every component that reads text through useT/useFormat; no reload.
// useT hands out one `t` per language, built once: shared/i18n/fast.ts renders the catalog's strings
// without i18next's per-call work (the budget rows call it ~100 times a tick), i18next doing the rest.

import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import { createI18n, isLocalePreference, LOCALE_PREFERENCES, renderMsg, resolveLocale, type Locale, type LocalePreference, type Msg, type Translate, typedT, enT } from '../shared/i18n';
import { fastT } from '../shared/i18n/fast';
import { formatter, type Formatter } from '../shared/i18n/format';
import { setActiveFormatter } from './format';
import { loadSetting, saveSetting } from './store/settings';

export const LANGUAGE_SETTING = 'language';

export interface Localization {
  readonly i18n: I18n;
  preference(): LocalePreference;
  locale(): Locale;
  /** the system's (or browser's) language tags, most preferred first */
  systemTags(): readonly string[];
  setPreference(pref: LocalePreference): void;
  /** the desktop reported its languages (AppInfo.locale.system) */
  setSystemTags(tags: readonly string[]): void;
  subscribe(cb: () => void): () => void;
  /** `t` in the current language: one function per language, the same one every call */
  t(): Translate;
}

export interface LocalizationOptions {
  /** navigator.languages, or the desktop's languages */
  systemTags?: readonly string[];
  /** the stored preference; default: read from the page's settings */
  preference?: LocalePreference;
  /** persist the preference (default: the page's settings) */
  persist?: boolean;
  /** told whenever the resolved locale changes (Electron: main rebuilds its menu) */
  onLocale?: (locale: Locale, pref: LocalePreference) => void;
  /** the document whose lang attribute follows the locale (CJK glyph choice depends on it) */
  document?: { documentElement: { lang: string } } | null;
}

export function createLocalization(opts: LocalizationOptions = {}): Localization {
  const persist = opts.persist ?? true;
  let pref: LocalePreference = opts.preference ?? (persist ? loadSetting(LANGUAGE_SETTING, 'system', isLocalePreference) : 'system');
  let tags: readonly string[] = opts.systemTags ?? [];
  let locale = resolveLocale(pref, tags);
  const i18n = createI18n(locale);
  const listeners = new Set<() => void>();
  const ts = new Map<Locale, Translate>();

  function apply(): void {
    const next = resolveLocale(pref, tags);
    setActiveFormatter(formatter(next));
    if (opts.document) opts.document.documentElement.lang = next;
    if (next !== locale) {
      locale = next;
      void i18n.changeLanguage(next);
      opts.onLocale?.(next, pref);
    }
    for (const l of listeners) l();
  }
  setActiveFormatter(formatter(locale));
  if (opts.document) opts.document.documentElement.lang = locale;

  return {
    i18n,
    preference: () => pref,
    locale: () => locale,
    systemTags: () => tags,
    setPreference(p) {
      if (!isLocalePreference(p)) return;
      pref = p;
      if (persist) saveSetting(LANGUAGE_SETTING, p);
      apply();
    },
    setSystemTags(t) {
      tags = [...t];
      apply();
    },
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    t() {
      let t = ts.get(locale);
      if (!t) {
        t = fastT(locale, typedT(i18n.getFixedT(locale)));
        ts.set(locale, t);
      }
      return t;
    },
  };
}

const LocalizationContext = createContext<Localization | null>(null);

export function LocalizationProvider({ localization, children }: { localization: Localization; children: ReactNode }) {
  return (
    <LocalizationContext.Provider value={localization}>
      <I18nextProvider i18n={localization.i18n}>{children}</I18nextProvider>
    </LocalizationContext.Provider>
  );
}

export function useLocalization(): Localization {
  const l = useContext(LocalizationContext);
  if (!l) throw new Error('useLocalization outside <LocalizationProvider>');
  return l;
}

const NO_SUBSCRIBE = () => () => {};
const ENGLISH = (): Locale => 'en';

/** The page's language; re-renders the caller when it changes. Outside any provider (a chart
 *  rendered on its own in a test): English. */
function useLocale(): { loc: Localization | null; locale: Locale } {
  const loc = useContext(LocalizationContext);
  const locale = useSyncExternalStore(loc ? loc.subscribe : NO_SUBSCRIBE, loc ? loc.locale : ENGLISH);
  return { loc, locale };
}

/** `t` in the page's language, typed by the catalog's keys (shared/i18n Translate); re-renders the
 *  caller when the language changes. */
export function useT(): Translate {
  const { loc } = useLocale();
  // outside any provider: English, never raw keys
  return loc ? loc.t() : enT();
}

/** Intl formatting in the page's language; re-renders the caller when the language changes. */
export function useFormat(): Formatter {
  return formatter(useLocale().locale);
}

/** The language switch in the header: System (its language), English, 简体中文. */
export function LanguageSwitch() {
  const loc = useLocalization();
  const t = useT();
  const pref = useSyncExternalStore(loc.subscribe, loc.preference);
  const systemLocale = resolveLocale('system', loc.systemTags());
  return (
    <label className="language-switch" title={t('common.language.label')}>
      <span className="visually-hidden">{t('common.language.label')}</span>
      <select
        data-testid="language-switch"
        value={pref}
        aria-label={t('common.language.label')}
        onChange={(e) => loc.setPreference(e.target.value as LocalePreference)}
      >
        {LOCALE_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {p === 'system' ? t('common.language.system', { name: t(`common.language.${systemLocale}`) }) : t(`common.language.${p}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A message from the host in the page's language: its Msg when it carries one (shared/i18n), else
 *  the host's English sentence as is (an older host, or text from outside Waitline such as an errno
 *  string). */
export function useMsgText(): (m: Msg | null | undefined, fallback: string | null | undefined) => string {
  const t = useT();
  return (m, fallback) => (m ? renderMsg(t, m) : (fallback ?? ''));
}
