// The privileged client without privileges: its validation gate, its argument vector, its mapping of
// pkexec's exit codes, the confirmation flow (apply → `set --confirm-within`, confirm → `confirm ID`;
// the revert itself is root's: the client only reads the journal at the deadline) and
// one-request-at-a-time.
// A stand-in executable takes the place of pkexec / the helper here (it records its argv and answers
// like the helper); the real pkexec + helper chain is tested in test/privileged/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISMISSED_MESSAGE, NOT_AUTHORIZED_MESSAGE, TuningClient, interpret, parseJournal } from '../../../../electron/privileged/client';
import type { TuningChange } from '../../../../shared/tuning';

let dir: string;
let procSys: string;
let log: string;

function writeSysctl(key: string, value: string) {
  const p = join(procSys, ...key.split('.'));
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, `${value}\n`);
}

/** An executable that logs its argv (one line per argument, NUL-separated runs) and exits/prints as told. */
function standIn(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> ${log}\nprintf -- '--\\n' >> ${log}\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const ID = '20260101T120000Z-0123456789abcdef';
const OK_HELPER = `case $1 in
  set) sleep 0.2; printf '{"ok":true,"id":"${ID}","time":1767268800000,"persisted":false,"changes":[{"key":"net.ipv4.tcp_tw_reuse","before":"2","after":"1"}]}\\n' ;;
  confirm) printf '{"ok":true,"id":"%s","confirmed":true,"time":1767268801000,"persisted":false,"changes":[]}\\n' "$2" ;;
  revert) printf '{"ok":true,"id":"%s","revertId":"20260101T120001Z-fedcba9876543210","time":1767268801000,"persisted":false,"changes":[{"key":"net.ipv4.tcp_tw_reuse","before":"1","after":"2"}]}\\n' "$2" ;;
esac`;

/** A journal entry as the helper writes it for `set --confirm-within` (confirm_by in epoch s). */
function journalEntry(confirmByS: number, extra = ''): string {
  return [
    `id=${ID}`,
    'seq=1',
    'time=1767268800',
    'uid=1000',
    'netns=net:[4026531840]',
    'persist=0',
    'conf_existed=0',
    extra.includes('status=') ? '' : 'status=applied',
    `confirm_by=${confirmByS}`,
    'waiter=4242',
    'before net.ipv4.tcp_tw_reuse=2',
    'after net.ipv4.tcp_tw_reuse=1',
    extra,
    '',
  ]
    .filter((l, i, a) => l !== '' || i === a.length - 1)
    .join('\n');
}

function calls(): string[][] {
  if (!existsSync(log)) return [];
  const out: string[][] = [];
  let cur: string[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n').slice(0, -1)) {
    if (line === '--') {
      out.push(cur);
      cur = [];
    } else cur.push(line);
  }
  return out;
}

async function until(what: string, f: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'waitline-client-'));
  procSys = join(dir, 'proc-sys');
  log = join(dir, 'argv.log');
  writeSysctl('net.ipv4.tcp_tw_reuse', '2');
  writeSysctl('net.ipv4.tcp_fin_timeout', '60');
  writeSysctl('net.ipv4.ip_local_port_range', '32768\t60999');
  writeSysctl('net.ipv4.ip_unprivileged_port_start', '1024');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function client(opts: Partial<ConstructorParameters<typeof TuningClient>[0]> = {}) {
  rmSync(log, { force: true });
  return new TuningClient({ procSysRoot: procSys, journalDir: join(dir, 'no-journal'), direct: true, ...opts });
}

describe('interpret (exit codes → results)', () => {
  const base = { stdout: '', stderr: '', spawnError: null };
  it('126 → dismissed, 127 → not authorized with the fix', () => {
    assert.deepEqual(interpret({ ...base, exitCode: 126 }, 'pkexec'), { ok: false, code: 'dismissed', message: DISMISSED_MESSAGE });
    const r = interpret({ ...base, exitCode: 127, stderr: 'Error executing command as another user: Not authorized\n' }, 'pkexec');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.code, 'not_authorized');
      assert.ok(r.message.startsWith(NOT_AUTHORIZED_MESSAGE));
      assert.match(r.message, /Fix: /);
      assert.match(r.message, /\(pkexec: Error executing command as another user: Not authorized\)$/);
    }
  });
  it("passes the helper's own error through, with 'invalid' for its exit 4", () => {
    const r = interpret({ ...base, exitCode: 4, stdout: '{"ok":false,"code":"invalid","error":"net.ipv4.tcp_tw_reuse: 3 is not one of 0, 1, 2"}' }, 'h');
    assert.deepEqual(r, { ok: false, code: 'invalid', message: 'net.ipv4.tcp_tw_reuse: 3 is not one of 0, 1, 2' });
    const w = interpret({ ...base, exitCode: 6, stdout: '{"ok":false,"code":"write_failed","error":"x refused"}' }, 'h');
    assert.deepEqual(w, { ok: false, code: 'helper_failed', message: 'x refused' });
  });
  it('a run without a JSON result, or that could not start, is a helper failure with the reason', () => {
    const r = interpret({ ...base, exitCode: 1, stderr: 'boom' }, 'h');
    assert.deepEqual(r, { ok: false, code: 'helper_failed', message: 'the helper failed (exit 1) without a result: boom' });
    const s = interpret({ ...base, exitCode: null, spawnError: 'ENOENT: spawn /nope ENOENT' }, '/nope');
    assert.equal(s.ok, false);
    if (!s.ok) assert.match(s.message, /could not run \/nope: ENOENT/);
  });
});

describe('parseJournal', () => {
  it('reads the format the helper writes', () => {
    const text = [
      'id=20260101T120000Z-42',
      'time=1767268800',
      'uid=1000',
      'netns=net:[4026531840]',
      'persist=1',
      'conf_existed=0',
      'status=applied',
      'before net.ipv4.ip_local_port_range=32768 60999',
      'before net.ipv4.tcp_tw_reuse=2',
      'after net.ipv4.ip_local_port_range=40000 60999',
      'after net.ipv4.tcp_tw_reuse=1',
      '',
    ].join('\n');
    const c = parseJournal(text)!;
    assert.equal(c.id, '20260101T120000Z-42');
    assert.equal(c.time, 1767268800000);
    assert.equal(c.persisted, true);
    assert.equal(c.state, 'kept');
    assert.deepEqual(c.changes, [
      { key: 'net.ipv4.ip_local_port_range', before: '32768 60999', after: '40000 60999' },
      { key: 'net.ipv4.tcp_tw_reuse', before: '2', after: '1' },
    ]);
    assert.equal(parseJournal(text.replace('status=applied', 'status=reverted'))!.state, 'reverted');
    assert.equal(parseJournal(text.replace('status=applied', 'status=failed')), null);
    assert.equal(parseJournal(text.replace('status=applied', 'status=revert')), null, 'revert records are not changes');
  });

  it('reads the confirmation window: pending until the deadline (+ grace), then failed; auto or manual revert', () => {
    const now = 1767268800_000;
    const deadlineS = 1767268830;
    const pending = parseJournal(journalEntry(deadlineS), now)!;
    assert.equal(pending.state, 'pending_confirm');
    assert.equal(pending.confirmDeadline, deadlineS * 1000);
    assert.equal(parseJournal(journalEntry(deadlineS), deadlineS * 1000 + 5000, 10_000)!.state, 'pending_confirm', 'inside the grace');
    assert.equal(parseJournal(journalEntry(deadlineS), deadlineS * 1000 + 20_000, 10_000)!.state, 'failed', 'the waiter never came');
    assert.equal(parseJournal(journalEntry(deadlineS, 'confirmed_time=1767268810'), now)!.state, 'kept');
    assert.equal(parseJournal(journalEntry(deadlineS, 'status=reverted\nreverted_how=auto'), now)!.state, 'auto_reverted');
    assert.equal(parseJournal(journalEntry(deadlineS, 'status=reverted\nreverted_how=manual'), now)!.state, 'reverted');
    const onConfirm = journalEntry(deadlineS).replace('persist=0', 'persist=on_confirm');
    assert.equal(parseJournal(onConfirm, now)!.persisted, true, 'persisted when confirmed');
    assert.equal(parseJournal(onConfirm.replace('status=applied', 'status=reverted'), now)!.persisted, false);
  });
});

describe('TuningClient', () => {
  it('reads knobs: values, removed and missing keys with their reasons', async () => {
    const c = client({ helperPath: standIn('h0', OK_HELPER) });
    const s = await c.getState();
    const k = (key: string) => s.knobs.find((x) => x.key === key)!;
    assert.equal(s.writable, true);
    assert.deepEqual(k('net.ipv4.ip_local_port_range'), { key: 'net.ipv4.ip_local_port_range', available: true, unavailableReason: null, value: '32768 60999' });
    assert.equal(k('net.ipv4.tcp_tw_recycle').available, false);
    assert.match(k('net.ipv4.tcp_tw_recycle').unavailableReason!, /^removed in Linux 4\.12$/);
    assert.match(k('net.ipv4.tcp_max_orphans').unavailableReason!, /global, so only the initial network namespace/);
    assert.equal(k('net.ipv4.tcp_keepalive_time').unavailableReason, 'not present on this kernel');
  });

  it('is read-only, with the reason, when the helper is not installed', async () => {
    const c = client({ helperPath: join(dir, 'not-installed') });
    const s = await c.getState();
    assert.equal(s.writable, false);
    assert.match(s.readOnlyReason!, /helper is not installed at .*not-installed/);
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, 'read_only');
  });

  it('validates before running anything, and never writes unavailable keys', async () => {
    const c = client({ helperPath: standIn('h1', OK_HELPER) });
    const bad = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_fin_timeout': '0x10' }, persist: false });
    assert.deepEqual(bad, { ok: false, code: 'invalid', message: 'nothing was changed: net.ipv4.tcp_fin_timeout: 0x10 is hexadecimal; write a plain decimal number' });
    const missing = await c.apply({ changes: { 'net.ipv4.tcp_keepalive_time': '600' }, persist: false });
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.message, /tcp_keepalive_time: not present on this kernel/);
    const range = await c.apply({ changes: { 'net.ipv4.ip_local_port_range': '1000 2000' }, persist: false });
    assert.equal(range.ok, false);
    if (!range.ok) assert.match(range.message, /below net\.ipv4\.ip_unprivileged_port_start \(1024\)/);
    // @ts-expect-error a malformed request from a compromised renderer
    const junk = await c.apply({ changes: null, persist: false });
    assert.equal(junk.ok, false);
    assert.deepEqual(calls(), [], 'the helper never ran');
  });

  it('passes each KEY=VALUE as one argument (no shell) and --persist last', async () => {
    const c = client({ helperPath: standIn('h2', OK_HELPER) });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.ip_local_port_range': '40000\t60999' }, persist: true });
    assert.equal(r.ok, true);
    assert.deepEqual(calls(), [
      ['set', '--confirm-within', '30', 'net.ipv4.tcp_tw_reuse=1', 'net.ipv4.ip_local_port_range=40000 60999', '--persist'],
    ]);
    c.dispose();
  });

  it('through pkexec: the installed helper path comes first; 126 and 127 become clear messages', async () => {
    const helperPath = standIn('h3', OK_HELPER);
    const deny = client({ direct: false, helperPath, pkexecPath: standIn('pkexec-deny', "echo 'Error executing command as another user: Not authorized' >&2; exit 127") });
    const r = await deny.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.deepEqual(calls(), [[helperPath, 'set', '--confirm-within', '30', 'net.ipv4.tcp_tw_reuse=1']]);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.code, 'not_authorized');
      assert.match(r.message, /^not authorized, or no authentication agent is running/);
    }
    const dismiss = client({ direct: false, helperPath, pkexecPath: standIn('pkexec-dismiss', 'exit 126') });
    const d = await dismiss.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.deepEqual(d, { ok: false, code: 'dismissed', message: 'authentication was dismissed; nothing was changed' });
  });

  it('asks root to revert at the deadline, and only reads the journal then: the client never reverts', async () => {
    const journal = join(dir, 'journal-auto');
    mkdirSync(journal, { recursive: true });
    const seen: TuningChange[] = [];
    const applied: TuningChange[] = [];
    const c = client({ helperPath: standIn('h4', OK_HELPER), journalDir: journal, autoRevertMs: 300, onChanged: (x) => seen.push(x), onApplied: (x) => applied.push(x) });
    const t0 = Date.now();
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.deepEqual(calls()[0]!.slice(0, 3), ['set', '--confirm-within', '5'], 'the window is at least the helper\'s 5 s');
    assert.equal(r.change.state, 'pending_confirm');
    assert.ok(r.change.confirmDeadline! >= t0 + 5000);
    assert.equal(applied.length, 1);
    // what the helper's root waiter leaves behind when it reverted the change
    const deadlineS = Math.floor(t0 / 1000) + 5;
    writeFileSync(join(journal, `${ID}.journal`), journalEntry(deadlineS, 'status=reverted\nreverted_how=auto'));
    await until('the countdown to read the automatic revert', () => seen.some((x) => x.state === 'auto_reverted'), 10_000);
    assert.deepEqual(calls().map((a) => a[0]), ['set'], 'the client ran no revert of its own');
    const s = await c.getState();
    assert.equal(s.history[0]!.state, 'auto_reverted');
    assert.equal(applied.length, 1, 'onApplied only for applies');
    c.dispose();
  });

  it('shows a change as failed when root has not reverted it by the end of the grace', async () => {
    const journal = join(dir, 'journal-failed');
    mkdirSync(journal, { recursive: true });
    const seen: TuningChange[] = [];
    const c = client({ helperPath: standIn('h4b', OK_HELPER), journalDir: journal, autoRevertMs: 5000, revertGraceMs: 300, onChanged: (x) => seen.push(x) });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    writeFileSync(join(journal, `${ID}.journal`), journalEntry(Math.floor(r.change.confirmDeadline! / 1000)));
    await until('the state to become failed', () => seen.some((x) => x.state === 'failed'), 12_000);
    assert.deepEqual(calls().map((a) => a[0]), ['set']);
    c.dispose();
  });

  it('confirm runs the helper\'s confirm (which stops the root waiter); the change is kept', async () => {
    const c = client({ helperPath: standIn('h5', OK_HELPER), autoRevertMs: 5000 });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    const k = await c.confirm(r.change.id);
    assert.equal(k.ok && k.change.state, 'kept');
    assert.deepEqual(calls()[1], ['confirm', ID]);
    const again = await c.confirm(r.change.id);
    assert.equal(again.ok, false);
    const unknown = await c.confirm('nope');
    assert.equal(unknown.ok, false);
    assert.equal(calls().length, 2, 'refused confirms never reach the helper');
    c.dispose();
  });

  it('a confirm the helper refuses (too late) is reported, and the state is read back from the journal', async () => {
    const journal = join(dir, 'journal-late');
    mkdirSync(journal, { recursive: true });
    const late = `case $1 in
  set) printf '{"ok":true,"id":"${ID}","time":1767268800000,"persisted":false,"confirmBy":%s000,"changes":[{"key":"net.ipv4.tcp_tw_reuse","before":"2","after":"1"}]}\\n' "$(($(date +%s) + 30))" ;;
  confirm) printf '{"ok":false,"code":"invalid","error":"change %s was not confirmed in time and has been reverted"}\\n' "$2"; exit 4 ;;
esac`;
    const seen: TuningChange[] = [];
    const c = client({ helperPath: standIn('h5b', late), journalDir: journal, onChanged: (x) => seen.push(x) });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.ok(Math.abs(r.change.confirmDeadline! - (Date.now() + 30_000)) < 3000, 'the deadline is the helper\'s confirmBy');
    writeFileSync(join(journal, `${ID}.journal`), journalEntry(Math.floor(Date.now() / 1000), 'status=reverted\nreverted_how=auto'));
    const k = await c.confirm(r.change.id);
    assert.deepEqual(k, { ok: false, code: 'invalid', message: `change ${ID} was not confirmed in time and has been reverted` });
    assert.equal(seen.at(-1)!.state, 'auto_reverted');
    c.dispose();
  });

  it('without auto-revert (the CLI) a change is kept at once: no window is asked for', async () => {
    const c = client({ helperPath: standIn('h5c', OK_HELPER), autoRevert: false });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: true });
    assert.equal(r.ok && r.change.state, 'kept');
    assert.equal(r.ok && r.change.confirmDeadline, null);
    assert.deepEqual(calls(), [['set', 'net.ipv4.tcp_tw_reuse=1', '--persist']]);
  });

  it('nothing to change (the helper returns no id): kept, no changes, no onApplied', async () => {
    const noop = `printf '{"ok":true,"id":null,"time":1767268800000,"persisted":false,"changes":[],"unchanged":["net.ipv4.tcp_tw_reuse"],"message":"nothing to change: every value is already set"}\\n'`;
    const applied: TuningChange[] = [];
    const c = client({ helperPath: standIn('h5d', noop), onApplied: (x) => applied.push(x) });
    const r = await c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '2' }, persist: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.deepEqual(r.change.changes, []);
    assert.equal(r.change.state, 'kept');
    assert.equal(applied.length, 0);
  });

  it('runs one request at a time: a second one is refused as busy', async () => {
    const c = client({ helperPath: standIn('h6', OK_HELPER) });
    const [a, b] = await Promise.all([
      c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '1' }, persist: false }),
      c.apply({ changes: { 'net.ipv4.tcp_tw_reuse': '0' }, persist: false }),
    ]);
    assert.equal(a.ok, true);
    assert.deepEqual(b, { ok: false, code: 'busy', message: 'another tuning request is still running; try again when it finishes' });
    assert.equal(calls().length, 1);
    c.dispose();
  });

  it('refuses malformed revert ids without running the helper', async () => {
    const c = client({ helperPath: standIn('h7', OK_HELPER) });
    for (const id of ['../x', '', '20260101T120000Z-1;id', '20260101T120000Z-0123456789ABCDEF', '20260101T120000Z-0123456789abcdef0']) {
      const r = await c.revert(id);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.code, 'invalid');
    }
    assert.deepEqual(calls(), []);
  });
});
