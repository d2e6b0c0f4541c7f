// The import allowlist (eslint.config.mjs + scripts/eslint-layers.mjs) through the real ESLint with the
// project's own config: in every layer a deliberately misplaced import (another runtime's folder, a
// package the layer may not load) is an error naming both layers, the same file with an allowed
// import is clean, and a file no layer covers is an error of its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';

const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

// [file in the layer, a misplaced import, what the message must say, an allowed import]
const CASES: [string, string, RegExp, string][] = [
  ['shared/x.ts', "import { fmtCount } from '../renderer/format';", /shared may not import from renderer/, "import { TCP_STATES } from './tcp';"],
  ['shared/y.ts', "import { readFileSync } from 'node:fs';", /shared may not import the package "node built-ins"/, "import type { Snapshot } from './snapshot';"],
  ['renderer/store/x.ts', "import { createCollector } from '../../electron/collector/index';", /renderer may not import from collector/, "import { TCP_STATES } from '../../shared/tcp';"],
  ['renderer/x.ts', "import { validateSocketQuery } from '../electron/ipc/validate';", /renderer may not import from ipc/, "import { bridge } from './bridge';"],
  ['renderer/y.ts', "import { readFileSync } from 'fs';", /renderer may not import the package "node built-ins"/, "import { create } from 'zustand';"],
  ['electron/collector/x.ts', "import { startServe } from '../serve/server';", /collector may not import from serve/, "import { TCP_STATES } from '../../shared/tcp';"],
  ['electron/collector/y.ts', "import { app } from 'electron';", /collector may not import the package "electron"/, "import { readFileSync } from 'node:fs';"],
  ['electron/helper/x.ts', "import { TCP_STATES } from '../../shared/tcp';", /helper may not import from shared/, 'export const X = 1;'],
  ['electron/privileged/x.ts', "import { createCollector } from '../collector/index';", /privileged may not import from collector/, "import { HELPER_EXIT } from '../helper/constants';"],
  ['electron/settings/node-files.ts', "import { validateSocketQuery } from '../ipc/validate';", /settings may not import from ipc/, "import type { WindowStateFiles } from './window-state';"],
  ['electron/settings/x.ts', "import { app } from 'electron';", /settings may not import the package "electron"/, "import { readFileSync } from 'node:fs';"],
  ['electron/serve/x.ts', "import { registerHandlers } from '../main/handlers';", /serve may not import from main/, "import { AlertSettingsStore } from '../settings/alert-service';"],
  ['electron/serve/y.ts', "import { app } from 'electron';", /serve may not import the package "electron"/, "import { createServer } from 'node:http';"],
  ['electron/probe/x.ts', "import { createCollector } from '../collector/index';", /probe may not import from collector/, "import { createConnection } from 'node:net';"],
  ['electron/probe/y.ts', "import { app } from 'electron';", /probe may not import the package "electron"/, "import { TCP_STATES } from '../../shared/tcp';"],
  ['electron/cli/x.ts', "import { buildMenu } from '../main/menu';", /cli may not import from main/, "import { startServe } from '../serve/server';"],
  ['electron/cli/y.ts', "import { chromium } from 'playwright-core';", /cli may not import the package "playwright-core"/, "import { createCollector } from '../collector/index';"],
  ['electron/bench/x.ts', "import { createPreloadApi } from '../preload/preload-api';", /bench may not import from preload/, "import { chromium } from 'playwright-core';"],
  ['electron/ipc/x.ts', "import { createCollector } from '../collector/index';", /ipc may not import from collector/, "import type { InvokeChannel } from '../../shared/ipc-contract';"],
  ['electron/main/x.ts', "import { startServe } from '../serve/server';", /main may not import from serve/, "import { createMainIpc } from '../ipc/electron-main';"],
  ['electron/main/main.ts', "import { createPreloadApi } from '../preload/preload-api';", /main may not import from preload/, "import { createCollector } from '../collector';"],
  ['electron/preload/x.ts', "import { readFileSync } from 'node:fs';", /preload may not import the package "node built-ins"/, "import { createRendererIpc } from '../ipc/electron-renderer';"],
  ['electron/preload/y.ts', "import { HistoryService } from '../main/history-service';", /preload may not import from main/, "import type { WaitlineApi } from '../../shared/api';"],
  ['electron/utility/x.ts', "import { app } from 'electron';", /utility may not import the package "electron"/, "import { runCollectorHost } from './collector-host-core';"],
  ['electron/utility/y.ts', "import { HistoryService } from '../main/history-service';", /utility may not import from main/, "import { historySampleOf } from '../ipc/collector-protocol';"],
];

describe('import allowlist by layer (real ESLint, the project config)', () => {
  for (const [file, bad, says, good] of CASES) {
    it(`${file}: a misplaced import is an error, an allowed one is not`, async () => {
      const errors = await layerErrors(file, `${bad}\nexport {};\n`);
      assert.equal(errors.length, 1, `${bad} → ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, says);
      assert.deepEqual(await layerErrors(file, `${good}\nexport {};\n`), [], good);
    });
  }

  it('a file no layer covers is an error; so is an import that lands outside every layer', async () => {
    const uncovered = await layerErrors('tools/x.ts', 'export const X = 1;\n');
    assert.equal(uncovered.length, 1);
    assert.match(uncovered[0]!, /no import rule covers tools\/x\.ts/);
    const outside = await layerErrors('shared/z.ts', "import { X } from '../tools/x';\nexport { X };\n");
    assert.match(outside.join('\n'), /lands in tools\/x, which no layer covers/);
  });

  it('dynamic imports and re-exports are judged too', async () => {
    assert.match((await layerErrors('electron/collector/z.ts', "export { startServe } from '../serve/server';\n")).join('\n'), /collector may not import from serve/);
    assert.match((await layerErrors('electron/collector/w.ts', "export async function f() { return import('../serve/server'); }\n")).join('\n'), /collector may not import from serve/);
  });

  it("the README's map names exactly the folders under electron/, and each is a layer", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const mapped = new Set([...readme.matchAll(/^\| `electron\/([a-z-]+)\/`/gm)].map((m) => m[1]));
    const tree = new Set(readdirSync('electron', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'packaging').map((d) => d.name));
    assert.deepEqual([...mapped].sort(), [...tree].sort());
    const config = '../../../eslint.config.mjs';
    const { LAYERS } = (await import(config)) as { LAYERS: { files: string[] }[] };
    for (const dir of tree) assert.ok(LAYERS.some((l) => l.files.includes(`electron/${dir}/`)), `electron/${dir}/ has a layer`);
  });

  it('the repository as it stands passes', async () => {
    const results = await eslint.lintFiles(['shared', 'renderer', 'electron']);
    const layerProblems = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => `${r.filePath}: ${m.message}`));
    assert.deepEqual(layerProblems, []);
  });
});
