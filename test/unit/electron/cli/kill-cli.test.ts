// `waitline kill` and its client without privileges: CONFIG_INET_DIAG_DESTROY detection on fixture
// kernel configs (/proc/config.gz and /boot/config-RELEASE stand-ins), the "unavailable" result shown
// before any helper runs, the mapping of every helper exit code, and the CLI's words and exit codes
// (0 killed, 1 not killed, 2 usage) with a stand-in helper that records its argument vector. Hostile
// endpoints never reach the helper.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../../../../electron/cli/args';
import { runKill, formatKillResult } from '../../../../electron/cli/kill';
import { KILL_HELPER_EXIT } from '../../../../electron/helper/constants';
import { destroySupportFromConfig, detectDestroySupport, interpretKill, kernelAtLeast, KillClient } from '../../../../electron/privileged/kill-client';
import { CLOSE_WAIT_NOTE } from '../../../../shared/socket-tuple';
import { hostileEndpoints } from '../../shared/kill-endpoints';

let dir: string;
let fake: string;
let argsLog: string;
let reply: string;
const CFG_YES = 'CONFIG_INET=y\nCONFIG_INET_DIAG=m\nCONFIG_INET_TCP_DIAG=m\nCONFIG_INET_DIAG_DESTROY=y\n';
const CFG_NO = 'CONFIG_INET=y\nCONFIG_INET_DIAG=y\nCONFIG_INET_TCP_DIAG=y\n# CONFIG_INET_DIAG_DESTROY is not set\n';
const CFG_NO_DIAG = 'CONFIG_INET=y\n# CONFIG_INET_DIAG is not set\n';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await fn().catch((e: unknown) => {
      if (e instanceof UsageError) {
        err.push(e.message);
        return 2;
      }
      throw e;
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** a kernel stand-in: osrelease, /proc/config.gz (gzipped) and /boot/config-RELEASE, each optional */
function kernel(name: string, o: { release?: string; proc?: string; boot?: string }) {
  const root = join(dir, name);
  mkdirSync(join(root, 'boot'), { recursive: true });
  if (o.release !== undefined) writeFileSync(join(root, 'osrelease'), `${o.release}\n`);
  if (o.proc !== undefined) writeFileSync(join(root, 'config.gz'), gzipSync(o.proc));
  if (o.boot !== undefined) writeFileSync(join(root, 'boot', `config-${o.release}`), o.boot);
  return { procConfig: join(root, 'config.gz'), bootDir: join(root, 'boot'), osrelease: join(root, 'osrelease') };
}

function helperReplies(exit: number, json: object): void {
  writeFileSync(reply, `${exit}\n${JSON.stringify(json)}\n`);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'waitline-kill-cli-'));
  fake = join(dir, 'fake-kill-helper');
  argsLog = join(dir, 'args');
  reply = join(dir, 'reply');
  // records its argv (one per line) and answers what `reply` says: exit code, then the JSON line
  writeFileSync(
    fake,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >>'${argsLog}'\nsed -n 2p '${reply}'\nexit "$(sed -n 1p '${reply}')"\n`,
  );
  chmodSync(fake, 0o755);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('CONFIG_INET_DIAG_DESTROY detection', () => {
  it('reads the build config the way the helper does', () => {
    assert.equal(destroySupportFromConfig(CFG_YES, '/proc/config.gz', '6.1.0').available, true);
    const no = destroySupportFromConfig(CFG_NO, '/boot/config-6.1.0-hardened', '6.1.0-hardened');
    assert.equal(no.available, false);
    assert.match(no.reason!, /built without CONFIG_INET_DIAG_DESTROY \(\/boot\/config-6\.1\.0-hardened\).*ss -K would silently do nothing/);
    const noDiag = destroySupportFromConfig(CFG_NO_DIAG, '/proc/config.gz', '5.10.0');
    assert.equal(noDiag.available, false);
    assert.match(noDiag.reason!, /without CONFIG_INET_DIAG /);
  });

  it('/proc/config.gz first, then /boot/config-RELEASE, else unknown', () => {
    assert.equal(detectDestroySupport(kernel('proc-yes', { release: '6.8.0', proc: CFG_YES, boot: CFG_NO })).available, true);
    const boot = detectDestroySupport(kernel('boot-no', { release: '6.8.0-hard', boot: CFG_NO }));
    assert.equal(boot.available, false);
    assert.match(boot.source!, /boot\/config-6\.8\.0-hard$/);
    const none = detectDestroySupport(kernel('none', { release: '6.8.0' }));
    assert.equal(none.available, null);
    assert.match(none.reason!, /not readable/);
    // a release that is not a plain release string never becomes a path
    const odd = detectDestroySupport(kernel('odd', { release: '../../etc/x' }));
    assert.equal(odd.kernel, null);
    assert.equal(odd.available, null);
  });

  it('kernel versions for TIME_WAIT (6.0 and later)', () => {
    assert.equal(kernelAtLeast('6.0.0', 6, 0), true);
    assert.equal(kernelAtLeast('5.15.0-91-generic', 6, 0), false);
    assert.equal(kernelAtLeast('6.18.44-fc', 6, 0), true);
    assert.equal(kernelAtLeast('10.1', 6, 0), true);
    assert.equal(kernelAtLeast(null, 6, 0), null);
  });
});

describe('helper results', () => {
  const run = (exitCode: number, body: object | string, stderr = '') =>
    interpretKill({ exitCode, stdout: typeof body === 'string' ? body : JSON.stringify(body), stderr, spawnError: null }, 'pkexec');
  it('maps every exit code', () => {
    assert.deepEqual(run(0, { ok: true, killed: [{ state: 'ESTAB', local: 'a', remote: 'b', process: '' }], kernel: '6.1' }), {
      ok: true,
      killed: [{ state: 'ESTAB', local: 'a', remote: 'b', process: '' }],
      kernel: '6.1',
    });
    const codes: [number, string][] = [
      [KILL_HELPER_EXIT.invalid, 'invalid'],
      [KILL_HELPER_EXIT.usage, 'invalid'],
      [KILL_HELPER_EXIT.unavailable, 'unavailable'],
      [KILL_HELPER_EXIT.notFound, 'not_found'],
      [KILL_HELPER_EXIT.stillPresent, 'still_present'],
      [KILL_HELPER_EXIT.ssFailed, 'helper_failed'],
      [KILL_HELPER_EXIT.notRoot, 'helper_failed'],
    ];
    for (const [exit, code] of codes) {
      const r = run(exit, { ok: false, code, error: `the ${code} sentence` });
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.code, code, `exit ${exit}`);
        assert.equal(r.message, `the ${code} sentence`);
      }
    }
    const denied = run(127, '', 'Error executing command as another user: Not authorized');
    assert.equal(denied.ok ? '' : denied.code, 'not_authorized');
    assert.match(denied.ok ? '' : denied.message, /io\.github\.waitline\.kill-socket.*separate from the tuning action.*Not authorized/);
    assert.equal((run(126, '') as { code: string }).code, 'dismissed');
    // exit 0 without a proper result is not success
    assert.equal(run(0, 'garbage').ok, false);
    assert.equal(run(0, { ok: true }).ok, false);
  });
});

describe('waitline kill', () => {
  const yes = () => kernel('k-yes', { release: '6.8.0', proc: CFG_YES });
  const client = (support = yes()) => ({ direct: true, helperPath: fake, support });
  const calls = () => (existsSync(argsLog) ? readFileSync(argsLog, 'utf8') : '');

  it('hostile endpoints are usage errors (exit 2) and never reach the helper', async () => {
    rmSync(argsLog, { force: true });
    for (const h of hostileEndpoints(45000)) {
      for (const argv of [[h.form, '127.0.0.1:45000'], ['127.0.0.1:45000', h.form]]) {
        const r = await capture(() => runKill(argv, client()));
        assert.equal(r.code, 2, `${JSON.stringify(argv)}: ${r.out} ${r.err}`);
        assert.ok(r.err.length > 0);
      }
    }
    assert.equal(calls(), '', 'the helper never ran');
  });

  it('wrong number of endpoints is a usage error', async () => {
    for (const argv of [[], ['127.0.0.1:1'], ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']]) {
      assert.equal((await capture(() => runKill(argv, client()))).code, 2);
    }
  });

  it('a kernel without CONFIG_INET_DIAG_DESTROY: "unavailable" with the reason, exit 1, no helper run, no password asked', async () => {
    rmSync(argsLog, { force: true });
    const hard = kernel('k-hard', { release: '6.1.0-hardened', boot: CFG_NO });
    const r = await capture(() => runKill(['127.0.0.1:40000', '127.0.0.1:5000'], client(hard)));
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot kill sockets here: this kernel \(6\.1\.0-hardened\) was built without CONFIG_INET_DIAG_DESTROY.*nothing was killed/);
    assert.equal(calls(), '');
    const check = await capture(() => runKill(['--check'], client(hard)));
    assert.equal(check.code, 1);
    assert.match(check.out, /killing sockets is unavailable here: .*CONFIG_INET_DIAG_DESTROY/);
    const checkJson = await capture(() => runKill(['--check', '--json'], client(hard)));
    assert.deepEqual(JSON.parse(checkJson.out).available, false);
    const ok = await capture(() => runKill(['--check'], client()));
    assert.equal(ok.code, 0);
    assert.match(ok.out, /available here \(kernel 6\.8\.0, CONFIG_INET_DIAG_DESTROY=y/);
  });

  it('the helper saying "unavailable" (TIME_WAIT before 6.0) is shown as such', async () => {
    helperReplies(5, { ok: false, code: 'unavailable', error: 'the socket is in TIME_WAIT, and the kernel can destroy TIME_WAIT sockets only from Linux 6.0 on (this is 5.15.0); nothing was killed' });
    const r = await capture(() => runKill(['127.0.0.1:40000', '127.0.0.1:5000'], client()));
    assert.equal(r.code, 1);
    assert.match(r.err, /waitline kill: the socket is in TIME_WAIT.*only from Linux 6\.0/);
  });

  it('passes exactly the two endpoints as typed; CLOSE_WAIT says the leak is not fixed', async () => {
    rmSync(argsLog, { force: true });
    helperReplies(0, {
      ok: true,
      killed: [{ state: 'CLOSE-WAIT', local: '[::ffff:127.0.0.1]:5000', remote: '[::ffff:127.0.0.1]:40000', process: 'users:(("node",pid=7,fd=21))' }],
      kernel: '6.8.0',
    });
    const r = await capture(() => runKill(['[::ffff:127.0.0.1]:5000', '127.0.0.1:40000'], client()));
    assert.equal(r.code, 0, r.err);
    assert.equal(calls(), 'kill\n[::ffff:127.0.0.1]:5000\n127.0.0.1:40000\n');
    assert.match(r.out, /killed the CLOSE_WAIT socket .*ss no longer shows it/);
    assert.match(r.out, /the leak is not fixed by this.*still holds its file descriptor.*ECONNABORTED/);
    const j = await capture(() => runKill(['[::ffff:127.0.0.1]:5000', '127.0.0.1:40000', '--json'], client()));
    const body = JSON.parse(j.out);
    assert.equal(body.ok, true);
    assert.equal(body.killed[0].state, 'CLOSE_WAIT');
    assert.equal(body.note, CLOSE_WAIT_NOTE);
  });

  it('not found, still present and denied are exit 1 with their sentence', async () => {
    for (const [exit, code, text] of [
      [6, 'not_found', 'no TCP socket 127.0.0.1:40000 -> 127.0.0.1:5000 in this network namespace'],
      [7, 'still_present', 'the socket is still there after ss -K'],
    ] as const) {
      helperReplies(exit, { ok: false, code, error: text });
      const r = await capture(() => runKill(['127.0.0.1:40000', '127.0.0.1:5000', '--json'], client()));
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.out).code, code);
      assert.ok(r.err.includes(text));
    }
    helperReplies(127, {});
    const r = await capture(() => runKill(['127.0.0.1:40000', '127.0.0.1:5000'], client()));
    assert.equal(r.code, 1);
    assert.match(r.err, /not authorized/);
  });

  it('a missing helper is said, not attempted', async () => {
    const r = await capture(() => runKill(['127.0.0.1:40000', '127.0.0.1:5000'], { direct: true, helperPath: join(dir, 'nope'), support: yes() }));
    assert.equal(r.code, 1);
    assert.match(r.err, /kill helper is not installed/);
  });

  it('formats an ESTABLISHED kill and a socket that closed by itself', () => {
    assert.match(formatKillResult({ ok: true, killed: [{ state: 'ESTAB', local: 'a:1', remote: 'b:2', process: '' }], kernel: null }, 'a:1', 'b:2'), /ESTABLISHED.*\nnote: the peer gets a reset/);
    assert.match(formatKillResult({ ok: true, killed: [], kernel: null }, 'a:1', 'b:2'), /gone by the time/);
  });
});

describe('KillClient', () => {
  it('refuses invalid tuples itself', async () => {
    const r = await new KillClient({ direct: true, helperPath: fake }).kill('127.0.0.1:1', '[::1]:2');
    assert.equal(r.ok ? '' : r.code, 'invalid');
  });
});
