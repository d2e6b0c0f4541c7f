// The fast socket source: netlink sock_diag through the native addon (native/sockdiag.c), the way
// `ss` reads sockets (docs/kernel.md, "Reading sockets through sock_diag"). The collector prefers it
// and falls back to /proc/net/tcp when it is unavailable — the addon was not built, or the socket is
// refused (a seccomp sandbox, an LSM): createNetlinkSource() then throws a NetlinkUnavailableError whose message says why.

import { existsSync } from 'node:fs';
import { nativeFileCandidates } from '../../native/find-addon';
import { CLOSE_WAIT_CODE } from '../../../shared/tcp';
import type { ConnInfoReply, ConnKey } from '../../../shared/conn-info';
import { readConnInfo } from '../conn-info';
import type { SocketSource, SocketTableResult } from '../types';
import { ALL_TCP_STATES_MASK, decodeSockDiagDump, SOCKDIAG_LAYOUT_VERSION, stateBit } from './sockdiag-layout';

/** What the addon exports. */
export interface SockDiagAddon {
  /** states: idiag_states bitmask (bit n = state n); families: bit 0 IPv4, bit 1 IPv6 (both: one walk
   *  of the kernel's hash, docs/performance.md); infoStates: states whose sockets also get their
   *  tcp_info, each looked up by its 4-tuple after the dump (beyond 2,048 of them, one dump filtered
   *  to those states instead) */
  dump(states: number, families: number, infoStates?: number, reuse?: ArrayBuffer): ArrayBuffer;
  /** the floor of a read: the same dump, each record only counted by state (16 × u32 per state
   *  code); `npm run bench` compares the snapshot with it. Absent from an addon built before it. */
  countStates?(states: number, families: number): ArrayBuffer;
  layoutVersion: number;
  /** exact lookups of a few connections with their tcp_info (electron/collector/conn-info.ts; layout
   *  in conn-info-layout.ts). Absent from an addon built before it. */
  connInfo?(requests: AddonConnRequest[]): ArrayBuffer;
  connInfoLayoutVersion?: number;
  /** most requests one connInfo() call takes */
  connInfoMax?: number;
}

/** One exact 4-tuple for the addon's connInfo(). */
export interface AddonConnRequest {
  family: 4 | 6;
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  cookie?: bigint;
}

export class NetlinkUnavailableError extends Error {
  override name = 'NetlinkUnavailableError';
}

const ADDON_FILE = 'waitline_sockdiag.node';
/** Candidate paths of the addon, most specific first. */
export function addonCandidates(): string[] {
  return nativeFileCandidates(ADDON_FILE, 'WAITLINE_SOCKDIAG_ADDON');
}

let cachedAddon: SockDiagAddon | null = null;

/** Loads the addon or throws a NetlinkUnavailableError saying what was tried. */
export function loadSockDiagAddon(): SockDiagAddon {
  if (cachedAddon) return cachedAddon;
  const tried = addonCandidates();
  const found = tried.find((p) => existsSync(p));
  if (!found) {
    throw new NetlinkUnavailableError(
      `the netlink addon (${ADDON_FILE}) is not built — run \`npm run build:native\` (needs g++ and Node headers); looked in ${tried.join(', ')}`,
    );
  }
  let mod: SockDiagAddon;
  try {
    // A computed path: bundlers leave it alone and Node's loader handles the .node file.
    const load = require as (id: string) => unknown;
    mod = load(found) as SockDiagAddon;
  } catch (e) {
    throw new NetlinkUnavailableError(`the netlink addon at ${found} does not load: ${(e as Error).message}`);
  }
  if (typeof mod?.dump !== 'function' || mod.layoutVersion !== SOCKDIAG_LAYOUT_VERSION) {
    throw new NetlinkUnavailableError(
      `the netlink addon at ${found} is stale (layout ${String(mod?.layoutVersion)}, expected ${SOCKDIAG_LAYOUT_VERSION}) — run \`npm run build:native\``,
    );
  }
  cachedAddon = mod;
  return mod;
}

export interface NetlinkSourceOptions {
  /** idiag_states bitmask, filtered in the kernel; default every state /proc shows (1..12) */
  states?: number;
  ipv4?: boolean;
  ipv6?: boolean;
  /** ask the kernel for the tcp_info of CLOSE_WAIT sockets (how long ago their peer closed); default
   *  true. It costs one lookup per CLOSE_WAIT socket (no walk of the table), only when there are some. */
  closeWaitTiming?: boolean;
  /** injected addon (tests) */
  addon?: SockDiagAddon;
  /** write each read into the buffer of the read before the previous one (no fresh multi-megabyte
   *  buffer per read: docs/performance.md): a table is then valid only until the read after next.
   *  The collector, which keeps only its latest table, asks for it; default false. */
  reuseBuffers?: boolean;
}

export interface NetlinkSource extends SocketSource {
  readonly name: 'netlink';
  /** tcp_info of a few connections by exact lookup (electron/collector/conn-info.ts) */
  connInfo(keys: readonly ConnKey[]): ConnInfoReply;
}

const SOURCE_KEY = 'netlink sock_diag';

/** Creates the source after checking, with an empty dump, that the kernel answers. Throws a
 *  NetlinkUnavailableError (with the reason) when the addon or the netlink socket is unavailable. */
export function createNetlinkSource(opts: NetlinkSourceOptions = {}): NetlinkSource {
  const states = opts.states ?? ALL_TCP_STATES_MASK;
  if (!Number.isInteger(states) || states < 0 || states > 0xffffffff) {
    throw new RangeError(`netlink states mask must be a 32-bit unsigned integer, got ${states}`);
  }
  const families = (opts.ipv4 === false ? 0 : 1) | (opts.ipv6 === false ? 0 : 2);
  const infoStates = opts.closeWaitTiming === false ? 0 : states & stateBit(CLOSE_WAIT_CODE);
  const addon = opts.addon ?? loadSockDiagAddon();
  try {
    decodeSockDiagDump(addon.dump(0, families)); // states 0: the kernel answers at once with nothing
  } catch (e) {
    throw new NetlinkUnavailableError(`netlink sock_diag is unavailable: ${(e as Error).message}`);
  }
  // reuseBuffers: the buffers of the latest read and of the one before it (written into next)
  let latest: ArrayBuffer | null = null;
  let older: ArrayBuffer | null = null;
  return {
    name: 'netlink',
    connInfo: (keys) => readConnInfo(addon, keys),
    async read(): Promise<SocketTableResult> {
      const buf = opts.reuseBuffers && older ? addon.dump(states, families, infoStates, older) : addon.dump(states, families, infoStates);
      const d = decodeSockDiagDump(buf);
      if (opts.reuseBuffers) {
        // only once the read decoded: a failed one leaves the table the caller holds untouched
        older = latest;
        latest = buf;
      }
      return {
        interrupted: d.interrupted,
        table: d.table,
        source: 'netlink',
        skipped: d.skipped ? { [SOURCE_KEY]: d.skipped } : {},
        unknownStates: d.unknownStates,
        // without the timing dump (not asked for, or no CLOSE_WAIT socket) there is nothing to time
        ...(infoStates ? { peerClosed: d.peerClosed } : {}),
      };
    },
  };
}
