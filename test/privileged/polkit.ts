// Real dbus + polkitd for privileged tests: starts the system bus and polkitd if they are not already
// running, and stops exactly the daemons it started, by pid. Also the prerequisite check every
// privileged test uses: root and the tools; in CI a missing prerequisite is a failure, elsewhere a
// skip with the reason printed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';

export const SYSTEM_BUS_SOCKET = '/run/dbus/system_bus_socket';
export const POLKITD_PATH = '/usr/lib/polkit-1/polkitd';
const DBUS_PID_FILE = '/run/dbus/pid';

function readPid(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Which prerequisites are missing (empty = all there). */
export function missingPrerequisites(tools: string[]): string[] {
  const missing: string[] = [];
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) missing.push('root');
  for (const t of tools) {
    const found = t.startsWith('/') ? existsSync(t) : spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
    if (!found) missing.push(t);
  }
  return missing;
}

/**
 * Returns a skip reason (string) when prerequisites are missing outside CI; throws in CI (tests must
 * fail loudly there); returns undefined when everything is present.
 */
export function requirePrivileged(tools: string[]): string | undefined {
  const missing = missingPrerequisites(tools);
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`privileged test prerequisites missing in CI: ${reason}`);
  console.log(`# skipping privileged tests: ${reason} (set up root + pkexec polkitd dbus to run them)`);
  return reason;
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false);
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function nameHasOwner(name: string): boolean {
  const r = spawnSync(
    'dbus-send',
    ['--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`],
    { encoding: 'utf8', timeout: 5000 },
  );
  return r.status === 0 && /boolean true/.test(r.stdout);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until polkitd knows an action (a running polkitd picks up new .policy files by inotify). */
export async function waitForAction(actionId: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(`polkitd to load ${actionId}`, () => spawnSync('pkaction', ['--action-id', actionId], { timeout: 5000 }).status === 0, timeoutMs);
}

export interface PolkitDaemons {
  /** pids this call started (empty when reusing running daemons) */
  started: { name: string; pid: number }[];
  /** asks polkitd to reread actions and rules (restart if we own it) */
  restartPolkitd(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts dbus (system bus) and polkitd unless already running. */
export async function startPolkit(): Promise<PolkitDaemons> {
  const started: { name: string; pid: number }[] = [];
  if (!(await socketAnswers(SYSTEM_BUS_SOCKET))) {
    mkdirSync('/run/dbus', { recursive: true });
    // A bus that died (or was killed) leaves its pid file behind and dbus then refuses to start.
    const stale = readPid(DBUS_PID_FILE);
    if (stale !== null && !isAlive(stale)) rmSync(DBUS_PID_FILE, { force: true });
    const r = spawnSync('dbus-daemon', ['--system', '--fork', '--print-pid'], { encoding: 'utf8', timeout: 10_000 });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    if (r.status !== 0 || !Number.isInteger(pid)) {
      throw new Error(`dbus-daemon --system failed (exit ${r.status}): ${r.stderr.trim()}`);
    }
    started.push({ name: 'dbus-daemon', pid });
    await waitFor('the system bus socket', () => socketAnswers(SYSTEM_BUS_SOCKET));
  }
  let polkitdPid: number | null = null;
  const startPolkitd = async () => {
    const child = spawn(POLKITD_PATH, ['--no-debug'], { stdio: 'ignore', detached: true });
    child.unref();
    if (!child.pid) throw new Error(`could not start ${POLKITD_PATH}`);
    polkitdPid = child.pid;
    started.push({ name: 'polkitd', pid: child.pid });
    await waitFor('polkitd to own org.freedesktop.PolicyKit1', () => nameHasOwner('org.freedesktop.PolicyKit1'));
  };
  if (!nameHasOwner('org.freedesktop.PolicyKit1')) await startPolkitd();

  const stopPid = async (name: string, pid: number) => {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`${name} (${pid}) to exit`, () => !isAlive(pid), 5000);
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  };

  return {
    started,
    async restartPolkitd() {
      if (polkitdPid === null) return; // not ours: it watches its directories itself
      const pid = polkitdPid;
      await stopPid('polkitd', pid);
      started.splice(started.findIndex((s) => s.pid === pid), 1);
      await waitFor('polkitd to leave the bus', () => !nameHasOwner('org.freedesktop.PolicyKit1'));
      await startPolkitd();
    },
    async stop() {
      for (const s of [...started].reverse()) {
        await stopPid(s.name, s.pid);
        if (s.name === 'dbus-daemon' && readPid(DBUS_PID_FILE) === s.pid) {
          rmSync(DBUS_PID_FILE, { force: true });
          rmSync(SYSTEM_BUS_SOCKET, { force: true });
        }
      }
      started.length = 0;
    },
  };
}
