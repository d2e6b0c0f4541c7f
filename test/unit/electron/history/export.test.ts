// Exports read back by a real CSV parser (csv-parse) and JSON.parse: what comes back equals what went
// in — awkward process names included — and a history export equals the samples recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { exportHistory, exportSockets, exportTuning, writeRecords } from '../../../../electron/history/export';
import { PersistentHistory } from '../../../../electron/history/persistent-history';
import { HISTORY_ROLLUP_COLUMNS, HISTORY_SAMPLE_COLUMNS, SOCKET_COLUMNS, csvField } from '../../../../shared/export-format';
import type { SocketRow } from '../../../../shared/snapshot';
import { TCP_STATES } from '../../../../shared/tcp';

async function collect(write: (out: Writable) => Promise<unknown>): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (d: Buffer) => chunks.push(d));
  await write(out);
  out.end();
  await new Promise((r) => out.once('end', r));
  return Buffer.concat(chunks).toString('utf8');
}

const NAMES = ['nginx', 'my,proc', 'say "hi"', 'two\nlines', 'cr\rhere', ' spaced ', '=cmd()', '进程', '', null];
function row(i: number): SocketRow {
  return {
    family: i % 2 ? 'ipv6' : 'ipv4',
    state: TCP_STATES[i % 11],
    localAddr: i % 2 ? '::ffff:10.0.0.1' : '127.0.0.1',
    localPort: 30000 + i,
    remoteAddr: i % 2 ? 'fe80::1' : '10.1.2.3',
    remotePort: 443,
    txQueue: i,
    rxQueue: 0,
    timer: 'timewait',
    timerLeftMs: 1234 + i,
    retransmits: 0,
    uid: 1000,
    inode: i === 3 ? 0 : 9000 + i,
    pid: NAMES[i % NAMES.length] === null ? null : 4000 + i,
    comm: NAMES[i % NAMES.length],
  };
}

describe('export formats', () => {
  test('RFC 4180 quoting: only fields that need it, quotes doubled', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('x\ny'), '"x\ny"');
    assert.equal(csvField('x\ry'), '"x\ry"');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0.5), '0.5');
    assert.equal(csvField(1e21), '1e+21');
  });

  test('sockets as CSV parse back (csv-parse) to exactly the rows, header first, CRLF records', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i));
    const tableAt = Date.UTC(2026, 11, 1, 3, 0, 0, 250);
    const text = await collect((out) => exportSockets(out, 'csv', tableAt, rows));
    assert.ok(text.startsWith(SOCKET_COLUMNS.join(',') + '\r\n'));
    const parsed = parse(text, { columns: true, relax_quotes: false }) as Record<string, string>[];
    assert.equal(parsed.length, rows.length);
    parsed.forEach((p, i) => {
      const r = rows[i];
      assert.equal(p.table_time, '2026-12-01T03:00:00.250Z');
      assert.equal(p.state, r.state);
      assert.equal(p.local_address, r.localAddr);
      assert.equal(Number(p.local_port), r.localPort);
      assert.equal(p.remote_address, r.remoteAddr);
      assert.equal(p.process, r.comm ?? '', `row ${i}`);
      assert.equal(p.pid, r.pid === null ? '' : String(r.pid));
      assert.equal(Number(p.timer_left_ms), r.timerLeftMs);
    });
  });

  test('sockets as JSON Lines: one object per line, nulls kept, numbers as numbers', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i));
    const text = await collect((out) => exportSockets(out, 'jsonl', null, rows));
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, 50);
    lines.forEach((l, i) => {
      const o = JSON.parse(l);
      assert.deepEqual(Object.keys(o), [...SOCKET_COLUMNS]);
      assert.equal(o.table_time, null);
      assert.equal(o.process, rows[i].comm);
      assert.equal(o.local_port, rows[i].localPort);
    });
  });

  test('a slow reader gets every byte: the writer waits for drain instead of buffering it all', async () => {
    let highWater = 0;
    let got = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        got += chunk.length;
        setImmediate(cb);
      },
    });
    const origWrite = slow.write.bind(slow);
    slow.write = ((c: string) => {
      const r = origWrite(c);
      highWater = Math.max(highWater, slow.writableLength);
      return r;
    }) as typeof slow.write;
    const n = await writeRecords(slow, 'csv', ['a', 'b'], (function* () {
      for (let i = 0; i < 100_000; i++) yield [i, 'x'.repeat(20)];
    })());
    await new Promise<void>((r) => slow.end(r));
    assert.equal(n.rows, 100_000);
    assert.equal(got, n.bytes);
    assert.ok(highWater < 200 * 1024, `at most one chunk beyond the high-water mark was queued (${highWater} bytes)`);
  });

  test('the tuning journal: one record per changed key, oldest change first', async () => {
    const text = await collect((out) =>
      exportTuning(out, 'csv', [
        { id: 'b', time: 2000, changes: [{ key: 'net.ipv4.tcp_fin_timeout', before: '60', after: '30' }], persisted: false, state: 'reverted', confirmDeadline: null },
        { id: 'a', time: 1000, changes: [{ key: 'net.ipv4.ip_local_port_range', before: '32768\t60999', after: '10000\t60999' }, { key: 'net.ipv4.tcp_tw_reuse', before: '2', after: '1' }], persisted: true, state: 'kept', confirmDeadline: 31000 },
      ]),
    );
    const p = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(p.map((r) => [r.id, r.key, r.before, r.after]), [
      ['a', 'net.ipv4.ip_local_port_range', '32768\t60999', '10000\t60999'],
      ['a', 'net.ipv4.tcp_tw_reuse', '2', '1'],
      ['b', 'net.ipv4.tcp_fin_timeout', '60', '30'],
    ]);
    assert.equal(p[0].confirm_deadline, '1970-01-01T00:00:31.000Z');
  });
});

describe('history export from a real history file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wl-export-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
  const tw = (i: number) => (i * 37) % 1001;

  test('1 s rows and minute rollups equal what was recorded', async () => {
    const h = await PersistentHistory.open({ dir, capacity: 100 });
    for (let i = 0; i < 3 * 3600; i++) {
      h.pushSample(T0 + i * 1000, { TIME_WAIT: tw(i), CLOSE_WAIT: i % 3 }, { resets: i % 5 });
      if (i % 1800 === 1799) await h.flush();
    }
    const db = h.file!;
    const from = T0 + 600_000;
    const to = T0 + 600_000 + 299_000;
    const csv = await collect((out) => exportHistory(out, 'csv', { db }, from, to, '1s'));
    const rows = parse(csv, { columns: true, cast: false }) as Record<string, string>[];
    assert.deepEqual(Object.keys(rows[0]), [...HISTORY_SAMPLE_COLUMNS]);
    assert.equal(rows.length, 300, 'both ends inclusive');
    rows.forEach((r, k) => {
      const i = 600 + k;
      assert.equal(r.time, new Date(T0 + i * 1000).toISOString());
      assert.equal(Number(r.time_wait), tw(i));
      assert.equal(Number(r.close_wait), i % 3);
      assert.equal(Number(r.resets_per_s), i % 5);
    });
    const jsonl = await collect((out) => exportHistory(out, 'jsonl', { db }, T0, T0 + 3 * 3600_000, '1m'));
    const minutes = jsonl.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(minutes.length, 180);
    assert.deepEqual(Object.keys(minutes[0]), [...HISTORY_ROLLUP_COLUMNS]);
    minutes.forEach((m, k) => {
      const secs = Array.from({ length: 60 }, (_, j) => tw(k * 60 + j));
      assert.equal(m.minute, new Date(T0 + k * 60_000).toISOString());
      assert.equal(m.samples, 60);
      assert.equal(m.time_wait_min, Math.min(...secs));
      assert.equal(m.time_wait_max, Math.max(...secs));
      assert.ok(Math.abs(m.time_wait_avg - secs.reduce((a, b) => a + b) / 60) < 1e-9);
    });
    // from memory when there is no file: the same columns, the samples memory holds
    const mem = await collect((out) => exportHistory(out, 'csv', { db: null, memory: h.memory }, T0, T0 + 4 * 3600_000, '1s'));
    const memRows = parse(mem, { columns: true }) as Record<string, string>[];
    assert.equal(memRows.length, 100, 'the memory ring holds the last 100 samples');
    assert.equal(Number(memRows[99].time_wait), tw(3 * 3600 - 1));
    await h.close();
  });
});
