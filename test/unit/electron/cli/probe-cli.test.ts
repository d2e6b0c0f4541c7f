// `waitline probe` argument handling through the built CLI (no root needed): bad input exits 2 with a
// message saying what is allowed; --help documents the caps and the exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

// English whatever the runner's locale
const run = (...args: string[]) => spawnSync(process.execPath, ['bin/waitline.mjs', 'probe', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C' } });

describe('waitline probe CLI usage', () => {
  it('--help documents the options, the caps and the exit codes', () => {
    const r = run('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: waitline probe HOST:PORT/);
    for (const s of ['--count', '--concurrency', '--rate', '--timeout', '--close-first', '--json', 'at most 100,000', 'at most 256', 'at most 2,000', '0.1 to 30', '130 interrupted']) {
      assert.ok(r.stdout.includes(s), s);
    }
  });

  const cases: [string[], RegExp][] = [
    [[], /HOST:PORT is missing/],
    [['127.0.0.1:80', '10.0.0.1:80'], /one HOST:PORT, not 2 arguments/],
    [['127.0.0.1'], /port is missing/],
    [['127.0.0.1:0'], /from 1 to 65535/],
    [['::1:80'], /put an IPv6 address in brackets/],
    [['0.0.0.0:80'], /not a host to connect to/],
    [['127.1:80'], /is not an IPv4 address/],
    [['127.0.0.1:80', '--count', '100001'], /--count takes a whole number from 1 to 100,000 \(a hard cap\); got 100001/],
    [['127.0.0.1:80', '--count', '1e3'], /--count takes a whole number/],
    [['127.0.0.1:80', '--concurrency', '257'], /from 1 to 256 \(a hard cap\)/],
    [['127.0.0.1:80', '--rate', '2001'], /from 1 to 2,000 \(a hard cap\)/],
    [['127.0.0.1:80', '--timeout', '0.05'], /--timeout takes seconds as a plain decimal from 0\.1 to 30/],
    [['127.0.0.1:80', '--timeout', '31'], /from 0\.1 to 30/],
    [['127.0.0.1:80', '--close-first', 'nobody'], /--close-first takes client or server/],
    [['127.0.0.1:80', '--bogus'], /unknown option --bogus/],
    [['127.0.0.1:80', '--source', 'magic'], /--source must be/],
    // a name that resolves to loopback is refused: loopback is probed only when typed
    [['localhost:80'], /localhost resolves to (127\.0\.0\.1|::1), a loopback address: .*run `waitline probe/],
  ];
  for (const [argv, re] of cases) {
    it(`exits 2 without connecting: waitline probe ${argv.join(' ')}`, () => {
      const r = run(...argv);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, re);
      assert.match(r.stderr, /usage: waitline probe/);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
