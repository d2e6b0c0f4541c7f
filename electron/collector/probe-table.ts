// What a probe (electron/probe/session.ts) needs from this machine: the socket table for the TIME_WAIT
// count (netlink sock_diag, else /proc/net/tcp*) and the ephemeral port range. Used by `waitline
// probe` and by the app's probe panel (main).

import { readFileSync } from 'node:fs';
import { parsePortRange } from './parse/kv-files';
import { loadNetlinkSource } from './sources/netlink-loader';
import { nodeFileReader } from './sources/node-fs';
import { createProcfsSource } from './sources/procfs';
import type { SocketSource } from './types';

/** The ephemeral port range and tcp_tw_reuse of this namespace (null when unreadable). */
export interface ProbeEphemeral {
  low: number;
  high: number;
  twReuse: string | null;
}

export async function openTableSource(choice: 'auto' | 'netlink' | 'procfs'): Promise<{ source: SocketSource | null; reason: string }> {
  if (choice === 'procfs') return { source: createProcfsSource(nodeFileReader), reason: '' };
  const nl = await loadNetlinkSource();
  if (nl.source) return nl;
  if (choice === 'netlink') return { source: null, reason: `the netlink source is unavailable (${nl.reason})` };
  return { source: createProcfsSource(nodeFileReader), reason: '' };
}

export function readEphemeral(): ProbeEphemeral | null {
  try {
    const { low, high } = parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1'));
    let twReuse: string | null = null;
    try {
      twReuse = readFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', 'latin1').trim();
    } catch {
      // unreadable: not shown
    }
    return { low, high, twReuse };
  } catch {
    return null;
  }
}
