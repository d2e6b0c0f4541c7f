// Reverse-DNS names in the connection table (docs/names.md): off by default and persisted; while on,
// the remote addresses of the rows fetched for the screen are sent to resolveNames once per refresh
// (the host answers from its cache and looks up the rest in the background — nothing else is ever
// asked). Pure helpers; ConnectionsView holds the state.
import type { NameAnswer } from '../../../shared/names';
import { MAX_NAME_REQUEST } from '../../../shared/names';
import type { SocketRow } from '../../../shared/snapshot';
import { loadSetting, saveSetting } from '../../store/settings';

const KEY = 'connections.resolveNames';
/** Names kept in the page (the host keeps its own cache with TTLs); the oldest go first. */
export const MAX_KEPT_NAMES = 2000;

export function loadResolveNames(): boolean {
  return loadSetting(KEY, false, (v): v is boolean => typeof v === 'boolean');
}

export function saveResolveNames(on: boolean): void {
  saveSetting(KEY, on);
}

/** The distinct remote addresses worth asking about, in row order: a listener's unspecified peer
 *  (0.0.0.0, ::) has no name. */
export function remoteAddresses(rows: readonly SocketRow[]): string[] {
  const out = new Set<string>();
  for (const r of rows) if (r.remotePort !== 0 && r.remoteAddr !== '0.0.0.0' && r.remoteAddr !== '::') out.add(r.remoteAddr);
  return [...out];
}

/** Requests of at most MAX_NAME_REQUEST addresses each. */
export function nameRequests(addresses: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < addresses.length; i += MAX_NAME_REQUEST) out.push(addresses.slice(i, i + MAX_NAME_REQUEST));
  return out;
}

/** `known` with the answer merged in, or `known` itself when nothing changed (so React skips a
 *  render); at most MAX_KEPT_NAMES entries, the least recently answered dropped first. */
export function mergeNames(known: ReadonlyMap<string, string | null>, answer: NameAnswer, max = MAX_KEPT_NAMES): ReadonlyMap<string, string | null> {
  const entries = Object.entries(answer);
  if (entries.every(([a, n]) => known.has(a) && known.get(a) === n)) return known;
  const next = new Map(known);
  for (const [a, n] of entries) {
    next.delete(a);
    next.set(a, n);
  }
  while (next.size > max) next.delete(next.keys().next().value as string);
  return next;
}
