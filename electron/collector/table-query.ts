// Filter, sort and page the last full table for the connection view. The filtered + sorted order is
// memoized per (table, filter, sort), so paging through 100,000 rows sorts once. The address filter
// also matches names (docs/names.md): the service name of either port (/etc/services, e.g. "https",
// "postgres") and, when the host passes them, reverse-DNS names already resolved at the user's request
// (never a lookup from here).

import type { SocketPage, SocketQuery, SocketRow, SocketSortKey } from '../../shared/snapshot';
import { STATE_BY_CODE, TIMER_KINDS, stateCode } from '../../shared/tcp';
import { MAX_SOCKET_PAGE } from '../../shared/query-checks';
import type { OwnerInfo } from './owners';
import { portsMatchingName, type ServiceTable } from '../../shared/services';
import { systemServices } from './services-file';
import type { SocketTable } from './types';


/** Names the address filter matches besides the numbers. */
export interface FilterNames {
  /** services(5) names per port; null = none */
  services: ServiceTable | null;
  /** host names already resolved (electron/collector/reverse-dns.ts): `version` changes whenever a
   *  name is added, so the memo is not stale; `name` never starts a lookup */
  hosts?: { readonly version: number; name(addr: string): string | null } | null;
}

/** The system's /etc/services, read on the first filter that needs it. */
export function defaultFilterNames(): FilterNames {
  return { services: systemServices().table };
}

let memo: { table: SocketTable; owners: Map<number, OwnerInfo> | null; names: FilterNames | null; key: string; order: Uint32Array } | null = null;

function compareNum(a: number, b: number): number {
  return a - b;
}

function sortValue(t: SocketTable, owners: Map<number, OwnerInfo> | null, key: SocketSortKey): (i: number, j: number) => number {
  switch (key) {
    case 'state':
      return (i, j) => compareNum(t.state[i], t.state[j]);
    case 'local':
      return (i, j) => t.localAddr[i].localeCompare(t.localAddr[j]) || compareNum(t.localPort[i], t.localPort[j]);
    case 'remote':
      return (i, j) => t.remoteAddr[i].localeCompare(t.remoteAddr[j]) || compareNum(t.remotePort[i], t.remotePort[j]);
    case 'localPort':
      return (i, j) => compareNum(t.localPort[i], t.localPort[j]);
    case 'remotePort':
      return (i, j) => compareNum(t.remotePort[i], t.remotePort[j]);
    case 'timerLeftMs':
      return (i, j) => compareNum(t.timerLeftMs[i], t.timerLeftMs[j]);
    case 'txQueue':
      return (i, j) => compareNum(t.txQueue[i], t.txQueue[j]);
    case 'rxQueue':
      return (i, j) => compareNum(t.rxQueue[i], t.rxQueue[j]);
    case 'uid':
      return (i, j) => compareNum(t.uid[i], t.uid[j]);
    case 'process':
      return (i, j) => (owners?.get(t.inode[i])?.comm ?? '\uffff').localeCompare(owners?.get(t.inode[j])?.comm ?? '\uffff');
  }
}

/** Indices of the rows matching `q` (filter and sort; offset and limit ignored), memoized per table,
 *  owners and filter, so paging through 100,000 rows sorts once. `names`: what the address filter
 *  matches besides numbers (default: the system's service names, read only when a filter text needs them). */
export function matchingOrder(t: SocketTable, q: SocketQuery, owners: Map<number, OwnerInfo> | null, names?: FilterNames | null): Uint32Array {
  const addr = (q.address ?? '').trim().toLowerCase();
  // a text of digits, dots, colons and brackets is an address or port, never a name
  const nameText = addr !== '' && !/^[\d.:[\]]+$/.test(addr);
  const n = nameText ? (names === undefined ? defaultFilterNames() : names) : null;
  const key = JSON.stringify([q.states ?? null, q.address ?? '', q.port ?? null, q.process ?? '', q.sort ?? null, !!q.descending, n?.hosts?.version ?? null]);
  if (memo && memo.table === t && memo.owners === owners && memo.key === key && (!n || (memo.names !== null && memo.names.services === n.services && memo.names.hosts === n.hosts))) {
    return memo.order;
  }
  const stateMask = new Uint8Array(16);
  if (q.states && q.states.length) for (const s of q.states) stateMask[stateCode(s)] = 1;
  else stateMask.fill(1);
  const servicePorts = n?.services ? portsMatchingName(n.services, addr) : null;
  const hosts = n?.hosts ?? null;
  const hostMemo = new Map<string, boolean>();
  const hostMatches = (a: string): boolean => {
    let m = hostMemo.get(a);
    if (m === undefined) {
      m = hosts!.name(a)?.toLowerCase().includes(addr) ?? false;
      hostMemo.set(a, m);
    }
    return m;
  };
  const proc = (q.process ?? '').trim().toLowerCase();
  const procPid = /^\d+$/.test(proc) ? Number(proc) : null;
  const idx: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (!stateMask[t.state[i]]) continue;
    if (q.port !== undefined && t.localPort[i] !== q.port && t.remotePort[i] !== q.port) continue;
    if (
      addr &&
      !`${t.localAddr[i]}:${t.localPort[i]}`.includes(addr) &&
      !`${t.remoteAddr[i]}:${t.remotePort[i]}`.includes(addr) &&
      !(servicePorts && (servicePorts.has(t.localPort[i]) || (t.remotePort[i] !== 0 && servicePorts.has(t.remotePort[i])))) &&
      !(hosts && (hostMatches(t.remoteAddr[i]) || hostMatches(t.localAddr[i])))
    ) {
      continue;
    }
    if (proc) {
      const o = owners?.get(t.inode[i]);
      if (!o || (procPid !== null ? o.pid !== procPid : !o.comm.toLowerCase().includes(proc))) continue;
    }
    idx.push(i);
  }
  if (q.sort) {
    const cmp = sortValue(t, owners, q.sort);
    idx.sort(q.descending ? (a, b) => cmp(b, a) || a - b : (a, b) => cmp(a, b) || a - b);
  }
  const order = Uint32Array.from(idx);
  memo = { table: t, owners, names: n, key, order };
  return order;
}

export function querySocketTable(
  t: SocketTable | null,
  tableAt: number | null,
  q: SocketQuery,
  owners: Map<number, OwnerInfo> | null,
  names?: FilterNames | null,
): SocketPage {
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.min(MAX_SOCKET_PAGE, Math.max(0, Math.floor(q.limit ?? 100)));
  if (!t) return { tableAt, total: 0, tableSize: 0, offset, rows: [] };
  const order = matchingOrder(t, q, owners, names);
  const rows: SocketRow[] = [];
  for (let k = offset; k < Math.min(order.length, offset + limit); k++) rows.push(rowAt(t, order[k], owners));
  return { tableAt, total: order.length, tableSize: t.length, offset, rows };
}

/** Every row matching `q`, one object at a time (exports stream these: the table is never copied). */
export function* matchingRows(t: SocketTable | null, q: SocketQuery, owners: Map<number, OwnerInfo> | null): Generator<SocketRow> {
  if (!t) return;
  const order = matchingOrder(t, q, owners);
  for (let k = 0; k < order.length; k++) yield rowAt(t, order[k], owners);
}

export function rowAt(t: SocketTable, i: number, owners: Map<number, OwnerInfo> | null): SocketRow {
  const o = t.inode[i] !== 0 ? owners?.get(t.inode[i]) : undefined;
  return {
    family: t.family[i] === 4 ? 'ipv4' : 'ipv6',
    state: STATE_BY_CODE[t.state[i]] ?? 'CLOSE',
    localAddr: t.localAddr[i],
    localPort: t.localPort[i],
    remoteAddr: t.remoteAddr[i],
    remotePort: t.remotePort[i],
    txQueue: t.txQueue[i],
    rxQueue: t.rxQueue[i],
    timer: TIMER_KINDS[t.timer[i]] ?? 'none',
    timerLeftMs: t.timerLeftMs[i],
    retransmits: t.retransmits[i],
    uid: t.uid[i],
    inode: t.inode[i],
    pid: o?.pid ?? null,
    comm: o?.comm ?? null,
  };
}
