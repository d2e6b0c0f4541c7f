// Adversarial suite: well over 100 hostile invocations of the real helper, as root, inside a throwaway
// network namespace. Each must be refused with a specific error (JSON on stdout, the same sentence
// on stderr, a distinct exit code that is never 0, 126 or 127, and no shell error leaking out), and
// the checksums of /proc/sys/net (in the namespace and on the host), kernel.core_pattern,
// kernel.sysrq and /etc/sysctl.d must be identical before and after. Also: shellcheck on the helper.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELPER_EXIT } from '../../electron/helper/constants';
import { requirePrivileged } from './polkit';
import { Backup, HELPER_SOURCE, Netns, STATE_DIR, backupTuningState, hashNetSysctls, hashTree, run, sandbox, tagged } from './tuning-env';

const skip = requirePrivileged(['ip', 'shellcheck', 'sha256sum']);

interface Case {
  args: string[];
  exit: number;
  error: RegExp;
}

/** A hostile file system: SETUP runs first (in a throwaway mount + network namespace), then RUN, whose
 *  last helper result must exit with EXIT and CODE; the canary and every sysctl stay as they were. */
interface FsCase {
  name: string;
  setup: string;
  run: string;
  exit: number;
  code: string | null;
  /** extra checks on the tagged output */
  check?: (t: Map<string, string>) => void;
  /** the case itself changes sysctls on purpose (its check says how) */
  changesNet?: boolean;
}

const J = '/var/lib/waitline/journal';
const CONF = '/etc/sysctl.d/90-waitline.conf';
const SET = '$H set net.ipv4.tcp_fin_timeout=33';

function fsCases(): FsCase[] {
  const sym = (path: string, target = '$CANARY_DIR/file') => `ln -s ${target} ${path}`;
  const state = 'mkdir -m 755 -p /var/lib/waitline/journal';
  return [
    { name: 'lock is a symlink to a file', setup: `${state}; ${sym('/var/lib/waitline/lock')}`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'lock is a dangling symlink', setup: `${state}; ${sym('/var/lib/waitline/lock', '$CANARY_DIR/created')}`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'lock is a directory', setup: `${state}; mkdir /var/lib/waitline/lock`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'lock is a FIFO (no hang)', setup: `${state}; mkfifo /var/lib/waitline/lock`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'state directory is a symlink', setup: sym('/var/lib/waitline', '$CANARY_DIR'), run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'state directory is a file', setup: 'echo x >/var/lib/waitline', run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'state directory owned by another user', setup: 'mkdir -m 777 /var/lib/waitline; chown 65534 /var/lib/waitline', run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'journal directory is a symlink', setup: `mkdir -m 755 /var/lib/waitline; ${sym(J, '$CANARY_DIR')}`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'journal directory is a file', setup: `mkdir -m 755 /var/lib/waitline; echo x >${J}`, run: SET, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'the drop-in is a symlink (--persist)', setup: sym(CONF), run: `${SET} --persist`, exit: E.unsafePath, code: 'unsafe_path' },
    { name: 'the drop-in is a dangling symlink (--persist)', setup: sym(CONF, '$CANARY_DIR/created'), run: `${SET} --persist`, exit: E.unsafePath, code: 'unsafe_path' },
    {
      name: 'the drop-in is a directory (--persist): exit 9, never "persisted": true',
      setup: `mkdir ${CONF}`,
      run: `${SET} --persist`,
      exit: E.persist,
      code: 'persist_failed',
      check: (t) => assert.doesNotMatch(t.get('out')!, /"persisted":true/),
    },
    {
      name: "the old fixed temp name is a symlink: never used (random noclobber temp names)",
      setup: sym(`${CONF}.waitline-tmp`),
      run: `${SET} --persist`,
      exit: 0,
      code: null,
      check: (t) => assert.equal(t.get('conf'), 'net.ipv4.tcp_fin_timeout = 33'),
    },
    {
      name: 'a journal entry replaced by a symlink is not read (unknown id), its target untouched',
      setup: `${state}; A=$(id_of "$($H set net.ipv4.tcp_fin_timeout=33)"); $H revert "$A" >/dev/null; rm ${J}/$A.journal; ${sym(`${J}/$A.journal`)}; echo "@A $A"`,
      run: '$H revert "$A"',
      exit: E.unknownId,
      code: 'unknown_id',
    },
    {
      name: 'the drop-in made a symlink before confirm: confirm refused (15); the root waiter reverts',
      setup: `A=$(id_of "$($H set --confirm-within 5 --persist net.ipv4.tcp_fin_timeout=34)"); ${sym(CONF)}`,
      run: '$H confirm "$A"; rc=$?; sleep 7; (exit $rc)',
      exit: E.unsafePath,
      code: 'unsafe_path',
      changesNet: true,
      check: (t) => assert.equal(t.get('fin'), '60', 'reverted by the waiter at the deadline'),
    },
    {
      name: 'the drop-in made a symlink before reverting a persisted change: refused, values kept',
      setup: `A=$(id_of "$($H set --persist net.ipv4.tcp_fin_timeout=34)"); rm ${CONF}; ${sym(CONF)}; $H revert "$A" >/dev/null; echo "@fin34 $(fin)"; rm ${CONF}; echo 'net.ipv4.tcp_fin_timeout = 34' >${CONF}; ${sym(CONF + '.x')}; mv -T ${CONF}.x ${CONF}`,
      run: '$H revert "$A"',
      exit: E.unsafePath,
      code: 'unsafe_path',
      check: (t) => assert.equal(t.get('fin34'), '34'),
    },
    {
      name: 'a full disk under /var/lib/waitline: exit 13 for set, revert and confirm-within; journal intact, no waiter',
      setup: `${state}; A=$(id_of "$($H set net.ipv4.tcp_tw_reuse=1)"); mkdir /tmp/save; cp -a /var/lib/waitline/. /tmp/save/
mount -t tmpfs -o size=16k,mode=755 tmpfs /var/lib/waitline; cp -a /tmp/save/. /var/lib/waitline/
dd if=/dev/zero of=/var/lib/waitline/fill bs=1k count=64 2>/dev/null
echo "@jsum $(sha256sum <${J}/$A.journal)"
out=$($H set --confirm-within 5 net.ipv4.tcp_fin_timeout=35 2>/dev/null); echo "@cw $? $out"
echo "@waiters $(pgrep -f 'waitline-helper [e]xpire' | wc -l)"
out=$($H revert "$A" 2>/dev/null); echo "@rv $? $out"
echo "@reuse $(cat /proc/sys/net/ipv4/tcp_tw_reuse)"`,
      run: SET,
      exit: E.journalWrite,
      code: 'journal_write',
      check: (t) => {
        assert.match(t.get('cw')!, new RegExp(`^${E.journalWrite} .*nothing was changed`));
        assert.equal(t.get('waiters'), '0');
        assert.match(t.get('rv')!, new RegExp(`^${E.journalWrite} `));
        assert.equal(t.get('reuse'), '1', 'the refused revert changed nothing');
        assert.equal(t.get('jsum'), t.get('jsum-after'), 'the existing journal entry is intact');
        assert.equal(t.get('tmpfiles'), '0', 'no temp files left');
      },
    },
  ];
}

const E = HELPER_EXIT;
const REUSE = 'net.ipv4.tcp_tw_reuse';
const FIN = 'net.ipv4.tcp_fin_timeout';
const RANGE = 'net.ipv4.ip_local_port_range';
const RESERVED = 'net.ipv4.ip_local_reserved_ports';
const ID_SHAPE = /is not a change id \(like 20260101T120000Z-0123456789abcdef\)/;

function cases(): Case[] {
  const c: Case[] = [];
  const add = (args: string[], exit: number, error: RegExp) => c.push({ args, exit, error });
  const notAllowed = /not a sysctl Waitline may change/;

  // keys outside the allowlist
  for (const kv of [
    'kernel.core_pattern=|/tmp/pwn %p',
    'kernel.core_pattern=core',
    'kernel.sysrq=1',
    'kernel.modprobe=/tmp/x',
    'kernel.panic=1',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.all.accept_redirects=1',
    'net.core.rmem_max=1',
    'vm.overcommit_memory=1',
    'fs.protected_symlinks=0',
    'NET.IPV4.TCP_TW_REUSE=1',
    'net.ipv4.tcp_tw_reuse.=1',
    '.net.ipv4.tcp_tw_reuse=1',
    'net..ipv4.tcp_tw_reuse=1',
    'net.ipv4.tcp_tw_reuse_=1',
    'net.ipv4.tcp_tw_reuse =1',
    ' net.ipv4.tcp_tw_reuse=1',
    'net.ipv4.*=1',
    'net.ipv4.tcp_tw_reus?=1',
    'net.ipv4.tcp_tw_[r]euse=1',
  ]) {
    add(['set', kv], E.invalid, notAllowed);
  }
  add(['set', 'net.ipv4.tcp_tw_recycle=1'], E.invalid, /net\.ipv4\.tcp_tw_recycle: removed in Linux 4\.12, cannot be set/);
  add(['set', 'net.ipv4.ip_unprivileged_port_start=0'], E.invalid, /read-only, Waitline does not change it/);
  add(['set', 'net.ipv4.tcp_ehash_entries=1'], E.invalid, /read-only, Waitline does not change it/);
  add(['set', 'net.ipv4.tcp_tw_reuse\n=1'], E.invalid, /a value with control or non-ASCII characters: not a sysctl/);

  // path tricks in keys
  for (const kv of [
    'net/ipv4/tcp_tw_reuse=1',
    '/proc/sys/net/ipv4/tcp_tw_reuse=1',
    '../../../../proc/sys/kernel/core_pattern=x',
    'net.ipv4.tcp_tw_reuse/../../../kernel/core_pattern=x',
    'net.ipv4.../../kernel.core_pattern=x',
    '/etc/passwd=root::0:0::/:/bin/sh',
    '~root=1',
    'net.ipv4.tcp_tw_reuse/=1',
  ]) {
    add(['set', kv], E.invalid, notAllowed);
  }
  add(['set', '=1'], E.invalid, /\(empty\): not a sysctl Waitline may change/);

  // shell metacharacters and command substitutions in values
  for (const v of ['$(id)', '`id`', ';reboot', '1;id', '1&&id', '1||id', '1|id', '1>x', '1<x', '1&', "'1'", '"1"', '1\\', '$HOME', '${IFS}', '*', '?', '!1', '1#']) {
    add(['set', `${REUSE}=${v}`], E.invalid, /net\.ipv4\.tcp_tw_reuse: .* is not one of 0, 1, 2/);
  }
  for (const v of ['$(touch /tmp/waitline-pwned)', '`touch /tmp/waitline-pwned`', '1;touch /tmp/waitline-pwned']) {
    add(['set', `${FIN}=${v}`], E.invalid, /net\.ipv4\.tcp_fin_timeout: .* is not a decimal integer|contains whitespace/);
  }

  // whitespace and newlines
  for (const v of [' 1', '1 ', '1\t', '\t1', '1\n', '\n1', '1\n2', '1\r', ' ']) {
    add(['set', `${FIN}=${v}`], E.invalid, /net\.ipv4\.tcp_fin_timeout: .*(contains whitespace|is not a decimal integer)/);
  }

  // numbers in the wrong form
  const num: [string, RegExp][] = [
    ['-1', /is negative/],
    ['-0', /is negative/],
    ['+1', /is not a decimal integer/],
    ['0x1e', /is hexadecimal/],
    ['0X1E', /is hexadecimal/],
    ['1e3', /is not a whole decimal number/],
    ['1E3', /is not a whole decimal number/],
    ['3.5', /is not a whole decimal number/],
    ['.5', /is not a whole decimal number/],
    ['030', /has a leading zero/],
    ['00', /has a leading zero/],
    ['99999999999999999999', /is too long/],
    ['18446744073709551617', /is too long/],
    ['٣٠', /control or non-ASCII characters is not a decimal integer/],
    ['３０', /control or non-ASCII characters is not a decimal integer/],
    ['३०', /control or non-ASCII characters is not a decimal integer/],
    ['30s', /is not a decimal integer/],
    ['thirty', /is not a decimal integer/],
    ['', /\(empty\) is empty/],
    ['0', /0 is outside 1-600/],
    ['601', /601 is outside 1-600/],
    ['4294967296', /4294967296 is outside 1-600/],
  ];
  for (const [v, re] of num) add(['set', `${FIN}=${v}`], E.invalid, new RegExp(`net\\.ipv4\\.tcp_fin_timeout: .*${re.source}`));
  add(['set', `${REUSE}=3`], E.invalid, /net\.ipv4\.tcp_tw_reuse: 3 is not one of 0, 1, 2/);
  add(['set', `${REUSE}=`], E.invalid, /net\.ipv4\.tcp_tw_reuse: \(empty\) is not one of 0, 1, 2/);
  add(['set', 'net.ipv4.tcp_rfc1337=2'], E.invalid, /net\.ipv4\.tcp_rfc1337: 2 is not one of 0, 1/);
  add(['set', 'net.ipv4.tcp_syn_retries=0'], E.invalid, /net\.ipv4\.tcp_syn_retries: 0 is outside 1-127/);
  add(['set', 'net.ipv4.tcp_syn_retries=128'], E.invalid, /outside 1-127/);
  add(['set', 'net.ipv4.tcp_tw_reuse_delay=0'], E.invalid, /outside 1-60000/);
  add(['set', 'net.ipv4.tcp_tw_reuse_delay=60001'], E.invalid, /outside 1-60000/);
  add(['set', 'net.ipv4.tcp_max_tw_buckets=0'], E.invalid, /outside 1024-16777216/);
  add(['set', 'net.ipv4.tcp_synack_retries=256'], E.invalid, /outside 0-255/);
  add(['set', 'net.core.somaxconn=0'], E.invalid, /net\.core\.somaxconn: 0 is outside 1-4194304/);

  // the port range pair
  const rng: [string, RegExp][] = [
    ['1000 2000', /low port 1000 is below net\.ipv4\.ip_unprivileged_port_start \(1024\)/],
    ['40000 40000', /low port 40000 must be below high port 40000/],
    ['50000 40000', /low port 50000 must be below high port 40000/],
    ['40000', /is not two port numbers separated by one space/],
    ['40000  50000', /is not two port numbers/],
    ['40000\n50000', /control or non-ASCII characters is not two port numbers/],
    ['40000,50000', /is not two port numbers/],
    ['40000-50000', /is not two port numbers/],
    [' 40000 50000', /is not two port numbers/],
    ['40000 50000 ', /is not two port numbers/],
    ['40000 50000 60000', /is not two port numbers/],
    ['0 50000', /low port 0 is outside 1-65535/],
    ['40000 65536', /high port 65536 is outside 1-65535/],
    ['040000 50000', /is not two port numbers/],
    ['-1 50000', /is not two port numbers/],
    ['', /\(empty\) is not two port numbers/],
  ];
  for (const [v, re] of rng) add(['set', `${RANGE}=${v}`], E.invalid, new RegExp(`net\\.ipv4\\.ip_local_port_range: .*${re.source}`));

  // the reserved-ports list
  const lst: [string, RegExp][] = [
    ['1,,2', /has an empty entry/],
    [',1', /has an empty entry/],
    ['1,', /has an empty entry/],
    ['5-3', /range 5-3 ends before it starts/],
    ['0', /0 is outside 1-65535/],
    ['65536', /65536 is outside 1-65535/],
    ['1;id', /may contain only digits, commas and dashes/],
    ['1 2', /may contain only digits, commas and dashes/],
    ['1-2-3', /is not a port or a range like 2-4/],
    ['-5', /is not a port or a range like 2-4/],
    ['a', /may contain only digits, commas and dashes/],
    [Array.from({ length: 65 }, (_, i) => String(40000 + i)).join(','), /more than 64 entries/],
  ];
  for (const [v, re] of lst) add(['set', `${RESERVED}=${v}`], E.invalid, new RegExp(`net\\.ipv4\\.ip_local_reserved_ports: .*${re.source}`));

  // duplicates, mixed batches (a valid key first: all-or-nothing), argument shape
  add(['set', `${REUSE}=1`, `${REUSE}=1`], E.invalid, /net\.ipv4\.tcp_tw_reuse: given more than once/);
  add(['set', `${REUSE}=1`, `${REUSE}=0`], E.invalid, /given more than once/);
  add(['set', `${REUSE}=1`, `${FIN}=abc`], E.invalid, /net\.ipv4\.tcp_fin_timeout: abc is not a decimal integer; nothing was changed/);
  add(['set', `${REUSE}=0`, 'kernel.core_pattern=x'], E.invalid, /kernel\.core_pattern: not a sysctl Waitline may change/);
  add(['set', `${RANGE}=40000 60999`, `${FIN}=30`, 'net.ipv4.tcp_syncookies=9'], E.invalid, /net\.ipv4\.tcp_syncookies: 9 is not one of 0, 1, 2/);
  add(['set', REUSE], E.usage, /net\.ipv4\.tcp_tw_reuse: expected KEY=VALUE/);
  add(['set', `${REUSE}=1`, '--persist', '--persist'], E.usage, /--persist given twice/);
  add(['set', `${REUSE}=1`, '--persist=1'], E.usage, /unknown option --persist=1/);
  add(['set', `${REUSE}=1`, '-p'], E.usage, /unknown option -p/);
  add(['set', `${REUSE}=1`, '--root=/tmp'], E.usage, /unknown option --root=\/tmp/);
  add(['set', `${REUSE}=1`, '--conf=/etc/passwd'], E.usage, /unknown option/);
  add(['set'], E.usage, /set needs at least one KEY=VALUE/);
  add(['set', '--persist'], E.usage, /set needs at least one KEY=VALUE/);
  add(['set', ...Array.from({ length: 30 }, () => `${REUSE}=1`)], E.usage, /too many arguments \(31; at most 26\)/);
  add(['set', `${FIN}=${'1'.repeat(600)}`], E.usage, /an argument is longer than 512 bytes/);

  // unknown subcommands
  for (const sub of ['', 'SET', 'frob', 'sets', 'set;id', '--help', '-h', 'rm', '$(id)', 'get', 'persist']) {
    add([sub, `${REUSE}=1`], E.usage, /unknown command .* \(expected set, confirm, revert or list\)/);
  }
  add([], E.usage, /usage: waitline-helper set/);
  add(['list', 'extra'], E.usage, /list takes no arguments/);

  // bad revert ids
  add(['revert'], E.usage, /revert takes exactly one change id/);
  add(['revert', '20260101T000000Z-1', '20260101T000000Z-2'], E.usage, /revert takes exactly one change id/);
  for (const id of [
    '',
    '../x',
    '/etc/passwd',
    '../../etc/shadow',
    '*',
    '20260101T000000Z-1;id',
    '20260101T000000Z-$(id)',
    '20260101T000000Z-1/../../x',
    '20260101T000000Z-99999999999',
    '20260101T000000Z-1\n',
    '20260101T000000Z-',
    '2026-01-01T00:00:00Z-1',
    '20260101t000000z-1',
    '20260101T000000Z-0x1',
  ]) {
    add(['revert', id], E.invalid, ID_SHAPE);
  }
  add(['revert', '20260101T000000Z-1'], E.unknownId, /no change with id 20260101T000000Z-1 in the journal/);
  add(['revert', '20260101T000000Z-0123456789abcdef'], E.unknownId, /no change with id/);
  add(['revert', '--cascade', '20260101T000000Z-0123456789abcdef'], E.unknownId, /no change with id/);
  add(['revert', '--cascade', '--cascade', '20260101T000000Z-1'], E.usage, /--cascade given twice/);
  add(['revert', '--cascade'], E.usage, /revert takes exactly one change id/);
  for (const id of ['20260101T000000Z-0123456789ABCDEF', '20260101T000000Z-0123456789abcdeg', '20260101T000000Z-0123456789abcdef0', '20260101T000000Z-0123456789abcde']) {
    add(['revert', id], E.invalid, ID_SHAPE);
  }

  // confirm and the confirmation window
  add(['confirm'], E.usage, /confirm takes exactly one change id/);
  add(['confirm', '20260101T000000Z-1', '20260101T000000Z-2'], E.usage, /confirm takes exactly one change id/);
  for (const id of ['', '../x', '20260101T000000Z-1;id', '*']) add(['confirm', id], E.invalid, ID_SHAPE);
  add(['confirm', '20260101T000000Z-0123456789abcdef'], E.unknownId, /no change with id/);
  for (const w of ['0', '4', '601', '-1', '05', '5s', '1e2', '', '99999999999']) {
    add(['set', '--confirm-within', w, `${REUSE}=1`], E.usage, /--confirm-within takes whole seconds from 5 to 600/);
  }
  add(['set', `${REUSE}=1`, '--confirm-within'], E.usage, /--confirm-within needs a number of seconds/);
  add(['set', '--confirm-within', '30', '--confirm-within', '30', `${REUSE}=1`], E.usage, /--confirm-within given twice/);
  add(['set', '--confirm-within=30', `${REUSE}=1`], E.usage, /unknown option --confirm-within=30/);
  add(['set', '--confirm-within', '30'], E.usage, /set needs at least one KEY=VALUE/);
  add(['set', '--confirm-within', '30', `${REUSE}=9`], E.invalid, /net\.ipv4\.tcp_tw_reuse: 9 is not one of 0, 1, 2/);

  // the internal waiter entry point
  add(['expire'], E.usage, /expire takes a change id and a delay/);
  add(['expire', '../x', '5'], E.invalid, ID_SHAPE);
  add(['expire', '20260101T000000Z-0123456789abcdef', '601'], E.usage, /expire: bad delay 601/);
  add(['expire', '20260101T000000Z-0123456789abcdef', '$(id)'], E.usage, /expire: bad delay/);
  add(['revert', '19700101T000000Z-4294967295'], E.unknownId, /no change with id/);
  return c;
}

describe('the helper refuses hostile input, and nothing changes', { skip }, () => {
  const backup = new Backup();
  let ns: Netns;
  let evilBin: string;
  const list = cases();
  const sums: Record<string, string> = {};
  const snapshot = () => ({
    netnsSysctls: hashNetSysctls(ns),
    hostSysctls: hashNetSysctls(null),
    corePattern: readFileSync('/proc/sys/kernel/core_pattern', 'utf8'),
    sysrq: existsSync('/proc/sys/kernel/sysrq') ? readFileSync('/proc/sys/kernel/sysrq', 'utf8') : 'absent on this kernel',
    sysctlD: hashTree('/etc/sysctl.d'),
  });

  before(() => {
    backupTuningState(backup);
    ns = new Netns().create();
    Object.assign(sums, snapshot());
    evilBin = mkdtempSync(join(tmpdir(), 'waitline-evil-path-'));
    for (const tool of ['tr', 'sed', 'cat', 'awk', 'date', 'mkdir', 'mv', 'flock', 'readlink', 'id']) {
      const p = join(evilBin, tool);
      writeFileSync(p, `#!/bin/sh\ntouch ${join(evilBin, 'PWNED')}\nexit 0\n`);
      chmodSync(p, 0o755);
    }
  });

  after(() => {
    ns?.remove();
    backup.restore();
    if (evilBin) rmSync(evilBin, { recursive: true, force: true });
    rmSync('/tmp/waitline-pwned', { force: true });
  });

  it(`has at least 100 cases (${list.length})`, () => {
    assert.ok(list.length >= 100, String(list.length));
  });

  it('refuses every case with its specific error, a distinct exit code, and no shell noise', () => {
    const failures: string[] = [];
    for (const c of list) {
      const r = ns.exec(HELPER_SOURCE, c.args);
      const label = JSON.stringify(c.args).slice(0, 120);
      if (r.status !== c.exit) failures.push(`${label}: exit ${r.status}, expected ${c.exit}; ${r.stdout}${r.stderr}`);
      if (r.status === 0 || r.status === 126 || r.status === 127) failures.push(`${label}: forbidden exit ${r.status}`);
      let json: { ok?: boolean; code?: string; error?: string } = {};
      try {
        json = JSON.parse(r.stdout);
      } catch {
        failures.push(`${label}: stdout is not one JSON object: ${JSON.stringify(r.stdout)}`);
        continue;
      }
      if (json.ok !== false || typeof json.error !== 'string' || typeof json.code !== 'string') failures.push(`${label}: bad result ${r.stdout}`);
      else {
        if (!c.error.test(json.error)) failures.push(`${label}: error "${json.error}" does not match ${c.error}`);
        if (r.stderr !== `waitline-helper: ${json.error}\n`) failures.push(`${label}: stderr has more than the error: ${JSON.stringify(r.stderr)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal(existsSync('/tmp/waitline-pwned'), false, 'no command substitution ran');
  });

  it('the shared catalog (renderer, CLI, client) refuses every single-value case the helper refuses', async () => {
    const { validateSysctlValue } = await import('../../shared/sysctl-catalog');
    const missed: string[] = [];
    for (const c of list) {
      if (c.args[0] !== 'set' || c.args.length !== 2 || c.exit !== E.invalid) continue;
      const eq = c.args[1]!.indexOf('=');
      const r = validateSysctlValue(c.args[1]!.slice(0, eq), c.args[1]!.slice(eq + 1), { unprivilegedPortStart: 1024 });
      if (r.ok) missed.push(JSON.stringify(c.args[1]));
    }
    assert.deepEqual(missed, []);
  });

  it('ignores a hostile PATH (the helper sets its own)', () => {
    const r = ns.exec('env', [`PATH=${evilBin}`, HELPER_SOURCE, 'set', `${REUSE}=7`]);
    assert.equal(r.status, E.invalid, r.stdout + r.stderr);
    const l = ns.exec('env', [`PATH=${evilBin}:/usr/bin:/bin`, 'IFS=0', HELPER_SOURCE, 'list']);
    assert.equal(l.status, 0, l.stderr);
    assert.ok(JSON.parse(l.stdout).ok);
    assert.equal(existsSync(join(evilBin, 'PWNED')), false, 'a tool from the hostile PATH ran');
  });

  for (const fc of fsCases()) {
    it(`hostile file system: ${fc.name}`, () => {
      const script = `echo canary >$CANARY_DIR/file
canary() { sha256sum <$CANARY_DIR/file; ls -A $CANARY_DIR | tr '\\n' ' '; }
nethash() { grep -r . /proc/sys/net 2>/dev/null | sha256sum; }
${fc.setup}
echo "@canary0 $(canary)"; echo "@net0 $(nethash)"
out=$({ ${fc.run}; } 2>/tmp/stderr); echo "@rc $?"; echo "@fin $(fin)"; echo "@out $out"; echo "@err $(cat /tmp/stderr)"
echo "@canary1 $(canary)"; echo "@net1 $(nethash)"
echo "@conf $(tail -n 1 ${CONF} 2>/dev/null)"
[ -z "\${A:-}" ] || echo "@jsum-after $(sha256sum <${J}/$A.journal 2>/dev/null)"
echo "@tmpfiles $(ls -A ${J} 2>/dev/null | grep -c '\\.tmp$')"
`;
      const r = sandbox(script, 60_000);
      assert.equal(r.status, 0, r.stderr);
      const t = tagged(r.stdout);
      const detail = `${r.stdout}\n${r.stderr}`;
      assert.equal(t.get('rc'), String(fc.exit), detail);
      if (fc.code) {
        const j = JSON.parse(t.get('out')!) as { ok: boolean; code: string; error: string };
        assert.equal(j.ok, false);
        assert.equal(j.code, fc.code, detail);
        assert.equal(t.get('err'), `waitline-helper: ${j.error}`, 'the same sentence on stderr, nothing else');
        if (!fc.changesNet) assert.equal(t.get('net1'), t.get('net0'), 'no sysctl changed in the namespace');
      }
      assert.equal(t.get('canary1'), t.get('canary0'), 'the canary (file and folder) is untouched');
      fc.check?.(t);
    });
  }

  it('leaves /proc/sys/net (namespace and host), kernel.core_pattern, kernel.sysrq and /etc/sysctl.d identical', () => {
    assert.deepEqual(snapshot(), sums);
    // control: the checksum does notice a one-value change in the namespace
    assert.equal(ns.exec('sh', ['-c', 'echo 31 > /proc/sys/net/ipv4/tcp_fin_timeout']).status, 0);
    assert.notEqual(hashNetSysctls(ns), sums.netnsSysctls);
    // refusals never reach the journal: only the unknown-id lookups take the lock
    if (existsSync(STATE_DIR)) assert.equal(run('sh', ['-c', `ls ${STATE_DIR}/journal | wc -l`]).stdout.trim(), '0');
  });

  it('passes shellcheck', () => {
    const r = run('shellcheck', ['--shell=sh', '--severity=style', HELPER_SOURCE]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
