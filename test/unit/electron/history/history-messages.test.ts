// The history file's status sentences (electron/history/history-db.ts) as Msgs (host.history.*): the
// English `message` is byte-for-byte the sentence the code built before the catalog (the old templates
// are copied below), the Msg rides beside it, and zh-CN renders it in Chinese — nested reasons too.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sqlite3 from 'sqlite3';
import { HISTORY_FILE, openHistoryDb, openHistoryReader } from '../../../../electron/history/history-db';
import { createI18n, msg, msgText, renderMsg, typedT, type Msg } from '../../../../shared/i18n';
import { nestMsg, nestParams } from '../../../../shared/host-msg';

const zhT = typedT(createI18n('zh-CN').t);
const zh = (m: Msg) => renderMsg(zhT, m);
const HAN = /\p{Script=Han}/u;
const RAW_KEY = /\bhost\.[a-z]+\.[A-Za-z.]+/;
/** English prose that must not be left in the Chinese rendering */
const ENGLISH = /History is|kept in memory|not being saved|is not writable|cannot (?:open|use|create)|the disk is full|It cannot be read|read-only\b/;

function assertChinese(m: Msg, ...parts: string[]): string {
  const s = zh(m);
  assert.match(s, HAN, s);
  assert.doesNotMatch(s, RAW_KEY, s);
  assert.doesNotMatch(s, ENGLISH, s);
  for (const p of parts) assert.ok(s.includes(p), `${JSON.stringify(p)} in ${s}`);
  return s;
}

// ---- the sentences as the code built them before the catalog (verbatim templates) ----
const old = {
  addon: (e: string) => `History is kept in memory only: the SQLite addon does not load (${e}).`,
  cannotCreate: (dir: string, code: string) => `History is kept in memory only: cannot create ${dir} (${code}).`,
  memoryWhy: (why: string) => `History is kept in memory only: ${why}.`,
  notWritable: (dir: string, code: string) => `${dir} is not writable (${code})`,
  readOnlyNote: (why: string) => `History is not being saved: ${why}; older history is shown read-only.`,
  otherWriter: (pid: number, dir: string) => `Another Waitline (pid ${pid}) is recording history in ${dir}; this one shows it read-only and keeps its own in memory.`,
  replaced: (reason: string, aside: string) => `The history file was unusable (${reason}); it was moved to ${aside} and a new one started.`,
  plain: 'History is kept in memory only.',
  cannotOpen: (path: string, f: string) => `cannot open ${path} (${f})`,
  newer: (path: string, v: number) => `${path} was written by a newer Waitline (schema ${v}); it is left untouched`,
  checkFailed: (v: string) => `SQLite's check failed: ${v}`,
  cannotUse: (path: string, f: string) => `cannot use ${path} (${f})`,
  noFile: (path: string) => `no history file at ${path} (is --state-dir right? the desktop app keeps its history in ~/.config/Waitline/history)`,
  readerAddon: (e: string) => `the SQLite addon does not load: ${e}`,
  notHistoryFile: (path: string) => `${path} is not a Waitline history file`,
  unreadable: (message: string, code: string) => `${message} (It cannot be read either: ${code}.)`,
  notSaved: (f: string, path: string) => `History is not being saved: ${f} (${path}). Recent history is kept in memory; saving resumes when the disk accepts writes.`,
  io: (m: string) => `the disk reported an I/O error (${m})`,
};

const FAILS: [Msg, string][] = [
  [msg('host.history.fail.diskFull'), 'the disk is full'],
  [msg('host.history.fail.readOnly'), 'the history file or its folder is read-only'],
  [msg('host.history.fail.ioError', { error: 'SQLITE_IOERR: disk I/O error' }), old.io('SQLITE_IOERR: disk I/O error')],
  [msg('host.history.fail.other', { error: 'EIO: i/o error, write' }), 'EIO: i/o error, write'],
];

describe('history status sentences: English unchanged, Chinese rendered', () => {
  const P = '/var/lib/waitline (x)/history.sqlite';
  const D = '/var/lib/waitline (x)';

  it('every "kept in memory only" reason', () => {
    const whys: [Msg, string][] = [
      [msg('host.history.why.addon', { error: 'Cannot find module sqlite3' }), old.addon('Cannot find module sqlite3')],
      [msg('host.history.why.cannotCreate', { dir: D, code: 'EACCES' }), old.cannotCreate(D, 'EACCES')],
      [msg('host.history.why.diskFull'), old.memoryWhy('the disk is full')],
      [msg('host.history.why.notWritable', { dir: D, code: 'EROFS' }), old.memoryWhy(old.notWritable(D, 'EROFS'))],
      [msg('host.history.why.notRegular'), old.memoryWhy('it is not a regular file')],
      [msg('host.history.why.notHistory'), old.memoryWhy('it is not a Waitline history file')],
      [msg('host.history.why.checkFailed', { verdict: 'row 3 missing' }), old.memoryWhy(old.checkFailed('row 3 missing'))],
      [msg('host.history.why.corrupt', { error: 'SQLITE_NOTADB: file is not a database' }), old.memoryWhy('SQLITE_NOTADB: file is not a database')],
      [msg('host.history.why.newer', { path: P, version: '9' }), old.memoryWhy(old.newer(P, 9))],
      ...FAILS.flatMap(([f, text]): [Msg, string][] => [
        [msg('host.history.why.cannotOpen', { path: P, ...nestParams('fail', f) }), old.memoryWhy(old.cannotOpen(P, text))],
        [msg('host.history.why.cannotUse', { path: P, ...nestParams('fail', f) }), old.memoryWhy(old.cannotUse(P, text))],
      ]),
    ];
    for (const [why, english] of whys) {
      const m = nestMsg('host.history.memoryOnly', 'why', why);
      assert.equal(msgText(m), english);
      assertChinese(m, '历史记录只保存在内存中');
    }
    assert.equal(msgText(msg('host.history.memoryOnlyPlain')), old.plain);
    assertChinese(msg('host.history.memoryOnlyPlain'), '内存');
  });

  it('read-only, another writer, a replaced file, a reader that cannot read, a failed write', () => {
    const full = nestMsg('host.history.notSavedReadOnly', 'why', msg('host.history.why.diskFull'));
    assert.equal(msgText(full), old.readOnlyNote('the disk is full'));
    assertChinese(full, '磁盘已满', '只读');
    const nw = nestMsg('host.history.notSavedReadOnly', 'why', msg('host.history.why.notWritable', { dir: D, code: 'EACCES' }));
    assert.equal(msgText(nw), old.readOnlyNote(old.notWritable(D, 'EACCES')));
    assertChinese(nw, `${D} 不可写（EACCES）`);

    const other = msg('host.history.otherWriter', { pid: '4242', dir: D });
    assert.equal(msgText(other), old.otherWriter(4242, D));
    assertChinese(other, 'pid 4242', D);

    for (const [why, text] of [
      [msg('host.history.why.notRegular'), 'it is not a regular file'],
      [msg('host.history.why.checkFailed', { verdict: 'x' }), old.checkFailed('x')],
    ] as const) {
      const m = nestMsg('host.history.replaced', 'why', why, { aside: `${P}.damaged-1` });
      assert.equal(msgText(m), old.replaced(text, `${P}.damaged-1`));
      assertChinese(m, `${P}.damaged-1`, '已无法使用');
    }

    for (const base of [other, nw, msg('host.history.notHistoryFile', { path: P })]) {
      const m = nestMsg('host.history.unreadable', 'base', base, { readCode: 'SQLITE_CANTOPEN' });
      assert.equal(msgText(m), old.unreadable(msgText(base), 'SQLITE_CANTOPEN'));
      assertChinese(m, '也无法读取：SQLITE_CANTOPEN');
    }

    for (const [f, text] of FAILS) {
      const m = msg('host.history.notSaved', { ...nestParams('fail', f), path: P });
      assert.equal(msgText(m), old.notSaved(text, P));
      assertChinese(m, '历史记录未在保存', P);
    }
  });

  it('the export reader', () => {
    assert.equal(msgText(msg('host.history.noFile', { path: P })), old.noFile(P));
    assertChinese(msg('host.history.noFile', { path: P }), '没有历史文件', '--state-dir');
    assert.equal(msgText(msg('host.history.readerAddon', { error: 'boom' })), old.readerAddon('boom'));
    assertChinese(msg('host.history.readerAddon', { error: 'boom' }), 'SQLite');
    assert.equal(msgText(msg('host.history.notHistoryFile', { path: P })), old.notHistoryFile(P));
    assertChinese(msg('host.history.notHistoryFile', { path: P }), '不是 Waitline 的历史文件');
  });

  it('a value that looks like catalog syntax is shown as it is, in both languages', () => {
    const m = nestMsg('host.history.memoryOnly', 'why', msg('host.history.why.corrupt', { error: 'x $t(host.history.fail.diskFull) {{why}} )' }));
    assert.equal(msgText(m), old.memoryWhy('x $t(host.history.fail.diskFull) {{why}} )'));
    assert.ok(zh(m).includes('x $t(host.history.fail.diskFull) {{why}} )'));
  });
});

describe('history status from real files: message and msg agree', () => {
  const root = mkdtempSync(join(tmpdir(), 'wl-history-msg-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a folder that cannot be created', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const dir = join(file, 'history');
    const h = await openHistoryDb(dir);
    assert.equal(h.db, null);
    assert.equal(h.storage.message, old.cannotCreate(dir, 'ENOTDIR'));
    assert.ok(h.storage.msg);
    assert.equal(msgText(h.storage.msg), h.storage.message);
    assertChinese(h.storage.msg, `无法创建 ${dir}（ENOTDIR）`);
  });

  it('a damaged file is moved aside: the note says so in both languages', async () => {
    const dir = join(root, 'damaged');
    mkdirSync(dir);
    writeFileSync(join(dir, HISTORY_FILE), 'this is not a database, just text that fills a page '.repeat(200));
    const h = await openHistoryDb(dir);
    try {
      assert.equal(h.storage.mode, 'disk');
      const m = h.storage.msg;
      assert.ok(m);
      assert.equal(msgText(m), h.storage.message);
      assert.match(String(h.storage.message), /^The history file was unusable \(.+\); it was moved to .*history\.sqlite\.damaged-.* and a new one started\.$/);
      assertChinese(m, '历史文件已无法使用', '.damaged-');
    } finally {
      await h.db?.close();
    }
  });

  it('a newer schema is left untouched', async () => {
    const dir = join(root, 'newer');
    const first = await openHistoryDb(dir);
    await first.db?.close();
    const path = join(dir, HISTORY_FILE);
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(path, (e) => {
        if (e) return reject(e);
        db.run('PRAGMA user_version = 999', (e2) => db.close(() => (e2 ? reject(e2) : resolve())));
      });
    });
    const h = await openHistoryDb(dir);
    assert.equal(h.db, null);
    assert.equal(h.storage.message, old.memoryWhy(old.newer(path, 999)));
    assert.ok(h.storage.msg);
    assertChinese(h.storage.msg, '由更新版本的 Waitline 写入', '999');
  });

  it('the export reader: no file, a foreign file', async () => {
    const none = await openHistoryReader(join(root, 'nothing-here'));
    assert.equal(none.db, null);
    assert.equal(none.message, old.noFile(join(root, 'nothing-here', HISTORY_FILE)));
    assert.ok(none.msg);
    assertChinese(none.msg, '没有历史文件');

    const dir = join(root, 'foreign');
    mkdirSync(dir);
    const path = join(dir, HISTORY_FILE);
    await new Promise<void>((resolve, reject) => {
      const db = new sqlite3.Database(path, (e) => (e ? reject(e) : db.exec('CREATE TABLE t (x)', (e2) => db.close(() => (e2 ? reject(e2) : resolve())))));
    });
    const foreign = await openHistoryReader(dir);
    assert.equal(foreign.db, null);
    assert.equal(foreign.message, old.notHistoryFile(path));
    assert.ok(foreign.msg);
    assertChinese(foreign.msg, '不是 Waitline 的历史文件');
  });
});
