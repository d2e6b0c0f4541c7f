// Settings that persist across launches (localStorage: per origin in serve mode, per app in Electron).
// Bad or foreign stored values are ignored, never thrown at the user.

export function loadSetting<T>(key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = globalThis.localStorage?.getItem(`waitline.${key}`);
    if (raw == null) return fallback;
    const v: unknown = JSON.parse(raw);
    return valid(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

export function saveSetting(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(`waitline.${key}`, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the setting just does not persist */
  }
}
