// esbuild plugins shared by the build (scripts/build.mjs) and the tests that bundle an entry themselves.
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

// The sqlite3 package's JS is bundled; its native part is loaded from build/Release by our shim (the
// package's own loader looks for it relative to node_modules, which the bundles do not ship).
export const sqliteBinding = {
  name: 'sqlite3-binding',
  setup(b) {
    b.onResolve({ filter: /^\.\/sqlite3-binding(\.js)?$/ }, (args) =>
      /[\\/]sqlite3[\\/]lib$/.test(args.resolveDir) ? { path: resolve(ROOT, 'electron/history/sqlite-native.cjs') } : undefined,
    );
  },
};

// esbuild leaves `import.meta` empty in CommonJS output. The Electron main bundle needs
// `import.meta.url`: since the installed app runs the CLI too (electron/main/entry.ts), `waitline
// serve` there starts its collector worker thread from the running bundle's own file
// (electron/serve/worker-collector.ts: `new Worker(new URL(import.meta.url))`). These options make it
// the bundle's file URL, as it is in the ESM CLI bundle.
export const cjsImportMetaUrl = {
  define: { 'import.meta.url': '__waitlineImportMetaUrl' },
  banner: { js: "const __waitlineImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
