// Shared by the packaging tests: the electron-builder config as electron-builder loads it, and the
// rule for system tools (in CI a missing tool is a failure; elsewhere a skip with the reason).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

export const ROOT = join(import.meta.dirname, '..', '..');

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

/** electron-builder's substitution for after-install/after-remove (FpmTarget writeConfigFile): an
 *  unknown macro is an error there too. */
export function renderScript(path: string, macros: Record<string, string>): string {
  return readFileSync(path, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_m, name: string) => {
    if (!(name in macros)) throw new Error(`Macro ${name} is not defined`);
    return macros[name]!;
  });
}

/** The values electron-builder gives those macros for this app (productName Waitline, executable waitline). */
export const SCRIPT_MACROS = { executable: 'waitline', sanitizedProductName: 'Waitline', productFilename: 'Waitline' };
