// End to end through real pkexec + polkitd + dbus: the helper and its policy installed at their real
// paths, polkit rules granting one throwaway user and denying another, and `waitline tune` run as those
// users (su) inside a throwaway network namespace. The namespace's sysctls change, the host's do not.
// /etc/sysctl.d/90-waitline.conf and /var/lib/waitline are moved aside and put back afterwards.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { HELPER_INSTALLED_PATH, JOURNAL_DIR, PERSIST_CONF_PATH, POLKIT_ACTION_ID } from '../../electron/helper/constants';
import { NOT_AUTHORIZED_MESSAGE } from '../../electron/privileged/client';
import { startPolkit, requirePrivileged, waitForAction, type PolkitDaemons } from './polkit';
import {
  Backup,
  Netns,
  REPO,
  TestUser,
  backupTuningState,
  hostSysctl,
  installHelperAndPolicy,
  libexecDirCleanup,
  must,
  run,
  writeFileAtomic,
} from './tuning-env';

const skip = requirePrivileged(['pkexec', 'pkaction', 'dbus-daemon', 'dbus-send', '/usr/lib/polkit-1/polkitd', 'ip', 'su', 'useradd', 'userdel', 'unshare', 'mount']);

const RULES_PATH = '/etc/polkit-1/rules.d/49-waitline-test.rules';
const GRANTED = new TestUser('wltune-ok');
const DENIED = new TestUser('wltune-no');
const KEYS = ['net.ipv4.tcp_tw_reuse', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_time'];
const CONF_HEADER = '# Written by Waitline (waitline-helper set --persist). Lines for other keys are kept.';

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('tuning through real pkexec and polkitd', { skip }, () => {
  const backup = new Backup();
  const cleanLibexec = libexecDirCleanup();
  let daemons: PolkitDaemons | null = null;
  let ns: Netns;
  let work: string;
  let cli: string;
  let driver: string;
  const hostBefore: Record<string, string> = {};

  /** `waitline tune …` as `user`, inside the namespace, through su (so pkexec does the elevation). */
  function tuneAs(user: TestUser, args: string[]) {
    const cmd = [process.execPath, cli, 'tune', ...args].map(shq).join(' ');
    return ns.exec('su', [user.name, '-s', '/bin/sh', '-c', cmd]);
  }

  before(async () => {
    for (const k of KEYS) hostBefore[k] = hostSysctl(k);
    work = mkdtempSync(join(tmpdir(), 'waitline-tune-e2e-'));
    chmodSync(work, 0o755);
    cli = join(work, 'cli.mjs');
    await build({
      entryPoints: [join(REPO, 'electron/cli/main.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['electron', '*.node'],
      logLevel: 'error',
      banner: { js: "import { createRequire as __wlCreateRequire } from 'node:module'; const require = __wlCreateRequire(import.meta.url);" },
    });
    chmodSync(cli, 0o644);
    driver = join(work, 'driver.mjs');
    await build({
      entryPoints: [join(REPO, 'test/privileged/tuning-client-driver.ts')],
      outfile: driver,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['electron', '*.node'],
      logLevel: 'error',
    });
    chmodSync(driver, 0o644);
    backupTuningState(backup);
    installHelperAndPolicy(backup);
    backup.save(RULES_PATH);
    writeFileAtomic(
      RULES_PATH,
      `// Waitline test rules (removed after the test)
polkit.addRule(function(action, subject) {
  if (action.id == "${POLKIT_ACTION_ID}" && subject.user == "${GRANTED.name}") return polkit.Result.YES;
  if (action.id == "${POLKIT_ACTION_ID}" && subject.user == "${DENIED.name}") return polkit.Result.NO;
});
`,
    );
    GRANTED.create();
    DENIED.create();
    daemons = await startPolkit();
    // A polkitd that was already running rereads actions and rules on its own (inotify); one we
    // started read them at start. Either way, wait until it knows the action.
    await waitForAction(POLKIT_ACTION_ID);
    ns = new Netns().create();
  });

  after(async () => {
    ns?.remove();
    await daemons?.stop();
    GRANTED.remove();
    DENIED.remove();
    backup.restore();
    cleanLibexec();
    if (work) rmSync(work, { recursive: true, force: true });
    for (const k of KEYS) assert.equal(hostSysctl(k), hostBefore[k], `host ${k} must be untouched`);
  });

  it('the installed policy names the helper path, and the helper refuses to run without root', () => {
    const policy = readFileSync('/usr/share/polkit-1/actions/io.github.waitline.policy', 'utf8');
    assert.match(policy, new RegExp(`<annotate key="org.freedesktop.policykit.exec.path">${HELPER_INSTALLED_PATH}</annotate>`));
    const r = ns.exec('su', [GRANTED.name, '-s', '/bin/sh', '-c', `${HELPER_INSTALLED_PATH} set net.ipv4.tcp_tw_reuse=1`]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /"code":"not_root"/);
    assert.equal(ns.sysctl('net.ipv4.tcp_tw_reuse'), hostBefore['net.ipv4.tcp_tw_reuse']);
  });

  let changeId = '';
  it('a granted user changes several keys in the namespace; the host keeps its values', () => {
    const r = tuneAs(GRANTED, ['set', 'tcp_tw_reuse=1', 'net.ipv4.ip_local_port_range=40000 50001', 'tcp_fin_timeout=25', '--json']);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { change: { id: string; changes: { key: string; before: string; after: string }[]; state: string } };
    changeId = out.change.id;
    assert.match(changeId, /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}$/);
    assert.equal(out.change.state, 'kept');
    assert.deepEqual(
      out.change.changes.map((c) => [c.key, c.after]),
      [
        ['net.ipv4.tcp_tw_reuse', '1'],
        ['net.ipv4.ip_local_port_range', '40000 50001'],
        ['net.ipv4.tcp_fin_timeout', '25'],
      ],
    );
    assert.equal(ns.sysctl('net.ipv4.tcp_tw_reuse'), '1');
    assert.equal(ns.sysctl('net.ipv4.ip_local_port_range'), '40000 50001');
    assert.equal(ns.sysctl('net.ipv4.tcp_fin_timeout'), '25');
    for (const k of KEYS) assert.equal(hostSysctl(k), hostBefore[k], `host ${k} changed`);
    // the journal is root's, and records the caller
    const entry = readdirSync(JOURNAL_DIR).find((n) => readFileSync(join(JOURNAL_DIR, n), 'utf8').includes(`id=${changeId}\n`));
    assert.ok(entry, 'journal entry written');
    const st = statSync(join(JOURNAL_DIR, entry));
    assert.equal(st.uid, 0);
    const text = readFileSync(join(JOURNAL_DIR, entry), 'utf8');
    assert.match(text, /^status=applied$/m);
    assert.match(text, /^before net\.ipv4\.ip_local_port_range=32768 60999$/m);
    const uid = must('id', ['-u', GRANTED.name]).trim();
    assert.match(text, new RegExp(`^uid=${uid}$`, 'm'));
    // tune get as the user shows the namespace's values
    const g = tuneAs(GRANTED, ['get', 'tcp_fin_timeout', '--json']);
    assert.equal(g.status, 0, g.stderr);
    assert.equal((JSON.parse(g.stdout) as { knobs: { value: string }[] }).knobs[0]!.value, '25');
  });

  it('a denied user gets the clear "not authorized" message, a non-zero exit, and nothing changes', () => {
    const r = tuneAs(DENIED, ['set', 'tcp_tw_reuse=0', 'tcp_keepalive_time=300']);
    assert.equal(r.status, 4, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.ok(r.stderr.includes(NOT_AUTHORIZED_MESSAGE), r.stderr);
    assert.doesNotMatch(r.stderr, /at .*\.m?js:\d+/, 'no stack trace');
    assert.equal(ns.sysctl('net.ipv4.tcp_tw_reuse'), '1');
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_time'), hostBefore['net.ipv4.tcp_keepalive_time']);
  });

  it('an invalid batch is refused before pkexec runs, naming the bad value, and writes nothing', () => {
    const r = tuneAs(GRANTED, ['set', 'tcp_keepalive_time=300', 'tcp_tw_reuse=3']);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /net\.ipv4\.tcp_tw_reuse: 3 is not one of 0, 1, 2/);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_time'), hostBefore['net.ipv4.tcp_keepalive_time']);
  });

  it('revert restores the values the change replaced', () => {
    const r = tuneAs(GRANTED, ['revert', changeId]);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stdout, /reverted/);
    for (const k of ['net.ipv4.tcp_tw_reuse', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_fin_timeout']) {
      assert.equal(ns.sysctl(k), hostBefore[k], `${k} restored`);
    }
    const again = tuneAs(GRANTED, ['revert', changeId]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already reverted/);
  });

  it('--persist writes exactly the expected drop-in, keeping unrelated lines; revert puts it back', () => {
    const original = '# local settings\nkernel.sysrq = 0\nnet.ipv4.tcp_keepalive_time = 900\n';
    writeFileAtomic(PERSIST_CONF_PATH, original);
    const r = tuneAs(GRANTED, ['set', 'tcp_keepalive_time=600', 'ip_local_port_range=40000 60999', '--persist', '--json']);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const id = (JSON.parse(r.stdout) as { change: { id: string; persisted: boolean } }).change;
    assert.equal(id.persisted, true);
    assert.equal(
      readFileSync(PERSIST_CONF_PATH, 'utf8'),
      '# local settings\nkernel.sysrq = 0\nnet.ipv4.tcp_keepalive_time = 600\nnet.ipv4.ip_local_port_range = 40000 60999\n',
    );
    assert.equal(statSync(PERSIST_CONF_PATH).mode & 0o777, 0o644);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_time'), '600');
    const rv = tuneAs(GRANTED, ['revert', id.id]);
    assert.equal(rv.status, 0, rv.stderr);
    assert.equal(readFileSync(PERSIST_CONF_PATH, 'utf8'), original);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_time'), hostBefore['net.ipv4.tcp_keepalive_time']);
    assert.equal(ns.sysctl('net.ipv4.ip_local_port_range'), hostBefore['net.ipv4.ip_local_port_range']);
  });

  it('--persist without an existing drop-in creates exactly header + lines, and revert removes it', () => {
    rmSync(PERSIST_CONF_PATH, { force: true });
    const r = tuneAs(GRANTED, ['set', 'net.ipv4.ip_local_reserved_ports=40000-40010,45000', '--persist', '--json']);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.equal(readFileSync(PERSIST_CONF_PATH, 'utf8'), `${CONF_HEADER}\nnet.ipv4.ip_local_reserved_ports = 40000-40010,45000\n`);
    assert.equal(ns.sysctl('net.ipv4.ip_local_reserved_ports'), '40000-40010,45000');
    const id = (JSON.parse(r.stdout) as { change: { id: string } }).change.id;
    const rv = tuneAs(GRANTED, ['revert', id]);
    assert.equal(rv.status, 0, rv.stderr);
    assert.equal(existsSync(PERSIST_CONF_PATH), false);
    assert.equal(ns.sysctl('net.ipv4.ip_local_reserved_ports'), '');
  });

  it('a write the kernel refuses mid-batch rolls back what was already written', () => {
    // In a private mount namespace, bind a read-only sysctl over tcp_syncookies: the helper validates
    // the batch, writes tcp_keepalive_probes, then the kernel refuses the second write.
    const script = [
      'set -e',
      'mount --make-rprivate /',
      'mount --bind /proc/sys/net/ipv4/tcp_ehash_entries /proc/sys/net/ipv4/tcp_syncookies',
      `${HELPER_INSTALLED_PATH} set net.ipv4.tcp_keepalive_probes=4 net.ipv4.tcp_syncookies=2 || echo "exit=$?"`,
      'echo "probes=$(cat /proc/sys/net/ipv4/tcp_keepalive_probes)"',
    ].join('\n');
    const r = ns.exec('unshare', ['-m', 'sh', '-c', script]);
    assert.match(r.stdout, /exit=6/, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stdout, /"code":"write_failed"/);
    assert.match(r.stdout, /net\.ipv4\.tcp_syncookies: the kernel refused 2 .*nothing was changed \(restored net\.ipv4\.tcp_keepalive_probes\)/);
    assert.match(r.stdout, /probes=9/);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_probes'), '9');
    assert.equal(ns.sysctl('net.ipv4.tcp_syncookies'), hostSysctl('net.ipv4.tcp_syncookies'));
  });

  it('a drop-in that cannot be written rolls the values back (exit 9), with nothing but the error on stderr', () => {
    const script = [
      'set -e',
      'mount --make-rprivate /',
      'mount --bind /etc/sysctl.d /etc/sysctl.d',
      'mount -o remount,bind,ro /etc/sysctl.d',
      `${HELPER_INSTALLED_PATH} set net.ipv4.tcp_keepalive_probes=4 --persist 2>/tmp/waitline-persist-err || echo "exit=$?"`,
      'echo "probes=$(cat /proc/sys/net/ipv4/tcp_keepalive_probes)"',
      'cat /tmp/waitline-persist-err; rm -f /tmp/waitline-persist-err',
    ].join('\n');
    const r = ns.exec('unshare', ['-m', 'sh', '-c', script]);
    assert.match(r.stdout, /exit=9/, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stdout, /"code":"persist_failed","error":"could not write \/etc\/sysctl\.d\/90-waitline\.conf; nothing was changed \(restored net\.ipv4\.tcp_keepalive_probes\)"/);
    assert.match(r.stdout, /probes=9/);
    assert.match(r.stdout, /^waitline-helper: could not write .*\n$/m);
    assert.doesNotMatch(r.stdout, /cannot create|Read-only file system/);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_probes'), '9');
  });

  it('a global-only key is reported unavailable in a child namespace and never written', () => {
    const r = tuneAs(GRANTED, ['set', 'tcp_max_orphans=65536']);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /net\.ipv4\.tcp_max_orphans: (not present|unavailable) here: it is global/);
    const direct = ns.exec(HELPER_INSTALLED_PATH, ['set', 'net.ipv4.tcp_max_orphans=65536']);
    assert.equal(direct.status, 5);
    assert.match(direct.stdout, /"code":"unavailable"/);
  });

  it('a revert from another network namespace is refused', () => {
    const r = tuneAs(GRANTED, ['set', 'tcp_keepalive_intvl=30', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const id = (JSON.parse(r.stdout) as { change: { id: string } }).change.id;
    const other = run('unshare', ['-n', HELPER_INSTALLED_PATH, 'revert', id]);
    assert.equal(other.status, 12, other.stdout);
    assert.match(other.stdout, /was made in network namespace net:\[\d+\]; this is net:\[\d+\]/);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_intvl'), '30');
    assert.equal(tuneAs(GRANTED, ['revert', id]).status, 0);
    assert.equal(ns.sysctl('net.ipv4.tcp_keepalive_intvl'), hostSysctl('net.ipv4.tcp_keepalive_intvl'));
  });

  it("the helper's list agrees with the shared catalog", async () => {
    const { SYSCTL_CATALOG, WRITABLE_KEYS } = await import('../../shared/sysctl-catalog');
    const r = ns.exec(HELPER_INSTALLED_PATH, ['list']);
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { keys: { key: string; kind: string; min?: number; max?: number; values?: number[] }[]; removed: string[] };
    assert.deepEqual(list.keys.map((k) => k.key).sort(), [...WRITABLE_KEYS].sort());
    for (const k of list.keys) {
      const e = SYSCTL_CATALOG.find((x) => x.key === k.key)!;
      assert.equal(k.kind, e.kind, k.key);
      if (e.kind === 'enum') assert.deepEqual(k.values, e.values!.map((v) => v.value), k.key);
      else assert.deepEqual([k.min, k.max], [e.min, e.max], k.key);
    }
    assert.deepEqual(list.removed, SYSCTL_CATALOG.filter((e) => e.kind === 'removed').map((e) => e.key));
  });

  /** The real TuningClient as the granted user, through pkexec, in the namespace; resolves at "applied". */
  function startDriver(mode: string, ms: number) {
    const cmd = [process.execPath, driver, mode, String(ms), 'pkexec'].map(shq).join(' ');
    const child = spawn('ip', ['netns', 'exec', ns.name, 'su', GRANTED.name, '-s', '/bin/sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines: { event: string; pid?: number; values?: string[]; result?: { ok: boolean; change?: { id: string; confirmDeadline: number } }; history?: string[]; ok?: boolean }[] = [];
    const applied = new Promise<(typeof lines)[number]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        let nl;
        while ((nl = out.indexOf('\n')) >= 0) {
          const l = JSON.parse(out.slice(0, nl)) as (typeof lines)[number];
          out = out.slice(nl + 1);
          lines.push(l);
          if (l.event === 'applied') resolve(l);
        }
      });
      child.on('exit', (code) => reject(new Error(`driver exited (${code}) before applying: ${err}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { applied, exited, lines, stderr: () => err };
  }

  const waiters = () => run('pgrep', ['-f', 'waitline-helper expire']).stdout.trim().split('\n').filter(Boolean);

  it('auto-revert is root\'s: the app (a granted user through pkexec) is SIGKILLed during the countdown, and the value still returns within S+3 s', async () => {
    const original = [ns.sysctl('net.ipv4.tcp_fin_timeout'), ns.sysctl('net.ipv4.ip_local_port_range')];
    const d = startDriver('hold', 5000);
    const a = await d.applied;
    const t0 = Date.now();
    assert.equal(a.result?.ok, true, d.stderr());
    assert.deepEqual(a.values, ['21', '41000 51001']);
    assert.equal(ns.sysctl('net.ipv4.tcp_fin_timeout'), '21');
    const id = a.result!.change!.id;
    assert.equal(waiters().length, 1, 'one root waiter');
    process.kill(a.pid!, 'SIGKILL');
    await d.exited;
    while (Date.now() - t0 < 8000 && ns.sysctl('net.ipv4.tcp_fin_timeout') !== original[0]) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([ns.sysctl('net.ipv4.tcp_fin_timeout'), ns.sysctl('net.ipv4.ip_local_port_range')], original, 'reverted without the app');
    assert.ok(Date.now() - t0 <= 8000);
    const entry = readFileSync(join(JOURNAL_DIR, `${id}.journal`), 'utf8');
    assert.match(entry, /^status=reverted$/m);
    assert.match(entry, /^reverted_how=auto$/m);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(waiters(), [], 'the waiter is gone');
  });

  it('confirm through pkexec cancels the root waiter: the value stays past S+3 s, no waiter left', async () => {
    const d = startDriver('confirm', 5000);
    const a = await d.applied;
    assert.equal(a.result?.ok, true, d.stderr());
    const code = await d.exited;
    assert.equal(code, 0, d.stderr());
    const confirmed = d.lines.find((l) => l.event === 'confirmed')!;
    assert.equal(confirmed.ok, true, JSON.stringify(confirmed));
    const late = d.lines.find((l) => l.event === 'after-deadline')!;
    assert.deepEqual(late.values, ['21', '41000 51001'], 'kept 10 s after a 5 s window');
    assert.equal(late.history![0], 'kept');
    assert.equal(d.lines.find((l) => l.event === 'reverted')!.ok, true);
    assert.deepEqual(waiters(), []);
  });

  it('leaves no stray files: temp files of atomic writes are gone', () => {
    assert.deepEqual(readdirSync(JOURNAL_DIR).filter((n) => !n.endsWith('.journal')), []);
    assert.deepEqual(readdirSync('/etc/sysctl.d').filter((n) => n.includes('waitline-tmp')), []);
    writeFileSync(join(work, 'done'), '');
  });
});
