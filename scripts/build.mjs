#!/usr/bin/env node
// Builds everything that ships: the Node-side bundles (CLI, Electron main/preload, collector host)
// with esbuild, and the renderer with Vite. Entries whose source does not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cjsImportMetaUrl, sqliteBinding } from './esbuild-plugins.mjs';

const nodeEntries = [
  // [source, output, format]
  ['electron/cli/main.ts', 'dist/cli.mjs', 'esm'],
  // entry.ts: the CLI (`waitline snapshot` in the installed app) or the desktop app (main.ts)
  ['electron/main/entry.ts', 'dist/electron/main.cjs', 'cjs'],
  ['electron/preload/preload.ts', 'dist/electron/preload.cjs', 'cjs'],
  ['electron/utility/collector-host.ts', 'dist/electron/collector-host.cjs', 'cjs'],
];

mkdirSync('dist', { recursive: true });
for (const [src, out, format] of nodeEntries) {
  if (!existsSync(src)) continue;
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    sourcemap: true,
    external: ['electron', '*.node'],
    plugins: [sqliteBinding],
    logLevel: 'warning',
    banner:
      format === 'esm'
        ? { js: "import { createRequire as __wlCreateRequire } from 'node:module'; const require = __wlCreateRequire(import.meta.url);" }
        : out === 'dist/electron/main.cjs'
          ? cjsImportMetaUrl.banner
          : undefined,
    // only the main bundle: the sandboxed preload may not require node:url
    define: out === 'dist/electron/main.cjs' ? cjsImportMetaUrl.define : undefined,
  });
}

if (existsSync('renderer/index.html') && existsSync('vite.config.mts')) {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
