// `waitline kill` end to end through real pkexec + polkitd + dbus, as non-root users, inside a
// throwaway network namespace with real sockets: the kill helper and the policy installed at their
// real paths; polkit rules grant one user the kill action, and grant another only the tuning action
// and deny it the kill action (the two are granted separately). An ESTABLISHED pair and a CLOSE_WAIT
// socket disappear from `ss`; a nonexistent tuple, the hostile endpoint list (through the CLI, and
// straight to the helper through pkexec, so the helper's own validation is what refuses them) and the
// denied user each get their specific error with nothing killed; a kernel without
// CONFIG_INET_DIAG_DESTROY (a fixture config bind-mounted over /proc/config.gz in a private mount
// namespace) is shown "unavailable", by the CLI before any password and by the helper through pkexec.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  KILL_HELPER_EXIT,
  KILL_HELPER_INSTALLED_PATH,
  KILL_POLKIT_ACTION_ID,
  POLICY_INSTALLED_PATH,
  POLKIT_ACTION_ID,
} from '../../electron/helper/constants';
import { LineReader } from '../kernel/lines';
import { createNetns, type Netns } from '../kernel/netns';
import { hostileEndpoints } from '../unit/shared/kill-endpoints';
import { requirePrivileged, startPolkit, waitForAction, type PolkitDaemons } from './polkit';
import { Backup, POLICY_SOURCE, REPO, TestUser, libexecDirCleanup, writeFileAtomic } from './tuning-env';

const skip = requirePrivileged([
  'pkexec',
  'pkaction',
  'dbus-daemon',
  'dbus-send',
  '/usr/lib/polkit-1/polkitd',
  'ip',
  'ss',
  'su',
  'useradd',
  'userdel',
  'unshare',
  'mount',
]);

const RULES_PATH = '/etc/polkit-1/rules.d/49-waitline-kill-test.rules';
const KILL_HELPER_SOURCE = join(REPO, 'electron/helper/waitline-kill-helper');
const GRANTED = new TestUser('wlkill-ok');
const DENIED = new TestUser('wlkill-no');
const PORT = 46000;
const PORT6 = 46001;

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

interface Group {
  established: number[];
  halfClosed: number[];
}

describe('waitline kill through real pkexec and polkitd', { skip }, () => {
  const backup = new Backup();
  const cleanLibexec = libexecDirCleanup();
  let daemons: PolkitDaemons | null = null;
  let ns: Netns;
  let work: string;
  let cli: string;
  let groups: Group[];

  const asUser = (user: TestUser, cmd: string, timeoutMs = 60_000) => ns.exec('su', [user.name, '-s', '/bin/sh', '-c', cmd], { timeoutMs });
  const killAs = (user: TestUser, args: string[]) => asUser(user, [process.execPath, cli, 'kill', ...args].map(shq).join(' '));
  const ssAll = async () => {
    const r = await ns.exec('ss', ['-tanH']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter(Boolean).sort();
  };
  const present = async (local: string, remote: string) => (await ssAll()).filter((l) => l.split(' ')[3] === local && l.split(' ')[4] === remote);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'waitline-kill-e2e-'));
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
    backup.save(KILL_HELPER_INSTALLED_PATH);
    backup.save(POLICY_INSTALLED_PATH);
    mkdirSync(dirname(KILL_HELPER_INSTALLED_PATH), { recursive: true });
    copyFileSync(KILL_HELPER_SOURCE, KILL_HELPER_INSTALLED_PATH);
    chmodSync(KILL_HELPER_INSTALLED_PATH, 0o755);
    copyFileSync(POLICY_SOURCE, POLICY_INSTALLED_PATH);
    chmodSync(POLICY_INSTALLED_PATH, 0o644);
    backup.save(RULES_PATH);
    writeFileAtomic(
      RULES_PATH,
      `// Waitline kill test rules (removed after the test)
polkit.addRule(function(action, subject) {
  if (action.id == "${KILL_POLKIT_ACTION_ID}" && subject.user == "${GRANTED.name}") return polkit.Result.YES;
  if (action.id == "${POLKIT_ACTION_ID}" && subject.user == "${DENIED.name}") return polkit.Result.YES;
  if (action.id == "${KILL_POLKIT_ACTION_ID}" && subject.user == "${DENIED.name}") return polkit.Result.NO;
});
`,
    );
    GRANTED.create();
    DENIED.create();
    daemons = await startPolkit();
    await daemons.restartPolkitd();
    await waitForAction(KILL_POLKIT_ACTION_ID);
    ns = await createNetns('wl-killp');
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    const f = new LineReader(
      ns.spawn(process.execPath, [
        join(REPO, 'test/kernel/socket-factory.mjs'),
        JSON.stringify({
          groups: [
            { host: '127.0.0.1', port: PORT, established: 3, halfClosed: 2 },
            { host: '::1', port: PORT6, established: 1 },
          ],
        }),
      ]),
    );
    groups = (JSON.parse(await f.expect('READY')) as { groups: Group[] }).groups;
  });

  after(async () => {
    await ns?.close();
    await daemons?.stop();
    GRANTED.remove();
    DENIED.remove();
    backup.restore();
    cleanLibexec();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the installed policy has the kill action on its own helper path', () => {
    const policy = readFileSync(POLICY_INSTALLED_PATH, 'utf8');
    assert.match(policy, new RegExp(`<annotate key="org.freedesktop.policykit.exec.path">${KILL_HELPER_INSTALLED_PATH}</annotate>`));
  });

  it('a granted user kills one side of an ESTABLISHED pair: both ends leave ss', async () => {
    const c = groups[0]!.established[0]!;
    const client = `127.0.0.1:${c}`;
    const server = `127.0.0.1:${PORT}`;
    assert.equal((await present(client, server)).length, 1);
    const r = await killAs(GRANTED, [client, server]);
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`killed the ESTABLISHED socket ${client} -> ${server}.*ss no longer shows it`));
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(await present(client, server), []);
    assert.deepEqual(await present(server, client), []);
  });

  it('a granted user kills a CLOSE_WAIT socket (--json); the CLI says the leak is not fixed', async () => {
    const h = groups[0]!.halfClosed[0]!;
    const server = `127.0.0.1:${PORT}`;
    const client = `127.0.0.1:${h}`;
    assert.match((await present(server, client))[0] ?? '', /^CLOSE-WAIT /);
    const r = await killAs(GRANTED, [server, client, '--json']);
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.killed[0].state, 'CLOSE_WAIT');
    assert.match(out.note, /leak is not fixed.*ECONNABORTED/);
    assert.deepEqual(await present(server, client), []);
    const h2 = groups[0]!.halfClosed[1]!;
    const text = await killAs(GRANTED, [server, `127.0.0.1:${h2}`]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /killed the CLOSE_WAIT socket[^\n]*\nnote: the leak is not fixed by this/);
  });

  it('a granted user kills an IPv6 pair', async () => {
    const c = groups[1]!.established[0]!;
    const r = await killAs(GRANTED, [`[::1]:${c}`, `[::1]:${PORT6}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await present(`[::1]:${c}`, `[::1]:${PORT6}`), []);
  });

  it('a nonexistent tuple: "no TCP socket", exit 1, nothing killed', async () => {
    const beforeTable = await ssAll();
    const r = await killAs(GRANTED, [`127.0.0.1:${PORT}`, '127.0.0.1:1']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /waitline kill: no TCP socket 127\.0\.0\.1:46000 -> 127\.0\.0\.1:1 in this network namespace.*nothing was killed/);
    assert.deepEqual(await ssAll(), beforeTable);
  });

  it('a user granted tuning but denied killing: "not authorized", nothing killed', async () => {
    const beforeTable = await ssAll();
    const c = groups[0]!.established[1]!;
    const r = await killAs(DENIED, [`127.0.0.1:${c}`, `127.0.0.1:${PORT}`]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /not authorized.*io\.github\.waitline\.kill-socket/);
    assert.deepEqual(await ssAll(), beforeTable);
  });

  it('hostile endpoints: the CLI refuses them (exit 2) and so does the helper through pkexec (exit 4); nothing killed', { timeout: 600_000 }, async () => {
    const beforeTable = await ssAll();
    const real = `127.0.0.1:${groups[0]!.established[2]!}`;
    const hostile = hostileEndpoints(PORT);
    assert.ok(hostile.length >= 50);
    // the CLI, as the granted user: a usage error before anything runs
    const cliScript = hostile.map((h) => `${[process.execPath, cli, 'kill', h.form, real].map(shq).join(' ')} >/dev/null 2>&1; echo "$?"`).join('\n');
    const c = await asUser(GRANTED, cliScript, 300_000);
    // "--help" is the one form that is not an error: it prints the usage (exit 0) and runs nothing
    assert.deepEqual(c.stdout.trim().split('\n'), hostile.map((h) => (h.form === '--help' ? '0' : '2')), c.stderr);
    // straight to the helper through pkexec: its own validation refuses them, in both positions
    const helperScript = hostile
      .flatMap((h) => [
        [h.form, real],
        [real, h.form],
      ])
      .map((args) => `${['pkexec', KILL_HELPER_INSTALLED_PATH, 'kill', ...args].map(shq).join(' ')} 2>/dev/null | tr -d '\\n'; echo " $?"`)
      .join('\n');
    const p = await asUser(GRANTED, helperScript, 300_000);
    const lines = p.stdout.trim().split('\n');
    assert.equal(lines.length, hostile.length * 2, p.stdout + p.stderr);
    for (const [i, line] of lines.entries()) {
      const h = hostile[Math.floor(i / 2)]!;
      assert.match(line, /^\{"ok":false,"code":"invalid","error":"(local|remote|an argument)[^\n]*nothing was killed"\} 0$/, `${h.why}: ${line}`);
    }
    // (the exit status printed is tr's; the helper's is checked for a sample below)
    const one = await asUser(GRANTED, `${['pkexec', KILL_HELPER_INSTALLED_PATH, 'kill', `${real};id`, `127.0.0.1:${PORT}`].map(shq).join(' ')}; echo "exit $?"`);
    assert.match(one.stdout, new RegExp(`exit ${KILL_HELPER_EXIT.invalid}\\n$`));
    assert.deepEqual(await ssAll(), beforeTable, 'nothing was killed');
  });

  it('a kernel without CONFIG_INET_DIAG_DESTROY: "unavailable" with the reason, from the CLI and from the helper through pkexec', async () => {
    const cfg = join(work, 'config-no-destroy.gz');
    writeFileSync(cfg, gzipSync('CONFIG_INET=y\nCONFIG_INET_DIAG=y\n# CONFIG_INET_DIAG_DESTROY is not set\n'));
    chmodSync(cfg, 0o644);
    const beforeTable = await ssAll();
    const c = groups[0]!.established[1]!;
    const tuple = [`127.0.0.1:${c}`, `127.0.0.1:${PORT}`];
    const inner = [
      `${[process.execPath, cli, 'kill', ...tuple].map(shq).join(' ')}; echo "cli $?"`,
      `${[process.execPath, cli, 'kill', '--check'].map(shq).join(' ')}; echo "check $?"`,
      `${['pkexec', KILL_HELPER_INSTALLED_PATH, 'kill', ...tuple].map(shq).join(' ')}; echo "helper $?"`,
    ].join('\n');
    const script = `set -e\nmount --bind ${shq(cfg)} /proc/config.gz\nset +e\nsu ${GRANTED.name} -s /bin/sh -c ${shq(inner)}`;
    const r = await ns.exec('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script]);
    assert.match(r.stderr, /waitline kill: cannot kill sockets here: this kernel \([^)]+\) was built without CONFIG_INET_DIAG_DESTROY \(\/proc\/config\.gz\).*nothing was killed/);
    assert.match(r.stdout, /^cli 1\n/m);
    assert.match(r.stdout, /killing sockets is unavailable here: .*CONFIG_INET_DIAG_DESTROY.*\ncheck 1\n/);
    assert.match(r.stdout, /\{"ok":false,"code":"unavailable","error":"cannot kill sockets here: this kernel[^"]*without CONFIG_INET_DIAG_DESTROY[^"]*nothing was killed"[^\n]*\}\nhelper 5\n/);
    assert.deepEqual(await ssAll(), beforeTable);
  });
});
