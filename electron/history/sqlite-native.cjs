// Stands in for the `sqlite3` package's lib/sqlite3-binding.js inside the bundles (scripts/build.mjs):
// loads node_sqlite3.node from build/Release (scripts/build-native.mjs copies it there), the same place
// as the netlink addon, so the packaged app unpacks both from one folder. Plain Node runs from the
// sources use the package's own loader instead.
'use strict';
const { existsSync } = require('node:fs');
const { nativeFileCandidates } = require('../native/find-addon');

const tried = nativeFileCandidates('node_sqlite3.node', 'WAITLINE_SQLITE_ADDON');
const found = tried.find((p) => existsSync(p));
if (!found) {
  throw new Error(`the SQLite addon (node_sqlite3.node) is not built — run \`npm run build:native\`; looked in ${tried.join(', ')}`);
}
// a computed path: bundlers leave it alone and Node's loader handles the .node file
const load = require;
module.exports = load(found);
