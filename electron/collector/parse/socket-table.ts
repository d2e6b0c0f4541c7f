// A growable columnar SocketTable. Doubling typed arrays keep appends O(1) amortized and a
// million-row table to ~40 MB; `finish()` returns views trimmed to the row count (no copy).

import type { SocketTable } from '../types';

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

  constructor(initialCapacity = 1024, withCookies = false) {
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
    this.localAddr[i] = r.localAddr;
    this.localPort[i] = r.localPort;
    this.remoteAddr[i] = r.remoteAddr;
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
    if (this.cookie) {
      const c = new BigUint64Array(n);
      c.set(this.cookie);
      this.cookie = c;
    }
    this.cap = n;
  }

  finish(): SocketTable {
    const n = this.length;
    return {
      length: n,
      family: this.family.subarray(0, n),
      state: this.state.subarray(0, n),
      localAddr: this.localAddr,
      localPort: this.localPort.subarray(0, n),
      remoteAddr: this.remoteAddr,
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

/** Concatenates tables (e.g. IPv4 then IPv6). */
export function concatTables(tables: SocketTable[]): SocketTable {
  if (tables.length === 1) return tables[0];
  const total = tables.reduce((s, t) => s + t.length, 0);
  const withCookies = tables.every((t) => t.cookie !== null);
  const b = new SocketTableBuilder(total, withCookies);
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
    for (let i = 0; i < t.length; i++) {
      b.localAddr[off + i] = t.localAddr[i];
      b.remoteAddr[off + i] = t.remoteAddr[i];
    }
  }
  return b.finish();
}
