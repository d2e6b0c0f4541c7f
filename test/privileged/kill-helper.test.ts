// The socket-kill helper itself, as root, inside a throwaway network namespace with real sockets
// (test/kernel/socket-factory.mjs): an ESTABLISHED pair, a CLOSE_WAIT socket, a TIME_WAIT entry, IPv6
// and v4-mapped sockets disappear from `ss`; a nonexistent tuple is "not found"; the same hostile list
// the parser refuses (test/unit/shared/kill-endpoints.ts), in both positions, is refused by the helper
// with exit 4 and nothing is killed (the whole `ss` table is compared before and after). A kernel
// without CONFIG_INET_DIAG_DESTROY is simulated by stand-ins at the boundary, never by a hook in the
// helper: in a private mount namespace a fixture config is bind-mounted over /proc/config.gz, a fake
// release over /proc/sys/kernel/osrelease, and an `ss` whose -K does nothing (what ss does on such a
// kernel) over the real one. Also: shellcheck on the helper.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { KILL_HELPER_EXIT } from '../../electron/helper/constants';
import { LineReader } from '../kernel/lines';
import { createNetns, type Netns } from '../kernel/netns';
import { hostileEndpoints } from '../unit/shared/kill-endpoints';
import { requirePrivileged } from './polkit';
import { REPO, run } from './tuning-env';

const skip = requirePrivileged(['ip', 'ss', 'shellcheck', 'unshare', 'mount', 'gzip', 'python3']);
const HELPER = join(REPO, 'electron/helper/waitline-kill-helper');
const PORT = 45000;
const PORT6 = 45001;

/** Holds one CLOSE_WAIT socket and never touches it until told to `send` (then prints the errno). */
const LEAKER = `
import errno, json, os, socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname()); conn, _ = srv.accept()
cli.shutdown(socket.SHUT_WR)
print("READY " + json.dumps({"pid": os.getpid(), "server": srv.getsockname()[1], "client": cli.getsockname()[1], "fd": conn.fileno()}))
for line in sys.stdin:
    if line.strip() == "send":
        try:
            conn.send(b"x"); print("SENT ok")
        except OSError as e:
            print("SENT " + errno.errorcode.get(e.errno, str(e.errno)))
`;

interface Group {
  host: string;
  port: number;
  established: number[];
  halfClosed: number[];
  timeWait: number[];
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('waitline-kill-helper as root in a network namespace', { skip }, () => {
  let ns: Netns;
  let groups: Group[];
  let work: string;

  const helper = (args: string[]) => ns.exec(HELPER, args);
  const ssAll = async () => {
    const r = await ns.exec('ss', ['-tanH']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter(Boolean).sort();
  };
  /** the ss lines of the socket local → remote (any state) */
  const present = async (local: string, remote: string) => (await ssAll()).filter((l) => l.split(' ')[3] === local && l.split(' ')[4] === remote);
  const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'waitline-kill-helper-'));
    chmodSync(work, 0o755);
    ns = await createNetns('wl-kill');
    // keep TIME_WAIT entries for their whole 60 s (no reuse) so the table is stable during the test
    await ns.sysctl('net.ipv4.tcp_tw_reuse', '0');
    const f = new LineReader(
      ns.spawn(process.execPath, [
        join(REPO, 'test/kernel/socket-factory.mjs'),
        JSON.stringify({
          groups: [
            { host: '127.0.0.1', port: PORT, established: 3, halfClosed: 2, timeWait: 2 },
            { host: '::1', port: PORT6, established: 2, halfClosed: 1 },
          ],
        }),
      ]),
    );
    groups = (JSON.parse(await f.expect('READY')) as { groups: Group[] }).groups;
  });

  after(async () => {
    await ns?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is shellcheck-clean', () => {
    const r = run('shellcheck', ['-s', 'sh', HELPER]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it(`refuses ${hostileEndpoints(PORT).length * 2} hostile endpoints with exit 4 and kills nothing`, async () => {
    const client = `127.0.0.1:${groups[0]!.established[0]}`;
    const beforeTable = await ssAll();
    for (const h of hostileEndpoints(PORT)) {
      // hostile local with the real remote (the server side of a live pair), and the reverse
      for (const args of [
        ['kill', h.form, client],
        ['kill', client, h.form],
      ]) {
        const r = await helper(args);
        const label = `${h.why} ${JSON.stringify(args)}`;
        assert.equal(r.code, KILL_HELPER_EXIT.invalid, `${label}: exit ${r.code}\n${r.stdout}${r.stderr}`);
        const out = JSON.parse(r.stdout) as { ok: boolean; code: string; error: string };
        assert.equal(out.ok, false);
        assert.equal(out.code, 'invalid', label);
        assert.match(out.error, /^(local|remote|an argument)\b.*nothing was killed$/, label);
        // one line on stderr, the same sentence, no shell error leaking out
        assert.equal(r.stderr, `waitline-kill-helper: ${out.error}\n`, label);
      }
    }
    assert.deepEqual(await ssAll(), beforeTable, 'nothing was killed');
  });

  it('refuses usage errors and mixed families (nothing killed)', async () => {
    const beforeTable = await ssAll();
    const cases: [string[], number, string][] = [
      [[], KILL_HELPER_EXIT.usage, 'usage'],
      [['kill'], KILL_HELPER_EXIT.usage, 'usage'],
      [['kill', `127.0.0.1:${PORT}`], KILL_HELPER_EXIT.usage, 'usage'],
      [['kill', `127.0.0.1:${PORT}`, '127.0.0.1:1', '127.0.0.1:2'], KILL_HELPER_EXIT.usage, 'usage'],
      [['nuke', `127.0.0.1:${PORT}`, '127.0.0.1:1'], KILL_HELPER_EXIT.usage, 'usage'],
      [['check', 'x'], KILL_HELPER_EXIT.usage, 'usage'],
      [['kill', `127.0.0.1:${PORT}`, `[::1]:${groups[1]!.established[0]}`], KILL_HELPER_EXIT.invalid, 'invalid'],
    ];
    for (const [args, exit, code] of cases) {
      const r = await helper(args);
      assert.equal(r.code, exit, `${JSON.stringify(args)}: ${r.stdout}${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).code, code);
    }
    assert.deepEqual(await ssAll(), beforeTable);
  });

  it('a tuple with no socket is "not found" (exit 6), and nothing is killed', async () => {
    const beforeTable = await ssAll();
    // the server's port with a client port nobody uses, and a listening socket's own address
    for (const [l, r] of [
      [`127.0.0.1:${PORT}`, '127.0.0.1:1'],
      [`127.0.0.1:${PORT}`, `127.0.0.1:${PORT}`],
      [`[::1]:${PORT6}`, '[::1]:2'],
    ]) {
      const res = await helper(['kill', l!, r!]);
      assert.equal(res.code, KILL_HELPER_EXIT.notFound, res.stdout + res.stderr);
      const out = JSON.parse(res.stdout);
      assert.equal(out.code, 'not_found');
      assert.match(out.error, /no TCP socket .* in this network namespace.*nothing was killed/);
    }
    assert.deepEqual(await ssAll(), beforeTable);
  });

  it('check says destroying is available on this kernel (or why not)', async () => {
    const r = await helper(['check']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.ok([true, false, null].includes(out.available));
    if (out.available !== true) console.log(`# note: this kernel: ${out.reason}`);
  });

  it('kills one side of an ESTABLISHED pair: both ends disappear from ss, the rest stay', async () => {
    const c = groups[0]!.established[0]!;
    const client = `127.0.0.1:${c}`;
    const server = `127.0.0.1:${PORT}`;
    assert.equal((await present(client, server)).length, 1);
    assert.equal((await present(server, client)).length, 1);
    const others = (await ssAll()).filter((l) => !l.includes(`:${c} `) && !l.endsWith(`:${c}`));
    const r = await helper(['kill', client, server]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.equal(out.killed.length, 1);
    assert.equal(out.killed[0].state, 'ESTAB');
    assert.match(out.killed[0].process, /pid=\d+/);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(await present(client, server), []);
    assert.deepEqual(await present(server, client), [], 'the peer got a reset');
    assert.deepEqual(await ssAll(), others, 'no other socket was touched');
    // killing it again: not found
    const again = await helper(['kill', client, server]);
    assert.equal(again.code, KILL_HELPER_EXIT.notFound);
  });

  it('kills a CLOSE_WAIT socket: gone from ss, but the leaking process still holds its descriptor and its next send fails with ECONNABORTED', async () => {
    // a leaker that never reads or polls (like a real leak; Node would react to the error and close)
    const leaker = new LineReader(ns.spawn('python3', ['-u', '-c', LEAKER]));
    const { pid, server, client, fd } = JSON.parse(await leaker.expect('READY')) as { pid: number; server: number; client: number; fd: number };
    const s = `127.0.0.1:${server}`;
    const c = `127.0.0.1:${client}`;
    const [line] = await present(s, c);
    assert.match(line ?? '', /^CLOSE-WAIT /);
    const fdsBefore = fds(pid);
    const r = await helper(['kill', s, c]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.killed[0].state, 'CLOSE-WAIT');
    assert.match(out.killed[0].process, new RegExp(`pid=${pid},fd=${fd}\\b`));
    assert.deepEqual(await present(s, c), []);
    assert.equal(fds(pid), fdsBefore, 'the process still holds the file descriptor: the leak is not fixed');
    leaker.send('send');
    assert.equal(await leaker.expect('SENT'), 'ECONNABORTED');
    // the factory's CLOSE_WAIT socket too (a Node process: it sees the error and closes it itself)
    const h = groups[0]!.halfClosed[0]!;
    const f = await helper(['kill', `127.0.0.1:${PORT}`, `127.0.0.1:${h}`]);
    assert.equal(f.code, 0, f.stdout + f.stderr);
    assert.deepEqual(await present(`127.0.0.1:${PORT}`, `127.0.0.1:${h}`), []);
  });

  it('kills an IPv6 ESTABLISHED pair and an IPv6 CLOSE_WAIT socket', async () => {
    const c = groups[1]!.established[0]!;
    const r = await helper(['kill', `[::1]:${c}`, `[::1]:${PORT6}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(await present(`[::1]:${c}`, `[::1]:${PORT6}`), []);
    assert.deepEqual(await present(`[::1]:${PORT6}`, `[::1]:${c}`), []);
    const h = groups[1]!.halfClosed[0]!;
    const w = await helper(['kill', `[::1]:${PORT6}`, `[::1]:${h}`]);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    assert.deepEqual(await present(`[::1]:${PORT6}`, `[::1]:${h}`), []);
  });

  it('a v4-mapped endpoint names the same IPv4 socket', async () => {
    const c = groups[0]!.established[1]!;
    const r = await helper(['kill', `[::ffff:127.0.0.1]:${c}`, `127.0.0.1:${PORT}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await present(`127.0.0.1:${c}`, `127.0.0.1:${PORT}`), []);
  });

  it('TIME_WAIT: destroyed on Linux >= 6.0, "unavailable" before (release stand-in)', async () => {
    const tw = groups[0]!.timeWait;
    const release = run('uname', ['-r']).stdout.trim();
    const major = Number(release.split('.')[0]);
    if (major >= 6) {
      const r = await helper(['kill', `127.0.0.1:${tw[0]}`, `127.0.0.1:${PORT}`]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).killed[0].state, 'TIME-WAIT');
      assert.deepEqual(await present(`127.0.0.1:${tw[0]}`, `127.0.0.1:${PORT}`), []);
    }
    // a 5.15 kernel, as far as the helper can tell
    const old = join(work, 'osrelease-5.15');
    writeFileSync(old, '5.15.0-standin\n');
    const r = await standIn(`mount --bind ${shq(old)} /proc/sys/kernel/osrelease`, ['kill', `127.0.0.1:${tw[1]}`, `127.0.0.1:${PORT}`]);
    assert.equal(r.code, KILL_HELPER_EXIT.unavailable, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'unavailable');
    assert.match(out.error, /TIME_WAIT.*only from Linux 6\.0 on \(this is 5\.15\.0-standin\); nothing was killed/);
    assert.equal((await present(`127.0.0.1:${tw[1]}`, `127.0.0.1:${PORT}`)).length, 1, 'still there');
  });

  /** runs SETUP then the helper with ARGS in a private mount namespace inside the network namespace */
  function standIn(setup: string, args: string[]) {
    const script = `set -e\n${setup}\nset +e\n${[HELPER, ...args].map(shq).join(' ')}\n`;
    return ns.exec('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script]);
  }

  const NO_DESTROY = 'CONFIG_INET=y\nCONFIG_INET_DIAG=y\nCONFIG_INET_TCP_DIAG=y\n# CONFIG_INET_DIAG_DESTROY is not set\n';

  it('a kernel built without CONFIG_INET_DIAG_DESTROY: "unavailable" with the reason, nothing runs', async () => {
    const cfg = join(work, 'config-no-destroy.gz');
    writeFileSync(cfg, gzipSync(NO_DESTROY));
    const c = groups[0]!.established[2]!;
    const tuple = [`127.0.0.1:${c}`, `127.0.0.1:${PORT}`];
    const beforeTable = await ssAll();
    const r = await standIn(`mount --bind ${shq(cfg)} /proc/config.gz`, ['kill', ...tuple]);
    assert.equal(r.code, KILL_HELPER_EXIT.unavailable, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'unavailable');
    assert.equal(out.destroySupport, 'no');
    assert.match(out.error, /built without CONFIG_INET_DIAG_DESTROY \(\/proc\/config\.gz\).*ss -K would silently do nothing.*nothing was killed/);
    assert.deepEqual(await ssAll(), beforeTable);
    const check = await standIn(`mount --bind ${shq(cfg)} /proc/config.gz`, ['check']);
    assert.equal(check.code, 0);
    assert.equal(JSON.parse(check.stdout).available, false);
    // the /boot/config-RELEASE fallback, with no /proc/config.gz
    const boot = join(work, 'boot');
    run('mkdir', ['-p', boot]);
    writeFileSync(join(boot, 'config-6.1.0-hardened'), NO_DESTROY);
    const rel = join(work, 'osrelease-hardened');
    writeFileSync(rel, '6.1.0-hardened\n');
    const empty = join(work, 'empty');
    writeFileSync(empty, '');
    const b = await standIn(
      `mount --bind ${shq(empty)} /proc/config.gz 2>/dev/null || true\nmount --bind ${shq(rel)} /proc/sys/kernel/osrelease\nmount --bind ${shq(boot)} /boot`,
      ['kill', ...tuple],
    );
    assert.equal(b.code, KILL_HELPER_EXIT.unavailable, b.stdout + b.stderr);
    assert.match(JSON.parse(b.stdout).error, /6\.1\.0-hardened.*without CONFIG_INET_DIAG_DESTROY \(\/boot\/config-6\.1\.0-hardened\)/);
    assert.deepEqual(await ssAll(), beforeTable);
  });

  it('config unreadable and ss -K a silent no-op (such a kernel): "still present" with the likely cause', async () => {
    const fakeSs = join(work, 'ss-no-destroy');
    const realSs = join(work, 'real-ss');
    run('cp', [run('sh', ['-c', 'command -v ss']).stdout.trim(), realSs]);
    writeFileSync(fakeSs, `#!/bin/sh\n# stand-in for a kernel without SOCK_DESTROY: ss -K prints nothing and exits 0\ncase " $* " in *" -K "*) exit 0 ;; esac\nexec ${realSs} "$@"\n`);
    chmodSync(fakeSs, 0o755);
    const empty = join(work, 'empty');
    writeFileSync(empty, '');
    const rel = join(work, 'osrelease-unknown');
    writeFileSync(rel, '6.9.0-noconfig\n');
    const c = groups[0]!.established[2]!;
    const tuple = [`127.0.0.1:${c}`, `127.0.0.1:${PORT}`];
    const beforeTable = await ssAll();
    const setup = [
      `[ ! -e /proc/config.gz ] || mount --bind ${shq(empty)} /proc/config.gz`,
      `mount --bind ${shq(rel)} /proc/sys/kernel/osrelease`,
      `for p in /usr/sbin/ss /usr/bin/ss /sbin/ss /bin/ss; do [ ! -e "$p" ] || mount --bind ${shq(fakeSs)} "$p"; done`,
    ].join('\n');
    const r = await standIn(setup, ['kill', ...tuple]);
    assert.equal(r.code, KILL_HELPER_EXIT.stillPresent, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'still_present');
    assert.equal(out.destroySupport, 'unknown');
    assert.match(out.error, /still there after ss -K.*most likely because it was built without CONFIG_INET_DIAG_DESTROY/);
    assert.equal(out.after.length, 1);
    assert.deepEqual(await ssAll(), beforeTable);
  });
});
