// The connection filter matches names (electron/collector/table-query.ts): service names of either
// port from a services table, and host names already resolved — never a lookup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServices } from '../../../../shared/services';
import { matchingOrder, querySocketTable, type FilterNames } from '../../../../electron/collector/table-query';
import type { SocketTable } from '../../../../electron/collector/types';

const SERVICES = parseServices(['ssh 22/tcp', 'http 80/tcp www', 'https 443/tcp', 'postgresql 5432/tcp postgres', 'domain 53/udp'].join('\n'));

interface R {
  local: string;
  lport: number;
  remote: string;
  rport: number;
  state?: number;
}

function table(rows: R[]): SocketTable {
  const n = rows.length;
  return {
    length: n,
    family: Uint8Array.from(rows.map((r) => (r.local.includes(':') ? 6 : 4))),
    state: Uint8Array.from(rows.map((r) => r.state ?? 1)),
    localAddr: rows.map((r) => r.local),
    localPort: Uint16Array.from(rows.map((r) => r.lport)),
    remoteAddr: rows.map((r) => r.remote),
    remotePort: Uint16Array.from(rows.map((r) => r.rport)),
    txQueue: new Uint32Array(n),
    rxQueue: new Uint32Array(n),
    timer: new Uint8Array(n),
    timerLeftMs: new Uint32Array(n),
    retransmits: new Uint32Array(n),
    uid: new Uint32Array(n),
    inode: new Float64Array(n),
    cookie: null,
  };
}

const T = table([
  { local: '10.0.0.2', lport: 40000, remote: '93.184.216.34', rport: 443 }, // 0 https out
  { local: '10.0.0.2', lport: 40001, remote: '10.0.0.9', rport: 5432 }, // 1 postgres out
  { local: '0.0.0.0', lport: 22, remote: '0.0.0.0', rport: 0, state: 10 }, // 2 ssh listen
  { local: '10.0.0.2', lport: 22, remote: '192.0.2.7', rport: 51000 }, // 3 ssh in
  { local: '10.0.0.2', lport: 40002, remote: '198.51.100.1', rport: 80 }, // 4 http out
  { local: '10.0.0.2', lport: 40003, remote: '198.51.100.2', rport: 53 }, // 5 53 is udp-only here
  { local: '::1', lport: 443, remote: '::1', rport: 40004 }, // 6 https in (v6)
]);

const svc: FilterNames = { services: SERVICES };
const rows = (address: string, names: FilterNames | null = svc) => [...matchingOrder(T, { address }, null, names)];

describe('the address filter matches service names', () => {
  it('finds rows by either port’s name or alias, case-insensitively', () => {
    assert.deepEqual(rows('https'), [0, 6]);
    assert.deepEqual(rows('postgres'), [1]);
    assert.deepEqual(rows('PostgreSQL'), [1]);
    assert.deepEqual(rows('ssh'), [2, 3]);
    assert.deepEqual(rows('www'), [4]);
    assert.deepEqual(rows('http'), [0, 4, 6], 'a prefix: http finds http and https');
    assert.deepEqual(rows('domain'), [], 'udp-only names do not name tcp ports');
  });

  it('still matches numbers as before and never treats them as names', () => {
    assert.deepEqual(rows(':443'), [0, 6]);
    assert.deepEqual(rows('10.0.0.9'), [1]);
    assert.deepEqual(rows('22'), [2, 3]);
  });

  it('matches nothing by name without a services table', () => {
    assert.deepEqual(rows('https', { services: null }), []);
    assert.deepEqual(rows('https', null), []);
  });

  it('pages and counts the name matches', () => {
    const page = querySocketTable(T, 1, { address: 'ssh', limit: 1 }, null);
    assert.equal(page.tableSize, 7);
    // default names: the system's /etc/services (ssh is 22/tcp wherever the file exists)
    if (page.total > 0) {
      assert.equal(page.total, 2);
      assert.equal(page.rows[0].localPort, 22);
    }
  });
});

describe('the address filter matches resolved host names', () => {
  it('uses only the names it is given and re-filters when a new name arrives', () => {
    const known = new Map<string, string>([['93.184.216.34', 'example.com']]);
    let asked = 0;
    const hosts = {
      version: 1,
      name(addr: string) {
        asked++;
        return known.get(addr) ?? null;
      },
    };
    const names: FilterNames = { services: SERVICES, hosts };
    assert.deepEqual(rows('example', names), [0]);
    assert.ok(asked <= 2 * 6, 'one host answer per distinct address');
    assert.deepEqual(rows('db.internal', names), []);
    known.set('10.0.0.9', 'db.internal');
    assert.deepEqual(rows('db.internal', names), [], 'same version: the memo answers');
    hosts.version = 2;
    assert.deepEqual(rows('db.internal', names), [1], 'a new version: filtered again');
    assert.deepEqual(rows('postgres', names), [1]);
  });
});
