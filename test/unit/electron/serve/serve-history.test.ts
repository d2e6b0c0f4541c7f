// `waitline serve` keeps its history in a real SQLite file: kill -9 it while it writes, start it again
// on the same folder, and the history is there up to the last few seconds, the file intact; a second
// serve on the same folder reads it read-only and says who records.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sqlite3 from 'sqlite3';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import type { HistoryResult } from '../../../../shared/api';

const CLI = 'dist/cli.mjs';

interface Running {
  child: ChildProcess;
  url: URL;
  stdout: () => string;
}

function startServe(stateDir: string): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--interval', '0.25', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 20_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m && /^History: /m.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: new URL(m[1]), stdout: () => out });
      }
    });
    child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out} ${err}`)));
  });
}

async function history(s: Running, fromMs: number, toMs: number): Promise<HistoryResult> {
  const token = s.url.searchParams.get('token')!;
  const r = await fetch(`${s.url.origin}/api/history?from=${fromMs}&to=${toMs}&maxPoints=4000`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as HistoryResult;
}

function stop(s: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill(signal);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('waitline serve: history on disk', () => {
  const dirs: string[] = [];
  const running: Running[] = [];
  after(async () => {
    for (const s of running) await stop(s, 'SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('kill -9 while writing loses at most the last few seconds, never the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-serve-hist-'));
    dirs.push(dir);
    const first = await startServe(dir);
    running.push(first);
    assert.match(first.stdout(), new RegExp(`History: ${join(dir, 'history.sqlite')}`));
    const started = Date.now();
    await sleep(5200);
    const before = await history(first, started - 60_000, Date.now());
    assert.ok(before.times.length >= 15, `ticks at 4/s for 5 s: ${before.times.length}`);
    const killedAt = Date.now();
    await stop(first, 'SIGKILL');
    assert.ok(existsSync(join(dir, 'history.lock')), 'kill -9 leaves its lock behind');

    const second = await startServe(dir);
    running.push(second);
    const after_ = await history(second, started - 60_000, killedAt);
    assert.equal(after_.storage?.mode, 'disk', 'the stale lock is taken over');
    assert.equal(after_.storage?.message, null, 'the file was not moved aside');
    const newest = Math.max(...after_.times.filter((t) => t <= killedAt));
    const lostMs = killedAt - newest;
    assert.ok(lostMs <= 3500, `lost ${lostMs} ms before the kill (flushes every 2 s)`);
    assert.ok(after_.times.filter((t) => t <= killedAt).length >= before.times.length - 12, 'the samples before the kill are there');
    // the second run appends after the first
    await sleep(2600);
    const both = await history(second, started - 60_000, Date.now());
    assert.ok(both.times.some((t) => t > killedAt + 500), 'the new run records too');
    await stop(second);
    // and SQLite finds the file intact
    const verdict = await new Promise<string>((resolve, reject) => {
      const db = new sqlite3.Database(join(dir, 'history.sqlite'), sqlite3.OPEN_READONLY);
      db.get('PRAGMA integrity_check', (e, row: Record<string, string>) => (e ? reject(e) : db.close(() => resolve(Object.values(row)[0]))));
    });
    assert.equal(verdict, 'ok');
    assert.ok(!existsSync(join(dir, 'history.lock')), 'a clean stop releases the lock');
  });

  it('/api/export streams downloads: the history range and the filtered socket table, read back by csv-parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-serve-exp-'));
    dirs.push(dir);
    const listener = createServer().listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const lport = (listener.address() as AddressInfo).port;
    try {
      const s = await startServe(dir);
      running.push(s);
      const t0 = Date.now();
      await sleep(2600);
      const token = s.url.searchParams.get('token')!;
      const get = (r: object) => fetch(`${s.url.origin}/api/export?r=${encodeURIComponent(JSON.stringify(r))}&token=${token}`);
      const h = await get({ kind: 'history', format: 'csv', fromMs: t0 - 5000, toMs: Date.now(), resolution: '1s' });
      assert.equal(h.status, 200);
      assert.match(h.headers.get('content-disposition') ?? '', /^attachment; filename="waitline-history-\d{8}-\d{6}\.csv"$/);
      assert.match(h.headers.get('content-type') ?? '', /^text\/csv/);
      const rows = parse(await h.text(), { columns: true }) as Record<string, string>[];
      assert.ok(rows.length >= 6, `≈4 samples a second for 2.6 s: ${rows.length}`);
      for (const r of rows) assert.ok(Date.parse(r.time) >= t0 - 5000);
      const api = await history(s, t0 - 5000, Date.now());
      assert.ok(rows.length >= api.times.length - 12, 'the export has the samples the charts draw from');
      const sk = await get({ kind: 'sockets', format: 'csv', sockets: { states: ['LISTEN'], port: lport } });
      const sockets = parse(await sk.text(), { columns: true }) as Record<string, string>[];
      assert.deepEqual(sockets.map((r) => [r.state, r.local_address, r.local_port, r.pid]), [['LISTEN', '127.0.0.1', String(lport), String(process.pid)]]);
      const bad = await get({ kind: 'sockets', format: 'xlsx' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /format must be csv or jsonl/);
      await stop(s);
    } finally {
      listener.close();
    }
  });

  it('two serves on one folder: the second reads it read-only and names the writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-serve-hist2-'));
    dirs.push(dir);
    const writer = await startServe(dir);
    running.push(writer);
    const reader = await startServe(dir);
    running.push(reader);
    assert.match(reader.stdout(), new RegExp(`History: Another Waitline \\(pid ${writer.child.pid}\\) is recording`));
    await sleep(2600);
    const r = await history(reader, Date.now() - 60_000, Date.now());
    assert.equal(r.storage?.mode, 'read-only');
    const w = await history(writer, Date.now() - 60_000, Date.now());
    assert.equal(w.storage?.mode, 'disk');
    assert.ok(r.times.length > 5 && w.times.length > 5);
    await stop(reader);
    await stop(writer);
    assert.ok(!existsSync(join(dir, 'history.lock')), 'the reader did not take or remove the writer’s lock; the writer released it');
  });
});
