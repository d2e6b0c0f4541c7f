// Reading a sysctl, one wording everywhere: the collector (whose snapshot `waitline serve`'s tuning view
// and the CLI show) and the privileged client (the desktop app's tuning panel) read the same /proc/sys
// tree — here a real one in a temp folder: values (with the kernel's tab), keys missing on "this
// kernel", a global key missing in a child namespace, an unreadable entry (a directory), a removed
// key — and must say the same thing about every key of the catalog.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Collector } from '../../../../electron/collector/index';
import { TuningClient } from '../../../../electron/privileged/client';
import { catalogEntry, knobState, SYSCTL_CATALOG, sysctlRead } from '../../../../shared/sysctl-catalog';
import { msg } from '../../../../shared/i18n';

let dir = '';
const put = (key: string, text: string) => {
  const p = join(dir, 'proc', 'sys', ...key.split('.'));
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wl-sysctl-read-'));
  put('net.ipv4.tcp_tw_reuse', '2\n');
  put('net.ipv4.tcp_fin_timeout', '60\n');
  put('net.ipv4.ip_local_port_range', '32768\t60999\n');
  put('net.ipv4.ip_unprivileged_port_start', '1024\n');
  put('net.ipv4.ip_local_reserved_ports', '\n');
  // a directory where a file should be: cannot be read (EISDIR)
  mkdirSync(join(dir, 'proc', 'sys', 'net', 'ipv4', 'tcp_timestamps'), { recursive: true });
  // /proc/net/* absent: the collector degrades its socket table, which is not what this is about
  mkdirSync(join(dir, 'proc', 'net'), { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sysctlRead: one wording for every reader', () => {
  it('values, missing keys (per scope), unreadable entries and removed keys', () => {
    const reuse = catalogEntry('net.ipv4.tcp_tw_reuse')!;
    assert.deepEqual(sysctlRead(catalogEntry('net.ipv4.ip_local_port_range')!, { text: '32768\t60999\n' }), { available: true, raw: '32768 60999', scope: 'netns' });
    assert.deepEqual(sysctlRead(reuse, { error: Object.assign(new Error('x'), { code: 'ENOENT' }) }), { available: false, reason: 'not present on this kernel', msg: msg('knobs.read.missing') });
    const orphans = catalogEntry('net.ipv4.tcp_max_orphans')!;
    assert.equal(orphans.scope, 'global');
    assert.match(JSON.stringify(sysctlRead(orphans, { error: { code: 'ENOENT' } })), /not present here: it is global, so only the initial network namespace has it/);
    assert.deepEqual(sysctlRead(reuse, { error: { code: 'EACCES' } }), { available: false, reason: 'cannot be read (EACCES)', msg: msg('knobs.read.unreadable', { detail: 'EACCES' }) });
    assert.deepEqual(sysctlRead(reuse, { error: new Error('boom') }), { available: false, reason: 'cannot be read (boom)', msg: msg('knobs.read.unreadable', { detail: 'boom' }) });
    assert.deepEqual(sysctlRead(catalogEntry('net.ipv4.tcp_tw_recycle')!, 'removed'), { available: false, reason: 'removed in Linux 4.12', msg: msg('knobs.read.removed', { version: '4.12' }) });
    assert.deepEqual(knobState('k', undefined), { key: 'k', available: false, unavailableReason: 'not read by this collector', unavailableMsg: msg('knobs.read.notRead'), value: null });
  });

  it('the collector and the privileged client say the same about every catalog key', async () => {
    const collector = new Collector({ procRoot: join(dir, 'proc'), socketSource: 'procfs' });
    const snap = await collector.tick();
    const client = new TuningClient({ procSysRoot: join(dir, 'proc', 'sys'), journalDir: join(dir, 'no-journal'), direct: true });
    const state = await client.getState();
    const seen = new Set<string>();
    for (const k of state.knobs) {
      seen.add(k.key);
      assert.deepEqual(knobState(k.key, snap.sysctls[k.key]), k, k.key);
    }
    assert.deepEqual([...seen].sort(), SYSCTL_CATALOG.map((e) => e.key).sort());
    // and the cases are really there
    const byKey = new Map(state.knobs.map((k) => [k.key, k]));
    assert.equal(byKey.get('net.ipv4.ip_local_port_range')!.value, '32768 60999');
    assert.match(byKey.get('net.ipv4.tcp_timestamps')!.unavailableReason!, /^cannot be read \(EISDIR\)$/);
    assert.equal(byKey.get('net.ipv4.tcp_keepalive_time')!.unavailableReason, 'not present on this kernel');
    assert.match(byKey.get('net.ipv4.tcp_max_orphans')!.unavailableReason!, /it is global/);
    assert.equal(byKey.get('net.ipv4.tcp_tw_recycle')!.unavailableReason, 'removed in Linux 4.12');
  });

  it('the collector re-reads every tick: a changed value, a key that goes missing and comes back', async () => {
    const collector = new Collector({ procRoot: join(dir, 'proc'), socketSource: 'procfs' });
    const key = 'net.ipv4.tcp_fin_timeout';
    const path = join(dir, 'proc', 'sys', ...key.split('.'));
    try {
      let snap = await collector.tick();
      assert.deepEqual(snap.sysctls[key], { available: true, raw: '60', scope: 'netns' });
      const same = snap.sysctls[key];
      snap = await collector.tick();
      assert.deepEqual(snap.sysctls[key], same, 'unchanged');
      put(key, '30\n');
      snap = await collector.tick();
      assert.equal((snap.sysctls[key] as { raw: string }).raw, '30', 'the new value, not last tick\'s');
      rmSync(path);
      snap = await collector.tick();
      assert.deepEqual(snap.sysctls[key], { available: false, reason: 'not present on this kernel', msg: msg('knobs.read.missing') });
      put(key, '45\n');
      snap = await collector.tick();
      assert.equal((snap.sysctls[key] as { raw: string }).raw, '45');
    } finally {
      put(key, '60\n');
    }
  });
});
