// Parsing of everything an HTTP client controls, for `waitline serve`, written so that no input can
// throw: the request target, cookies, the Authorization header. Plus the answers to requests that never
// reach the handler (parser errors, CONNECT) and the human-readable 401/403 pages.
//
// Every function here returns a value for any input; the server calls them inside its guarded path.

import { timingSafeEqual } from 'node:crypto';
import { createI18n, renderMsg, type Locale, type MsgKey, type TFunction } from '../../shared/i18n';

const instances = new Map<Locale, TFunction>();

/** The translation function of a locale, made once per process and locale. */
export function localeT(locale: Locale): TFunction {
  let t = instances.get(locale);
  if (!t) {
    t = createI18n(locale).t;
    instances.set(locale, t);
  }
  return t;
}

/** Longest request target accepted (the socket query is at most 4096 characters before encoding). */
export const MAX_TARGET_LENGTH = 8192;

export interface Target {
  /** still percent-encoded; starts with "/" */
  pathname: string;
  params: URLSearchParams;
  /** host[:port] of an absolute-form target ("http://host:port/path"), which replaces the Host header */
  authority?: string;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; status: 400 | 414; reason: string };

/** Visible ASCII only (RFC 3986 characters plus a few that browsers send unencoded). */
const TARGET_CHARS = /^[\x21-\x7e]*$/;

/** host, IPv4, or [IPv6], then an optional port */
const AUTHORITY = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** Parses an origin-form request target ("/path?query") or an absolute-form one
 *  ("http://host:port/path?query", whose authority the caller checks like a Host header).
 *  Authority-form and "*" (CONNECT, OPTIONS) are refused: 400. */
export function parseTarget(raw: string | undefined): TargetResult {
  if (raw === undefined || raw === '') return { ok: false, status: 400, reason: 'empty request target' };
  if (raw.length > MAX_TARGET_LENGTH) return { ok: false, status: 414, reason: `request target longer than ${MAX_TARGET_LENGTH} characters` };
  let authority: string | undefined;
  if (/^http:\/\//i.test(raw)) {
    const rest = raw.slice(7);
    const end = rest.search(/[/?#]/);
    authority = end < 0 ? rest : rest.slice(0, end);
    if (!AUTHORITY.test(authority)) return { ok: false, status: 400, reason: 'the request target names a malformed host' };
    raw = end < 0 ? '/' : rest[end] === '/' ? rest.slice(end) : `/${rest.slice(end)}`;
  }
  if (!raw.startsWith('/')) return { ok: false, status: 400, reason: 'the request target must be a path starting with "/"' };
  if (!TARGET_CHARS.test(raw)) return { ok: false, status: 400, reason: 'the request target has characters that must be percent-encoded' };
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) return { ok: false, status: 400, reason: 'the request target has a malformed percent-escape' };
  const hash = raw.indexOf('#');
  const noFragment = hash >= 0 ? raw.slice(0, hash) : raw;
  const q = noFragment.indexOf('?');
  const pathname = q >= 0 ? noFragment.slice(0, q) : noFragment;
  const query = q >= 0 ? noFragment.slice(q + 1) : '';
  // URLSearchParams never throws: bad UTF-8 after decoding becomes U+FFFD
  return { ok: true, target: { pathname, params: new URLSearchParams(query), authority } };
}

/** Every value of cookie `name` in a Cookie header, decoded; a value that does not decode is skipped
 *  (a page on another port of this host can plant cookies: a poisoned one must not lock anyone out,
 *  however many it plants — so there is no cap on the count; the header is bounded by maxHeaderSize). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  const parts = header.split(';');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    try {
      out.push(decodeURIComponent(v));
    } catch {
      // not percent-decodable: ignored, as if absent
    }
  }
  return out;
}

/** Constant-time comparison; different lengths (a truncated prefix, extra characters) never match. */
export function sameToken(given: string, token: string): boolean {
  const x = Buffer.from(given, 'utf8');
  const y = Buffer.from(token, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^bearer +(\S+) *$/i.exec(header);
  return m ? m[1] : null;
}

/** How many times a header occurs in the raw list (Node keeps only the first Host / Authorization). */
export function headerCount(rawHeaders: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) n++;
  return n;
}

// ---------------------------------------------------------------- answers outside the handler

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  505: 'HTTP Version Not Supported',
};

/** A complete HTTP/1.1 response (JSON error body, connection closed) written on a raw socket. */
export function rawErrorResponse(status: number, message: string, extra: Record<string, string> = {}): string {
  const body = JSON.stringify({ error: message });
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

const TOKEN_CHARS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Status and message for an error of Node's HTTP parser (the server's 'clientError' event). */
export function clientErrorStatus(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): { status: number; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'request line or headers too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request was not received in time' };
    case 'HPE_INVALID_METHOD': {
      // a well-formed method name that is not GET/HEAD/POST → 405; junk → 400
      const first = err.rawPacket ? err.rawPacket.subarray(0, 64).toString('latin1').split(' ')[0] : '';
      return TOKEN_CHARS.test(first)
        ? { status: 405, message: 'only GET and HEAD are served (POST on the tuning endpoints)' }
        : { status: 400, message: 'malformed request line' };
    }
    default:
      return { status: 400, message: `malformed request (${String(err.code ?? 'parse error')})` };
  }
}

// ---------------------------------------------------------------- pages for people

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Whether to answer with an HTML page: a browser navigation (Accept names text/html) to a page, not
 *  to the API (scripts and `fetch` get JSON). */
export function wantsHtml(accept: string | undefined, pathname: string): boolean {
  return !pathname.startsWith('/api/') && pathname !== '/api' && typeof accept === 'string' && /\btext\/html\b/i.test(accept);
}

/** A plain page (no script, no style: it passes the server's Content-Security-Policy), in `locale`
 *  (the browser's Accept-Language: localeFromAcceptLanguage). */
function page(locale: Locale, title: string, paragraphs: string[]): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>',
    escapeHtml(title),
    '</title></head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export interface PageContext {
  /** "127.0.0.1:7780", as the server prints it */
  served: string;
  port: number;
}

/** A page sentence in `locale` (keys checked at compile time; params already-escaped HTML). */
function pageText(locale: Locale): (key: MsgKey, params?: Record<string, string>) => string {
  const t = localeT(locale);
  return (key, params) => renderMsg(t, params ? { key, params } : { key });
}

const code = (s: string): string => `<code>${escapeHtml(s)}</code>`;

/** The HTML fragments the page sentences name (already escaped: the catalog text is not). */
function fragments(ctx: PageContext) {
  return {
    cmd: code('waitline serve'),
    param: code('?token=…'),
    url: code(`http://${ctx.served}/?token=…`),
    ssh: code(`ssh -L ${ctx.port}:127.0.0.1:${ctx.port} you@server`),
    served: code(ctx.served),
  };
}

export function unauthorizedPage(ctx: PageContext, tokenGiven: boolean, locale: Locale = 'en'): string {
  const t = pageText(locale);
  const f = fragments(ctx);
  return page(locale, t('main.serve.page.tokenTitle'), [
    tokenGiven ? t('main.serve.page.tokenWrong', f) : t('main.serve.page.tokenMissing', f),
    t('main.serve.page.tokenOpen', f),
    t('main.serve.page.tokenTunnel', f),
    t('main.serve.page.tokenLost', f),
  ]);
}

export function forbiddenHostPage(ctx: PageContext, given: string, locale: Locale = 'en'): string {
  const t = pageText(locale);
  const f = fragments(ctx);
  const shown = given.slice(0, 100);
  return page(locale, t('main.serve.page.hostTitle'), [
    t('main.serve.page.hostWhy', { ...f, given: shown ? code(shown) : `<code>${escapeHtml(t('main.serve.page.noHost'))}</code>` }),
    t('main.serve.page.hostOpen', f),
  ]);
}

export function forbiddenOriginPage(ctx: PageContext, locale: Locale = 'en'): string {
  const t = pageText(locale);
  return page(locale, t('main.serve.page.originTitle'), [t('main.serve.page.originWhy', fragments(ctx))]);
}

/** A browser navigation to a page that does not exist (with a valid token). */
export function notFoundPage(ctx: PageContext, pathname: string, locale: Locale = 'en'): string {
  const t = pageText(locale);
  return page(locale, t('main.serve.page.notFoundTitle'), [
    t('main.serve.page.notFoundWhy', { ...fragments(ctx), path: code(pathname.slice(0, 200)), url: code(`http://${ctx.served}/`) }),
  ]);
}
