// The files the packages ship, checked directly: the polkit policy (well-formed, valid against
// polkit's DTD), the icons (real PNGs of the stated sizes, not blank), the install/remove scripts
// (macros electron-builder knows, shellcheck-clean once rendered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { dryRunPackages, loadBuilderConfig, ROOT, requireTool } from './packaging-helpers';

const POLICY = join(ROOT, 'electron/helper/io.github.waitline.policy');
const POLKIT_DTD = '/usr/share/polkit-1/policyconfig-1.dtd';

test('the polkit policy is well-formed XML and valid against polkit\'s own DTD', (t) => {
  const skip = requireTool('xmllint', 'libxml2-utils');
  if (skip) return t.skip(skip);
  // --nonet: the DOCTYPE names an http URL; nothing may be fetched.
  const wf = spawnSync('xmllint', ['--noout', '--nonet', POLICY], { encoding: 'utf8' });
  assert.equal(wf.status, 0, wf.stderr);
  if (!existsSync(POLKIT_DTD)) {
    if (process.env.CI === 'true') assert.fail(`${POLKIT_DTD} is missing (apt-get install polkitd)`);
    return t.skip(`${POLKIT_DTD} not installed (polkitd)`);
  }
  const valid = spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', POLKIT_DTD, POLICY], { encoding: 'utf8' });
  assert.equal(valid.status, 0, valid.stderr);
  // The checks are real: a policy with a misplaced element fails the DTD, a truncated one fails parsing.
  const dir = mkdtempSync(join(tmpdir(), 'waitline-policy-'));
  try {
    const text = readFileSync(POLICY, 'utf8');
    const misplaced = join(dir, 'misplaced.policy');
    writeFileSync(misplaced, text.replace('<defaults>', '<defaults><vendor>x</vendor>'));
    assert.notEqual(spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', POLKIT_DTD, misplaced]).status, 0);
    const truncated = join(dir, 'truncated.policy');
    writeFileSync(truncated, text.slice(0, text.length - 20));
    assert.notEqual(spawnSync('xmllint', ['--noout', '--nonet', truncated]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- PNG: signature, chunk CRCs, IHDR, and decoded pixels

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA rows (8-bit RGBA only) */
  pixels: Uint8Array;
}

function readPng(file: string): Png {
  const buf = readFileSync(file);
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file}: PNG signature`);
  let off = 8;
  let ihdr: Buffer | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    const data = buf.subarray(off + 8, off + 8 + len);
    const crc = buf.readUInt32BE(off + 8 + len);
    assert.equal(crc32(buf.subarray(off + 4, off + 8 + len)), crc, `${file}: CRC of ${type}`);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    off += 12 + len;
  }
  assert.ok(ihdr && ended, `${file}: IHDR and IEND present`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colorType = ihdr[9]!;
  assert.equal(bitDepth, 8);
  assert.equal(colorType, 6, 'RGBA');
  // Undo the per-row filters (PNG spec §9) to get the pixels.
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? pixels[y * stride + x - 4]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (row[x]! + pred) & 0xff;
    }
  }
  return { width, height, bitDepth, colorType, pixels };
}

const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

test('the icons are real RGBA PNGs at the standard hicolor sizes, drawn (not blank) with transparent corners', () => {
  const c = loadBuilderConfig();
  const dir = join(ROOT, c.linux.icon);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.png')).sort((a, b) => parseInt(a) - parseInt(b)),
    ICON_SIZES.map((s) => `${s}x${s}.png`),
  );
  for (const size of ICON_SIZES) {
    const png = readPng(join(dir, `${size}x${size}.png`));
    assert.equal(png.width, size);
    assert.equal(png.height, size);
    const alphaAt = (x: number, y: number) => png.pixels[(y * size + x) * 4 + 3]!;
    assert.equal(alphaAt(0, 0), 0, `${size}: transparent corner (rounded tile)`);
    assert.equal(alphaAt(size >> 1, size >> 1) > 200, true, `${size}: opaque centre`);
    // Not a flat fill: the line drawing gives the opaque pixels several distinct colours.
    const colours = new Set<number>();
    for (let i = 0; i < png.pixels.length; i += 4) if (png.pixels[i + 3]! > 200) colours.add((png.pixels[i]! << 16) | (png.pixels[i + 1]! << 8) | png.pixels[i + 2]!);
    assert.ok(colours.size >= 3, `${size}: ${colours.size} colours`);
  }
  assert.ok(statSync(join(ROOT, 'electron/packaging/icon.svg')).size > 0, 'the SVG source is committed');
});

// ---- install / remove scripts

test('the install/remove scripts, as electron-builder renders them, are complete and pass shellcheck', async (t) => {
  const c = loadBuilderConfig();
  for (const path of [c.deb.afterInstall, c.deb.afterRemove]) {
    assert.ok(statSync(join(ROOT, path)).mode & 0o100, `${path} is executable`);
  }
  const run = await dryRunPackages();
  for (const target of ['deb', 'rpm'] as const) {
    for (const text of [run[target].afterInstall, run[target].afterRemove]) {
      assert.match(text, /^#!\/bin\/sh\n/);
      assert.doesNotMatch(text, /\$\{[a-zA-Z]+\}/, 'every macro filled in');
      // /usr/bin/waitline is a package file (the launcher): no script creates or deletes it
      assert.doesNotMatch(text, /^[^#]*\/usr\/bin\//m, 'no command line touches /usr/bin');
    }
    assert.match(run[target].afterInstall, /app_dir='\/opt\/Waitline'/);
  }
  const skip = requireTool('shellcheck', 'shellcheck');
  if (skip) return t.skip(skip);
  const dir = mkdtempSync(join(tmpdir(), 'waitline-scripts-'));
  try {
    for (const [name, text] of [
      ['after-install.sh', run.deb.afterInstall],
      ['after-remove.sh', run.deb.afterRemove],
    ] as const) {
      const out = join(dir, name);
      writeFileSync(out, text);
      const r = spawnSync('shellcheck', ['-s', 'sh', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
