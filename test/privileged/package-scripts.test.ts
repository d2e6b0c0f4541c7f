// The deb/rpm after-install and after-remove scripts, run for real as root — inside a private mount
// namespace whose /usr, /opt, /var and /etc are copy-on-write overlays on a tmpfs, so the host's files
// are never touched. Checks the upgrade orders of both package managers: dpkg runs the old postrm
// "upgrade" before the new postinst; rpm runs the new %post (2) BEFORE the old %postun (1). The command,
// /usr/bin/waitline, is a package file (the launcher): the scripts must leave it to the package manager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELPER_INSTALLED_PATH, POLICY_INSTALLED_PATH } from '../../electron/helper/constants';
import { dryRunPackages } from '../unit/packaging/packaging-helpers';
import { requirePrivileged } from './polkit';

const skip = requirePrivileged(['unshare', 'mount', 'stat', 'readlink', 'cmp']);
const LAUNCHER = join(import.meta.dirname, '..', '..', 'electron/packaging/linux/launcher.sh');

/** Runs `body` (sh) in a fresh mount namespace with overlays, with $P and $R the deb's postinst and
 *  postrm exactly as electron-builder renders them; returns its stdout lines. */
async function inSandbox(body: string): Promise<{ status: number | null; lines: string[]; stderr: string }> {
  const run = await dryRunPackages();
  assert.equal(run.rpm.afterInstall, run.deb.afterInstall, 'rpm gets the same scripts');
  assert.equal(run.rpm.afterRemove, run.deb.afterRemove);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-pkg-'));
  try {
    writeFileSync(join(dir, 'postinst'), run.deb.afterInstall, { mode: 0o755 });
    writeFileSync(join(dir, 'postrm'), run.deb.afterRemove, { mode: 0o755 });
    const sandbox = join(dir, 'sandbox');
    const script = `
set -e
S=${sandbox}
mkdir -p "$S"
mount -t tmpfs tmpfs "$S"
for d in /usr /opt /var /etc; do
  [ -d "$d" ] || continue
  mkdir -p "$S/up$d" "$S/work$d"
  mount -t overlay overlay -o "lowerdir=$d,upperdir=$S/up$d,workdir=$S/work$d" "$d"
done
# The package's files as dpkg/rpm would have unpacked them (modes deliberately wrong for the helper).
mkdir -p /opt/Waitline ${join(HELPER_INSTALLED_PATH, '..')} ${join(POLICY_INSTALLED_PATH, '..')}
printf '#!/bin/sh\\n' > /opt/Waitline/waitline; chmod 0755 /opt/Waitline/waitline
: > /opt/Waitline/chrome-sandbox; chmod 0644 /opt/Waitline/chrome-sandbox
: > ${HELPER_INSTALLED_PATH}; chown 65534:65534 ${HELPER_INSTALLED_PATH}; chmod 0777 ${HELPER_INSTALLED_PATH}
: > ${POLICY_INSTALLED_PATH}; chmod 0600 ${POLICY_INSTALLED_PATH}
cp ${LAUNCHER} /usr/bin/waitline; chmod 0755 /usr/bin/waitline
cmd() { if [ -L /usr/bin/waitline ]; then echo "cmd link $(readlink /usr/bin/waitline)"; elif cmp -s ${LAUNCHER} /usr/bin/waitline; then echo "cmd launcher $(stat -c %a /usr/bin/waitline)"; elif [ -e /usr/bin/waitline ]; then echo "cmd other"; else echo "cmd none"; fi; }
P=${dir}/postinst
R=${dir}/postrm
${body}
`;
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, lines: r.stdout.trim().split('\n'), stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('after-install makes the helper root-owned 0755 and the policy 0644, and leaves the command (a package file) alone', { skip }, async () => {
  const r = await inSandbox(`
"$P" configure
cmd
stat -c 'helper %U:%G %a' ${HELPER_INSTALLED_PATH}
stat -c 'helperdir %U:%G %a' ${join(HELPER_INSTALLED_PATH, '..')}
stat -c 'policy %U:%G %a' ${POLICY_INSTALLED_PATH}
stat -c 'sandbox %a' /opt/Waitline/chrome-sandbox
"$P" configure   # idempotent (dpkg may run it again, e.g. abort-upgrade)
cmd
`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines.slice(0, 4), [
    'cmd launcher 755',
    'helper root:root 755',
    'helperdir root:root 755',
    'policy root:root 644',
  ]);
  assert.match(r.lines[4]!, /^sandbox (755|4755)$/);
  assert.equal(r.lines[5], 'cmd launcher 755');
});

test('upgrades keep the command: dpkg (old postrm upgrade, then new postinst) and rpm (new %post 2, then old %postun 1)', { skip }, async () => {
  const r = await inSandbox(`
"$P" configure
"$R" upgrade; cmd
"$P" configure; cmd
"$P" 2; "$R" 1; cmd
"$R" failed-upgrade; cmd
"$R" abort-install; cmd
`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines, Array(5).fill('cmd launcher 755'));
});

test('removal leaves the command to the package manager; purge also deletes the journal; persisted sysctls stay, with a note', { skip }, async () => {
  const r = await inSandbox(`
"$P" configure
mkdir -p /var/lib/waitline/journal; : > /var/lib/waitline/journal/x.json
mkdir -p /etc/sysctl.d; echo 'net.ipv4.tcp_tw_reuse = 1' > /etc/sysctl.d/90-waitline.conf
"$R" remove; cmd
[ -d /var/lib/waitline ] && echo journal kept || echo journal gone
"$R" purge
[ -d /var/lib/waitline ] && echo journal kept || echo journal gone
[ -f /etc/sysctl.d/90-waitline.conf ] && echo dropin kept || echo dropin gone
# rpm erase
"$P" 1; "$R" 0; cmd
# whatever is there (the package manager already removed its file) is left alone
ln -sf /usr/local/bin/other-waitline /usr/bin/waitline
"$R" remove; cmd
`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines, ['cmd launcher 755', 'journal kept', 'journal gone', 'dropin kept', 'cmd launcher 755', 'cmd link /usr/local/bin/other-waitline']);
  assert.match(r.stderr, /90-waitline\.conf \(sysctl settings you persisted\) was kept/);
});

test('the sandbox really isolates: the host has no /usr/bin/waitline from these runs', { skip }, () => {
  const r = spawnSync('readlink', ['/usr/bin/waitline'], { encoding: 'utf8' });
  assert.notEqual(r.stdout.trim(), '/usr/local/bin/other-waitline');
  if (existsSync('/usr/bin/waitline')) assert.notEqual(readFileSync('/usr/bin/waitline', 'utf8'), readFileSync(LAUNCHER, 'utf8'));
});
