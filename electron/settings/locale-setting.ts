// The language the user chose in the window (the renderer's switch, sent with setLocale), remembered in
// `locale.json` in the user-data folder next to the window state, so the menu is in that language from
// the next launch's first frame. Absent or unreadable: main follows the system's languages.

import { isLocale, type Locale } from '../../shared/i18n';
import type { WindowStateFiles } from './window-state';

export const LOCALE_SETTING_FILE = 'locale.json';

/** The saved language; null for a missing, corrupt or unknown one (never throws). */
export function parseLocaleSetting(text: string | null): Locale | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    const locale = v !== null && typeof v === 'object' ? (v as { locale?: unknown }).locale : undefined;
    return isLocale(locale) ? locale : null;
  } catch {
    return null;
  }
}

export class LocaleSettingStore {
  constructor(
    private readonly path: string,
    private readonly files: WindowStateFiles,
  ) {}

  load(): Locale | null {
    try {
      return parseLocaleSetting(this.files.read(this.path));
    } catch {
      return null;
    }
  }

  /** Writes atomically; throws when the file cannot be written. */
  save(locale: Locale): void {
    this.files.write(this.path, `${JSON.stringify({ locale })}\n`);
  }
}
