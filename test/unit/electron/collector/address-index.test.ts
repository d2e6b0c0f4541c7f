// Aggregation keyed by address indices (docs/performance.md, "Addresses as numbers"): the same result
// whichever way the addresses are numbered, or whether the source numbered them at all, and group
// counts equal to a plain string-keyed count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, TripleMap } from '../../../../electron/collector/derive/aggregate';
import { SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import type { SocketTable } from '../../../../electron/collector/types';
import { rng } from '../../../../electron/bench/rng';

describe('TripleMap', () => {
  for (const addrs of [7, 300_000]) {
    it(`keeps every (address, address, key) apart with ${addrs} addresses (${addrs < 1000 ? 'one number per key' : 'nested maps'})`, () => {
      const r = rng(addrs);
      const cMax = 131072;
      const m = new TripleMap<number>(addrs, cMax);
      const oracle = new Map<string, number>();
      const pick = (): [number, number, number] => {
        // the corners, where a wrong stride would make two keys meet
        const edge = (max: number) => (r() < 0.3 ? (r() < 0.5 ? 0 : max - 1) : Math.floor(r() * max));
        return [edge(addrs), edge(addrs), edge(cMax)];
      };
      for (let i = 0; i < 20_000; i++) {
        const [a, b, c] = pick();
        const k = `${a}/${b}/${c}`;
        assert.equal(m.get(a, b, c), oracle.get(k), `get ${k} before set`);
        m.set(a, b, c, i);
        oracle.set(k, i);
      }
      assert.deepEqual([...m.values()].sort((x, y) => x - y), [...oracle.values()].sort((x, y) => x - y));
    });
  }
});

const EPH = { low: 32768, high: 60999, reserved: [[40000, 40099]] as [number, number][], usable: 28132 };
const REUSE = { reuse: 2, delayMs: 1000, timestamps: 1 };

function randomTable(seed: number, rows: number): SocketTable {
  const r = rng(seed);
  const v4 = Array.from({ length: 20 }, (_, i) => `10.0.${i}.${1 + (i % 3)}`);
  const v6 = ['::1', '2001:db8::5', 'fe80::1', '::ffff:10.0.0.7'];
  const b = new SocketTableBuilder(64);
  const listen = [80, 443, 5432];
  for (const p of listen) b.push({ family: 4, state: 10, localAddr: '0.0.0.0', localPort: p, remoteAddr: '0.0.0.0', remotePort: 0, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode: 1 });
  const states = [1, 1, 6, 6, 6, 6, 8, 5, 2, 9];
  for (let i = 0; i < rows; i++) {
    const six = r() < 0.2;
    const pool = six ? v6 : v4;
    const local = pool[Math.floor(r() * 3)];
    const remote = pool[Math.floor(r() * pool.length)];
    const inbound = r() < 0.3;
    const state = states[Math.floor(r() * states.length)];
    b.push({
      family: six ? 6 : 4,
      state,
      localAddr: local,
      localPort: inbound ? listen[Math.floor(r() * 3)] : 32768 + Math.floor(r() * 28232),
      remoteAddr: remote,
      remotePort: inbound ? 1024 + Math.floor(r() * 60000) : [443, 8080, 6379][Math.floor(r() * 3)],
      txQueue: 0,
      rxQueue: 0,
      timer: state === 6 ? 3 : 0,
      timerLeftMs: state === 6 ? Math.floor(r() * 60_000) : 0,
      retransmits: 0,
      uid: 0,
      inode: state === 6 ? 0 : i + 2,
    });
  }
  return b.finish();
}

/** the table with an address index numbered in a shuffled order */
function withIndex(t: SocketTable, seed: number): SocketTable {
  const r = rng(seed);
  const distinct = [...new Set([...t.localAddr, ...t.remoteAddr])];
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const id = new Map(distinct.map((a, i) => [a, i]));
  return {
    ...t,
    addrIndex: { addrs: distinct, local: Uint32Array.from(t.localAddr, (a) => id.get(a)!), remote: Uint32Array.from(t.remoteAddr, (a) => id.get(a)!) },
  };
}

describe('aggregation by address index', () => {
  for (const seed of [1, 2, 3]) {
    it(`gives the same aggregates with the source's numbering, another numbering, or none (seed ${seed})`, () => {
      const t = randomTable(seed, 5000);
      const opts = { ephemeral: EPH, reuse: REUSE };
      const plain = aggregate(t, opts);
      assert.deepEqual(aggregate(withIndex(t, seed * 7), opts), plain);
      assert.deepEqual(aggregate(withIndex(t, seed * 11), opts), plain);
    });
  }

  it('counts each TIME_WAIT group and each budget as a plain string-keyed count does', () => {
    const t = withIndex(randomTable(9, 8000), 5);
    const a = aggregate(t, { ephemeral: EPH, reuse: REUSE, budgetLimit: 1000 });
    const listening = new Set<number>();
    for (let i = 0; i < t.length; i++) if (t.state[i] === 10) listening.add(t.localPort[i]);
    const groups = new Map<string, number>();
    const inUse = new Map<string, number>();
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] === 10) continue;
      const inbound = listening.has(t.localPort[i]);
      if (t.state[i] === 6) {
        const k = `${t.remoteAddr[i]}|${t.localAddr[i]}|${inbound ? t.localPort[i] : t.remotePort[i]}|${inbound ? 'inbound' : 'outbound'}`;
        groups.set(k, (groups.get(k) ?? 0) + 1);
      }
      const p = t.localPort[i];
      if (!inbound && p >= EPH.low && p <= EPH.high && !(p >= 40000 && p <= 40099) && t.state[i] !== 10) {
        const k = `${t.localAddr[i]}|${t.remoteAddr[i]}|${t.remotePort[i]}`;
        inUse.set(k, (inUse.get(k) ?? 0) + 1);
      }
    }
    assert.equal(a.topTimeWait.length, 10);
    const smallestListed = Math.min(...a.topTimeWait.map((g) => g.count));
    for (const g of a.topTimeWait) assert.equal(g.count, groups.get(`${g.peerAddr}|${g.localAddr}|${g.servicePort}|${g.direction}`));
    const listed = new Set(a.topTimeWait.map((g) => `${g.peerAddr}|${g.localAddr}|${g.servicePort}|${g.direction}`));
    for (const [k, c] of groups) if (!listed.has(k)) assert.ok(c <= smallestListed, `${k} (${c}) outranks a listed group (${smallestListed})`);
    assert.equal(a.portBudgets.length, inUse.size, 'one budget per (local, remote, port) holding ephemeral ports');
    for (const b of a.portBudgets) assert.equal(b.inUse, inUse.get(`${b.localAddr}|${b.remoteAddr}|${b.remotePort}`), `${b.localAddr} → ${b.remoteAddr}:${b.remotePort}`);
  });
});
