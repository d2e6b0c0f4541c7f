// Socket table from /proc/net/tcp and /proc/net/tcp6 — the fallback when netlink sock_diag is not
// available. Reads in chunks and parses as it goes.

import { endianness } from 'node:os';
import { ProcNetTcpParser } from '../parse/proc-net-tcp';
import { concatTables } from '../parse/socket-table';
import type { FileReader, SocketSource, SocketTableResult } from '../types';

export interface ProcfsSourceOptions {
  /** default "/proc"; tests may point at /proc/PID to read another network namespace */
  procRoot?: string;
  userHz?: number;
  maxRows?: number;
}

export function createProcfsSource(reader: FileReader, opts: ProcfsSourceOptions = {}): SocketSource {
  const root = opts.procRoot ?? '/proc';
  const littleEndian = endianness() === 'LE';
  // address text is interned across ticks: most tables have few distinct addresses
  const cache4 = new Map<string | number, string>();
  const cache6 = new Map<string | number, string>();
  return {
    name: 'procfs',
    async read(): Promise<SocketTableResult> {
      const skipped: Record<string, number> = {};
      let unknownStates = 0;
      const tables = [];
      for (const [family, file, cache] of [
        [4, 'tcp', cache4],
        [6, 'tcp6', cache6],
      ] as const) {
        const path = `${root}/net/${file}`;
        const parser = new ProcNetTcpParser({ family, userHz: opts.userHz, littleEndian, maxRows: opts.maxRows, addressCache: cache });
        try {
          for await (const chunk of reader.readChunks(path)) parser.push(chunk as Uint8Array);
        } catch (e) {
          // tcp6 is absent when IPv6 is disabled: an empty IPv6 table, not a failure
          if (family === 6 && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw new Error(`cannot read ${path}: ${(e as Error).message}`);
        }
        const r = parser.end();
        if (r.skipped > 0) skipped[path] = r.skipped;
        if (r.truncated > 0) skipped[`${path} (rows over the limit, counted in sockstat only)`] = r.truncated;
        unknownStates += r.unknownStates;
        tables.push(r.table);
        if (cache.size > 100_000) cache.clear();
      }
      return { table: concatTables(tables), source: 'procfs', skipped, unknownStates };
    },
  };
}
