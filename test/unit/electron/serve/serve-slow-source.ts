// A socket-table source for serve's worker tests, loaded inside the collector worker through
// `collectorWorker.sourceModule`. It is controlled from the test thread through a SharedArrayBuffer:
//   [0] busy ms for the next read (0 = fast; the read blocks its thread, as a huge /proc table would)
//   [1] 1 while a read is busy
//   [2] number of busy reads finished
//   [3] 1 = the next read kills its thread (process.exit inside a worker ends only the worker); reset
//       to 0 when it happens
import type { SocketSource, SocketTable } from '../../../../electron/collector/types';

export const CTRL = { busyMs: 0, busy: 1, busyDone: 2, crash: 3 } as const;

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * 4));
}

function tinyTable(): SocketTable {
  const n = 3;
  return {
    length: n,
    family: new Uint8Array(n).fill(4),
    state: new Uint8Array([1, 6, 8]),
    localAddr: ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
    localPort: new Uint16Array([40000, 40001, 40002]),
    remoteAddr: ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
    remotePort: new Uint16Array([80, 80, 80]),
    txQueue: new Uint32Array(n),
    rxQueue: new Uint32Array(n),
    timer: new Uint8Array(n),
    timerLeftMs: new Uint32Array(n),
    retransmits: new Uint32Array(n),
    uid: new Uint32Array(n),
    inode: new Float64Array(n),
    cookie: null,
  };
}

export function createSocketSource(options: { control: SharedArrayBuffer }): SocketSource {
  const ctl = new Int32Array(options.control);
  return {
    name: 'procfs',
    async read() {
      if (Atomics.compareExchange(ctl, CTRL.crash, 1, 0) === 1) process.exit(3);
      const busy = Atomics.exchange(ctl, CTRL.busyMs, 0);
      if (busy > 0) {
        Atomics.store(ctl, CTRL.busy, 1);
        const until = Date.now() + busy;
        while (Date.now() < until) {
          // spin: this thread does nothing else meanwhile
        }
        Atomics.store(ctl, CTRL.busy, 0);
        Atomics.add(ctl, CTRL.busyDone, 1);
      }
      return { table: tinyTable(), source: 'procfs', skipped: {}, unknownStates: 0 };
    },
  };
}
