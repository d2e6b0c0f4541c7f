// The desktop entry exactly as electron-builder will write it (rendered by electron-builder's own
// LinuxTargetHelper from electron-builder.yml and package.json), checked by desktop-file-validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import { loadBuilderConfig, packageJson, requireTool } from './packaging-helpers';

async function renderDesktopEntry(target: 'deb' | 'rpm'): Promise<{ text: string; fileName: string }> {
  const c = loadBuilderConfig();
  const pkg = packageJson();
  // The few packager fields computeDesktopEntry reads, filled from the same sources electron-builder
  // uses (productName has no characters to sanitize, so the sanitized name is the same).
  assert.match(c.productName, /^[A-Za-z0-9]+$/);
  const packager = {
    appInfo: { productName: c.productName, sanitizedProductName: c.productName, description: pkg.description },
    executableName: c.linux.executableName,
    info: { metadata: pkg },
    platformSpecificBuildOptions: c.linux,
    config: c,
    fileAssociations: [],
  };
  const helper = new LinuxTargetHelper(packager as never);
  // A target's options are the linux options overlaid with the target's own (FpmTarget).
  const text = await helper.computeDesktopEntry({ ...c.linux, ...c[target] } as never);
  return { text, fileName: `${helper.getDesktopFileName()}.desktop` };
}

function entries(text: string): Map<string, string> {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('['));
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('the desktop entry has the names, categories, keywords and window class the issue asks for', async () => {
  const { text, fileName } = await renderDesktopEntry('deb');
  const e = entries(text);
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
  assert.equal(fileName, pkg.desktopName);
  const rpm = await renderDesktopEntry('rpm');
  assert.equal(rpm.text, text, 'deb and rpm install the same entry');
});

test('desktop-file-validate accepts the entry (and rejects a broken one)', async (t) => {
  const skip = requireTool('desktop-file-validate', 'desktop-file-utils');
  if (skip) return t.skip(skip);
  const { text, fileName } = await renderDesktopEntry('deb');
  const dir = mkdtempSync(join(tmpdir(), 'waitline-desktop-'));
  try {
    const file = join(dir, fileName);
    writeFileSync(file, text);
    const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /error:/);
    // The validator really checks: an unregistered category and a missing Name are errors.
    const bad = join(dir, 'bad.desktop');
    writeFileSync(bad, text.replace('Categories=Network;System;Monitor;', 'Categories=Monitor;Bogus;').replace(/^Name=.*\n/m, ''));
    const rb = spawnSync('desktop-file-validate', [bad], { encoding: 'utf8' });
    assert.notEqual(rb.status, 0);
    assert.match(`${rb.stdout}${rb.stderr}`, /error:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
