// deploy/systemd/waitline-serve.service: the hardening it promises is there (parsed), systemd itself
// accepts the unit (`systemd-analyze verify` on a copy whose ExecStart exists here) and rates its
// exposure, and its command line is one the installed app hands to `waitline serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgvOf } from '../../../electron/cli/app-args';
import { SERVE_USAGE } from '../../../electron/cli/serve';
import { DEPLOY, requireTool, run } from './deploy-helpers';

const UNIT = join(DEPLOY, 'systemd/waitline-serve.service');
const text = readFileSync(UNIT, 'utf8');

type Unit = Map<string, Map<string, string[]>>;

/** systemd's unit syntax, as much as this file uses: sections, `Key=value` (repeatable), comments
 *  (# and ;), and lines continued with a trailing backslash. */
function parseUnit(src: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | null = null;
  const lines = src.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    const head = /^\[([A-Za-z]+)\]$/.exec(line);
    if (head) {
      section = new Map();
      unit.set(head[1]!, section);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    assert.ok(kv && section, `unparsable unit line: ${line}`);
    const [, key, value] = kv;
    if (!section.has(key!)) section.set(key!, []);
    section.get(key!)!.push(value!.trim());
  }
  return unit;
}

const unit = parseUnit(text);
const service = unit.get('Service')!;
/** The last assignment wins in systemd (for the single-valued keys checked here). */
const one = (key: string): string | undefined => service.get(key)?.at(-1);
const words = (key: string): Set<string> => new Set((service.get(key) ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean)));

test('the unit has its sections, a description and an install target', () => {
  assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
  assert.match(unit.get('Unit')!.get('Description')![0]!, /waitline serve --metrics-only/);
  assert.deepEqual(unit.get('Install')!.get('WantedBy'), ['multi-user.target']);
});

test('hardening: a throw-away user, a read-only system, private /tmp, no new privileges, few address families', () => {
  assert.ok(one('DynamicUser') === 'yes' || (one('User') && one('User') !== 'root'), 'DynamicUser=yes or a dedicated User=');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.ok(['yes', 'read-only', 'tmpfs'].includes(one('ProtectHome') ?? ''), `ProtectHome=${one('ProtectHome')}`);
  assert.equal(one('PrivateTmp'), 'yes');
  assert.equal(one('PrivateDevices'), 'yes');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('ProtectKernelTunables'), 'yes', 'sysctls are read, never written');
  assert.equal(one('RestrictNamespaces'), 'yes');
  assert.equal(one('StateDirectory'), 'waitline-serve');
  assert.deepEqual([...words('RestrictAddressFamilies')].sort(), ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
  assert.match(one('MemoryMax') ?? '', /^\d+[KMG]$/);
  assert.ok(one('SystemCallFilter'), 'a system call filter');
});

test('what owners need is there, and nothing that would hide them or the kernel\'s tables', () => {
  // reading another user's /proc/PID/fd: CAP_DAC_READ_SEARCH to list it, CAP_SYS_PTRACE to readlink
  const caps = ['CAP_DAC_READ_SEARCH', 'CAP_SYS_PTRACE'];
  assert.deepEqual([...words('CapabilityBoundingSet')].sort(), caps);
  assert.deepEqual([...words('AmbientCapabilities')].sort(), caps);
  // the comments say what is shown without them
  assert.match(text, /Without both, only the service's own processes are\s+#?\s*attributed/);
  assert.notEqual(one('ProtectProc'), 'invisible', 'ProtectProc=invisible hides every other user\'s process');
  assert.notEqual(one('ProcSubset'), 'pid', 'ProcSubset=pid hides /proc/net and /proc/sys');
  assert.notEqual(one('PrivateNetwork'), 'yes', 'a private network namespace has none of the host\'s sockets');
  assert.notEqual(one('PrivateUsers'), 'yes', 'capabilities in a user namespace do not reach host processes');
  assert.notEqual(one('MemoryDenyWriteExecute'), 'yes', 'V8 needs writable-then-executable memory');
});

test('ExecStart: the installed app hands exactly `serve --metrics-only …` to the CLI, with flags serve knows', () => {
  const exec = service.get('ExecStart');
  assert.equal(exec?.length, 1);
  const argv = exec![0]!.split(/\s+/);
  assert.equal(argv[0], '/usr/bin/waitline');
  // the app's entry skips leading Chromium switches (electron/cli/app-args.ts)
  const cli = cliArgvOf(argv.slice(1));
  assert.ok(cli, `${argv.join(' ')} would open the window, not run the CLI`);
  assert.equal(cli[0], 'serve');
  assert.deepEqual(argv.slice(1, argv.indexOf('serve')), ['--no-sandbox'], 'Chromium switches before the command');
  const flags = cli.filter((a) => a.startsWith('--'));
  for (const f of flags) {
    const named = new RegExp(`(^|[\\s[|])${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s\\]|]|$)`, 'm');
    assert.match(SERVE_USAGE, named, `${f} is not a flag of waitline serve`);
  }
  const value = (flag: string) => cli[cli.indexOf(flag) + 1];
  assert.ok(flags.includes('--metrics-only'));
  assert.equal(value('--port'), '7780');
  assert.equal(value('--host'), '0.0.0.0');
  // the token comes from the credential systemd loads, the history from the state directory
  const [credName, credFile] = (one('LoadCredential') ?? '').split(':');
  assert.equal(credFile, '/etc/waitline/metrics-token');
  assert.equal(value('--metrics-token-file'), `%d/${credName}`);
  assert.equal(value('--state-dir'), `%S/${one('StateDirectory')}`);
  assert.ok(value('--alert-settings')?.startsWith(`%S/${one('StateDirectory')}/`), 'alert settings in the state directory');
  // HOME must be writable (Electron's profile): the state directory, not "/"
  assert.match(one('Environment') ?? '', new RegExp(`(^|\\s)HOME=%S/${one('StateDirectory')}(\\s|$)`));
});

test('systemd-analyze verify accepts the unit (ExecStart pointed at /bin/true), and its exposure is low', (t) => {
  const skip = requireTool('systemd-analyze', 'systemd');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-unit-'));
  try {
    const copy = join(dir, 'waitline-serve.service');
    const runnable = text.replace(/^ExecStart=\/usr\/bin\/waitline /m, 'ExecStart=/bin/true ');
    assert.notEqual(runnable, text, 'ExecStart rewritten');
    writeFileSync(copy, runnable);
    const verify = run('systemd-analyze', ['verify', copy], dir);
    // verify exits 0 on unknown keys and bad values, only printing them: any line about our file fails
    const complaints = verify.out.split('\n').filter((l) => l.includes('waitline-serve.service'));
    assert.equal(verify.status, 0, verify.out);
    assert.deepEqual(complaints, [], verify.out);

    // the check bites: a misspelt key and an executable that is not there are reported
    writeFileSync(copy, runnable.replace('ProtectSystem=strict', 'ProtectSytem=strict'));
    assert.match(run('systemd-analyze', ['verify', copy], dir).out, /Unknown key( name)? 'ProtectSytem'|Unknown lvalue 'ProtectSytem'/);
    writeFileSync(copy, text);
    const missing = run('systemd-analyze', ['verify', copy], dir);
    if (spawnable('/usr/bin/waitline')) {
      // Waitline is installed here: the unmodified unit verifies too
      assert.equal(missing.status, 0, missing.out);
    } else {
      assert.notEqual(missing.status, 0, 'verify must notice a missing executable');
      assert.match(missing.out, /\/usr\/bin\/waitline/);
    }

    writeFileSync(copy, runnable);
    const sec = run('systemd-analyze', ['security', '--offline=true', copy], dir);
    const score = /Overall exposure level for waitline-serve\.service: (\d+(?:\.\d+)?)/.exec(sec.out);
    if (!score) {
      if (/offline/i.test(sec.out) && sec.status !== 0) return t.skip(`systemd-analyze security --offline is not supported here: ${sec.out.trim().split('\n')[0]}`);
      assert.fail(sec.out);
    }
    console.log(`systemd-analyze security: exposure ${score[1]} (0 = locked down, 10 = exposed)`);
    assert.ok(Number(score[1]) <= 3, `exposure ${score[1]} > 3:\n${sec.out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function spawnable(file: string): boolean {
  return run('sh', ['-c', `test -x ${file}`]).status === 0;
}
