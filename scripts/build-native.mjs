#!/usr/bin/env node
// Builds the native parts (binding.gyp): the netlink sock_diag addon and two small tools used by the
// benchmark and tests. Run by `npm ci` / `npm install` (the "install" script) and `npm run build:native`.
//
// A missing compiler must not make the app uninstallable: without the addon the collector reads
// /proc instead and says so in its health. So a failed build is a warning — except in CI (CI=true),
// where the tests depend on it and it fails loudly.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function nodeGypScript() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push('node_modules/node-gyp/bin/node-gyp.js');
  return candidates.find((p) => existsSync(p)) ?? null;
}

function fail(message) {
  if (process.env.CI === 'true') {
    console.error(`build-native: ${message}`);
    process.exit(1);
  }
  console.warn(`build-native: WARNING: ${message}\n` +
    'build-native: Waitline still works: the collector reads /proc/net/tcp instead of netlink (slower with many sockets).');
  process.exit(0);
}

const gyp = nodeGypScript();
if (!gyp) fail('node-gyp not found (it ships with npm); the netlink addon was not built.');

const args = [gyp, 'rebuild', '--loglevel=warn'];
// Offline machines with a distribution Node: use its headers instead of downloading them.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h') && process.execPath.startsWith('/usr/bin/')) {
  args.push('--nodedir=/usr');
}
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) fail(`node-gyp rebuild failed (exit ${r.status ?? r.signal}); the netlink addon was not built.`);

// The SQLite binding (the sqlite3 package, N-API) next to the netlink addon: the bundles load it from
// build/Release (electron/history/sqlite-native.cjs), and the packaged app unpacks that folder.
const sqliteAddon = join('node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
if (existsSync(sqliteAddon)) {
  copyFileSync(sqliteAddon, join('build', 'Release', 'node_sqlite3.node'));
} else {
  fail(`${sqliteAddon} is missing (the sqlite3 package did not build); history is kept in memory only.`);
}
