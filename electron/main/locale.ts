// Main's language (docs/i18n.md): the menu, the About panel, the save dialog and desktop notifications
// are shown in it. At start: the language the user last chose in the window (electron/settings/
// locale-setting.ts), else the first of the desktop's preferred languages Waitline has a catalog for
// (app.getPreferredSystemLanguages(), pickLocale), else English. The renderer reports every change of
// the page's language with setLocale; main then remembers it and rebuilds the menu.

import { createI18n, isLocale, pickLocale, type Locale, type TFunction } from '../../shared/i18n';
import { IpcArgumentError } from '../ipc/ipc-main';
import { localeError } from '../ipc/validate';

export interface LocaleStore {
  load(): Locale | null;
  save(locale: Locale): void;
}

export interface MainLocaleOptions {
  store: LocaleStore;
  /** the desktop's languages, most preferred first */
  systemLanguages(): readonly string[];
  /** called after the language changed (rebuild the menu, the About panel) */
  onChange?(locale: Locale): void;
  log?(message: string): void;
}

export class MainLocale {
  private locale: Locale;
  private inst: ReturnType<typeof createI18n>;

  constructor(private readonly opts: MainLocaleOptions) {
    this.locale = opts.store.load() ?? pickLocale(this.system());
    this.inst = createI18n(this.locale);
  }

  get current(): Locale {
    return this.locale;
  }

  /** the desktop's languages (for AppInfo.locale) */
  system(): string[] {
    try {
      return [...this.opts.systemLanguages()].filter((s) => typeof s === 'string');
    } catch {
      return [];
    }
  }

  get t(): TFunction {
    return this.inst.t;
  }

  /** The language the window shows from now on: remembered (next launch) and applied to the menu.
   *  Anything but a known locale is refused with IpcArgumentError. */
  set(locale: Locale): void {
    // validated at the IPC boundary (validateLocale); checked again for any other caller
    if (!isLocale(locale)) throw new IpcArgumentError(`waitline:setLocale: ${localeError(locale)}`);
    try {
      this.opts.store.save(locale);
    } catch (e) {
      this.opts.log?.(`could not save the language: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (locale === this.locale) return;
    this.locale = locale;
    this.inst = createI18n(locale);
    this.opts.onChange?.(locale);
  }
}
