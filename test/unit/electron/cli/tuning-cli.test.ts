// `waitline tune` without privileges: key resolution, `get` output, and that bad input exits with the
// documented code and a clear sentence before anything runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../../electron/cli/args';
import { formatKnobs, knobNote, resolveKey, runTune } from '../../../../electron/cli/tune';
import { countersSince, detectNetns } from '../../../../electron/cli/netns-scope';

let dir: string;
let procSys: string;

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await fn();
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'waitline-tune-cli-'));
  procSys = join(dir, 'sys');
  const put = (k: string, v: string) => {
    const p = join(procSys, ...k.split('.'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, `${v}\n`);
  };
  put('net.ipv4.tcp_tw_reuse', '2');
  put('net.ipv4.tcp_fin_timeout', '60');
  put('net.ipv4.ip_local_port_range', '32768\t60999');
  put('net.ipv4.ip_unprivileged_port_start', '1024');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const opts = () => ({ procSysRoot: procSys, journalDir: join(dir, 'j'), helperPath: join(dir, 'no-helper'), direct: true });

describe('waitline tune', () => {
  it('resolves short names only when unambiguous', () => {
    assert.equal(resolveKey('tcp_tw_reuse'), 'net.ipv4.tcp_tw_reuse');
    assert.equal(resolveKey('somaxconn'), 'net.core.somaxconn');
    assert.equal(resolveKey('net.ipv4.tcp_fin_timeout'), 'net.ipv4.tcp_fin_timeout');
    assert.equal(resolveKey('reuse'), null);
    assert.equal(resolveKey('core_pattern'), null);
  });

  it('get prints value, default, range and scope, and why changes are impossible here', async () => {
    const r = await capture(() => runTune(['get', 'tcp_fin_timeout', 'ip_local_port_range', 'tcp_tw_recycle'], opts()));
    assert.equal(r.code, 0);
    const lines = r.out.split('\n');
    assert.match(lines[0]!, /^KEY\s+VALUE\s+DEFAULT\s+RANGE\s+SCOPE$/);
    assert.match(lines[1]!, /^net\.ipv4\.tcp_fin_timeout\s+60 s\s+60\s+1–600\s+netns$/);
    assert.match(lines[2]!, /^net\.ipv4\.ip_local_port_range\s+32768 60999\s+32768 60999\s+"LOW HIGH", 1–65535\s+netns$/);
    assert.match(lines[3]!, /^net\.ipv4\.tcp_tw_recycle\s+unavailable\s+varies\s+removed in 4\.12/);
    assert.match(r.out, /net\.ipv4\.tcp_tw_recycle: removed in Linux 4\.12\n/);
    assert.match(r.out, /changes are not possible here: the Waitline helper is not installed/);
  });

  it('get --json gives the knobs with their catalog facts', async () => {
    const r = await capture(() => runTune(['get', 'tcp_tw_reuse', '--json'], opts()));
    const j = JSON.parse(r.out) as { writable: boolean; knobs: { key: string; value: string; default: string; scope: string }[] };
    assert.equal(j.writable, false);
    assert.deepEqual(
      { key: j.knobs[0]!.key, value: j.knobs[0]!.value, default: j.knobs[0]!.default, scope: j.knobs[0]!.scope },
      { key: 'net.ipv4.tcp_tw_reuse', value: '2', default: '2', scope: 'netns' },
    );
  });

  it('refuses unknown keys, bad values and duplicates with exit 3 and a specific sentence', async () => {
    const a = await capture(() => runTune(['set', 'tcp_tw_reuse=3'], opts()));
    assert.equal(a.code, 3);
    assert.equal(a.err, 'waitline tune: nothing was changed: net.ipv4.tcp_tw_reuse: 3 is not one of 0, 1, 2');
    const b = await capture(() => runTune(['set', 'kernel.core_pattern=x'], opts()));
    assert.equal(b.code, 3);
    assert.match(b.err, /kernel\.core_pattern: not a sysctl Waitline may change/);
    const c = await capture(() => runTune(['set', 'tcp_tw_reuse=1', 'net.ipv4.tcp_tw_reuse=0'], opts()));
    assert.equal(c.code, 3);
    assert.match(c.err, /net\.ipv4\.tcp_tw_reuse: given more than once/);
    const d = await capture(() => runTune(['set', 'tcp_tw_reuse'], opts()));
    assert.equal(d.code, 3);
    assert.match(d.err, /tcp_tw_reuse: expected KEY=VALUE/);
  });

  it('a valid change without an installed helper exits 1 with the reason', async () => {
    const r = await capture(() => runTune(['set', 'tcp_tw_reuse=1'], opts()));
    assert.equal(r.code, 1);
    assert.match(r.err, /the Waitline helper is not installed at /);
  });

  it('usage errors are UsageErrors (exit 2 in the dispatcher)', async () => {
    await assert.rejects(runTune([], opts()), UsageError);
    await assert.rejects(runTune(['frob'], opts()), /unknown tune command "frob"/);
    await assert.rejects(runTune(['set'], opts()), /set needs at least one KEY=VALUE/);
    await assert.rejects(runTune(['revert'], opts()), /revert takes exactly one change id/);
    await assert.rejects(runTune(['get', 'nope'], opts()), /unknown sysctl "nope"/);
    await assert.rejects(runTune(['set', 'tcp_tw_reuse=1', '--force'], opts()), /unknown option --force/);
  });
  it('set: a key that is absent here is "unavailable here", checked before its range (tcp_max_orphans in a namespace)', async () => {
    // the fake /proc/sys has net/ipv4 but not the global tcp_max_orphans: what a network namespace shows
    const a = await capture(() => runTune(['set', 'tcp_max_orphans=1000'], opts()));
    assert.equal(a.code, 3);
    assert.equal(
      a.err,
      'waitline tune: nothing was changed: net.ipv4.tcp_max_orphans: unavailable here: it is global, so it exists only in the initial network namespace, and this command runs in another one',
    );
    assert.doesNotMatch(a.err, /outside|1024/, 'no range error for a key that is not here');
    // an unavailable key and an invalid value of an available key: both reported, nothing run
    const b = await capture(() => runTune(['set', 'tcp_max_orphans=5', 'tcp_fin_timeout=0'], opts()));
    assert.equal(b.code, 3);
    assert.match(b.err, /net\.ipv4\.tcp_max_orphans: unavailable here: it is global/);
    assert.match(b.err, /net\.ipv4\.tcp_fin_timeout: 0 is outside 1–600/);
    // a key removed from Linux
    const c = await capture(() => runTune(['set', 'tcp_tw_recycle=1'], opts()));
    assert.equal(c.code, 3);
    assert.match(c.err, /net\.ipv4\.tcp_tw_recycle: unavailable here: removed in Linux 4\.12/);
    // available keys are still range-checked
    const d = await capture(() => runTune(['set', 'tcp_fin_timeout=601'], opts()));
    assert.equal(d.err, 'waitline tune: nothing was changed: net.ipv4.tcp_fin_timeout: 601 is outside 1–600');
  });

  it('set: prototype-named keys are ordinary unknown keys (nothing polluted, nothing dropped)', async () => {
    for (const k of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty']) {
      const r = await capture(() => runTune(['set', `${k}=1`], opts()));
      assert.equal(r.code, 3, k);
      assert.equal(r.err, `waitline tune: nothing was changed: ${k}: not a sysctl Waitline may change`, k);
    }
    assert.equal(({} as Record<string, unknown>)['1'], undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal(typeof ({} as { hasOwnProperty?: unknown }).hasOwnProperty, 'function');
  });

  it('get explains a negative tcp_ehash_entries: the namespace shares the host\'s established hash', async () => {
    const sys2 = join(dir, 'sys-ehash');
    mkdirSync(join(sys2, 'net', 'ipv4'), { recursive: true });
    writeFileSync(join(sys2, 'net', 'ipv4', 'tcp_ehash_entries'), '-262144\n');
    const o = { ...opts(), procSysRoot: sys2 };
    const r = await capture(() => runTune(['get', 'tcp_ehash_entries'], o));
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[1]!, /^net\.ipv4\.tcp_ehash_entries\s+-262144\s/);
    assert.match(
      r.out,
      /\nnotes:\n {2}net\.ipv4\.tcp_ehash_entries: -262144 \(negative\): this network namespace has no established hash table of its own and shares the host's 262144 buckets, because net\.ipv4\.tcp_child_ehash_entries was 0/,
    );
    const j = await capture(() => runTune(['get', 'tcp_ehash_entries', '--json'], o));
    const knob = (JSON.parse(j.out) as { knobs: { note?: string }[] }).knobs[0]!;
    assert.match(knob.note ?? '', /shares the host's 262144 buckets/);
    // a positive value (the initial namespace, or a namespace with its own table) has no note
    writeFileSync(join(sys2, 'net', 'ipv4', 'tcp_ehash_entries'), '262144\n');
    const p = await capture(() => runTune(['get', 'tcp_ehash_entries'], o));
    assert.doesNotMatch(p.out, /notes:|shares/);
    assert.equal(knobNote({ key: 'net.ipv4.tcp_ehash_entries', available: true, unavailableReason: null, value: '4096' }), null);
    assert.doesNotMatch(formatKnobs([{ key: 'net.ipv4.tcp_fin_timeout', available: true, unavailableReason: null, value: '-1' }]), /notes:/);
  });

  it('tells the initial network namespace from another one by a global sysctl, and words the counters accordingly', () => {
    const root = join(dir, 'ns-probe');
    mkdirSync(join(root, 'initial', 'net', 'ipv4'), { recursive: true });
    writeFileSync(join(root, 'initial', 'net', 'ipv4', 'tcp_max_orphans'), '131072\n');
    mkdirSync(join(root, 'other', 'net', 'ipv4'), { recursive: true });
    assert.equal(detectNetns({ procSysRoot: join(root, 'initial') }), 'initial');
    assert.equal(detectNetns({ procSysRoot: join(root, 'other') }), 'other');
    assert.equal(detectNetns({ procSysRoot: join(root, 'none'), procRoot: join(root, 'none') }), 'unknown');
    assert.equal(countersSince('initial'), 'since boot');
    assert.equal(countersSince('other'), 'since this network namespace was created');
    assert.equal(countersSince('unknown'), 'since boot (or since this network namespace was created)');
  });
});
