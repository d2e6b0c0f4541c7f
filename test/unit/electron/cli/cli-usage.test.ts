// CLI argument handling (no root needed): wrong flags exit 2 with the usage text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { secondsFlag, UsageError } from '../../../../electron/cli/args';
import { formatSnapshot } from '../../../../electron/cli/snapshot';
import { makeSnapshot } from '../../shared/history-fixtures';

// English whatever the runner's locale (cli-locale.test.ts covers the languages)
const run = (...args: string[]) => spawnSync(process.execPath, ['bin/waitline.mjs', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C' } });

describe('waitline CLI usage', () => {
  it('is built', () => assert.ok(existsSync('dist/cli.mjs'), 'npm test builds the CLI first'));

  for (const argv of [['snapshot', '--bogus'], ['snapshot', '-x'], ['snapshot', '--interval', 'soon'], ['snapshot', '--interval'], ['snapshot', '--source', 'magic'], ['snapshot', 'extra'], ['frobnicate'], []]) {
    it(`exits 2 with usage for: waitline ${argv.join(' ')}`, () => {
      const r = run(...argv);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /usage: waitline/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('waitline --help lists every command with its one-line summary', () => {
    const r = run('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}snapshot {2}print one snapshot/m);
    assert.match(r.stdout, /^ {2}tune {6}read and change TCP sysctls/m);
    assert.match(r.stdout, /^ {2}serve {5}serve the dashboard over HTTP/m);
    assert.match(r.stdout, /^ {2}export {4}write history, sockets, port budgets or the tuning journal/m);
    assert.match(r.stdout, /^ {2}--lang en\|zh-CN {3}language of the text: en or zh-CN/m, 'the global --lang option');
    // and each listed command has a usage of its own
    for (const cmd of ['snapshot', 'tune', 'serve', 'export']) {
      const h = run(cmd, '--help');
      assert.equal(h.status, 0, `${cmd}: ${h.stderr}`);
      assert.match(h.stdout, new RegExp(`^usage: waitline ${cmd}`));
    }
  });

  it('--help documents snapshot and exits 0', () => {
    const r = run('snapshot', '--help');
    assert.equal(r.status, 0);
    for (const flag of ['--json', '--watch', '--interval']) assert.ok(r.stdout.includes(flag), flag);
  });
  for (const [given, shown] of [['1e3', '"1e3"'], ['-1', '"-1"'], ['5000', '"5000"'], ['0x10', '"0x10"'], ['2s', '"2s"']]) {
    it(`--interval ${given} says what is allowed and what it got`, () => {
      const r = run('snapshot', '--interval', given!);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^waitline snapshot: --interval takes seconds as a plain decimal from 0 to 3600, e\\.g\\. 2 or 0\\.5; got ${shown}\n`));
      assert.doesNotMatch(r.stderr, /must be a number of seconds/);
    });
  }

  it('--interval with --watch states the --watch bounds', () => {
    const r = run('snapshot', '--watch', '--interval=0.1');
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--interval takes seconds as a plain decimal from 0\.2 to 3600 with --watch, e\.g\. 2 or 0\.5; got "0\.1"/);
  });

  it('secondsFlag accepts plain decimals inside the bounds and refuses everything else with the allowed form', () => {
    assert.equal(secondsFlag(undefined, 'interval', 1, 0, 3600), 1);
    assert.equal(secondsFlag('0', 'interval', 1, 0, 3600), 0);
    assert.equal(secondsFlag('0.5', 'interval', 1, 0, 3600), 0.5);
    assert.equal(secondsFlag('3600', 'interval', 1, 0, 3600), 3600);
    for (const bad of ['1e3', '-1', '3600.5', '.5', '5.', '+2', ' 2', 'Infinity', 'NaN', '', '٣']) {
      assert.throws(() => secondsFlag(bad, 'interval', 1, 0, 3600), (e: Error) => {
        assert.ok(e instanceof UsageError, bad);
        assert.match(e.message, /^--interval takes seconds as a plain decimal from 0 to 3600, e\.g\. 2 or 0\.5; got "/, bad);
        return true;
      });
    }
    assert.throws(() => secondsFlag(true, 'interval', 1, 0, 3600), /; got nothing$/);
    assert.throws(() => secondsFlag('\u001b[2J'.repeat(20), 'interval', 1, 0, 3600), (e: Error) => !/\u001b/.test(e.message) && /…"$/.test(e.message));
  });
  it('counters say since when they count: boot, or the creation of this network namespace', () => {
    const snap = makeSnapshot({ time: 1_763_700_000_000 });
    const line = (netns?: 'initial' | 'other' | 'unknown') => formatSnapshot(snap, netns ? { netns } : {}).split('\n').find((l) => l.startsWith('Counters'));
    assert.equal(line('initial'), 'Counters (totals since boot; rates need two samples):');
    assert.equal(line('other'), 'Counters (totals since this network namespace was created; rates need two samples):');
    assert.equal(line('unknown'), 'Counters (totals since boot (or since this network namespace was created); rates need two samples):');
    assert.equal(line(), line('unknown'), 'without knowing, both are said');
  });

  it('inside a new network namespace the CLI says the counters started with it', (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root for unshare -n');
    const r = spawnSync('unshare', ['-n', process.execPath, 'bin/waitline.mjs', 'snapshot', '--interval', '0'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LC_ALL: 'C' } });
    if (r.error) return t.skip(`unshare unavailable: ${r.error.message}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\nCounters \(totals since this network namespace was created; rates need two samples\):\n/);
    assert.doesNotMatch(r.stdout, /since boot/);
  });
});
