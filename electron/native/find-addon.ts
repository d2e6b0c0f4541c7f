// Where the project's native files are (the netlink addon, the SQLite binding): build/Release of the
// checkout or npm package, next to whichever bundle or source file is running, or — in the packaged
// app — resources/app.asar.unpacked/build/Release. An environment variable may name the file directly.

import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where build/Release is relative to the running module: a source folder two or three levels deep
 *  (electron/<layer>/…), the CLI bundle (dist/cli.mjs) and the Electron bundles (dist/electron/*.cjs). */
const RELATIVE_CANDIDATES = ['../../../build/Release', '../build/Release', '../../build/Release'];

/** Candidate paths of `file`, most specific first. */
export function nativeFileCandidates(file: string, envVar: string): string[] {
  const out: string[] = [];
  const fromEnv = process.env[envVar];
  if (fromEnv) out.push(fromEnv);
  const dir = typeof __dirname === 'string' ? __dirname : null;
  if (dir) for (const rel of RELATIVE_CANDIDATES) out.push(join(dir, rel, file));
  // the ESM CLI bundle has no __dirname: its entry script (bin/waitline.mjs or dist/cli.mjs) sits one
  // level below the package root
  if (process.argv[1]) {
    try {
      out.push(join(dirname(realpathSync(process.argv[1])), '..', 'build', 'Release', file));
    } catch {
      // not a file (e.g. `node -e`)
    }
  }
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) out.push(join(resources, 'app.asar.unpacked', 'build', 'Release', file));
  out.push(join(process.cwd(), 'build', 'Release', file));
  return [...new Set(out)];
}
