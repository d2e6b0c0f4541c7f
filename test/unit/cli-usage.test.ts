// CLI argument handling (no root needed): wrong flags exit 2 with the usage text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/waitline.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });

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

  it('--help documents snapshot and exits 0', () => {
    const r = run('snapshot', '--help');
    assert.equal(r.status, 0);
    for (const flag of ['--json', '--watch', '--interval']) assert.ok(r.stdout.includes(flag), flag);
  });
});
