#!/usr/bin/env node
// `waitline` CLI entry. The TypeScript sources are bundled by `npm run build` (run automatically by
// `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.mjs');
if (!existsSync(cli)) {
  console.error('waitline: the CLI is not built yet. Run `npm run build` (npm ci does it for you).');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
