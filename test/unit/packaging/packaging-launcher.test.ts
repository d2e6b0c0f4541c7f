// /usr/bin/waitline of the deb/rpm (electron/packaging/linux/launcher.sh): shellcheck-clean, run for
// real by dash and bash against a stand-in app that records its arguments, in step with the rule the
// app's entry applies (electron/cli/app-args.ts: cliArgvOf), and pointing at the executable the
// packages install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgvOf } from '../../../electron/cli/app-args';
import { dryRunPackages, hasTool, loadBuilderConfig, requireTool, ROOT } from './packaging-helpers';

const LAUNCHER = join(ROOT, 'electron/packaging/linux/launcher.sh');
const APP_LINE = /^app=(\/\S+)$/m;

/** Argument lists: typed commands, desktop-style launches, switches, paths, look-alikes. */
const CASES: string[][] = [
  [],
  ['snapshot'],
  ['snapshot', '--json'],
  ['tune', 'get', 'tcp_tw_reuse'],
  ['serve', '--port', '0'],
  ['help'],
  ['--help'],
  ['-h'],
  ['--no-sandbox'],
  ['--no-sandbox', 'snapshot', '--interval', '0'],
  ['--no-sandbox', '--ozone-platform=wayland', 'tune', 'get'],
  ['--no-sandbox', '--help'],
  ['snapshto'],
  ['export-all'],
  ['Snapshot'],
  ['snap_shot'],
  ['/home/me/file.txt'],
  ['https://example.com/'],
  ['é'],
  ['1snapshot'],
  ['--', 'snapshot'],
  ['--enable-logging', '--v=1'],
  ['snapshot', 'with space', '"quoted"', '$HOME', '*'],
  ['--lang', 'zh-CN', 'snapshot'],
  ['--lang=zh-CN', 'tune', 'get'],
  ['--no-sandbox', '--lang', 'zh-CN', '--help'],
  ['--lang', 'zh-CN'],
  ['--lang', 'en', '/home/me/file.txt'],
];

function withStandIn<T>(fn: (script: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-launcher-'));
  try {
    const app = join(dir, 'app');
    // prints one argument per line, NUL-safe enough for these cases
    writeFileSync(app, '#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done\n');
    chmodSync(app, 0o755);
    const text = readFileSync(LAUNCHER, 'utf8');
    assert.match(text, APP_LINE);
    const script = join(dir, 'launcher.sh');
    writeFileSync(script, text.replace(APP_LINE, `app=${app}`));
    return fn(script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function launch(shell: string, script: string, args: string[]): string[] {
  const r = spawnSync(shell, [script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}

for (const shell of ['dash', 'bash']) {
  test(`the launcher under ${shell} adds --ozone-platform=headless exactly when the app's entry runs the CLI`, (t) => {
    if (!hasTool(shell)) {
      if (process.env.CI === 'true') assert.fail(`${shell} is missing`);
      return t.skip(`${shell} is not installed`);
    }
    withStandIn((script) => {
      let cli = 0;
      for (const args of CASES) {
        const got = launch(shell, script, args);
        const wantCli = cliArgvOf(args) !== null;
        cli += wantCli ? 1 : 0;
        // every argument passes through unchanged, in order; the switch, when added, comes first
        assert.deepEqual(got, wantCli ? ['--ozone-platform=headless', ...args] : args, `${shell} waitline ${JSON.stringify(args)}`);
      }
      // both kinds occur in the table (the check above could not pass by always doing one thing)
      assert.ok(cli >= 8 && cli <= CASES.length - 8, `${cli} of ${CASES.length} are CLI launches`);
    });
  });
}

test('the launcher is shellcheck-clean, executable, and starts the executable the deb and rpm install', async (t) => {
  assert.ok(statSync(LAUNCHER).mode & 0o111, 'executable in the tree');
  const text = readFileSync(LAUNCHER, 'utf8');
  assert.match(text, /^#!\/bin\/sh\n/);
  const app = APP_LINE.exec(text)![1]!;
  const run = await dryRunPackages();
  const c = loadBuilderConfig();
  for (const target of ['deb', 'rpm'] as const) {
    // electron-builder maps the unpacked app folder to its install folder ("…/linux-unpacked/=/opt/Waitline")
    const installDir = run[target].args.find((a) => /=\/opt\/[^/=]+\/?$/.test(a))!.split('=')[1]!.replace(/\/$/, '');
    assert.equal(app, `${installDir}/${c.linux.executableName}`, target);
  }
  const skip = requireTool('shellcheck', 'shellcheck');
  if (skip) return t.skip(skip);
  const r = spawnSync('shellcheck', ['-s', 'sh', LAUNCHER], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('the CLI language flag before the command goes to the CLI with it, never taken for a command', () => {
  assert.deepEqual(cliArgvOf(['--lang', 'zh-CN', 'snapshot', '--json']), ['--lang', 'zh-CN', 'snapshot', '--json']);
  assert.deepEqual(cliArgvOf(['--no-sandbox', '--lang=en', 'tune', 'get']), ['--lang=en', 'tune', 'get']);
  // "en" after --lang looks like a command word, but it is the flag's value: no command → the window
  assert.equal(cliArgvOf(['--lang', 'en']), null);
  assert.equal(cliArgvOf(['--lang', 'en', '/home/me/file.txt']), null);
});
