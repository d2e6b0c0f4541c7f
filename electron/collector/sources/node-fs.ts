// The real file reader and clock (the collector's only contact with the filesystem).

import { closeSync, openSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Clock, FileReader } from '../types';

/** Kernel files read every tick and kept open between reads: sysctls, and this namespace's
 *  single-record /proc/net files (a multi-record seq_file such as /proc/net/tcp hands over one page
 *  per read, so it is not read this way). */
const KEEP_OPEN = /^\/proc\/sys\/|^\/proc\/net\/(snmp|snmp6|netstat|sockstat|sockstat6)$/;
const openFiles = new Map<string, number>();
/** files found missing (ENOENT), looked for again after MISSING_RECHECK_MS */
const missingFiles = new Map<string, { until: number; error: unknown }>();
const MISSING_RECHECK_MS = 10_000;
let readBuffer = Buffer.allocUnsafe(16 * 1024);

/** Reads all of `fd` from offset 0 in one pread: procfs generates the text at that read and hands
 *  over all of it that fits; a full buffer means it may not have fitted, so a bigger buffer reads it
 *  again from 0 (a sysctl read from a later offset may return nothing). */
function preadAll(fd: number): string {
  for (;;) {
    const got = readSync(fd, readBuffer, 0, readBuffer.length, 0);
    if (got < readBuffer.length) return readBuffer.toString('latin1', 0, got);
    readBuffer = Buffer.allocUnsafe(readBuffer.length * 2);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already unusable
  }
}

/** A /proc/sys or single-record /proc/net file read from offset 0 of a descriptor kept open: the
 *  kernel generates the text afresh on each read from 0 (a sysctl's handler, a seq_file restarted at
 *  its first record), so a tick costs one pread per file instead of open, fstat, read, read and close
 *  — docs/performance.md, "Idle CPU". A kept descriptor that fails (its file went away: a module
 *  unloaded and loaded again) is closed and the file opened afresh once; an error from a fresh
 *  descriptor is passed on. */
export function readKernelFile(path: string): string {
  const gone = missingFiles.get(path);
  if (gone !== undefined) {
    if (performance.now() < gone.until) throw gone.error;
    missingFiles.delete(path);
  }
  const kept = openFiles.get(path);
  if (kept !== undefined) {
    try {
      return preadAll(kept);
    } catch {
      openFiles.delete(path);
      closeQuietly(kept);
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    // a sysctl this kernel or namespace does not have stays missing: its error is remembered for a
    // while instead of being made again (with its stack) every tick
    if ((e as { code?: unknown }).code === 'ENOENT') {
      if (missingFiles.size >= 256) missingFiles.clear();
      missingFiles.set(path, { until: performance.now() + MISSING_RECHECK_MS, error: e });
    }
    throw e;
  }
  try {
    const text = preadAll(fd);
    openFiles.set(path, fd);
    return text;
  } catch (e) {
    closeQuietly(fd);
    throw e;
  }
}

/** Closes the descriptors readKernelFile keeps (tests; a process that is done collecting). */
export function closeKernelFiles(): void {
  for (const fd of openFiles.values()) closeQuietly(fd);
  openFiles.clear();
  missingFiles.clear();
}

/** How many descriptors readKernelFile keeps open (tests). */
export const keptKernelFiles = (): number => openFiles.size;

const CHUNK_BYTES = 256 * 1024;

/** A large kernel file (/proc/net/tcp) in 256 KiB chunks — large enough that a 100,000-line table is
 *  ~60 reads, small enough to stay bounded — read synchronously on the calling thread, yielding to
 *  its event loop between chunks. Each read makes the kernel format that many lines, seconds of CPU
 *  for half a million sockets. A read stream would do that on libuv's thread pool, at the process's
 *  normal priority, beside the thread that serves the window or HTTP; here it is done on the
 *  collector's own thread, at nice +10 (docs/performance.md, "Half a million sockets"). */
export async function* readChunksOnThisThread(path: string): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      // a fresh buffer per chunk: the parser may keep the tail of a line from it
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeQuietly(fd);
  }
}

export const nodeFileReader: FileReader = {
  // small kernel files (sysctls, sockstat, snmp): a synchronous read is a few µs of syscalls, where the
  // promise API costs a thread-pool round trip per open/read/close — most of an idle tick's CPU
  readText: async (path) => (KEEP_OPEN.test(path) ? readKernelFile(path) : readFileSync(path, 'latin1')),
  readChunks: readChunksOnThisThread,
  readdir: (path) => readdir(path),
  readlink: (path) => readlink(path),
  readlinkSync: (path) => readlinkSync(path, 'latin1'),
};

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
