// Window hardening: the Content-Security-Policy, navigation and window.open blocking, permission
// denial, and the allowlist of external pages that may open in the user's browser.
// Electron objects are passed in (types only here), so every guard is tested with doubles.

import { dashboardCsp } from '../../shared/web-content';

/** Strict CSP for the renderer (served with every app:// response): shared/web-content.ts, with no
 *  network at all (data comes through the preload). */
export const CONTENT_SECURITY_POLICY = dashboardCsp('none');

/** Hosts whose https pages may be opened in the user's browser (kernel docs, man pages, the project). */
export const EXTERNAL_HOSTS: readonly string[] = [
  'docs.kernel.org',
  'www.kernel.org',
  'man7.org',
  'git.kernel.org',
  'github.com',
];

/** Whether a link may leave the app: https, an allowlisted host, no credentials, default port. */
export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && EXTERNAL_HOSTS.includes(u.hostname)
  );
}

type Listener = (event: { preventDefault(): void }, url: string) => void;

/** The part of Electron's WebContents the guards use. */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: Listener): unknown;
}

export interface GuardOptions {
  openExternal(url: string): void;
  /** logs what was blocked */
  onBlocked?(what: string, url: string): void;
}

/** No page navigates, no window opens, no webview attaches. Links to allowlisted https pages open in
 *  the user's browser instead. (Reloads and in-page hash changes are not navigations here.) */
export function guardContents(contents: GuardedContents, opts: GuardOptions): void {
  const leave = (what: string, url: string): void => {
    if (isAllowedExternalUrl(url)) opts.openExternal(url);
    else opts.onBlocked?.(what, url);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave('window.open', url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    leave('navigation', url);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    opts.onBlocked?.('redirect', url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.onBlocked?.('webview', '');
  });
}

/** The part of Electron's Session the permission guard uses. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
}

/** Waitline needs no web permission (camera, notifications, geolocation …): all are denied. */
export function denyAllPermissions(session: GuardedSession, onDenied?: (permission: string) => void): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    onDenied?.(permission);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
