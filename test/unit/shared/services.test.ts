// shared/services.ts: the /etc/services parser on fixture text and on the real file, checked against
// getent(1) (glibc's own reader) where it exists; electron/collector/services-file.ts for a missing file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseServices, portsMatchingName, serviceName, serviceRecord } from '../../../shared/services';
import { loadServicesFile } from '../../../electron/collector/services-file';

const FIXTURE = [
  '# Network services, Internet style',
  '',
  'tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer',
  'echo\t\t7/tcp',
  'echo\t\t7/udp',
  'ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol',
  'smtp\t\t25/tcp\t\tmail',
  'domain\t\t53/udp', // udp before tcp: the tcp line still names 53
  'domain\t\t53/tcp\t\t\t\t# Domain Name Server',
  'http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP',
  'www-alt\t\t80/tcp\t\twebserver', // a later line for 80: first name kept, words searchable
  'fsp\t\t21/udp\t\tfspd', // udp only: no tcp name for 21
  'https\t\t443/tcp',
  'postgresql\t5432/tcp\tpostgres\t# PostgreSQL Database',
  'http-alt\t8080/tcp\twebcache',
  '   ', // blank with spaces
  'broken-no-port', // malformed: no port/protocol
  'bad\t70000/tcp', // malformed: port out of range
  'bad2\tabc/tcp', // malformed: not a number
  'bad#name\t9/tcp', // a comment cuts the line: "bad" alone is malformed
  'sctp-only\t9900/sctp', // another protocol: skipped, not malformed
  'HTTPS-CAPS\t4443/TCP', // protocol case-insensitive
].join('\n');

describe('parseServices on fixture text', () => {
  const t = parseServices(FIXTURE);

  it('keeps tcp entries only, the first name per port', () => {
    assert.equal(t.byPort.get(1), 'tcpmux');
    assert.equal(t.byPort.get(7), 'echo');
    assert.equal(t.byPort.get(22), 'ssh');
    assert.equal(t.byPort.get(53), 'domain');
    assert.equal(t.byPort.get(80), 'http');
    assert.equal(t.byPort.get(443), 'https');
    assert.equal(t.byPort.get(5432), 'postgresql');
    assert.equal(t.byPort.get(4443), 'HTTPS-CAPS');
    assert.equal(t.byPort.has(21), false, 'udp-only entries are not tcp names');
    assert.equal(t.byPort.has(9900), false, 'sctp entries are skipped');
    assert.equal(t.entries, 10);
    assert.equal(t.byPort.size, 10);
  });

  it('counts malformed lines (with samples) and skips them', () => {
    assert.equal(t.malformed, 4);
    assert.deepEqual(
      t.malformedSamples.map((s) => s.line),
      [17, 18, 19, 20],
    );
    assert.equal(t.malformedSamples[0].text, 'broken-no-port');
  });

  it('keeps aliases and later names for search, lower-case', () => {
    assert.equal(t.searchByPort.get(80), 'http www www-alt webserver');
    assert.equal(t.searchByPort.get(5432), 'postgresql postgres');
    assert.deepEqual([...portsMatchingName(t, 'postgres')], [5432]);
    assert.deepEqual([...portsMatchingName(t, 'www')].sort((a, b) => a - b), [80]);
    assert.deepEqual([...portsMatchingName(t, 'HTTP')].sort((a, b) => a - b), [80, 443, 4443, 8080]);
    assert.deepEqual([...portsMatchingName(t, 'mail')], [25]);
    assert.deepEqual([...portsMatchingName(t, 'sql')], [], 'a name matches by prefix, not anywhere inside');
    assert.deepEqual([...portsMatchingName(t, '443')], [], 'numbers are never names');
    assert.deepEqual([...portsMatchingName(t, '10.0.0.1:80')], []);
    assert.deepEqual([...portsMatchingName(t, '  ')], []);
  });

  it('gives the renderer a plain port → name record', () => {
    const rec = serviceRecord(t);
    assert.equal(rec[443], 'https');
    assert.equal(serviceName(rec, 443), 'https');
    assert.equal(serviceName(rec, 21), null);
    assert.equal(serviceName(rec, 0), null);
    assert.equal(serviceName(undefined, 443), null);
    assert.equal(serviceName({ 0: 'zero' }, 0), null, 'port 0 (an unconnected remote end) has no name');
    assert.deepEqual(JSON.parse(JSON.stringify(rec)), Object.fromEntries(Object.entries(rec)));
  });

  it('survives empty text, CRLF endings and garbage', () => {
    assert.equal(parseServices('').entries, 0);
    const crlf = parseServices('ssh\t22/tcp\r\nhttps 443/tcp # x\r\n');
    assert.equal(crlf.byPort.get(22), 'ssh');
    assert.equal(crlf.byPort.get(443), 'https');
    assert.equal(crlf.malformed, 0);
    const junk = parseServices('\u0000\u0001 \n{"a":1}\n/tcp\n22/tcp\n');
    assert.equal(junk.entries, 0);
    assert.equal(junk.malformed, 4);
  });
});

describe('the real /etc/services', { skip: existsSync('/etc/services') ? false : 'no /etc/services here' }, () => {
  const loaded = loadServicesFile('/etc/services');

  it('reads it with no reason and a plausible size', () => {
    assert.equal(loaded.reason, null);
    assert.ok(loaded.table.entries > 50, `only ${loaded.table.entries} tcp entries`);
    assert.ok(loaded.table.entries < 20000);
    // the record the renderer gets stays small (AppInfo.services)
    assert.ok(JSON.stringify(serviceRecord(loaded.table)).length < 64 * 1024);
  });

  let getent = false;
  try {
    execFileSync('getent', ['services', '22/tcp'], { stdio: 'ignore' });
    getent = true;
  } catch {
    getent = false;
  }

  it('agrees with getent services PORT/tcp (glibc) on every port it names', { skip: getent ? false : 'getent missing or has no services database' }, () => {
    const text = readFileSync('/etc/services', 'utf8');
    // every 8th tcp port the file mentions (one getent run each, so keep it short), well-known ones,
    // and ports that are normally absent
    const mentioned = [...new Set([...text.matchAll(/\s(\d+)\/tcp\b/g)].map((m) => Number(m[1])))];
    const ports = new Set<number>(mentioned.filter((_, i) => i % 8 === 0));
    for (const p of [1, 4, 22, 53, 80, 443, 5432, 65000]) ports.add(p);
    let compared = 0;
    for (const port of ports) {
      let expected: string | null = null;
      try {
        expected = execFileSync('getent', ['services', `${port}/tcp`], { encoding: 'utf8' }).trim().split(/\s+/)[0];
      } catch {
        expected = null; // exit status 2: not found
      }
      assert.equal(loaded.table.byPort.get(port) ?? null, expected, `port ${port}/tcp`);
      compared++;
    }
    assert.ok(compared >= 20, `compared only ${compared} ports`);
  });
});

describe('loadServicesFile without a file', () => {
  it('answers an empty table and a reason, not an exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-services-'));
    try {
      const missing = loadServicesFile(join(dir, 'services'));
      assert.equal(missing.table.entries, 0);
      assert.match(missing.reason ?? '', /does not exist/);
      const notAFile = loadServicesFile(dir);
      assert.equal(notAFile.table.entries, 0);
      assert.match(notAFile.reason ?? '', /could not be read|not readable/);
      writeFileSync(join(dir, 'services'), FIXTURE);
      const ok = loadServicesFile(join(dir, 'services'));
      assert.equal(ok.reason, null);
      assert.equal(ok.table.byPort.get(443), 'https');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
