// An import allowlist by folder, in the manner of VS Code's `code-import-patterns`: every source file
// belongs to exactly one layer (a file no layer covers is itself an error), and each layer lists the
// layers and packages it may import. Relative imports are resolved to the file they name, so
// `../../shared/x` and `../collector/y` are judged by where they land, not by how they are spelled.
// The table lives in eslint.config.mjs; test/unit/scripts/lint-layers.test.ts proves a misplaced import in
// each layer fails.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** The layer of a repo-relative path: the first rule whose prefix (or exact file) matches it. */
export function layerOf(layers, rel) {
  const p = rel.split(sep).join('/');
  for (const l of layers) {
    if (l.files.some((f) => (f.endsWith('/') ? p.startsWith(f) : p === f))) return l;
  }
  return null;
}

/** The repo-relative file a relative import names: as written, or with the extensions and index
 *  files TypeScript and esbuild try. */
function resolveImport(root, fromRel, spec) {
  const base = normalize(join(dirname(fromRel), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}.mjs`, `${base}.json`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    const abs = join(root, c);
    if (existsSync(abs) && statSync(abs).isFile()) return c;
  }
  return base;
}

function packageName(spec) {
  if (spec.startsWith('node:')) return 'node:';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const NODE_BUILTINS = new Set([
  'assert', 'buffer', 'child_process', 'crypto', 'dgram', 'dns', 'events', 'fs', 'http', 'https', 'module', 'net', 'os', 'path',
  'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);

export const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'each folder imports only from the layers and packages its rule allows' },
    schema: [{ type: 'object', properties: { root: { type: 'string' }, layers: { type: 'array' } }, additionalProperties: false }],
    messages: {
      uncovered: 'no import rule covers {{file}}: add its folder to the layers in eslint.config.mjs',
      layer: '{{from}} may not import from {{to}} ({{spec}}); {{from}} may import: {{allowed}}',
      unknownTarget: '{{spec}} lands in {{target}}, which no layer covers',
      pkg: '{{from}} may not import the package "{{pkg}}"; allowed: {{allowed}}',
    },
  },
  create(context) {
    const { root, layers } = context.options[0];
    const file = context.filename ?? context.getFilename();
    const rel = relative(root, file);
    const from = layerOf(layers, rel);
    function check(node, spec) {
      if (typeof spec !== 'string' || from === null) return;
      if (spec.startsWith('.')) {
        const target = resolveImport(root, rel, spec);
        const to = layerOf(layers, target);
        if (to === null) {
          context.report({ node, messageId: 'unknownTarget', data: { spec, target } });
        } else if (to.name !== from.name && !from.allow.includes(to.name) && !from.allow.includes('*')) {
          context.report({ node, messageId: 'layer', data: { from: from.name, to: to.name, spec, allowed: [from.name, ...from.allow].join(', ') } });
        }
        return;
      }
      let pkg = packageName(spec);
      if (NODE_BUILTINS.has(pkg)) pkg = 'node:';
      if (!(from.packages ?? []).includes(pkg) && !(from.packages ?? []).includes('*')) {
        context.report({ node, messageId: 'pkg', data: { from: from.name, pkg: pkg === 'node:' ? 'node built-ins' : pkg, allowed: (from.packages ?? []).join(', ') || 'none' } });
      }
    }
    return {
      Program(node) {
        if (from === null) context.report({ node, messageId: 'uncovered', data: { file: rel } });
      },
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'allowed-imports': rule } };
