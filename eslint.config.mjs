// Lint enforces the process layering (README.md, "How the shell is put together": Layering); type rules
// are left to tsc.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import layers from './scripts/eslint-layers.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));

// The import allowlist (scripts/eslint-layers.mjs): each source file belongs to the first layer whose
// files match (a folder ends in "/"); a layer imports from itself, the layers in `allow` and the
// packages in `packages` ("node:" = Node built-ins) and nothing else. A file no layer covers is an
// error. The README's map ("Where code runs") describes the same table.
export const LAYERS = [
  // Pure TypeScript shared by every runtime: no Node, no DOM; one package, i18next (pure JS, the one
  // i18n runtime of every process: shared/i18n, docs/i18n.md).
  { name: 'shared', files: ['shared/'], allow: [], packages: ['i18next'] },
  // The dashboard (browser or Electron renderer): talks to the host only through renderer/bridge.ts.
  { name: 'renderer', files: ['renderer/'], allow: ['shared'], packages: ['react', 'react-dom', 'zustand', 'recharts', '@tanstack/react-virtual', 'i18next', 'react-i18next'] },
  // Plain Node: the kernel readers (in the Electron utility process, in serve's worker, in the CLI).
  { name: 'collector', files: ['electron/collector/'], allow: ['native', 'shared'], packages: ['node:'] },
  // Constants shared by the root helper script's installation and the client that runs it.
  { name: 'helper', files: ['electron/helper/'], allow: [], packages: [] },
  // Plain Node: runs the helper through pkexec, parses its answers.
  { name: 'privileged', files: ['electron/privileged/'], allow: ['helper', 'shared'], packages: ['node:'] },
  // Plain Node: locating the project's native files (build/Release, the packaged app's unpacked folder).
  { name: 'native', files: ['electron/native/'], allow: [], packages: ['node:'] },
  // Plain Node: history on disk (SQLite through the sqlite3 package) and exports.
  { name: 'history', files: ['electron/history/'], allow: ['native', 'shared'], packages: ['node:', 'sqlite3'] },
  // Plain Node, used by the desktop app and serve alike: the settings files and the alert service.
  { name: 'settings', files: ['electron/settings/'], allow: ['shared'], packages: ['node:'] },
  // Plain Node: `waitline serve`'s HTTP server, its collector worker and its Prometheus metrics.
  { name: 'serve', files: ['electron/serve/'], allow: ['collector', 'history', 'settings', 'shared'], packages: ['node:', 'prom-client'] },
  // Plain Node: the connection probe's engine (`waitline probe`; the app's probe panel later).
  { name: 'probe', files: ['electron/probe/'], allow: ['shared'], packages: ['node:'] },
  // Plain Node: the `waitline` command.
  { name: 'cli', files: ['electron/cli/'], allow: ['collector', 'history', 'serve', 'privileged', 'settings', 'probe', 'shared', 'package'], packages: ['node:'] },
  { name: 'package', files: ['package.json'], allow: [], packages: [] },
  // Plain Node: every benchmark (npm run bench), measured against ss and /proc.
  { name: 'bench', files: ['electron/bench/'], allow: ['cli', 'collector', 'history', 'serve', 'settings', 'ipc', 'main', 'shared'], packages: ['node:', 'playwright-core'] },
  // The typed IPC wrappers, every channel's argument check, and the main ⇄ utility-process protocol.
  { name: 'ipc', files: ['electron/ipc/'], allow: ['shared'], packages: ['electron'] },
  // The Electron main bundle's entry: the CLI (`waitline snapshot` in the installed app) or main.ts.
  // Only this file of electron/main/ may reach the CLI.
  { name: 'entry', files: ['electron/main/entry.ts'], allow: ['main', 'cli'], packages: ['electron', 'node:'] },
  // The Electron main process: its services, window, menu, security and the collector supervisor.
  { name: 'main', files: ['electron/main/'], allow: ['ipc', 'history', 'settings', 'privileged', 'collector', 'probe', 'shared'], packages: ['electron', 'node:'] },
  // The preload script (renderer process, isolated world): the WaitlineApi over the typed IPC.
  { name: 'preload', files: ['electron/preload/'], allow: ['ipc', 'shared'], packages: ['electron'] },
  // The collector's Electron utility process: the host core around the collector.
  { name: 'utility', files: ['electron/utility/'], allow: ['ipc', 'collector', 'shared'], packages: ['node:'] },
  // Type stubs.
  { name: 'types', files: ['electron/no-electron.d.ts'], allow: [], packages: [] },
  // Tests and tooling may reach anything (tests never load the real electron module: rule below).
  { name: 'tests', files: ['test/', 'scripts/', 'vite.config.mts'], allow: ['*'], packages: ['*'] },
];

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'worker_threads', 'dgram', 'tls', 'zlib', 'events', 'module', 'url', 'buffer', 'process', 'readline', 'timers', 'perf_hooks', 'v8', 'vm'];
const nodeBuiltinPatterns = [...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `node:${m}`), 'node:*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'build/**', 'test-artifacts/**'] },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin, layers },
    rules: { 'layers/allowed-imports': ['error', { root: ROOT, layers: LAYERS }] },
  },
  {
    // Pure code: no electron, no Node built-ins, no DOM-only libraries.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron', 'react'], patterns: nodeBuiltinPatterns }],
    },
  },
  {
    // The renderer sees only the API declared in shared/api.ts, through renderer/bridge.ts.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: nodeBuiltinPatterns }],
    },
  },
  {
    // Collector, CLI and helper client run under plain Node: never the electron module.
    files: ['electron/collector/**/*.ts', 'electron/cli/**/*.ts', 'electron/helper/**/*.ts', 'electron/privileged/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // Everything under electron/ outside main/, preload/ and ipc/ runs under plain Node (collector, CLI,
    // serve, settings, helper client, benchmarks) — including the collector's utility-process entry,
    // which needs nothing from the electron module.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**', 'electron/ipc/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // The main process's services, the preload API and the typed IPC wrappers take Electron objects
    // injected, so they may import electron *types* only (their tests run under plain Node). Only the
    // entries (main/entry.ts, main/main.ts, preload/preload.ts) and the two binding modules of
    // electron/ipc/ import electron values.
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts', 'electron/ipc/**/*.ts'],
    ignores: ['electron/main/entry.ts', 'electron/main/main.ts', 'electron/preload/preload.ts', 'electron/ipc/electron-main.ts', 'electron/ipc/electron-renderer.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', allowTypeImports: true, message: 'inject Electron objects; import electron types only (see electron/main/main.ts)' }] },
      ],
    },
  },
  {
    // ipcMain / ipcRenderer only inside the typed wrappers (electron/ipc/), so no call bypasses the
    // contract in shared/ipc-contract.ts, its sender check or its argument validation.
    files: ['electron/main/entry.ts', 'electron/main/main.ts', 'electron/preload/preload.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'use the typed wrappers in electron/ipc/ (contract: shared/ipc-contract.ts)',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests never import the real electron module (recent versions download a binary on import).
    files: ['test/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
);
