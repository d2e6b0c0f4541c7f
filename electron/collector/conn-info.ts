// Per-connection TCP details (issue 14; docs/conn-info.md): RTT, retransmits, bytes, congestion
// window, last send/receive age — struct tcp_info for a few chosen connections (the visible page, the
// selected row), by exact netlink lookups, never a dump of the whole table. Plain Node.
//
// The addon's connInfo() sends one non-dump SOCK_DIAG_BY_FAMILY request per 4-tuple (the kernel looks
// the socket up in its hash: the cost is per tuple, independent of how many sockets there are) and
// returns the raw tcp_info; this module validates the keys, enforces the cap and turns each answer
// into a ConnInfoAnswer with its reason when there are no details.

import { constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  CONN_INFO_MAX_KEYS,
  type ConnInfoAnswer,
  type ConnInfoReply,
  type ConnKey,
} from '../../shared/conn-info';
import { STATE_BY_CODE, type TcpState } from '../../shared/tcp';
import { CONN_INFO_LAYOUT_VERSION, decodeConnInfoBuffer, decodeTcpInfo, type RawConnInfo } from './sources/conn-info-layout';
import type { AddonConnRequest, SockDiagAddon } from './sources/netlink';

export { CONN_INFO_MAX_KEYS } from '../../shared/conn-info';

/** A request the engine refuses before asking the kernel: too many keys, or a malformed one. */
export class ConnInfoRequestError extends RangeError {
  override name = 'ConnInfoRequestError';
}

const ENOENT = osConstants.errno.ENOENT;
const ESTALE = osConstants.errno.ESTALE;
const ERRNO_NAMES = new Map<number, string>(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

const U64_MAX = 0xffffffffffffffffn;

/** Checks the keys (count, family, ports, cookie) and builds the addon's requests. Addresses are
 *  checked by the addon (inet_pton), which names the key it refuses. Throws ConnInfoRequestError. */
export function connRequests(keys: readonly ConnKey[]): AddonConnRequest[] {
  if (!Array.isArray(keys)) throw new ConnInfoRequestError('connInfo takes an array of connection keys');
  if (keys.length > CONN_INFO_MAX_KEYS) {
    throw new ConnInfoRequestError(
      `connInfo: ${keys.length} connections asked for, at most ${CONN_INFO_MAX_KEYS} per request (one page): tcp_info is read for the visible rows only`,
    );
  }
  return keys.map((k, i) => {
    const bad = (what: string) => new ConnInfoRequestError(`connInfo: key ${i}: ${what}`);
    if (typeof k !== 'object' || k === null) throw bad('not an object');
    if (k.family !== 'ipv4' && k.family !== 'ipv6') throw bad(`family must be "ipv4" or "ipv6", got ${JSON.stringify(k.family)}`);
    const family = k.family === 'ipv4' ? 4 : 6;
    for (const p of ['localPort', 'remotePort'] as const) {
      if (!Number.isInteger(k[p]) || k[p] < 0 || k[p] > 65535) throw bad(`${p} must be 0..65535, got ${String(k[p])}`);
    }
    for (const a of ['localAddr', 'remoteAddr'] as const) {
      if (typeof k[a] !== 'string' || k[a].length === 0 || k[a].length > 45) throw bad(`${a} must be an IPv${family} address`);
    }
    const req: AddonConnRequest = { family, local: k.localAddr, localPort: k.localPort, remote: k.remoteAddr, remotePort: k.remotePort };
    if (k.cookie !== undefined && k.cookie !== '0') {
      if (typeof k.cookie !== 'string' || !/^[1-9][0-9]{0,19}$/.test(k.cookie) || BigInt(k.cookie) > U64_MAX) {
        throw bad(`cookie must be an unsigned 64-bit integer in decimal, got ${JSON.stringify(k.cookie)}`);
      }
      req.cookie = BigInt(k.cookie);
    }
    return req;
  });
}

function stateName(code: number): TcpState | null {
  return STATE_BY_CODE[code] ?? null;
}

/** Why a socket that exists has no tcp_info. */
function noInfoReason(state: TcpState | null, r: RawConnInfo): string {
  switch (state) {
    case 'TIME_WAIT':
      return `not available for TIME_WAIT: the kernel keeps a TIME_WAIT socket as a small timewait entry without tcp_info (${Math.ceil(r.timerLeftMs / 1000)} s left)`;
    case 'SYN_RECV':
    case 'NEW_SYN_RECV':
      return 'not available for SYN_RECV: a request socket (handshake not finished) has no tcp_info yet';
    case 'FIN_WAIT2':
      return 'not available: this FIN_WAIT2 socket was closed by its process and is kept as a timewait entry without tcp_info';
    default:
      return `the kernel sent no tcp_info for this ${state ?? 'unknown-state'} socket`;
  }
}

export function toAnswer(k: ConnKey, r: RawConnInfo): ConnInfoAnswer {
  // only the key's own fields (a whole SocketRow may have been passed as the key)
  const key: ConnKey = { family: k.family, localAddr: k.localAddr, localPort: k.localPort, remoteAddr: k.remoteAddr, remotePort: k.remotePort };
  if (k.cookie !== undefined) key.cookie = k.cookie;
  const base: ConnInfoAnswer = {
    key,
    status: 'ok',
    reason: null,
    state: null,
    cookie: null,
    inode: null,
    uid: null,
    rxQueueBytes: null,
    txQueueBytes: null,
    congestion: null,
    tcp: null,
  };
  if (r.status === ENOENT || r.status === ESTALE) {
    const cookie = key.cookie !== undefined && key.cookie !== '0';
    return {
      ...base,
      status: 'not_found',
      reason: cookie
        ? 'no such connection now: it closed since the table was read, or its 4-tuple belongs to a newer socket than the one selected'
        : 'no such connection now: it closed since the table was read',
    };
  }
  if (r.status !== 0) {
    const name = ERRNO_NAMES.get(r.status) ?? `errno ${r.status}`;
    return { ...base, status: 'error', reason: `the kernel refused the lookup: ${name}` };
  }
  const state = stateName(r.state);
  const found: ConnInfoAnswer = {
    ...base,
    state,
    cookie: r.cookie.toString(),
    inode: r.inode,
    uid: r.uid,
    rxQueueBytes: state === 'LISTEN' ? null : r.rxQueue,
    txQueueBytes: state === 'LISTEN' ? null : r.txQueue,
    congestion: r.congestion,
  };
  if (!r.hasInfo) return { ...found, status: 'no_tcp_info', reason: noInfoReason(state, r) };
  return { ...found, tcp: decodeTcpInfo(r.info, r.infoBytes) };
}

/** Why this addon cannot look connections up, or null when it can. */
export function connInfoUnsupported(addon: SockDiagAddon): string | null {
  if (typeof addon.connInfo !== 'function') {
    return 'the netlink addon was built before per-connection details existed — run `npm run build:native`';
  }
  if (addon.connInfoLayoutVersion !== CONN_INFO_LAYOUT_VERSION) {
    return `the netlink addon's connInfo layout is ${String(addon.connInfoLayoutVersion)}, expected ${CONN_INFO_LAYOUT_VERSION} — run \`npm run build:native\``;
  }
  return null;
}

/** tcp_info of `keys` (at most CONN_INFO_MAX_KEYS) through the addon's exact lookups. Throws
 *  ConnInfoRequestError for a refused request (too many keys, a malformed one); a failure of the
 *  netlink lookups themselves is an unavailable reply with the reason. */
export function readConnInfo(addon: SockDiagAddon, keys: readonly ConnKey[], now: () => number = Date.now): ConnInfoReply {
  const requests = connRequests(keys);
  const unsupported = connInfoUnsupported(addon);
  if (unsupported) return { available: false, reason: unsupported };
  const t0 = performance.now();
  let raw: RawConnInfo[];
  try {
    raw = decodeConnInfoBuffer(addon.connInfo!(requests));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // the addon names the key whose address it cannot parse
    if (err.code === 'ERR_WLSD_ARGS' || err.code === 'ERR_WLSD_TOO_MANY') throw new ConnInfoRequestError(err.message);
    return { available: false, reason: `the netlink lookups failed: ${err.message}` };
  }
  const durationMs = performance.now() - t0;
  if (raw.length !== keys.length) {
    return { available: false, reason: `the netlink addon answered ${raw.length} of ${keys.length} lookups` };
  }
  return { available: true, at: now(), durationMs, answers: keys.map((k, i) => toAnswer(k, raw[i])) };
}

/** The reply where the socket table comes from /proc (or another source without tcp_info). */
export function connInfoUnavailable(sourceName: string, fallbackReason: string | null): ConnInfoReply {
  const why = fallbackReason ? ` (${fallbackReason})` : '';
  return {
    available: false,
    reason:
      sourceName === 'procfs'
        ? `per-connection details need netlink sock_diag; the socket table is read from /proc/net/tcp, which has no tcp_info${why}`
        : `the socket source "${sourceName}" cannot read tcp_info${why}`,
  };
}
