// Inputs for the collector's 24-hour memory run (86,400 ticks in well under a minute): a clock that
// advances one second per tick, a file reader that serves the namespace's real small files from a
// cache and scans only the given processes' fds, and a socket source that replays a real table with
// connections coming and going, so every per-socket memory (first-seen maps, caches) is exercised.

import type { Clock, FileReader, SocketSource, SocketTable, SocketTableResult } from '../collector/types';

export class SteppingClock implements Clock {
  private t = 0;
  constructor(private readonly start = Date.now()) {}
  step(ms = 1000): void {
    this.t += ms;
  }
  now(): number {
    return this.start + this.t;
  }
  monotonic(): number {
    return this.t;
  }
}

/** Caches whole-file reads (sockstat, snmp, sysctls); lists only `pids` under `procRoot`. */
export function cachingReader(real: FileReader, procRoot: string, pids: number[]): FileReader {
  const texts = new Map<string, Promise<string>>();
  return {
    readText(path) {
      if (/^\/proc\/\d+\//.test(path)) return real.readText(path); // comm of a scanned process
      let t = texts.get(path);
      if (!t) texts.set(path, (t = real.readText(path)));
      return t;
    },
    readChunks: (path) => real.readChunks(path),
    readdir: (path) => (path === procRoot ? Promise.resolve(pids.map(String)) : real.readdir(path)),
    readlink: (path) => real.readlink(path),
    ...(real.readlinkSync ? { readlinkSync: (path: string) => real.readlinkSync!(path) } : {}),
  };
}

function copyTable(t: SocketTable): SocketTable {
  return {
    length: t.length,
    family: t.family.slice(),
    state: t.state.slice(),
    localAddr: t.localAddr.slice(),
    localPort: t.localPort.slice(),
    remoteAddr: t.remoteAddr.slice(),
    remotePort: t.remotePort.slice(),
    txQueue: t.txQueue.slice(),
    rxQueue: t.rxQueue.slice(),
    timer: t.timer.slice(),
    timerLeftMs: t.timerLeftMs.slice(),
    retransmits: t.retransmits.slice(),
    uid: t.uid.slice(),
    inode: t.inode.slice(),
    cookie: t.cookie ? t.cookie.slice() : null,
  };
}

/** Replays `base` with `churn` of its non-LISTEN rows replaced by new connections at every read:
 *  new ephemeral ports, inodes and cookies, TIME_WAIT timers restarting. */
export function churningSource(base: SocketTable, churn = 0.05): SocketSource & { reads: number } {
  const movable: number[] = [];
  for (let i = 0; i < base.length; i++) if (base.state[i] !== 10) movable.push(i);
  const perRead = Math.max(1, Math.round(movable.length * churn));
  let reads = 0;
  let serial = 0;
  const src = {
    name: 'netlink' as const,
    get reads() {
      return reads;
    },
    async read(): Promise<SocketTableResult> {
      const t = copyTable(base);
      reads++;
      for (let k = 0; k < perRead && movable.length; k++) {
        const i = movable[(reads * perRead + k) % movable.length];
        serial++;
        t.localPort[i] = 1024 + (serial % 64000);
        if (t.inode[i] !== 0) t.inode[i] = 10_000_000 + serial;
        if (t.cookie) t.cookie[i] = BigInt(1_000_000_000 + serial);
        if (t.timer[i] === 3) t.timerLeftMs[i] = 60_000 - (serial % 60) * 1000;
      }
      return { table: t, source: 'netlink', skipped: {}, unknownStates: 0 };
    },
  };
  return src;
}
