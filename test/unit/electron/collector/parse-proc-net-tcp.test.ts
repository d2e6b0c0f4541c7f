// /proc/net/tcp{,6} parser on fixtures: real files captured in a namespace next to `ss -tan` output
// of the same moment (the oracle), the samples of docs/kernel.md ("/proc/net/tcp: columns, states and
// timers") decoded by hand, and awkward input.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatAddressBytes, formatEndpoint } from '../../../../shared/address';
import { CLOSE_WAIT_CODE, STATE_BY_CODE } from '../../../../shared/tcp';
import { parseProcNetTcp, ProcNetTcpParser } from '../../../../electron/collector/parse/proc-net-tcp';
import { concatTables, SocketTableBuilder } from '../../../../electron/collector/parse/socket-table';
import { aggregate } from '../../../../electron/collector/derive/aggregate';
import type { SocketTable } from '../../../../electron/collector/types';

const fixture = (name: string) => readFileSync(`test/fixtures/${name}`);
const SS_NAMES: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  LISTEN: 'LISTEN',
};

function rowsOf(t: SocketTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    out.push(`${STATE_BY_CODE[t.state[i]]} ${formatEndpoint(t.localAddr[i], t.localPort[i])} ${formatEndpoint(t.remoteAddr[i], t.remotePort[i])}`);
  }
  return out.sort();
}

/** ss prints a dual-stack wildcard as "*" and port 0 as "*"; spell them as Waitline does. */
function ssRows(text: string): string[] {
  const ep = (s: string) => s.replace(/^\*:/, '[::]:').replace(/:\*$/, ':0');
  return text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([st, , , local, remote]) => `${SS_NAMES[st] ?? st} ${ep(local)} ${ep(remote)}`)
    .sort();
}

describe('/proc/net/tcp parser: real files against ss', () => {
  it('decodes every socket of a captured namespace exactly as ss printed it', () => {
    const v4 = parseProcNetTcp(fixture('proc-net-tcp.real'), { family: 4 });
    const v6 = parseProcNetTcp(fixture('proc-net-tcp6.real'), { family: 6 });
    assert.equal(v4.skipped + v6.skipped, 0);
    const ours = [...rowsOf(v4.table), ...rowsOf(v6.table)].sort();
    assert.deepEqual(ours, ssRows(readFileSync('test/fixtures/ss-tan.real', 'utf8')));
    // the one state code the collector tests per row by number
    assert.equal(STATE_BY_CODE[CLOSE_WAIT_CODE], 'CLOSE_WAIT');
    assert.ok(ours.some((r) => r.startsWith('CLOSE_WAIT ')), 'the fixture holds a CLOSE_WAIT socket');
  });

  it('keeps IPv4 lines padded to 150 bytes and unpadded IPv6 lines alike', () => {
    const raw = fixture('proc-net-tcp.real').toString('latin1').split('\n').filter(Boolean);
    assert.ok(raw.every((l) => l.length === 149), 'IPv4 fixture lines are 150 bytes with the newline');
    const raw6 = fixture('proc-net-tcp6.real').toString('latin1').split('\n').filter(Boolean);
    assert.ok(new Set(raw6.map((l) => l.length)).size >= 1 && raw6.some((l) => l.length !== 149));
    const v6 = parseProcNetTcp(fixture('proc-net-tcp6.real'), { family: 6 });
    assert.ok(v6.table.localAddr.includes('::ffff:127.0.0.1'), 'v4-mapped dual-stack socket decoded');
  });
});

/** The table with its address strings copied out and no index: what aggregation numbered itself before. */
function plainCopy(t: SocketTable): SocketTable {
  const { addrIndex: _, ...rest } = { ...t, localAddr: [...t.localAddr], remoteAddr: [...t.remoteAddr] };
  return rest;
}

describe('/proc/net/tcp parser: addresses as indices', () => {
  const v4 = () => parseProcNetTcp(fixture('proc-net-tcp.real'), { family: 4 }).table;
  const v6 = () => parseProcNetTcp(fixture('proc-net-tcp6.real'), { family: 6 }).table;

  it('numbers each distinct address once, and the strings read from the indices are the addresses', () => {
    for (const t of [v4(), v6()]) {
      const ix = t.addrIndex!;
      assert.ok(ix, 'the parser gives an address index');
      assert.equal(new Set(ix.addrs).size, ix.addrs.length, 'no address twice');
      assert.equal(ix.local.length, t.length);
      for (let i = 0; i < t.length; i++) {
        assert.equal(t.localAddr[i], ix.addrs[ix.local[i]]);
        assert.equal(t.remoteAddr[i], ix.addrs[ix.remote[i]]);
      }
      // every index is used (an address is interned only when a row has it)
      const used = new Set([...ix.local, ...ix.remote]);
      assert.equal(used.size, ix.addrs.length);
    }
  });

  it('a bad line or a row over maxRows adds no address', () => {
    const line = (local: string, remote: string) => `   0: ${local}:0050 ${remote}:9791 01 00000000:00000000 00:00000000 00000000     0        0 123 1 0000000000000000\n`;
    const bad = parseProcNetTcp(line('0100007F', '0200007F') + line('0300007F', 'ZZZZZZZZ') + line('ZZZZZZZZ', '0400007F'), { family: 4 });
    assert.equal(bad.skipped, 2);
    assert.deepEqual(bad.table.addrIndex!.addrs, ['127.0.0.1', '127.0.0.2']);
    const over = parseProcNetTcp(line('0100007F', '0200007F') + line('0500007F', '0600007F'), { family: 4, maxRows: 1 });
    assert.equal(over.truncated, 1);
    assert.deepEqual(over.table.addrIndex!.addrs, ['127.0.0.1', '127.0.0.2']);
    const six = (hex: string) => `   0: ${hex}:0050 00000000000000000000000001000000:9791 01 00000000:00000000 00:00000000 00000000     0        0 9 1 0000000000000000\n`;
    const v6 = parseProcNetTcp(six('0000000000000000000000000100000G') + six('00000000000000000000000001000000'), { family: 6 });
    assert.equal(v6.skipped, 1, 'a non-hex digit in the last word of an IPv6 address is a bad line');
    assert.deepEqual(v6.table.addrIndex!.addrs, ['::1']);
  });

  it('concatenating IPv4 and IPv6 merges the distinct addresses and shifts the second table\'s indices', () => {
    const a = v4();
    const b = v6();
    const t = concatTables([a, b]);
    assert.equal(t.length, a.length + b.length);
    const ix = t.addrIndex!;
    assert.equal(new Set(ix.addrs).size, ix.addrs.length);
    assert.deepEqual(t.localAddr, [...a.localAddr, ...b.localAddr]);
    assert.deepEqual(t.remoteAddr, [...a.remoteAddr, ...b.remoteAddr]);
    // an address both tables hold keeps one index
    const shared = new SocketTableBuilder(4, false, true);
    const row = { family: 4 as const, state: 6, localPort: 1, remotePort: 2, txQueue: 0, rxQueue: 0, timer: 0, timerLeftMs: 0, retransmits: 0, uid: 0, inode: 0 };
    shared.push({ ...row, localAddr: '10.0.0.1', remoteAddr: '10.0.0.2' });
    const other = new SocketTableBuilder(4, false, true);
    other.push({ ...row, localAddr: '10.0.0.3', remoteAddr: '10.0.0.1' });
    const m = concatTables([shared.finish(), other.finish()]);
    assert.deepEqual(m.addrIndex!.addrs, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.deepEqual([...m.addrIndex!.local], [0, 2]);
    assert.deepEqual([...m.addrIndex!.remote], [1, 0]);
    // a table without an index among them: strings throughout
    const mixed = concatTables([plainCopy(a), b]);
    assert.equal(mixed.addrIndex, undefined);
    assert.deepEqual(mixed.localAddr, t.localAddr);
  });

  it('aggregates the same with the parser\'s indices as with plain strings', () => {
    const t = concatTables([v4(), v6()]);
    const opts = { ephemeral: { low: 32768, high: 60999, reserved: [] as [number, number][], usable: 28232 }, reuse: { reuse: 2, delayMs: 1000, timestamps: 1 } };
    assert.deepEqual(aggregate(t, opts), aggregate(plainCopy(t), opts));
  });
});

describe('/proc/net/tcp parser: docs/kernel.md samples, decoded by hand', () => {
  const header =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  const tw = '   2: 0100007F:97B0 0100007F:9791 06 00000000:00000000 03:0000173E 00000000     0        0 0 3 000000004bd830ab\n';
  const fw2 = '   2: 0100007F:B854 0100007F:9A67 05 00000000:00000000 03:00001752 00000000     0        0 0 3 000000004bd830ab\n';

  it('TIME_WAIT: 127.0.0.1:38832 → 127.0.0.1:38801, timewait timer, 59.5 s left, no inode', () => {
    const { table: t, skipped } = parseProcNetTcp(header + tw, { family: 4 });
    assert.equal(skipped, 0);
    assert.equal(t.length, 1);
    assert.equal(t.localAddr[0], '127.0.0.1');
    assert.equal(t.localPort[0], 0x97b0);
    assert.equal(t.localPort[0], 38832);
    assert.equal(t.remotePort[0], 38801);
    assert.equal(STATE_BY_CODE[t.state[0]], 'TIME_WAIT');
    assert.equal(t.timer[0], 3);
    assert.equal(t.timerLeftMs[0], 59_500);
    assert.equal(t.inode[0], 0);
    assert.equal(t.uid[0], 0);
  });

  it('an orphaned FIN_WAIT2 held as a timewait object: state 05 with timer 3', () => {
    const { table: t } = parseProcNetTcp(header + fw2, { family: 4 });
    assert.equal(STATE_BY_CODE[t.state[0]], 'FIN_WAIT2');
    assert.equal(t.timer[0], 3);
    assert.equal(t.timerLeftMs[0], 0x1752 * 10);
  });

  it('USER_HZ is honoured (ticks → ms)', () => {
    const { table: t } = parseProcNetTcp(header + tw, { family: 4, userHz: 1000 });
    assert.equal(t.timerLeftMs[0], 5950);
  });

  it('decodes IPv6 words byte-reversed: ::1, v4-mapped, 2001:db8::1, fe80::…', () => {
    const line = (a: string, b: string) =>
      `   0: ${a}:1389 ${b}:8122 01 00000001:00000002 00:00000000 00000000  1000        0 4242 1 0000000000000000 20 4 30 10 -1\n`;
    const text =
      line('00000000000000000000000001000000', '0000000000000000FFFF00000100007F') +
      line('B80D0120000000000000000001000000', '000080FE0000000078563412F0DEBC9A');
    const { table: t, skipped } = parseProcNetTcp(text, { family: 6 });
    assert.equal(skipped, 0);
    assert.deepEqual([t.localAddr[0], t.remoteAddr[0]], ['::1', '::ffff:127.0.0.1']);
    assert.deepEqual([t.localAddr[1], t.remoteAddr[1]], ['2001:db8::1', 'fe80::1234:5678:9abc:def0']);
    assert.equal(t.localPort[0], 5001);
    assert.equal(t.txQueue[0], 1);
    assert.equal(t.rxQueue[0], 2);
    assert.equal(t.uid[0], 1000);
    assert.equal(t.inode[0], 4242);
    assert.equal(t.family[0], 6);
  });

  it('formats addresses the way ss does (RFC 5952)', () => {
    assert.equal(formatAddressBytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), '::');
    assert.equal(formatAddressBytes([0x20, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), '2001:0:0:1::1');
    assert.equal(formatAddressBytes([0x20, 1, 0xd, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), '2001:db8:1::');
    assert.equal(formatAddressBytes([10, 0, 0, 1]), '10.0.0.1');
  });
});

/** The line with whitespace-separated field `i` replaced. */
function withField(line: string, i: number, value: string): string {
  const f = line.trim().split(/\s+/);
  f[i] = value;
  return '   ' + f.join(' ');
}

describe('/proc/net/tcp parser: awkward input', () => {
  const real = fixture('proc-net-tcp.real').toString('latin1');
  const lines = real.split('\n').filter(Boolean);
  const body = lines.slice(1);

  it('an empty file and a header-only file are empty tables, not errors', () => {
    for (const text of ['', lines[0] + '\n']) {
      const r = parseProcNetTcp(text, { family: 4 });
      assert.equal(r.table.length, 0);
      assert.equal(r.skipped, 0);
    }
  });

  it('skips and counts truncated lines, keeps the good ones, and quotes the first bad line', () => {
    const text = [lines[0], body[0], body[1].slice(0, 40), body[2], body[3].slice(0, 70), ''].join('\n');
    const r = parseProcNetTcp(text, { family: 4 });
    assert.equal(r.table.length, 2);
    assert.equal(r.skipped, 2);
    assert.equal(r.firstBadLine, body[1].slice(0, 40));
  });

  it('a file cut mid-line at EOF (no newline) counts one bad line', () => {
    const r = parseProcNetTcp(lines.slice(0, 3).join('\n') + '\n' + body[3].slice(0, 60), { family: 4 });
    assert.equal(r.table.length, 2);
    assert.equal(r.skipped, 1);
  });

  it('tolerates extra columns', () => {
    const text = body.map((l) => l + ' 7 8 9 extra columns from a future kernel').join('\n');
    const r = parseProcNetTcp(text, { family: 4 });
    assert.equal(r.table.length, body.length);
    assert.equal(r.skipped, 0);
  });

  it('keeps sockets with unknown state codes (state 0) and counts them', () => {
    const text = body.map((l, i) => (i === 0 ? l.replace(/^(\s*\d+: \S+ \S+ )../, '$11F') : l)).join('\n');
    const r = parseProcNetTcp(text, { family: 4 });
    assert.equal(r.table.length, body.length);
    assert.equal(r.unknownStates, 1);
    assert.equal(r.table.state[0], 0);
  });

  it('rejects garbage in hex and decimal fields, IPv6 lines in the IPv4 file, and over-long lines', () => {
    const bad = [
      body[0].replace(/ 0100007F:/, ' 0100007G:'),
      body[0].replace(/^\s*\d+:/, '   9'), // no colon after sl
      '   0: 00000000000000000000000001000000:1389 00000000000000000000000001000000:8122 01 00000000:00000000 00:00000000 00000000     0        0 1 1',
      withField(body[0], 7, '-5'), // a negative uid
      withField(body[0], 9, '12x4'), // a non-decimal inode
      'x'.repeat(10_000),
      '\t\t',
    ];
    const text = [lines[0], ...bad, body[1]].join('\n') + '\n';
    const r = parseProcNetTcp(text, { family: 4 });
    assert.equal(r.table.length, 1);
    assert.equal(r.skipped, 6);
  });

  it('gives the same table whatever the chunk boundaries (byte-by-byte feed)', () => {
    const whole = parseProcNetTcp(real, { family: 4 });
    const p = new ProcNetTcpParser({ family: 4 });
    const bytes = Buffer.from(real, 'latin1');
    for (let i = 0; i < bytes.length; i++) p.push(bytes.subarray(i, i + 1));
    const r = p.end();
    assert.deepEqual(rowsOf(r.table), rowsOf(whole.table));
    assert.deepEqual([...r.table.timerLeftMs], [...whole.table.timerLeftMs]);
  });

  it('parses a generated 1,000,000-line table in bounded memory, streaming', () => {
    const N = 1_000_000;
    const tmpl = body.find((l) => / 06 /.test(l))!;
    const lineLen = tmpl.length + 1;
    const perChunk = 2000;
    const chunk = Buffer.alloc(lineLen * perChunk);
    global.gc?.();
    const before = process.memoryUsage();
    const p = new ProcNetTcpParser({ family: 4 });
    p.push(Buffer.from(lines[0] + '\n'));
    for (let c = 0; c < N / perChunk; c++) {
      for (let k = 0; k < perChunk; k++) {
        // vary the local port so rows differ: "%04X" of (c*perChunk+k) % 65536
        const port = ((c * perChunk + k) % 65536).toString(16).toUpperCase().padStart(4, '0');
        const line = tmpl.replace(/^(\s*\d+: [0-9A-F]{8}:)[0-9A-F]{4}/, `$1${port}`);
        chunk.write(line + '\n', k * lineLen, 'latin1');
      }
      p.push(chunk);
    }
    const r = p.end();
    const after = process.memoryUsage();
    assert.equal(r.table.length, N);
    assert.equal(r.skipped, 0);
    assert.equal(r.table.localPort[N - 1], (N - 1) % 65536);
    let tw = 0;
    for (let i = 0; i < N; i++) if (r.table.state[i] === 6) tw++;
    assert.equal(tw, N);
    // the text alone would be ~150 MB; the columnar table must stay well under it
    const grewMB = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
    assert.ok(grewMB < 140, `memory grew ${grewMB.toFixed(0)} MB for 1M rows`);
  });

  it('stops storing rows past maxRows and says how many it dropped', () => {
    const r = parseProcNetTcp(body.join('\n'), { family: 4, maxRows: 2 });
    assert.equal(r.table.length, 2);
    assert.equal(r.truncated, body.length - 2);
  });
});
