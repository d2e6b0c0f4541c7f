// The real file reader and clock (the collector's only contact with the filesystem).

import { createReadStream, readFileSync, readlinkSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Clock, FileReader } from '../types';

export const nodeFileReader: FileReader = {
  // small kernel files (sysctls, sockstat, snmp): a synchronous read is a few µs of syscalls, where the
  // promise API costs a thread-pool round trip per open/read/close — most of an idle tick's CPU
  readText: async (path) => readFileSync(path, 'latin1'),
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
