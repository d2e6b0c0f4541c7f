// Kernel files kept open and re-read from offset 0 (electron/collector/sources/node-fs.ts,
// readKernelFile; docs/performance.md, "Idle CPU"): the text is the file's current text each time,
// whatever its length; a file that cannot be read leaves nothing open (a missing one is remembered
// for 10 s rather than failing again each tick); and on the real /proc the
// kernel regenerates the text at each read — a counter moves between two reads of one descriptor.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeKernelFiles, keptKernelFiles, nodeFileReader, readKernelFile } from '../../../../electron/collector/sources/node-fs';
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
