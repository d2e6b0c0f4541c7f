// A growable columnar SocketTable. Doubling typed arrays keep appends O(1) amortized and a
// million-row table to ~40 MB; `finish()` returns views trimmed to the row count (no copy).
// With `indexed`, addresses are kept as indices into the distinct addresses (`intern`), as the
// netlink source keeps them: no per-row string column is built or collected (the /proc parser).

import type { AddressIndex, SocketTable } from '../types';

/** A table's columns other than the address strings. */
export type IndexedColumns = Omit<SocketTable, 'localAddr' | 'remoteAddr' | 'addrIndex'>;

/** Numbers distinct addresses in the order they are first seen: `id(a)` is `a`'s index in `addrs`. */
export class AddressInterner {
  readonly addrs: string[] = [];
  private readonly ids = new Map<string, number>();

  id(a: string): number {
    let k = this.ids.get(a);
    if (k === undefined) {
      k = this.addrs.length;
      this.ids.set(a, k);
      this.addrs.push(a);
    }
    return k;
  }
}

/** The strings of one address column, from its indices into the distinct addresses. */
function addressColumn(addrs: readonly string[], idx: Uint32Array): string[] {
  const out: string[] = new Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = addrs[idx[i]];
  return out;
}

/** A table whose addresses are indices into its distinct addresses (`ix`), with `localAddr` and
 *  `remoteAddr` built on first use: a tick's aggregation keys on the indices, and only what lists rows
 *  (the connections view, a query, an export) needs the strings — building them was a tenth of a
 *  500,000-socket tick (docs/performance.md, "Addresses as numbers"). Both sources (netlink and
 *  /proc) make their tables here: accessors in one literal, not defineProperty afterwards, give every
 *  table one fast shape for the per-row loops that read its columns. */
export function indexedTable(c: IndexedColumns, ix: AddressIndex): SocketTable {
  let local: string[] | null = null;
  let remote: string[] | null = null;
  return {
    length: c.length,
    family: c.family,
    state: c.state,
    get localAddr(): string[] {
      return (local ??= addressColumn(ix.addrs, ix.local));
    },
    set localAddr(v: string[]) {
      local = v;
    },
    localPort: c.localPort,
    get remoteAddr(): string[] {
      return (remote ??= addressColumn(ix.addrs, ix.remote));
    },
    set remoteAddr(v: string[]) {
      remote = v;
    },
    remotePort: c.remotePort,
    txQueue: c.txQueue,
    rxQueue: c.rxQueue,
    timer: c.timer,
    timerLeftMs: c.timerLeftMs,
    retransmits: c.retransmits,
    uid: c.uid,
    inode: c.inode,
    cookie: c.cookie,
    addrIndex: ix,
  };
}

export interface SocketRowInput {
  family: 4 | 6;
  state: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  txQueue: number;
  rxQueue: number;
  timer: number;
  timerLeftMs: number;
  retransmits: number;
  uid: number;
  inode: number;
  cookie?: bigint;
}

export class SocketTableBuilder {
  length = 0;
  private cap: number;
  family: Uint8Array;
  state: Uint8Array;
  localAddr: string[] = [];
  localPort: Uint16Array;
  remoteAddr: string[] = [];
  remotePort: Uint16Array;
  txQueue: Uint32Array;
  rxQueue: Uint32Array;
  timer: Uint8Array;
  timerLeftMs: Uint32Array;
  retransmits: Uint32Array;
  uid: Uint32Array;
  inode: Float64Array;
  cookie: BigUint64Array | null;
  /** indexed mode: each row's addresses as indices into `addrs` */
  localIdx: Uint32Array;
  remoteIdx: Uint32Array;
  private readonly interner = new AddressInterner();
  readonly indexed: boolean;

  constructor(initialCapacity = 1024, withCookies = false, indexed = false) {
    this.indexed = indexed;
    this.cap = Math.max(16, initialCapacity);
    const n = this.cap;
    this.family = new Uint8Array(n);
    this.state = new Uint8Array(n);
    this.localPort = new Uint16Array(n);
    this.remotePort = new Uint16Array(n);
    this.txQueue = new Uint32Array(n);
    this.rxQueue = new Uint32Array(n);
    this.timer = new Uint8Array(n);
    this.timerLeftMs = new Uint32Array(n);
    this.retransmits = new Uint32Array(n);
    this.uid = new Uint32Array(n);
    this.inode = new Float64Array(n);
    this.cookie = withCookies ? new BigUint64Array(n) : null;
    this.localIdx = new Uint32Array(indexed ? n : 0);
    this.remoteIdx = new Uint32Array(indexed ? n : 0);
  }

  /** The index of address `a` among this table's distinct addresses (indexed mode). */
  intern(a: string): number {
    return this.interner.id(a);
  }

  /** Makes room for one more row and returns its index. */
  reserve(): number {
    if (this.length === this.cap) this.grow();
    return this.length++;
  }

  push(r: SocketRowInput): void {
    const i = this.reserve();
    this.family[i] = r.family;
    this.state[i] = r.state;
    if (this.indexed) {
      this.localIdx[i] = this.intern(r.localAddr);
      this.remoteIdx[i] = this.intern(r.remoteAddr);
    } else {
      this.localAddr[i] = r.localAddr;
      this.remoteAddr[i] = r.remoteAddr;
    }
    this.localPort[i] = r.localPort;
    this.remotePort[i] = r.remotePort;
    this.txQueue[i] = r.txQueue;
    this.rxQueue[i] = r.rxQueue;
    this.timer[i] = r.timer;
    this.timerLeftMs[i] = r.timerLeftMs;
    this.retransmits[i] = r.retransmits;
    this.uid[i] = r.uid;
    this.inode[i] = r.inode;
    if (this.cookie && r.cookie !== undefined) this.cookie[i] = r.cookie;
  }

  private grow(): void {
    const n = this.cap * 2;
    const g = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (len: number) => T)(n);
      b.set(a as never);
      return b;
    };
    this.family = g(this.family);
    this.state = g(this.state);
    this.localPort = g(this.localPort);
    this.remotePort = g(this.remotePort);
    this.txQueue = g(this.txQueue);
    this.rxQueue = g(this.rxQueue);
    this.timer = g(this.timer);
    this.timerLeftMs = g(this.timerLeftMs);
    this.retransmits = g(this.retransmits);
    this.uid = g(this.uid);
    this.inode = g(this.inode);
    if (this.indexed) {
      this.localIdx = g(this.localIdx);
      this.remoteIdx = g(this.remoteIdx);
    }
    if (this.cookie) {
      const c = new BigUint64Array(n);
      c.set(this.cookie);
      this.cookie = c;
    }
    this.cap = n;
  }

  finish(): SocketTable {
    const n = this.length;
    if (this.indexed) {
      return indexedTable(this.columns(n), { addrs: this.interner.addrs, local: this.localIdx.subarray(0, n), remote: this.remoteIdx.subarray(0, n) });
    }
    return { ...this.columns(n), localAddr: this.localAddr, remoteAddr: this.remoteAddr };
  }

  private columns(n: number): IndexedColumns {
    return {
      length: n,
      family: this.family.subarray(0, n),
      state: this.state.subarray(0, n),
      localPort: this.localPort.subarray(0, n),
      remotePort: this.remotePort.subarray(0, n),
      txQueue: this.txQueue.subarray(0, n),
      rxQueue: this.rxQueue.subarray(0, n),
      timer: this.timer.subarray(0, n),
      timerLeftMs: this.timerLeftMs.subarray(0, n),
      retransmits: this.retransmits.subarray(0, n),
      uid: this.uid.subarray(0, n),
      inode: this.inode.subarray(0, n),
      cookie: this.cookie ? this.cookie.subarray(0, n) : null,
    };
  }
}

/** Concatenates tables (e.g. IPv4 then IPv6). Indexed tables stay indexed: the distinct addresses
 *  are merged (an address the first table has too keeps its first index). */
export function concatTables(tables: SocketTable[]): SocketTable {
  if (tables.length === 1) return tables[0];
  const total = tables.reduce((s, t) => s + t.length, 0);
  const withCookies = tables.every((t) => t.cookie !== null);
  const indexed = tables.every((t) => t.addrIndex !== undefined);
  const b = new SocketTableBuilder(total, withCookies, indexed);
  for (const t of tables) {
    const off = b.length;
    b.length += t.length;
    b.family.set(t.family, off);
    b.state.set(t.state, off);
    b.localPort.set(t.localPort, off);
    b.remotePort.set(t.remotePort, off);
    b.txQueue.set(t.txQueue, off);
    b.rxQueue.set(t.rxQueue, off);
    b.timer.set(t.timer, off);
    b.timerLeftMs.set(t.timerLeftMs, off);
    b.retransmits.set(t.retransmits, off);
    b.uid.set(t.uid, off);
    b.inode.set(t.inode, off);
    if (b.cookie && t.cookie) b.cookie.set(t.cookie, off);
    const ix = t.addrIndex;
    if (indexed && ix) {
      const map = Uint32Array.from(ix.addrs, (a) => b.intern(a));
      for (let i = 0; i < t.length; i++) {
        b.localIdx[off + i] = map[ix.local[i]];
        b.remoteIdx[off + i] = map[ix.remote[i]];
      }
    } else {
      const la = t.localAddr;
      const ra = t.remoteAddr;
      for (let i = 0; i < t.length; i++) {
        b.localAddr[off + i] = la[i];
        b.remoteAddr[off + i] = ra[i];
      }
    }
  }
  return b.finish();
}
