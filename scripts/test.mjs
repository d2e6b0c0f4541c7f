#!/usr/bin/env node
// Runs the test suites with Node's own test runner (TypeScript through tsx), in one invocation so
// there is one closing summary. Usage: node scripts/test.mjs [unit|kernel|privileged|e2e …]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['unit', 'kernel', 'privileged', 'e2e'];
const groups = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const g of groups) {
  if (!ALL.includes(g)) {
    console.error(`unknown test group "${g}"; expected one of ${ALL.join(', ')}`);
    process.exit(2);
  }
}

function findTests(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const files = groups.flatMap((g) => findTests(join('test', g)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
