// Connection table filters: persisted across launches (TCPView users asked for exactly this).
import type { SocketQuery, SocketSortKey } from '../../../shared/snapshot';
import { TCP_STATES, type TcpState } from '../../../shared/tcp';
import { loadSetting, saveSetting } from '../../store/settings';

export interface ConnectionFilters {
  /** states shown; empty = all */
  states: TcpState[];
  address: string;
  port: string;
  process: string;
  sort: SocketSortKey;
  descending: boolean;
}

export const DEFAULT_FILTERS: ConnectionFilters = {
  states: [],
  address: '',
  port: '',
  process: '',
  sort: 'state',
  descending: false,
};

const SORT_KEYS: SocketSortKey[] = ['state', 'local', 'remote', 'localPort', 'remotePort', 'timerLeftMs', 'txQueue', 'rxQueue', 'uid', 'process'];

function isFilters(v: unknown): v is ConnectionFilters {
  if (!v || typeof v !== 'object') return false;
  const f = v as Record<string, unknown>;
  return (
    Array.isArray(f.states) &&
    f.states.every((s) => (TCP_STATES as readonly string[]).includes(s as string)) &&
    typeof f.address === 'string' &&
    typeof f.port === 'string' &&
    typeof f.process === 'string' &&
    SORT_KEYS.includes(f.sort as SocketSortKey) &&
    typeof f.descending === 'boolean'
  );
}

export function loadFilters(): ConnectionFilters {
  return loadSetting('connections.filters', DEFAULT_FILTERS, isFilters);
}

export function saveFilters(f: ConnectionFilters): void {
  saveSetting('connections.filters', f);
}

/** A port filter must be a whole number 0–65535; anything else is reported (the catalog key of the
 *  message), not sent. */
export function portError(port: string): 'connections.filter.portError' | null {
  if (port.trim() === '') return null;
  if (!/^\d{1,5}$/.test(port.trim()) || Number(port) > 65535) return 'connections.filter.portError';
  return null;
}

export function toQuery(f: ConnectionFilters): SocketQuery {
  const q: SocketQuery = { sort: f.sort, descending: f.descending };
  if (f.states.length) q.states = f.states;
  if (f.address.trim()) q.address = f.address.trim();
  if (f.port.trim() && !portError(f.port)) q.port = Number(f.port.trim());
  if (f.process.trim()) q.process = f.process.trim();
  return q;
}
