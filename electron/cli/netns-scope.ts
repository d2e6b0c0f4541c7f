// Which network namespace this process runs in: the initial one (the host's) or another (a container,
// `ip netns exec`, `unshare -n`). Decides how the CLI words per-namespace facts: the kernel's TCP
// counters start at 0 when a namespace is created, and global sysctls exist only in the initial one.

import { existsSync, readlinkSync } from 'node:fs';
import { type CliT, englishText } from './text';

export type NetnsScope = 'initial' | 'other' | 'unknown';

export interface NetnsProbe {
  /** /proc/sys as this process sees it (default /proc/sys) */
  procSysRoot?: string;
  /** /proc (default /proc), for the ns/net links */
  procRoot?: string;
}

/**
 * A global sysctl such as net.ipv4.tcp_max_orphans is registered only for the initial namespace, and
 * /proc/sys/net shows the namespace of the process reading it: present means initial, absent (while
 * net/ipv4 itself is there) means another namespace — also in a container whose pid 1 shares our
 * namespace. Without /proc/sys, compare /proc/self/ns/net with /proc/1/ns/net (needs privileges to
 * read pid 1's link): different means another namespace; equal proves nothing.
 */
export function detectNetns(probe: NetnsProbe = {}): NetnsScope {
  const sys = probe.procSysRoot ?? '/proc/sys';
  if (existsSync(`${sys}/net/ipv4`)) return existsSync(`${sys}/net/ipv4/tcp_max_orphans`) ? 'initial' : 'other';
  const proc = probe.procRoot ?? '/proc';
  try {
    if (readlinkSync(`${proc}/self/ns/net`) !== readlinkSync(`${proc}/1/ns/net`)) return 'other';
  } catch {
    // unreadable: unknown
  }
  return 'unknown';
}

/** "since …" for the kernel's cumulative TCP counters, which are kept per network namespace. */
export function countersSince(scope: NetnsScope, t: CliT = englishText().t): string {
  switch (scope) {
    case 'initial':
      return t('cli.netns.since_boot');
    case 'other':
      return t('cli.netns.since_netns');
    case 'unknown':
      return t('cli.netns.since_either');
  }
}
