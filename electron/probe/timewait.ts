// Who holds TIME_WAIT after a probe: counts over a socket table (the collector's columnar table, or
// anything shaped like it). Pure.
//
// Client side: sockets whose remote end is the target (HOST:PORT). Server side: sockets whose local
// end is the target — visible only when the server runs in this machine's network namespace. "Ours"
// narrows either side to the 4-tuples of the probe's own connections, so other programs' traffic to
// the same destination is not counted as the probe's.

import { STATE_BY_CODE, stateCode, type TcpState } from '../../shared/tcp';

/** The columns the count needs (electron/collector/types.ts SocketTable has them). */
export interface TableLike {
  length: number;
  state: ArrayLike<number>;
  localAddr: readonly string[];
  localPort: ArrayLike<number>;
  remoteAddr: readonly string[];
  remotePort: ArrayLike<number>;
}

/** One of the probe's connections, as the client saw it: its local address and port. */
export interface Endpoint {
  addr: string;
  port: number;
}

/** v4-mapped IPv6 (::ffff:a.b.c.d, how a dual-stack server's sockets show IPv4 peers) → a.b.c.d;
 *  IPv6 text lower-cased. */
export function normalizeAddr(a: string): string {
  const l = a.toLowerCase();
  return l.startsWith('::ffff:') && l.includes('.') ? l.slice(7) : l;
}

const endpointKey = (addr: string, port: number) => `${normalizeAddr(addr)}|${port}`;

export function endpointSet(eps: Iterable<Endpoint>): Set<string> {
  const s = new Set<string>();
  for (const e of eps) s.add(endpointKey(e.addr, e.port));
  return s;
}

export type StateTally = Partial<Record<TcpState, number>>;

export interface SideCount {
  /** TIME_WAIT sockets on this side, whoever made them */
  timeWait: number;
  /** the probe's own connections on this side, by state (TIME_WAIT, FIN_WAIT2, …) */
  ours: StateTally;
}

export interface TimeWaitCount {
  client: SideCount;
  server: SideCount;
  /** a LISTEN socket on the target's port (its address or a wildcard) is in this table: the server
   *  runs here, so its side can be counted */
  serverVisible: boolean;
}

const TW = stateCode('TIME_WAIT');
const LISTEN = stateCode('LISTEN');

/** Counts both sides of `target` in `t`; `ours` is endpointSet() of the probe's connections. */
export function countTimeWait(t: TableLike, target: Endpoint, ours: ReadonlySet<string>): TimeWaitCount {
  const addr = normalizeAddr(target.addr);
  const client: SideCount = { timeWait: 0, ours: {} };
  const server: SideCount = { timeWait: 0, ours: {} };
  let serverVisible = false;
  const bump = (tally: StateTally, code: number) => {
    const st = STATE_BY_CODE[code];
    if (st) tally[st] = (tally[st] ?? 0) + 1;
  };
  for (let i = 0; i < t.length; i++) {
    const st = t.state[i];
    if (t.remotePort[i] === target.port && normalizeAddr(t.remoteAddr[i]) === addr) {
      if (st === TW) client.timeWait++;
      if (ours.has(endpointKey(t.localAddr[i], t.localPort[i]))) bump(client.ours, st);
    }
    if (t.localPort[i] === target.port) {
      const local = normalizeAddr(t.localAddr[i]);
      if (st === LISTEN && (local === addr || local === '0.0.0.0' || local === '::')) serverVisible = true;
      if (local === addr) {
        if (st === TW) server.timeWait++;
        if (ours.has(endpointKey(t.remoteAddr[i], t.remotePort[i]))) bump(server.ours, st);
      }
    }
  }
  return { client, server, serverVisible };
}

/** The probe's sockets (either side) not yet in TIME_WAIT: every connection of the probe has been
 *  closed by then, so each is on its way to TIME_WAIT or to gone (FIN_WAIT1/2, CLOSING, LAST_ACK, a
 *  server side still in CLOSE_WAIT …) — worth a moment's wait before counting. */
export function stillClosing(c: TimeWaitCount): number {
  let n = 0;
  for (const side of [c.client.ours, c.server.ours]) {
    for (const [st, k] of Object.entries(side)) if (st !== 'TIME_WAIT') n += k ?? 0;
  }
  return n;
}
