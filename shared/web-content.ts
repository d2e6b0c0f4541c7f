// Serving the built dashboard, the same way from the desktop app's app:// protocol
// (electron/main/app-protocol.ts) and from `waitline serve` (electron/serve/server.ts): which request
// paths name a file, what type each file is, and the security headers every response carries. Each
// transport only opens files its own way. Pure: no Node, no DOM.

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Content-Type by extension; unknown → application/octet-stream (with nosniff, never rendered). */
export function mimeType(path: string): string {
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return (dot > slash && MIME[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

const MAX_SEGMENTS = 32;
const MAX_SEGMENT_LENGTH = 255;

/** The file a URL path names under the dashboard's folder, as segments ("/" → index.html), or null
 *  when it could leave the folder or name something never served: an empty, "." or ".." segment, a
 *  dotfile, an encoded slash or backslash, NUL, a broken %-escape, or an absurd length. */
export function staticPathSegments(pathname: string): string[] | null {
  if (!pathname.startsWith('/')) return null;
  if (pathname === '/') return ['index.html'];
  const out: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '' || seg.startsWith('.') || /[\0/\\]/.test(seg) || seg.length > MAX_SEGMENT_LENGTH) return null;
    out.push(seg);
  }
  return out.length > MAX_SEGMENTS ? null : out;
}

/** The dashboard's Content-Security-Policy. Scripts only from the app itself, nothing inline or
 *  eval'd; styles only from its stylesheets (style="" in markup refused; React sets styles through
 *  the CSSOM, which CSP does not govern); no frames, objects, workers or forms. `connect` is the only
 *  difference between the transports: the desktop page has no network at all (its data comes through
 *  the preload), the served page talks to its own origin (JSON and server-sent events). */
export function dashboardCsp(connect: 'none' | 'self'): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-elem 'self'",
    "style-src-attr 'none'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src '${connect}'`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** Headers on every response that serves the dashboard or its API. */
export function dashboardSecurityHeaders(connect: 'none' | 'self'): Record<string, string> {
  return {
    'Content-Security-Policy': dashboardCsp(connect),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}
