// The real file reader and clock (the collector's only contact with the filesystem).

import { closeSync, createReadStream, openSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Clock, FileReader } from '../types';

/** Kernel files read every tick and kept open between reads: sysctls and this namespace's /proc/net. */
const KEEP_OPEN = /^\/proc\/(sys|net)\//;
const openFiles = new Map<string, number>();
let readBuffer = Buffer.allocUnsafe(16 * 1024);

/** A /proc/sys or /proc/net file read from offset 0 of a descriptor kept open: the kernel generates
 *  the text afresh on each read from 0 (a sysctl's handler, a seq_file restarted at its first
 *  record), so a tick costs a pread or two per file instead of open, fstat, read and close —
 *  docs/performance.md, "Idle CPU". A failing descriptor is closed and the error passed on; the next
 *  read opens the file again. */
export function readKernelFile(path: string): string {
  let fd = openFiles.get(path);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    openFiles.set(path, fd);
  }
  try {
    let n = 0;
    for (;;) {
      if (n === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, n);
        readBuffer = bigger;
      }
      const want = readBuffer.length - n;
      const got = readSync(fd, readBuffer, n, want, n);
      n += got;
      // procfs hands over all it has up to the length asked for: a short read is the end (saves the
      // read that would return 0)
      if (got < want) break;
    }
    return readBuffer.toString('latin1', 0, n);
  } catch (e) {
    openFiles.delete(path);
    try {
      closeSync(fd);
    } catch {
      // already unusable
    }
    throw e;
  }
}

/** Closes the descriptors readKernelFile keeps (tests; a process that is done collecting). */
export function closeKernelFiles(): void {
  for (const fd of openFiles.values()) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  openFiles.clear();
}

/** How many descriptors readKernelFile keeps open (tests). */
export const keptKernelFiles = (): number => openFiles.size;

export const nodeFileReader: FileReader = {
  // small kernel files (sysctls, sockstat, snmp): a synchronous read is a few µs of syscalls, where the
  // promise API costs a thread-pool round trip per open/read/close — most of an idle tick's CPU
  readText: async (path) => (KEEP_OPEN.test(path) ? readKernelFile(path) : readFileSync(path, 'latin1')),
  // 256 KiB chunks: large enough that a 100,000-line table is ~60 reads, small enough to stay bounded
  readChunks: (path) => createReadStream(path, { highWaterMark: 256 * 1024 }),
  readdir: (path) => readdir(path),
  readlink: (path) => readlink(path),
  readlinkSync: (path) => readlinkSync(path, 'latin1'),
};

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
