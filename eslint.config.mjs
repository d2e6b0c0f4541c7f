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
    // Tests never import the real electron module (recent versions download a binary on import).
    files: ['test/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
);
