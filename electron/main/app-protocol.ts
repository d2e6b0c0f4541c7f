// The renderer is served from a private app:// scheme rather than file://: every response carries the
// CSP header (file:// responses cannot), the page has a real origin, and the sender check compares
// against one fixed URL. Only files under the built renderer directory are served; anything that
// would escape it is a 404.

import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { dashboardSecurityHeaders, mimeType, staticPathSegments } from '../../shared/web-content';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'waitline';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The path under the renderer directory a request names ("index.html", "assets/x.js"), or null when
 *  the URL is not ours or tries to leave the directory. */
export function resolveAppPath(requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  return staticPathSegments(u.pathname)?.join('/') ?? null;
}

export interface AppProtocolOptions {
  /** reads a file under the renderer directory (relative path, already checked); null if missing */
  readFile(relativePath: string): Promise<Uint8Array | null>;
}

/** AppProtocolOptions.readFile for the files under `dir`: a path that resolves outside it, or a file
 *  that cannot be read, is null (a 404). */
export function filesUnder(dir: string): AppProtocolOptions['readFile'] {
  const root = resolve(dir);
  return async (rel) => {
    const full = resolve(root, rel);
    if (!full.startsWith(root + sep)) return null;
    try {
      return await readFile(full);
    } catch {
      return null;
    }
  };
}

/** The protocol.handle() callback: GET only, CSP and nosniff on every response. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: { url: string; method: string }) => Promise<Response> {
  const headers = (type: string): Record<string, string> => ({
    ...dashboardSecurityHeaders('none'),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Content-Type': type,
    'Cache-Control': 'no-cache',
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
    }
    const rel = resolveAppPath(request.url);
    const body = rel === null ? null : await opts.readFile(rel);
    if (rel === null || body === null) {
      return new Response('not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
    }
    // A copy: Response wants a Uint8Array over a plain ArrayBuffer (a Node Buffer may share a pool).
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: headers(mimeType(rel)),
    });
  };
}
