// The real TuningClient driving the real helper (as root, in a throwaway network namespace): an
// unconfirmed change is reverted at its deadline (shortened from 30 s to the helper's minimum, 5 s)
// by the helper's root waiter, and the client reports it; a confirmed one stays until reverted by
// hand. The journal and drop-in are moved aside and restored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { requirePrivileged } from './polkit';
import { Backup, Netns, REPO, backupTuningState, installHelperAndPolicy, libexecDirCleanup } from './tuning-env';

const skip = requirePrivileged(['ip']);
const DRIVER = join(REPO, 'test/privileged/tuning-client-driver.ts');

interface Line {
  event: string;
  state?: string;
  values?: string[];
  ok?: boolean;
  history?: string[];
}

describe('TuningClient with the real helper', { skip }, () => {
  const backup = new Backup();
  const cleanLibexec = libexecDirCleanup();
  let ns: Netns;
  let original: string[];

  before(() => {
    backupTuningState(backup);
    installHelperAndPolicy(backup);
    ns = new Netns().create();
    original = [ns.sysctl('net.ipv4.tcp_fin_timeout'), ns.sysctl('net.ipv4.ip_local_port_range')];
  });
  after(() => {
    ns?.remove();
    backup.restore();
    cleanLibexec();
  });

  function drive(mode: string, ms: number): Line[] {
    const r = ns.exec(process.execPath, ['--import', 'tsx', DRIVER, mode, String(ms)]);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  }

  it('reverts an unconfirmed change when its deadline passes', () => {
    const lines = drive('auto', 5000);
    const applied = lines.find((l) => l.event === 'applied')!;
    assert.deepEqual(applied.values, ['21', '41000 51001']);
    assert.deepEqual(lines.filter((l) => l.event === 'changed').map((l) => l.state), ['pending_confirm', 'auto_reverted']);
    assert.deepEqual(lines.at(-1)!.values, original);
    assert.deepEqual([ns.sysctl('net.ipv4.tcp_fin_timeout'), ns.sysctl('net.ipv4.ip_local_port_range')], original);
  });

  it('keeps a confirmed change past the deadline, until reverted by hand', () => {
    const lines = drive('confirm', 5000);
    const late = lines.find((l) => l.event === 'after-deadline')!;
    assert.deepEqual(late.values, ['21', '41000 51001']);
    assert.equal(late.history![0], 'kept');
    const rv = lines.find((l) => l.event === 'reverted')!;
    assert.equal(rv.ok, true);
    assert.deepEqual(rv.values, original);
  });
});
