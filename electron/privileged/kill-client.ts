// The socket-kill client: validates LOCAL REMOTE (shared/socket-tuple.ts), tells early when this
// kernel cannot destroy sockets (its build config, read unprivileged, before asking for a password),
// then runs `pkexec /usr/libexec/waitline/waitline-kill-helper kill LOCAL REMOTE` with an argument
// vector (never a shell) and maps the helper's exit codes to results. The helper is the authority: it
// validates again, detects support again, and verifies with `ss` that the socket is gone.
// See docs/kill.md. Plain Node: no `electron` import.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTuple, type KillErrorCode, type KillResult, type KilledSocket } from '../../shared/socket-tuple';
import { msg, msgText, type Msg } from '../../shared/i18n';
import { keyLeaf } from '../../shared/host-msg';
import { KILL_HELPER_EXIT, KILL_HELPER_INSTALLED_PATH, KILL_POLKIT_ACTION_ID, PKEXEC_PATH } from '../helper/constants';

export interface DestroySupport {
  /** null: the build config could not be read (the helper then verifies after the kill) */
  available: boolean | null;
  /** English (msgText of reasonMsg), for --json and logs */
  reason: string | null;
  /** the same sentence for a reader in any language (host.kill.*) */
  reasonMsg: Msg | null;
  kernel: string | null;
  source: string | null;
}

/** What a kernel build config says about CONFIG_INET_DIAG_DESTROY (same reading as the helper's). */
export function destroySupportFromConfig(text: string, source: string, kernel: string | null): DestroySupport {
  const lines = new Set(text.split('\n').map((l) => l.trim()));
  // the release, or "unknown release" in the reader's language
  const rel: Record<string, string> = kernel === null ? { rel: keyLeaf('host.kill.release.unknown') } : { rel: keyLeaf('host.kill.release.known'), kernel };
  if (lines.has('CONFIG_INET_DIAG_DESTROY=y')) return { available: true, reason: null, reasonMsg: null, kernel, source };
  const m = lines.has('CONFIG_INET_DIAG=y') || lines.has('CONFIG_INET_DIAG=m') ? msg('host.kill.noDestroy', { ...rel, source }) : msg('host.kill.noDiag', { ...rel, source });
  return { available: false, reason: msgText(m), reasonMsg: m, kernel, source };
}

export interface SupportPaths {
  procConfig?: string;
  bootDir?: string;
  osrelease?: string;
}

/** Reads the running kernel's build config: /proc/config.gz, else /boot/config-RELEASE. */
export function detectDestroySupport(paths: SupportPaths = {}): DestroySupport {
  const procConfig = paths.procConfig ?? '/proc/config.gz';
  const bootDir = paths.bootDir ?? '/boot';
  let kernel: string | null = null;
  try {
    const r = readFileSync(paths.osrelease ?? '/proc/sys/kernel/osrelease', 'utf8').trim();
    if (/^[0-9A-Za-z._+-]{1,64}$/.test(r)) kernel = r;
  } catch {
    kernel = null;
  }
  try {
    return destroySupportFromConfig(gunzipSync(readFileSync(procConfig)).toString('utf8'), procConfig, kernel);
  } catch {
    /* not there, or not gzip: try /boot */
  }
  if (kernel) {
    const boot = `${bootDir}/config-${kernel}`;
    try {
      return destroySupportFromConfig(readFileSync(boot, 'utf8'), boot, kernel);
    } catch {
      /* not readable */
    }
  }
  const m = msg('host.kill.configUnreadable', { procConfig, bootDir, release: kernel ?? 'RELEASE' });
  return { available: null, reason: msgText(m), reasonMsg: m, kernel, source: null };
}

/** "6.1.0-13-amd64" ≥ 6.0? null when the release cannot be read. */
export function kernelAtLeast(release: string | null, major: number, minor: number): boolean | null {
  const m = release ? /^([0-9]+)\.([0-9]+)/.exec(release) : null;
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a > major || (a === major && b >= minor);
}

export const KILL_NOT_AUTHORIZED_MESSAGE =
  'not authorized, or no authentication agent is running; nothing was killed. ' +
  'Fix: run it inside your desktop session (it provides a polkit authentication agent), or in a terminal, ' +
  `where pkexec asks for your password itself; an administrator can grant the polkit action ${KILL_POLKIT_ACTION_ID} ` +
  'with a rule in /etc/polkit-1/rules.d/ (it is separate from the tuning action).';

export interface KillClientOptions {
  pkexecPath?: string;
  helperPath?: string;
  /** run the helper directly instead of through pkexec; default: only when this process is root */
  direct?: boolean;
  support?: SupportPaths;
  timeoutMs?: number;
}

interface RunOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  spawnError: string | null;
}

interface KillJson {
  ok?: boolean;
  code?: string;
  error?: string;
  killed?: KilledSocket[];
  before?: KilledSocket[];
  kernel?: string | null;
}

export class KillClient {
  private readonly pkexecPath: string;
  private readonly helperPath: string;
  private readonly direct: boolean;
  private readonly support: SupportPaths;
  private readonly timeoutMs: number;

  constructor(opts: KillClientOptions = {}) {
    this.pkexecPath = opts.pkexecPath ?? PKEXEC_PATH;
    this.helperPath = opts.helperPath ?? KILL_HELPER_INSTALLED_PATH;
    this.direct = opts.direct ?? (typeof process.getuid === 'function' && process.getuid() === 0);
    this.support = opts.support ?? {};
    this.timeoutMs = opts.timeoutMs ?? 300_000;
  }

  /** Whether killing is possible here, and why not (for showing the action as unavailable).
   *  installed: why the helper cannot run (English), installedMsg the same for any reader. */
  availability(): DestroySupport & { installed: string | null; installedMsg: Msg | null } {
    const s = detectDestroySupport(this.support);
    const m = this.notInstalled();
    return { ...s, installed: m && msgText(m), installedMsg: m };
  }

  async kill(local: string, remote: string): Promise<KillResult> {
    const t = parseTuple(local, remote);
    if (!t.ok) return { ok: false, code: 'invalid', message: `${t.error}; nothing was killed` };
    const s = detectDestroySupport(this.support);
    if (s.available === false) return { ok: false, code: 'unavailable', message: `cannot kill sockets here: ${s.reason}; nothing was killed` };
    const why = this.notInstalledReason();
    if (why !== null) return { ok: false, code: 'not_installed', message: `${why}; nothing was killed` };
    // the helper gets exactly what was validated here, and validates it again
    const args = ['kill', local, remote];
    const [file, argv] = this.direct ? [this.helperPath, args] : [this.pkexecPath, [this.helperPath, ...args]];
    const outcome = await new Promise<RunOutcome>((resolve) => {
      execFile(file, argv, { timeout: this.timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8', shell: false }, (err, stdout, stderr) => {
        const e = err as (Error & { code?: string | number; killed?: boolean }) | null;
        resolve({
          exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout,
          stderr,
          spawnError: e && typeof e.code === 'string' ? `${e.code}: ${e.message}` : e && e.killed ? 'timed out' : null,
        });
      });
    });
    return interpretKill(outcome, file);
  }

  private notInstalled(): Msg | null {
    if (!existsSync(this.helperPath)) return msg('host.kill.notInstalled', { path: this.helperPath });
    if (!this.direct && !existsSync(this.pkexecPath)) return msg('host.kill.noPkexec', { path: this.pkexecPath });
    return null;
  }

  private notInstalledReason(): string | null {
    const m = this.notInstalled();
    return m && msgText(m);
  }
}

const CODE_BY_EXIT = new Map<number, KillErrorCode>([
  [KILL_HELPER_EXIT.invalid, 'invalid'],
  [KILL_HELPER_EXIT.usage, 'invalid'],
  [KILL_HELPER_EXIT.unavailable, 'unavailable'],
  [KILL_HELPER_EXIT.notFound, 'not_found'],
  [KILL_HELPER_EXIT.stillPresent, 'still_present'],
]);

/** Maps a helper run (through pkexec or direct) to a result. Exported for tests. */
export function interpretKill(r: RunOutcome, file: string): KillResult {
  if (r.spawnError) return { ok: false, code: 'helper_failed', message: `could not run ${file}: ${r.spawnError}` };
  if (r.exitCode === 126) return { ok: false, code: 'dismissed', message: 'authentication was dismissed; nothing was killed' };
  if (r.exitCode === 127) {
    const detail = r.stderr.trim().split('\n').pop();
    return { ok: false, code: 'not_authorized', message: KILL_NOT_AUTHORIZED_MESSAGE + (detail ? ` (pkexec: ${detail})` : '') };
  }
  let json: KillJson | null = null;
  try {
    const parsed: unknown = JSON.parse(r.stdout);
    if (parsed && typeof parsed === 'object') json = parsed as KillJson;
  } catch {
    json = null;
  }
  if (r.exitCode === 0 && json?.ok === true && Array.isArray(json.killed)) {
    return { ok: true, killed: json.killed, kernel: typeof json.kernel === 'string' ? json.kernel : null };
  }
  const message =
    json && typeof json.error === 'string'
      ? json.error
      : `the kill helper failed (exit ${r.exitCode ?? 'signal'}) without a result${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 300)}` : ''}`;
  const code = (r.exitCode !== null && CODE_BY_EXIT.get(r.exitCode)) || 'helper_failed';
  return { ok: false, code, message, ...(Array.isArray(json?.before) ? { before: json.before } : {}) };
}
