// Shared by the packaging tests: the electron-builder config as electron-builder loads it, and the
// rule for system tools (in CI a missing tool is a failure; elsewhere a skip with the reason).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

// A loose view of the parts of the config the tests read (the schema test checks the whole of it).
export interface BuilderConfig {
  productName: string;
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  directories: { buildResources: string; output: string };
  linux: Record<string, unknown> & {
    target: string[];
    executableName: string;
    icon: string;
    category: string;
    description: string;
    desktop: { entry: Record<string, string> };
  };
  deb: Record<string, unknown> & { fpm: string[]; afterInstall: string; afterRemove: string; depends: string[] };
  rpm: Record<string, unknown> & { fpm: string[]; afterInstall: string; afterRemove: string; depends: string[] };
  appImage: Record<string, unknown>;
}

export function loadBuilderConfig(): BuilderConfig {
  return yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

export function packageJson(): { name: string; productName: string; desktopName: string; description: string; version: string; scripts: Record<string, string> } {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
}

export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** undefined when the tool is there; a skip reason outside CI; throws in CI. */
export function requireTool(tool: string, apt: string): string | undefined {
  if (hasTool(tool)) return undefined;
  const reason = `${tool} is not installed (apt-get install ${apt})`;
  if (process.env.CI === 'true') throw new Error(`packaging test prerequisite missing in CI: ${reason}`);
  console.log(`# skipping: ${reason}`);
  return reason;
}

export interface FpmDryRun {
  /** fpm's arguments as electron-builder computed them (before the file mappings' sources are read) */
  args: string[];
  /** the install/remove scripts as electron-builder rendered them (macros filled in) */
  afterInstall: string;
  afterRemove: string;
  /** the desktop entry electron-builder writes, and where it installs it */
  desktop: string;
  desktopInstallPath: string;
}

export interface PackagesDryRun {
  deb: FpmDryRun;
  rpm: FpmDryRun;
  appImage: { desktop: string; desktopFileName: string };
  /** electron-builder's console output */
  log: string[];
}

function argAfter(args: string[], flag: string): string {
  const i = args.indexOf(flag);
  if (i < 0) throw new Error(`electron-builder passed no ${flag} to fpm`);
  return args[i + 1]!;
}

let dryRunCache: Promise<PackagesDryRun> | null = null;

/**
 * Runs electron-builder's real Linux pipeline (config loading and validation, AppImage/deb/rpm
 * targets, desktop entry, icons, script templates) against a stand-in unpacked app, and stops each
 * target at the point where it would start fpm / appimagetool (electron-builder's
 * `effectiveOptionComputed` hook), capturing what it would have packaged. No download, no package.
 */
export function dryRunPackages(): Promise<PackagesDryRun> {
  dryRunCache ??= (async () => {
    const requireCjs = createRequire(import.meta.url);
    const eb = requireCjs('electron-builder') as {
      build(opts: Record<string, unknown>): Promise<unknown>;
      Platform: { LINUX: { createTarget(types: string[], arch: number): unknown } };
      Arch: { x64: number };
    };
    const builderLog = (requireCjs('builder-util') as { log: { stream: { write(s: string): unknown } } }).log;
    const dir = mkdtempSync(join(tmpdir(), 'waitline-dryrun-'));
    const prepackaged = join(dir, 'linux-unpacked');
    mkdirSync(join(prepackaged, 'resources'), { recursive: true });
    writeFileSync(join(prepackaged, 'waitline'), '#!/bin/sh\n');
    chmodSync(join(prepackaged, 'waitline'), 0o755);
    writeFileSync(join(prepackaged, 'chrome-sandbox'), '');
    const out: Partial<PackagesDryRun> = {};
    const log: string[] = [];
    const stream = builderLog.stream;
    builderLog.stream = { write: (m: string) => log.push(m) };
    try {
      await eb.build({
        projectDir: ROOT,
        targets: eb.Platform.LINUX.createTarget(['AppImage', 'deb', 'rpm'], eb.Arch.x64),
        prepackaged,
        publish: 'never',
        config: { directories: { output: join(dir, 'release') } },
        effectiveOptionComputed: async (o: unknown) => {
          if (Array.isArray(o)) {
            const [args, desktopPath] = o as [string[], string];
            const pkg = argAfter(args, '--package');
            const run: FpmDryRun = {
              args: [...args],
              afterInstall: readFileSync(argAfter(args, '--after-install'), 'utf8'),
              afterRemove: readFileSync(argAfter(args, '--after-remove'), 'utf8'),
              desktop: readFileSync(desktopPath, 'utf8'),
              desktopInstallPath: args.find((a) => a.startsWith(`${desktopPath}=`))!.split('=')[1]!,
            };
            if (pkg.endsWith('.deb')) out.deb = run;
            else if (pkg.endsWith('.rpm')) out.rpm = run;
          } else {
            out.appImage = o as PackagesDryRun['appImage'];
          }
          return true; // stop here: do not run fpm / appimagetool
        },
      });
    } finally {
      builderLog.stream = stream;
      rmSync(dir, { recursive: true, force: true });
    }
    if (!out.deb || !out.rpm || !out.appImage) throw new Error(`electron-builder did not reach every target:\n${log.join('')}`);
    return { deb: out.deb, rpm: out.rpm, appImage: out.appImage, log };
  })();
  return dryRunCache;
}
