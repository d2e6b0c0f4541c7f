// `waitline snapshot --names / --resolve` (electron/cli/names.ts): names beside the numbers in the
// summary, reverse DNS only for the addresses the summary lists, none without --resolve.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointText, summaryAddresses, summaryNames } from '../../../../electron/cli/names';
import { formatSnapshot } from '../../../../electron/cli/snapshot';
import { ReverseDns } from '../../../../electron/collector/reverse-dns';
import type { DestinationCount, Snapshot } from '../../../../shared/snapshot';
import { makeSnapshot } from '../../shared/history-fixtures';

const SERVICES = { 22: 'ssh', 443: 'https', 5432: 'postgresql' };

function dest(peerAddr: string, servicePort: number, direction: DestinationCount['direction'], count: number): DestinationCount {
  return { direction, peerAddr, servicePort, localAddr: '10.0.0.2', count };
}

function snap(): Snapshot {
  return makeSnapshot({
    time: 1_763_700_000_000,
    states: { TIME_WAIT: 30, CLOSE_WAIT: 2 },
    overrides: {
      topTimeWait: [dest('93.184.216.34', 443, 'outbound', 20), dest('192.0.2.7', 22, 'inbound', 5), ...Array.from({ length: 6 }, (_, i) => dest(`198.51.100.${i + 1}`, 80, 'outbound', 1))],
      topCloseWait: [dest('10.0.0.9', 5432, 'outbound', 2)],
    },
  });
}

describe('snapshot names', () => {
  it('shows service and host names beside the numbers, and only numbers without them', () => {
    const s = snap();
    const plain = formatSnapshot(s);
    assert.match(plain, /to 93\.184\.216\.34:443 \(we closed first\)/);
    assert.doesNotMatch(plain, /https/);
    const named = formatSnapshot(s, { names: { services: SERVICES, hosts: null } });
    assert.match(named, /to 93\.184\.216\.34:443 \(https\) \(we closed first\)/);
    assert.match(named, /on our port 22 \(ssh\) from 192\.0\.2\.7 \(our server closed first\)/);
    assert.match(named, /to 10\.0\.0\.9:5432 \(postgresql\)/);
    const resolved = formatSnapshot(s, { names: { services: SERVICES, hosts: { '93.184.216.34': 'example.com', '192.0.2.7': 'client.test', '10.0.0.9': null } } });
    assert.match(resolved, /to 93\.184\.216\.34:443 \(example\.com, https\) \(we closed first\)/);
    assert.match(resolved, /from 192\.0\.2\.7 \(client\.test\)/);
    assert.match(resolved, /to 10\.0\.0\.9:5432 \(postgresql\)/);
    assert.equal(endpointText('2001:db8::1', 443, { services: SERVICES, hosts: null }), '[2001:db8::1]:443 (https)');
  });

  it('lists only the addresses the summary prints (five per list)', () => {
    assert.deepEqual(summaryAddresses(snap()), ['93.184.216.34', '192.0.2.7', '198.51.100.1', '198.51.100.2', '198.51.100.3', '10.0.0.9']);
  });

  it('looks up those addresses with --resolve and nothing without it', async () => {
    const asked: string[] = [];
    const resolver = new ReverseDns({
      enabled: true,
      reverse: async (ip) => {
        asked.push(ip);
        return ip === '93.184.216.34' ? ['example.com'] : [];
      },
    });
    const s = snap();
    const none = await summaryNames(s, SERVICES, null, true);
    assert.equal(none.hosts, null);
    assert.deepEqual(asked, []);
    const names = await summaryNames(s, SERVICES, resolver, true);
    assert.deepEqual(asked.sort(), summaryAddresses(s).sort());
    assert.equal(names.hosts?.['93.184.216.34'], 'example.com');
    assert.equal(names.hosts?.['10.0.0.9'], null);
    // a --watch refresh answers from the cache and never waits
    const again = await summaryNames(s, SERVICES, resolver, false);
    assert.equal(again.hosts?.['93.184.216.34'], 'example.com');
    assert.equal(asked.length, 6, 'cached: no second lookup');
  });
});
