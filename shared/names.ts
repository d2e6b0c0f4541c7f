// The reverse-DNS request of the WaitlineApi (resolveNames; docs/names.md): one check shared by the
// Electron IPC handler (electron/ipc/validate.ts) and `waitline serve` (electron/serve/validate.ts),
// as for the socket query. Pure: no Node, no DOM.
import { QueryError, showValue } from './query-checks';

/** The most addresses one resolveNames call may name (a screenful of rows has far fewer distinct
 *  remote addresses); the renderer asks in chunks of this size. */
export const MAX_NAME_REQUEST = 100;
/** The longest address text (an IPv6 address with an embedded IPv4 is at most 45 characters). */
export const MAX_ADDRESS_TEXT = 45;
const ADDRESS_TEXT = /^[0-9A-Fa-f.:]+$/;

/** The answer: address → its name, or null (no name, lookup failed, or names are off at the host).
 *  An address still being looked up is absent: ask again on the next refresh. */
export type NameAnswer = Record<string, string | null>;

/** A fresh, de-duplicated list of address texts (digits, hex, dots and colons only). */
export function checkNameRequest(v: unknown): string[] {
  if (!Array.isArray(v)) throw new QueryError(`the addresses must be an array of address texts, got ${showValue(v)}`);
  if (v.length > MAX_NAME_REQUEST) throw new QueryError(`at most ${MAX_NAME_REQUEST} addresses per request, got ${v.length}`);
  const out = new Set<string>();
  for (const a of v as unknown[]) {
    if (typeof a !== 'string' || a.length === 0 || a.length > MAX_ADDRESS_TEXT || !ADDRESS_TEXT.test(a)) {
      throw new QueryError(`${showValue(a)} is not an IPv4 or IPv6 address`);
    }
    out.add(a);
  }
  return [...out];
}

/** The query parameter of serve's GET /api/names: addresses joined by commas (URL-safe as they are). */
export function nameRequestParam(addresses: readonly string[]): string {
  return addresses.join(',');
}

/** The inverse of nameRequestParam (an empty parameter is an empty list). */
export function parseNameRequestParam(raw: string): string[] {
  return raw === '' ? [] : raw.split(',');
}

/** Host names the connection filter may match (docs/names.md): the addresses whose already-resolved
 *  name contains the filter text, sent with a socket query to wherever the table is filtered (the
 *  collector process or serve's worker). `version` changes whenever the resolver learns a name. */
export interface HostNameHints {
  version: number;
  names: Record<string, string>;
}

/** Whether a filter text can be (part of) a host name: not only digits, dots, colons and brackets. */
export function looksLikeHostName(text: string | undefined): boolean {
  const t = (text ?? '').trim();
  return t.length >= 2 && !/^[\d.:[\]]*$/.test(t);
}
