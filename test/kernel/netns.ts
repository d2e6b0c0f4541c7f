// Throwaway network namespaces for tests that need the real kernel. Every namespace is deleted and
// every process started in it is killed by pid when the test ends. Host sysctls are never touched.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import { TCP_STATES, emptyStateCounts, type StateCounts } from '../../shared/tcp';

const execFileP = promisify(execFile);

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Tests that need root: fail loudly in CI, skip with a printed reason on a developer's machine. */
export function requireRoot(t: TestContext, what = 'this test'): boolean {
  if (process.getuid?.() === 0) return true;
  const reason = `${what} needs root (network namespaces); run as root to include it`;
  if (IN_CI) throw new Error(`CI: ${reason}`);
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
  return false;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Netns {
  name: string;
  /** runs a command inside the namespace and waits for it */
  exec(cmd: string, args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** starts a long-running process inside the namespace (killed by close()) */
  spawn(cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv }): ChildProcess;
  /** sets a sysctl inside the namespace (never the host's) */
  sysctl(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export async function createNetns(prefix = 'wl'): Promise<Netns> {
  const name = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  await execFileP('ip', ['netns', 'add', name]);
  const children = new Set<ChildProcess>();
  const exec = async (cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> =>
    new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${cmd} ${args.join(' ')} timed out in ${name}`));
      }, opts.timeoutMs ?? 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code: code ?? 1 });
      });
      // a command may exit before reading its stdin: that is not a test failure
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
    });
  const ns: Netns = {
    name,
    exec,
    spawn(cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async sysctl(key, value) {
      const r = await exec('sysctl', ['-q', '-w', `${key}=${value}`]);
      if (r.code !== 0) throw new Error(`sysctl ${key}=${value} failed in ${name}: ${r.stderr}`);
    },
    async close() {
      for (const c of children) {
        if (c.exitCode === null && c.pid) {
          c.kill('SIGKILL');
          await new Promise((r) => c.once('exit', r));
        }
      }
      await execFileP('ip', ['netns', 'del', name]).catch(() => undefined);
    },
  };
  const up = await exec('ip', ['link', 'set', 'lo', 'up']);
  if (up.code !== 0) throw new Error(`cannot bring lo up in ${name}: ${up.stderr}`);
  return ns;
}

const SS_STATE: Record<string, keyof StateCounts> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
  'BOUND-INACTIVE': 'BOUND_INACTIVE',
};

/** Per-state counts as `ss -tan` (iproute2, netlink) reports them in the namespace: the oracle. */
export async function ssStateCounts(ns: Netns): Promise<StateCounts> {
  const r = await ns.exec('ss', ['-tanH']);
  if (r.code !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return parseSsStates(r.stdout);
}

export function parseSsStates(text: string): StateCounts {
  const counts = emptyStateCounts();
  for (const line of text.split('\n')) {
    const word = line.trim().split(/\s+/)[0];
    if (!word) continue;
    const st = SS_STATE[word];
    if (!st) throw new Error(`ss printed an unknown state "${word}"`);
    counts[st]++;
  }
  return counts;
}

/** The main states as a compact record (for assertion messages). */
export function nonZero(c: StateCounts): Partial<StateCounts> {
  const out: Partial<StateCounts> = {};
  for (const s of TCP_STATES) if (c[s]) out[s] = c[s];
  return out;
}
