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

