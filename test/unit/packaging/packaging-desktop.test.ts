// The desktop entry exactly as electron-builder writes it — taken from a dry run of electron-builder's
// real Linux pipeline (test/unit/packaging/packaging-helpers.ts) — checked by desktop-file-validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dryRunPackages, packageJson, requireTool } from './packaging-helpers';

function entries(text: string): Map<string, string> {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('['));
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('the desktop entry has the names, categories, keywords and window class the issue asks for', async () => {
  const run = await dryRunPackages();
  const e = entries(run.deb.desktop);
  assert.equal(e.get('Name'), 'Waitline');
  assert.equal(e.get('GenericName'), 'TCP Connection Monitor');
  assert.match(e.get('Comment') ?? '', /TIME_WAIT/);
  assert.equal(e.get('Categories'), 'Network;System;Monitor;');
  const keywords = (e.get('Keywords') ?? '').split(';');
  assert.ok(keywords.includes('TIME_WAIT') && keywords.includes('TCP'), `Keywords=${e.get('Keywords')}`);
  assert.equal(e.get('Type'), 'Application');
  assert.equal(e.get('Icon'), 'waitline');
  assert.equal(e.get('Exec'), '/opt/Waitline/waitline %U');
  // Electron takes the window's app_id / WM_CLASS from package.json's desktopName; the entry must
  // name the same class, and be installed under the same name, for docks to group the window.
  const pkg = packageJson();
  const wmClass = pkg.desktopName.replace(/\.desktop$/, '');
  assert.equal(e.get('StartupWMClass'), wmClass);
  assert.equal(run.deb.desktopInstallPath, `/usr/share/applications/${pkg.desktopName}`);
  assert.equal(run.rpm.desktop, run.deb.desktop, 'deb and rpm install the same entry');
  assert.equal(run.rpm.desktopInstallPath, run.deb.desktopInstallPath);
  // The AppImage's entry differs only in how it starts (AppRun) and its version key.
  const a = entries(run.appImage.desktop);
  assert.equal(run.appImage.desktopFileName, pkg.desktopName);
  assert.match(a.get('Exec') ?? '', /^AppRun /);
  for (const key of ['Name', 'GenericName', 'Comment', 'Categories', 'Keywords', 'StartupWMClass', 'Icon']) {
    assert.equal(a.get(key), e.get(key), `AppImage ${key}`);
  }
});

test('desktop-file-validate accepts the deb/rpm and AppImage entries (and rejects a broken one)', async (t) => {
  const skip = requireTool('desktop-file-validate', 'desktop-file-utils');
  if (skip) return t.skip(skip);
  const run = await dryRunPackages();
  const dir = mkdtempSync(join(tmpdir(), 'waitline-desktop-'));
  try {
    for (const [what, text] of [
      ['deb/rpm', run.deb.desktop],
      ['AppImage', run.appImage.desktop],
    ] as const) {
      const file = join(dir, `${what === 'AppImage' ? 'appimage' : 'pkg'}-${run.appImage.desktopFileName}`);
      writeFileSync(file, text);
      const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${what}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(`${r.stdout}${r.stderr}`, /error:/, what);
    }
    // The validator really checks: an unregistered category and a missing Name are errors.
    const bad = join(dir, 'bad.desktop');
    writeFileSync(bad, run.deb.desktop.replace('Categories=Network;System;Monitor;', 'Categories=Monitor;Bogus;').replace(/^Name=.*\n/m, ''));
    const rb = spawnSync('desktop-file-validate', [bad], { encoding: 'utf8' });
    assert.notEqual(rb.status, 0);
    assert.match(`${rb.stdout}${rb.stderr}`, /error:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
