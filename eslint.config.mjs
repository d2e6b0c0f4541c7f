// Lint enforces the process layering (DESIGN.md "Rules that keep it livable"); type rules are left to tsc.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'util', 'stream', 'worker_threads', 'dgram', 'tls', 'zlib', 'events', 'module', 'url', 'buffer', 'process', 'readline', 'timers', 'perf_hooks', 'v8', 'vm'];
const nodeBuiltinPatterns = [...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `node:${m}`), 'node:*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'build/**', 'test-artifacts/**'] },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
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
    // Everything under electron/ outside the shell runs under plain Node (collector, CLI, serve, helper
    // client) — including the collector process entry, which needs nothing from the electron module.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc/**', 'electron/shell/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // Electron shell (issue 4): shell/ and the typed IPC wrappers take Electron objects injected, so they
    // may import electron *types* only (their tests run under plain Node). Only the composition roots
    // (main.ts, preload.ts) and the two binding modules of electron/ipc/ import electron values.
    files: ['electron/shell/**/*.ts', 'electron/ipc/**/*.ts'],
    ignores: ['electron/ipc/electron-main.ts', 'electron/ipc/electron-renderer.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', allowTypeImports: true, message: 'inject Electron objects; import electron types only (see electron/main.ts)' }] },
      ],
    },
  },
  {
    // ipcMain / ipcRenderer only inside the typed wrappers (electron/ipc/), so no call bypasses the
    // contract in shared/ipc-contract.ts, its sender check or its argument validation.
    files: ['electron/main.ts', 'electron/preload.ts'],
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
