// The real file reader and clock (the collector's only contact with the filesystem).

import { createReadStream } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Clock, FileReader } from '../types';

export const nodeFileReader: FileReader = {
  readText: (path) => readFile(path, 'latin1'),
  // 256 KiB chunks: large enough that a 100,000-line table is ~60 reads, small enough to stay bounded
  readChunks: (path) => createReadStream(path, { highWaterMark: 256 * 1024 }),
  readdir: (path) => readdir(path),
  readlink: (path) => readlink(path),
};

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
