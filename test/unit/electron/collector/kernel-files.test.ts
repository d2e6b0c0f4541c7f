// Kernel files kept open and re-read from offset 0 (electron/collector/sources/node-fs.ts,
// readKernelFile; docs/performance.md, "Idle CPU"): the text is the file's current text each time,
// whatever its length; a file that cannot be read leaves nothing open (a missing one is remembered
// for 10 s rather than failing again each tick); and on the real /proc the
// kernel regenerates the text at each read — a counter moves between two reads of one descriptor.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeKernelFiles, keptKernelFiles, nodeFileReader, readChunksOnThisThread, readKernelFile } from '../../../../electron/collector/sources/node-fs';
import { parseSnmpTable } from '../../../../electron/collector/parse/kv-files';

const dir = mkdtempSync(join(tmpdir(), 'wl-kernel-files-'));
after(() => {
  closeKernelFiles();
  rmSync(dir, { recursive: true, force: true });
});

describe('readKernelFile', () => {
  it('reads the current text through one kept descriptor, short or longer than its buffer', () => {
    closeKernelFiles();
    const p = join(dir, 'value');
    writeFileSync(p, '60\n');
    assert.equal(readKernelFile(p), '60\n');
    assert.equal(keptKernelFiles(), 1);
    writeFileSync(p, '5\n'); // same inode, shorter: no tail of the old text
    assert.equal(readKernelFile(p), '5\n');
    const long = 'x'.repeat(40_000) + '\nend\n'; // more than the 16 KiB buffer it starts with
    writeFileSync(p, long);
    assert.equal(readKernelFile(p), long);
    assert.equal(keptKernelFiles(), 1, 'still one descriptor');
    closeKernelFiles();
    assert.equal(keptKernelFiles(), 0);
  });

  it('a file that cannot be opened or read throws, and leaves nothing open', () => {
    closeKernelFiles();
    assert.throws(() => readKernelFile(join(dir, 'missing')), { code: 'ENOENT' });
    assert.throws(() => readKernelFile(dir), { code: 'EISDIR' });
    assert.equal(keptKernelFiles(), 0);
  });

  it('a missing file stays missing for a while (no new error each tick), then is looked for again', () => {
    closeKernelFiles();
    const p = join(dir, 'appears-later');
    assert.throws(() => readKernelFile(p), { code: 'ENOENT' });
    writeFileSync(p, '1\n');
    assert.throws(() => readKernelFile(p), { code: 'ENOENT' }, 'remembered as missing (10 s)');
    closeKernelFiles(); // forgets it, as the recheck time would
    assert.equal(readKernelFile(p), '1\n');
  });

  it('the real /proc: the same descriptor sees Tcp.ActiveOpens move after connections; sysctls read as readFileSync does', async () => {
    closeKernelFiles();
    const opens = () => parseSnmpTable(readKernelFile('/proc/net/snmp')).value['Tcp.ActiveOpens'] ?? NaN;
    const before = opens();
    assert.ok(Number.isFinite(before), 'Tcp.ActiveOpens is in /proc/net/snmp');
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const c = createConnection(port, '127.0.0.1');
        c.on('error', reject);
        c.on('close', () => resolve());
        c.resume();
      });
    }
    server.close();
    const afterOpens = opens();
    assert.ok(afterOpens >= before + 5, `ActiveOpens ${before} → ${afterOpens} through one descriptor`);
    assert.equal(keptKernelFiles(), 1);
    const sysctl = '/proc/sys/net/ipv4/tcp_fin_timeout';
    assert.equal(readKernelFile(sysctl), readFileSync(sysctl, 'latin1'));
    // the collector's reader keeps only /proc/sys and /proc/net files open
    await nodeFileReader.readText(sysctl);
    await nodeFileReader.readText('/proc/self/stat');
    assert.equal(keptKernelFiles(), 2);
  });
});

describe('readChunksOnThisThread (the /proc socket table read)', () => {
  /** descriptors of this process open on `path` */
  const openOn = (path: string) =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false; // the directory's own descriptor, gone by now
      }
    }).length;

  it('returns the whole file in chunks of at most 256 KiB, yielding to the event loop between them', async () => {
    const path = join(dir, 'big-table');
    const body = Buffer.from(Array.from({ length: 9000 }, (_, i) => `${String(i).padStart(4)}: 0100007F:1F90 0100007F:C350 06 00000000:00000000 03:00001770 00000000     0        0 0\n`).join(''), 'latin1');
    writeFileSync(path, body);
    const chunks: Uint8Array[] = [];
    let openWhileReading = 0;
    let turns = 0;
    let ticking = true;
    const spin = () => {
      if (!ticking) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    for await (const c of readChunksOnThisThread(path)) {
      chunks.push(c);
      openWhileReading = Math.max(openWhileReading, openOn(path));
    }
    ticking = false;
    assert.ok(body.length > 3 * 256 * 1024, 'the file spans several chunks');
    assert.ok(chunks.every((c) => c.length <= 256 * 1024));
    assert.deepEqual(Buffer.concat(chunks), body);
    assert.ok(turns >= chunks.length - 1, `the event loop ran ${turns} times during ${chunks.length} chunks`);
    assert.equal(openWhileReading, 1, 'one descriptor while reading');
    assert.equal(openOn(path), 0, 'and it is closed at the end');
  });

  it('closes its descriptor when the reader stops early, and throws ENOENT for a missing file', async () => {
    const path = join(dir, 'big-table');
    for await (const c of readChunksOnThisThread(path)) {
      assert.ok(c.length > 0);
      assert.equal(openOn(path), 1);
      break;
    }
    assert.equal(openOn(path), 0);
    await assert.rejects(
      (async () => {
        for await (const _ of readChunksOnThisThread(join(dir, 'no-such-table'))) assert.fail('nothing to read');
      })(),
      (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
    );
  });

  it('is what the collector reads /proc/net/tcp with, and agrees with one whole read of it', async () => {
    assert.equal(nodeFileReader.readChunks, readChunksOnThisThread);
    const chunks: Uint8Array[] = [];
    for await (const c of nodeFileReader.readChunks('/proc/net/tcp')) chunks.push(c);
    // the header line is fixed; the rows may change between the two reads
    const text = Buffer.concat(chunks).toString('latin1');
    assert.equal(text.split('\n')[0], readFileSync('/proc/net/tcp', 'latin1').split('\n')[0]);
    assert.match(text.split('\n')[0], /^\s*sl\s+local_address\s+rem_address\s+st\b/);
  });
});
