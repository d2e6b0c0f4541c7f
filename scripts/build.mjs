#!/usr/bin/env node
// Builds everything that ships: the Node-side bundles (CLI, Electron main/preload, collector host)
// with esbuild, and the renderer with Vite. Entries whose source does not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const nodeEntries = [
  // [source, output, format]
  ['electron/cli/main.ts', 'dist/cli.mjs', 'esm'],
  ['electron/main/main.ts', 'dist/electron/main.cjs', 'cjs'],
  ['electron/preload/preload.ts', 'dist/electron/preload.cjs', 'cjs'],
  ['electron/utility/collector-host.ts', 'dist/electron/collector-host.cjs', 'cjs'],
];

// The sqlite3 package's JS is bundled; its native part is loaded from build/Release by our shim (the
// package's own loader looks for it relative to node_modules, which the bundles do not ship).
const sqliteBinding = {
  name: 'sqlite3-binding',
  setup(b) {
    b.onResolve({ filter: /^\.\/sqlite3-binding(\.js)?$/ }, (args) =>
      /[\\/]sqlite3[\\/]lib$/.test(args.resolveDir) ? { path: resolve('electron/history/sqlite-native.cjs') } : undefined,
    );
  },
};

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
        : undefined,
  });
}

if (existsSync('renderer/index.html') && existsSync('vite.config.mts')) {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
