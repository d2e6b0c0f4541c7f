// electron-builder.yml: valid against electron-builder's JSON schema (with ajv, and through
// electron-builder's own loader and validator), and consistent with the files it ships — the helper
// and policy at the paths the policy and the client name, scripts and icons that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { getConfig as GetConfig, validateConfiguration as ValidateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { DebugLogger as DebugLoggerClass } from 'builder-util';
import { createRequire } from 'node:module';
import { HELPER_INSTALLED_PATH, KILL_HELPER_INSTALLED_PATH, POLICY_INSTALLED_PATH, POLKIT_ACTION_ID } from '../../../electron/helper/constants';
import { dryRunPackages, loadBuilderConfig, packageJson, ROOT } from './packaging-helpers';

// electron-builder's own config loader and validator, and its logger (muted so its console lines stay
// out of the test report) — all loaded as CommonJS from one module graph.
const requireCjs = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = requireCjs('app-builder-lib/out/util/config/config') as {
  getConfig: typeof GetConfig;
  validateConfiguration: typeof ValidateConfiguration;
};
const { DebugLogger, log: builderLog } = requireCjs('builder-util') as {
  DebugLogger: typeof DebugLoggerClass;
  log: { stream: { write(s: string): unknown } };
};

const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;

function compile() {
  // The options electron-builder itself uses (strict:false: its schema has a custom "typeof" keyword),
  // except coerceTypes, so a wrongly typed value is an error here rather than silently converted.
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

test('electron-builder.yml is valid against electron-builder\'s JSON schema (ajv)', () => {
  const validate = compile();
  const ok = validate(loadBuilderConfig());
  assert.equal(ok, true, JSON.stringify(validate.errors, null, 2));
});

test('the schema check catches mistakes (a misspelt key, a wrong type, an unknown target option)', () => {
  const validate = compile();
  const mutations: [string, (c: ReturnType<typeof loadBuilderConfig>) => void][] = [
    ['misspelt top-level key', (c) => Object.assign(c, { prodcutName: 'x' })],
    ['misspelt linux key', (c) => Object.assign(c.linux, { exectuableName: 'x' })],
    ['fpm not a list', (c) => Object.assign(c.deb, { fpm: 42 })],
    ['afterInstall not a string', (c) => Object.assign(c.rpm, { afterInstall: ['a'] })],
    ['unknown deb option', (c) => Object.assign(c.deb, { postinst: 'x' })],
  ];
  for (const [what, mutate] of mutations) {
    const c = loadBuilderConfig();
    mutate(c);
    assert.equal(validate(c), false, what);
  }
});

test('electron-builder\'s own loader reads the project config and its validator accepts it', async () => {
  const logged: string[] = [];
  const stream = builderLog.stream;
  builderLog.stream = { write: (m: string) => logged.push(m) }; // keep its console lines out of the report
  let config: Awaited<ReturnType<typeof getConfig>>;
  try {
    config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    const broken = { ...config, linux: { ...(config.linux as object), targett: 'deb' } } as typeof config;
    await assert.rejects(validateConfiguration(broken, new DebugLogger(false)), /does not match the API schema/);
  } finally {
    builderLog.stream = stream;
  }
  assert.equal(config.appId, 'io.github.waitline');
  assert.deepEqual((config.linux as { target: string[] }).target, ['AppImage', 'deb', 'rpm']);
  assert.ok(logged.some((m) => m.includes('electron-builder.yml')), 'it loaded electron-builder.yml');
});

/** fpm "source=destination" arguments of a target. */
function mappings(fpm: string[]): Map<string, string> {
  return new Map(fpm.filter((a) => a.includes('=') && !a.startsWith('-')).map((a) => a.split('=') as [string, string]));
}

test('deb and rpm ship the helper at the fixed path the policy names, the policy where polkitd reads it, and the command launcher', () => {
  const c = loadBuilderConfig();
  const policyText = readFileSync(join(ROOT, 'electron/helper/io.github.waitline.policy'), 'utf8');
  const execPath = /<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/.exec(policyText)?.[1];
  assert.equal(execPath, HELPER_INSTALLED_PATH, 'the policy names the installed helper path');
  assert.match(policyText, new RegExp(`<action id="${POLKIT_ACTION_ID.replace(/\./g, '\\.')}">`));
  // polkitd reads every *.policy file in its actions folder.
  assert.equal(POLICY_INSTALLED_PATH, '/usr/share/polkit-1/actions/io.github.waitline.policy');
  for (const target of ['deb', 'rpm'] as const) {
    const m = mappings(c[target].fpm);
    assert.deepEqual(
      [...m.entries()].sort(),
      [
        ['electron/helper/io.github.waitline.policy', POLICY_INSTALLED_PATH],
        ['electron/helper/waitline-helper', HELPER_INSTALLED_PATH],
        ['electron/helper/waitline-kill-helper', KILL_HELPER_INSTALLED_PATH],
        ['electron/packaging/linux/launcher.sh', '/usr/bin/waitline'],
      ],
      target,
    );
    for (const src of m.keys()) assert.ok(existsSync(join(ROOT, src)), `${target}: ${src} exists`);
    assert.ok(statSync(join(ROOT, 'electron/helper/waitline-helper')).mode & 0o111, 'the helper is executable in the tree');
    assert.ok(statSync(join(ROOT, 'electron/helper/waitline-kill-helper')).mode & 0o111, 'the kill helper is executable in the tree');
    // the deb takes the mode from the file; the rpm from --rpm-attr below
    assert.ok(statSync(join(ROOT, 'electron/packaging/linux/launcher.sh')).mode & 0o111, 'the launcher is executable in the tree');
    assert.equal(c[target].afterInstall, 'electron/packaging/linux/after-install.sh');
    assert.equal(c[target].afterRemove, 'electron/packaging/linux/after-remove.sh');
  }
  // Root ownership and modes: deb through --deb-user/--deb-group, rpm through %attr.
  const deb = c.deb.fpm.join(' ');
  assert.match(deb, /--deb-user root/);
  assert.match(deb, /--deb-group root/);
  const rpm = c.rpm.fpm.join(' ');
  assert.match(rpm, new RegExp(`--rpm-attr 0755,root,root:${HELPER_INSTALLED_PATH}`));
  assert.match(rpm, new RegExp(`--rpm-attr 0755,root,root:${KILL_HELPER_INSTALLED_PATH}`));
  assert.match(rpm, new RegExp(`--rpm-attr 0644,root,root:${POLICY_INSTALLED_PATH}`));
  assert.match(rpm, /--rpm-attr 0755,root,root:\/usr\/bin\/waitline/);
  assert.ok(c.deb.depends.includes('pkexec | policykit-1'), 'deb depends on pkexec');
  assert.ok(c.rpm.depends.includes('polkit'), 'rpm depends on polkit');
  // the kill helper runs ss (iproute2)
  assert.ok(c.deb.depends.includes('iproute2') && c.rpm.depends.includes('iproute'), 'both depend on ss');
  // The AppImage cannot install system files: the same two files ride along as resources.
  assert.deepEqual(c.extraResources.map((r) => r.from).sort(), [
    'electron/helper/io.github.waitline.policy',
    'electron/helper/waitline-helper',
    'electron/helper/waitline-kill-helper',
  ]);
});

test('electron-builder, run up to fpm, packages the helper, policy, icons and desktop entry where they belong', async () => {
  const run = await dryRunPackages();
  const want = [
    `electron/helper/waitline-helper=${HELPER_INSTALLED_PATH}`,
    `electron/helper/waitline-kill-helper=${KILL_HELPER_INSTALLED_PATH}`,
    `electron/helper/io.github.waitline.policy=${POLICY_INSTALLED_PATH}`,
    'electron/packaging/linux/launcher.sh=/usr/bin/waitline',
    ...[16, 24, 32, 48, 64, 128, 256, 512].map(
      (n) => `${join(ROOT, 'electron/packaging/icons', `${n}x${n}.png`)}=/usr/share/icons/hicolor/${n}x${n}/apps/waitline.png`,
    ),
  ];
  for (const target of ['deb', 'rpm'] as const) {
    const args = run[target].args;
    for (const w of want) assert.ok(args.includes(w), `${target}: ${w}`);
    assert.ok(args.some((a) => a.endsWith('=/opt/Waitline')), `${target}: the app in /opt/Waitline`);
    assert.equal(args[args.indexOf('--name') + 1], 'waitline');
    assert.equal(args[args.indexOf('--url') + 1], 'https://github.com/waitline/waitline');
    assert.match(args[args.indexOf('--maintainer') + 1]!, /<.+@.+>/);
  }
  const deb = run.deb.args.join(' ');
  assert.match(deb, /--deb-user root --deb-group root/);
  assert.match(run.deb.args[run.deb.args.indexOf('--package') + 1]!, /waitline_0\.1\.0_amd64\.deb$/);
  const rpm = run.rpm.args.join(' ');
  assert.match(rpm, new RegExp(`--rpm-attr 0755,root,root:${HELPER_INSTALLED_PATH}`));
  assert.match(rpm, new RegExp(`--rpm-attr 0755,root,root:${KILL_HELPER_INSTALLED_PATH}`));
  assert.match(rpm, new RegExp(`--rpm-attr 0644,root,root:${POLICY_INSTALLED_PATH}`));
  assert.match(rpm, /--rpm-attr 0755,root,root:\/usr\/bin\/waitline/);
  assert.match(run.rpm.args[run.rpm.args.indexOf('--package') + 1]!, /waitline-0\.1\.0\.x86_64\.rpm$/);
});

test('deb and rpm get the metadata electron-builder insists on: a project URL and a maintainer with an e-mail', () => {
  const c = loadBuilderConfig() as ReturnType<typeof loadBuilderConfig> & { extraMetadata?: { homepage?: string } };
  const homepage = c.extraMetadata?.homepage ?? (packageJson() as { homepage?: string }).homepage;
  assert.match(homepage ?? '', /^https:\/\//, 'a homepage (FpmTarget: "Please specify project homepage")');
  const policyText = readFileSync(join(ROOT, 'electron/helper/io.github.waitline.policy'), 'utf8');
  assert.equal(/<vendor_url>([^<]+)<\/vendor_url>/.exec(policyText)?.[1], homepage, 'one project URL everywhere');
  assert.match(String(c.linux.maintainer), /^[^<>]+ <[^@<>\s]+@[^@<>\s]+>$/, 'maintainer "Name <e-mail>"');
});

test('the app bundle contains what the main process loads, and the scripts package.json runs exist', () => {
  const c = loadBuilderConfig();
  const pkg = packageJson();
  assert.ok(c.files.includes('dist/**/*'));
  assert.ok(c.files.includes('package.json'));
  // The main bundle (entry.ts → main.ts) loads the other two from dist/electron (scripts/build.mjs writes them).
  const build = readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8');
  for (const out of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/collector-host.cjs']) {
    assert.ok(build.includes(`'${out}'`), `build.mjs produces ${out}`);
  }
  assert.equal((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main, 'dist/electron/main.cjs');
  // The native addons (netlink, SQLite) are loaded from disk, so they must be outside the asar archive;
  // so must the dashboard, which `waitline serve` in the installed app serves as real files.
  assert.deepEqual(c.asarUnpack, ['build/Release/waitline_sockdiag.node', 'build/Release/node_sqlite3.node', 'dist/renderer/**']);
  assert.ok(c.files.includes('build/Release/waitline_sockdiag.node'));
  assert.ok(c.files.includes('build/Release/node_sqlite3.node'));
  // and the build copies the SQLite binding there, where the bundles' loader looks
  assert.match(readFileSync(join(ROOT, 'scripts/build-native.mjs'), 'utf8'), /copyFileSync\(sqliteAddon, join\('build', 'Release', 'node_sqlite3\.node'\)\)/);
  assert.match(readFileSync(join(ROOT, 'electron/history/sqlite-native.cjs'), 'utf8'), /nativeFileCandidates\('node_sqlite3\.node'/);
  assert.match(pkg.scripts.start, /build\.mjs && electron \./);
  assert.match(pkg.scripts.dist, /build\.mjs && electron-builder --linux AppImage deb rpm/);
  assert.match(pkg.scripts.typecheck, /tsc -p electron\/tsconfig\.shell\.json/);
});

// ---------------------------------------------------------------- Electron fuses (issue 10)

/** The fuses Waitline sets, by electron-builder's option name (README: "Fuses"). */
const WANT_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

type Fuses = Record<string, boolean>;
const fusesOf = (c: unknown) => (c as { electronFuses?: Fuses }).electronFuses;

test('electronFuses sets exactly the hardening fuses, each to the intended value', () => {
  const c = loadBuilderConfig();
  assert.deepEqual(fusesOf(c), WANT_FUSES);
  // onlyLoadAppFromAsar needs an asar: it must not be switched off, and the addon stays unpacked
  assert.notEqual((c as { asar?: unknown }).asar, false, 'asar is not disabled');
  assert.ok(c.asarUnpack.includes('build/Release/waitline_sockdiag.node'), 'the .node addon is outside the asar');
  assert.deepEqual(c.extraResources.map((r) => r.to).sort(), ['privileged/io.github.waitline.policy', 'privileged/waitline-helper', 'privileged/waitline-kill-helper']);
  // every fuse is explained next to it
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const block = yml.slice(yml.indexOf('electronFuses:'), yml.indexOf('\n\n', yml.indexOf('electronFuses:')));
  const lines = block.split('\n');
  for (const name of Object.keys(WANT_FUSES)) {
    const i = lines.findIndex((l) => l.trim().startsWith(`${name}:`));
    assert.ok(i > 0 && lines[i - 1]!.trim().startsWith('#'), `${name} has a comment right above it`);
  }
  // and in the README's packaging section
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const fusesSection = readme.slice(readme.indexOf('### Fuses'));
  assert.ok(readme.includes('### Fuses'), 'README has a "Fuses" section');
  for (const [name, value] of Object.entries(WANT_FUSES)) {
    assert.ok(fusesSection.includes(`\`${name}: ${value}\` — `), `README explains ${name}: ${value}`);
  }
});

test('the schema check covers electronFuses: a misspelt fuse, a string for a boolean and an unknown fuse fail', () => {
  const validate = compile();
  const mutations: [string, (f: Fuses) => void][] = [
    ['misspelt fuse', (f) => Object.assign(f, { runAsnode: false })],
    ['string instead of boolean', (f) => Object.assign(f, { onlyLoadAppFromAsar: 'true' })],
    ['a fuse electron-builder does not know', (f) => Object.assign(f, { enableRemoteModule: false })],
  ];
  for (const [what, mutate] of mutations) {
    const c = loadBuilderConfig();
    mutate(fusesOf(c)!);
    assert.equal(validate(c), false, what);
  }
  const ok = loadBuilderConfig();
  assert.equal(validate(ok), true, JSON.stringify(validate.errors));
});

test('electron-builder flips the fuses on an Electron-style binary exactly as configured', async (t) => {
  // A stand-in Electron binary: junk, the fuse sentinel, wire version 1, eight fuses in Electron's
  // default states (RunAsNode, NodeOptions, NodeCliInspect and GrantFileProtocol on; the rest off).
  const { SENTINEL, FuseState } = requireCjs('@electron/fuses/dist/constants') as {
    SENTINEL: string;
    FuseState: { DISABLE: number; ENABLE: number };
  };
  const { FuseV1Options, getCurrentFuseWire } = requireCjs('@electron/fuses') as {
    FuseV1Options: Record<string, number>;
    getCurrentFuseWire(p: string): Promise<Record<number, number>>;
  };
  const { LinuxPackager } = requireCjs('app-builder-lib/out/linuxPackager') as { LinuxPackager: { prototype: object } };
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'waitline-fuses-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const E = FuseState.ENABLE;
  const D = FuseState.DISABLE;
  const defaults = [E, D, E, E, D, D, D, E];
  writeFileSync(
    join(dir, 'waitline'),
    Buffer.concat([Buffer.from('\x7fELF…junk…'), Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.from('…more')]),
  );
  // electron-builder's own code path: LinuxPackager.doAddElectronFuses reads config.electronFuses,
  // maps option names to wire positions (generateFuseConfig) and calls @electron/fuses.
  const packager = Object.create(LinuxPackager.prototype) as {
    doAddElectronFuses(ctx: { appOutDir: string; electronPlatformName: string }): Promise<void>;
  };
  Object.defineProperty(packager, 'executableName', { value: 'waitline' });
  Object.defineProperty(packager, 'config', { value: loadBuilderConfig() });
  const logStream = builderLog.stream;
  builderLog.stream = { write: () => true };
  try {
    await packager.doAddElectronFuses({ appOutDir: dir, electronPlatformName: 'linux' });
  } finally {
    builderLog.stream = logStream;
  }
  const wire = await getCurrentFuseWire(join(dir, 'waitline'));
  const state = (name: string) => (wire[FuseV1Options[name]!] === E ? true : wire[FuseV1Options[name]!] === D ? false : 'other');
  assert.deepEqual(
    {
      runAsNode: state('RunAsNode'),
      enableNodeOptionsEnvironmentVariable: state('EnableNodeOptionsEnvironmentVariable'),
      enableNodeCliInspectArguments: state('EnableNodeCliInspectArguments'),
      enableEmbeddedAsarIntegrityValidation: state('EnableEmbeddedAsarIntegrityValidation'),
      onlyLoadAppFromAsar: state('OnlyLoadAppFromAsar'),
      enableCookieEncryption: state('EnableCookieEncryption'),
      grantFileProtocolExtraPrivileges: state('GrantFileProtocolExtraPrivileges'),
    },
    WANT_FUSES,
  );
  assert.equal(state('LoadBrowserProcessSpecificV8Snapshot'), false, 'a fuse we do not set keeps Electron\'s default');
});
