// Shared by the netlink tests: is the addon built, and the seccomp tool that refuses sock_diag.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { StateCounts } from '../../shared/tcp';
import { IN_CI, parseSsStates, type Netns } from './netns';

const execFileP = promisify(execFile);

export const ADDON = 'build/Release/waitline_sockdiag.node';
export const DENY_SOCKDIAG = 'build/Release/wl-deny-sockdiag';
export const NETLINK_PROBE = 'test/kernel/netlink-probe.ts';

/** The native parts are built by `npm ci` (scripts/build-native.mjs): fail loudly in CI, skip otherwise. */
export function requireNative(t: TestContext): boolean {
  const missing = [ADDON, DENY_SOCKDIAG].filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  const reason = `${missing.join(', ')} not built — run \`npm run build:native\``;
  if (IN_CI) throw new Error(`CI: ${reason}`);
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

/** `ss -tanH` per-state counts in the namespace (the oracle), run without a stdin pipe. */
export async function ssCounts(ns: Netns): Promise<StateCounts> {
  const { stdout } = await execFileP('ip', ['netns', 'exec', ns.name, 'ss', '-tanH']);
  return parseSsStates(stdout);
}
