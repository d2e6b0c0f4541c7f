// Fixtures of the tuning privileged tests: install the helper and policy at their real paths (saving
// and restoring whatever was there), back up and restore the drop-in and the journal, a throwaway
// network namespace, throwaway users, and checksums of what the helper must never touch.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HELPER_INSTALLED_PATH, JOURNAL_DIR, PERSIST_CONF_PATH, POLICY_INSTALLED_PATH } from '../../electron/helper/constants';

export const REPO = join(import.meta.dirname, '..', '..');
export const HELPER_SOURCE = join(REPO, 'electron/helper/waitline-helper');
export const POLICY_SOURCE = join(REPO, 'electron/helper/io.github.waitline.policy');
export const STATE_DIR = dirname(JOURNAL_DIR);

export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, input: opts.input, env: opts.env ?? process.env });
}

export function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Moves a path aside and puts it (or its absence) back later. */
export class Backup {
  private readonly saved: { path: string; aside: string | null }[] = [];
  save(path: string): void {
    const aside = `${path}.waitline-test-backup-${process.pid}`;
    if (existsSync(path)) {
      renameSync(path, aside);
      this.saved.push({ path, aside });
    } else this.saved.push({ path, aside: null });
  }
  restore(): void {
    for (const { path, aside } of this.saved.reverse()) {
      rmSync(path, { recursive: true, force: true });
      if (aside) renameSync(aside, path);
    }
    this.saved.length = 0;
  }
}

export function installHelperAndPolicy(backup: Backup): void {
  backup.save(HELPER_INSTALLED_PATH);
  backup.save(POLICY_INSTALLED_PATH);
  mkdirSync(dirname(HELPER_INSTALLED_PATH), { recursive: true });
  copyFileSync(HELPER_SOURCE, HELPER_INSTALLED_PATH);
  chmodSync(HELPER_INSTALLED_PATH, 0o755);
  copyFileSync(POLICY_SOURCE, POLICY_INSTALLED_PATH);
  chmodSync(POLICY_INSTALLED_PATH, 0o644);
}

/** Removes the /usr/libexec/waitline directory again if the test created it. */
export function libexecDirCleanup(): () => void {
  const dir = dirname(HELPER_INSTALLED_PATH);
  const existed = existsSync(dir);
  return () => {
    if (!existed && existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  };
}

export function backupTuningState(backup: Backup): void {
  backup.save(PERSIST_CONF_PATH);
  backup.save(STATE_DIR);
}

export class TestUser {
  private created = false;
  constructor(readonly name: string) {}
  create(): void {
    if (run('id', ['-u', this.name]).status === 0) return;
    must('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', this.name]);
    this.created = true;
  }
  remove(): void {
    if (this.created) run('userdel', [this.name]);
    this.created = false;
  }
}

export class Netns {
  readonly name = `wl-tune-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  create(): this {
    must('ip', ['netns', 'add', this.name]);
    return this;
  }
  exec(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], opts);
  }
  sysctl(key: string): string {
    const r = this.exec('cat', [`/proc/sys/${key.split('.').join('/')}`]);
    if (r.status !== 0) throw new Error(`cannot read ${key} in ${this.name}: ${r.stderr}`);
    return r.stdout.replace(/\n$/, '').replace(/\t/g, ' ');
  }
  remove(): void {
    run('ip', ['netns', 'delete', this.name]);
  }
}

export function hostSysctl(key: string): string {
  return readFileSync(`/proc/sys/${key.split('.').join('/')}`, 'utf8').replace(/\n$/, '').replace(/\t/g, ' ');
}

/** sha256 over every readable file under a directory (path + content), in a stable order. */
export function hashTree(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      h.update(`${dir}: unreadable\n`);
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else {
        h.update(`${p}\0`);
        try {
          h.update(readFileSync(p));
        } catch (e) {
          h.update(`unreadable ${(e as NodeJS.ErrnoException).code}`);
        }
        h.update('\n');
      }
    }
  };
  if (existsSync(root)) walk(root);
  else h.update(`${root}: absent`);
  return h.digest('hex');
}

/** sha256 of every readable sysctl under /proc/sys/net as seen from inside a namespace. */
export function hashNetSysctls(ns: Netns | null): string {
  const script =
    'find /proc/sys/net -path /proc/sys/net/netfilter -prune -o -type f -perm -0400 -print 2>/dev/null | LC_ALL=C sort | while IFS= read -r f; do printf "%s=" "$f"; cat "$f" 2>/dev/null; done | sha256sum';
  const r = ns ? ns.exec('sh', ['-c', script]) : run('sh', ['-c', script]);
  if (r.status !== 0) throw new Error(`hashing /proc/sys/net failed: ${r.stderr}`);
  return r.stdout.split(' ')[0]!;
}

export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
}

/**
 * Throwaway mount + network namespace for running the helper as root: a tmpfs over /tmp, an overlay
 * (upper layer on that tmpfs) over /var/lib with /var/lib/waitline removed in it, and an empty tmpfs
 * over /etc/sysctl.d. Nothing the script writes reaches the host; everything vanishes when the last
 * process in the namespaces exits. `$H` is a byte-for-byte copy of the helper on that tmpfs (the
 * checkout itself may be under /tmp); `$CANARY_DIR` a scratch folder.
 */
export const SANDBOX_PRELUDE = `set -u
# the helper is read before /tmp is covered: a checkout under /tmp would otherwise vanish with it
HELPER_TEXT=$(cat '${HELPER_SOURCE}') || exit 93
mount -t tmpfs -o size=32m,mode=755 tmpfs /tmp || exit 90
mkdir -m 755 /tmp/.bin && printf '%s\\n' "$HELPER_TEXT" >/tmp/.bin/waitline-helper && chmod 755 /tmp/.bin/waitline-helper || exit 94
unset HELPER_TEXT
mkdir /tmp/.ovl-u /tmp/.ovl-w /tmp/canary
mount -t overlay overlay -o lowerdir=/var/lib,upperdir=/tmp/.ovl-u,workdir=/tmp/.ovl-w /var/lib || exit 91
rm -rf /var/lib/waitline
mount -t tmpfs -o mode=755 tmpfs /etc/sysctl.d || exit 92
H=/tmp/.bin/waitline-helper
CANARY_DIR=/tmp/canary
# id_of JSON: the "id" of a helper result
id_of() { printf '%s' "$1" | sed -n 's/.*"id":"\\([^"]*\\)".*/\\1/p'; }
fin() { cat /proc/sys/net/ipv4/tcp_fin_timeout; }
`;

export function sandbox(script: string, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync('unshare', ['-m', '-n', '--propagation', 'private', 'sh', '-c', SANDBOX_PRELUDE + script], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}

/** Lines "KEY VALUE…" printed by a sandbox script, as a map (last one wins). */
export function tagged(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (line.startsWith('@') && sp > 0) m.set(line.slice(1, sp), line.slice(sp + 1));
  }
  return m;
}
