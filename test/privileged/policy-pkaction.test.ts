// The shipped polkit policy loads in a real polkitd: copy it where the deb/rpm install it, start the
// system bus and polkitd (test/privileged/polkit.ts; stopped by pid afterwards), and ask pkaction.
// Whatever was at the policy path before is put back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { HELPER_INSTALLED_PATH, KILL_HELPER_INSTALLED_PATH, KILL_POLKIT_ACTION_ID, POLICY_INSTALLED_PATH, POLKIT_ACTION_ID } from '../../electron/helper/constants';
import { POLKITD_PATH, requirePrivileged, startPolkit, type PolkitDaemons } from './polkit';
import { Backup, POLICY_SOURCE } from './tuning-env';

const skip = requirePrivileged(['pkaction', 'dbus-daemon', 'dbus-send', POLKITD_PATH]);
let daemons: PolkitDaemons | null = null;
const backup = new Backup();

function pkaction(id = POLKIT_ACTION_ID): { status: number | null; out: string } {
  const r = spawnSync('pkaction', ['--action-id', id, '--verbose'], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

before(async () => {
  if (skip) return;
  backup.save(POLICY_INSTALLED_PATH);
  copyFileSync(POLICY_SOURCE, POLICY_INSTALLED_PATH);
  chmodSync(POLICY_INSTALLED_PATH, 0o644);
  daemons = await startPolkit();
  // A polkitd we started before copying would not have read it; one already running rereads its
  // actions folder itself.
  await daemons.restartPolkitd();
});

after(async () => {
  backup.restore();
  await daemons?.stop();
});

test(`pkaction loads ${POLKIT_ACTION_ID} from the shipped policy with the intended defaults`, { skip }, async () => {
  // polkitd rereads its folder asynchronously when it was already running: allow it a moment.
  let r = pkaction();
  for (let i = 0; i < 50 && r.status !== 0; i++) {
    await new Promise((res) => setTimeout(res, 100));
    r = pkaction();
  }
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, new RegExp(`^${POLKIT_ACTION_ID.replace(/\./g, '\\.')}:`, 'm'));
  assert.match(r.out, /description:\s+Change TCP kernel settings with Waitline/);
  assert.match(r.out, /implicit any:\s+no\n/);
  assert.match(r.out, /implicit inactive:\s+no\n/);
  assert.match(r.out, /implicit active:\s+auth_admin_keep\n/);
  assert.match(r.out, new RegExp(`org\\.freedesktop\\.policykit\\.exec\\.path -> ${HELPER_INSTALLED_PATH.replace(/\//g, '\\/')}`));
});

test(`pkaction loads ${KILL_POLKIT_ACTION_ID} (killing sockets, granted separately) on its own helper path, auth_admin every time`, { skip }, async () => {
  let r = pkaction(KILL_POLKIT_ACTION_ID);
  for (let i = 0; i < 50 && r.status !== 0; i++) {
    await new Promise((res) => setTimeout(res, 100));
    r = pkaction(KILL_POLKIT_ACTION_ID);
  }
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /description:\s+Kill a TCP socket with Waitline/);
  assert.match(r.out, /implicit any:\s+no\n/);
  assert.match(r.out, /implicit inactive:\s+no\n/);
  assert.match(r.out, /implicit active:\s+auth_admin\n/);
  assert.match(r.out, new RegExp(`org\\.freedesktop\\.policykit\\.exec\\.path -> ${KILL_HELPER_INSTALLED_PATH.replace(/\//g, '\\/')}`));
  assert.notEqual(KILL_HELPER_INSTALLED_PATH, HELPER_INSTALLED_PATH);
});

test('without the policy file the action is unknown (the check above is not vacuous)', { skip }, async () => {
  backup.restore(); // puts back what was there before (normally: nothing)
  // Whatever is installed now (a system with Waitline installed has its own copy) is moved aside for
  // this check and put back after, so the assertion below runs in every case.
  const aside = new Backup();
  aside.save(POLICY_INSTALLED_PATH);
  try {
    assert.equal(existsSync(POLICY_INSTALLED_PATH), false);
    await daemons!.restartPolkitd();
    let r = pkaction();
    for (let i = 0; i < 50 && r.status === 0; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = pkaction();
    }
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /No action with action id/);
  } finally {
    aside.restore();
  }
});
