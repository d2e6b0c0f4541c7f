// Constants shared by the polkit policy, the helper's installation and the privileged client.
// The policy file (io.github.waitline.policy) repeats them; a test checks they agree.

/** polkit action id of the helper (annotation org.freedesktop.policykit.exec.path points at HELPER_INSTALLED_PATH). */
export const POLKIT_ACTION_ID = 'io.github.waitline.tune';

/** Fixed installed path of the helper: pkexec runs only this file for the action. */
export const HELPER_INSTALLED_PATH = '/usr/libexec/waitline/waitline-helper';

/** Where the policy is installed. */
export const POLICY_INSTALLED_PATH = '/usr/share/polkit-1/actions/io.github.waitline.policy';

/** The helper's journal (root-owned). */
export const JOURNAL_DIR = '/var/lib/waitline/journal';

/** The drop-in `--persist` writes. */
export const PERSIST_CONF_PATH = '/etc/sysctl.d/90-waitline.conf';

export const PKEXEC_PATH = '/usr/bin/pkexec';

/** Unconfirmed changes are reverted after this long (by the helper's own root waiter: `set --confirm-within`). */
export const AUTO_REVERT_MS = 30_000;

/** Bounds of the helper's `--confirm-within SECONDS`. */
export const CONFIRM_WITHIN_MIN_S = 5;
export const CONFIRM_WITHIN_MAX_S = 600;

/** The change-id pattern is in shared/tuning.ts (CHANGE_ID_PATTERN): the IPC check uses it too. */

/** Exit codes of the helper (never 126/127, which are pkexec's own). */
export const HELPER_EXIT = {
  ok: 0,
  usage: 2,
  notRoot: 3,
  invalid: 4,
  unavailable: 5,
  writeFailed: 6,
  rollbackFailed: 7,
  journal: 8,
  persist: 9,
  unknownId: 10,
  busy: 11,
  wrongNamespace: 12,
  /** the journal entry could not be written or synced (disk full, read-only): nothing changed */
  journalWrite: 13,
  /** revert refused: a newer, still applied change holds one of the keys (use --cascade) */
  superseded: 14,
  /** a path the helper writes is a symbolic link or the wrong file type: nothing changed */
  unsafePath: 15,
  /** a key is held by another change that is still waiting for confirmation */
  unconfirmed: 16,
} as const;

// ------------------------------------------------------------------ killing sockets (issue 14)

/** polkit action of the socket-kill helper: separate from POLKIT_ACTION_ID, so tuning and killing are granted separately. */
export const KILL_POLKIT_ACTION_ID = 'io.github.waitline.kill-socket';

/** Fixed installed path of the socket-kill helper (the kill action's org.freedesktop.policykit.exec.path). */
export const KILL_HELPER_INSTALLED_PATH = '/usr/libexec/waitline/waitline-kill-helper';

/** Exit codes of the socket-kill helper (never 126/127, which are pkexec's own). */
export const KILL_HELPER_EXIT = {
  /** killed, and `ss` no longer shows it */
  ok: 0,
  usage: 2,
  notRoot: 3,
  /** an endpoint failed validation: nothing ran */
  invalid: 4,
  /** the kernel cannot destroy sockets (no CONFIG_INET_DIAG_DESTROY), or TIME_WAIT before Linux 6.0 */
  unavailable: 5,
  /** no socket with that 4-tuple: nothing killed */
  notFound: 6,
  /** it was there and is still there after `ss -K` */
  stillPresent: 7,
  /** ss itself failed */
  ssFailed: 8,
} as const;
