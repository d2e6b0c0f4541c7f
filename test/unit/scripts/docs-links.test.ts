// The repository is self-contained: every `docs/<name>.md` that a source file, script, test or document
// points to exists, and nothing points to the design notes that live outside the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .filter((f) => /\.(ts|tsx|mts|mjs|c|md|sh|yml)$/.test(f) || f === 'electron/helper/waitline-helper');

test('every docs/*.md that the repository cites exists; nothing cites KERNEL.md or DESIGN.md', () => {
  const missing: string[] = [];
  const outside: string[] = [];
  let cited = 0;
  for (const f of files) {
    if (!existsSync(f)) continue; // deleted in the working tree
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/docs\/([A-Za-z0-9_-]+\.md)/g)) {
      cited++;
      if (!existsSync(`docs/${m[1]}`)) missing.push(`${f}: docs/${m[1]}`);
    }
    if (/\b(KERNEL|DESIGN|ANCHORS|STYLE)\.md\b/.test(text) && f !== 'test/unit/scripts/docs-links.test.ts') outside.push(f);
  }
  assert.ok(cited > 20, `only ${cited} citations found: the scan is not reading the tree`);
  assert.deepEqual(missing, []);
  assert.deepEqual(outside, []);
});
