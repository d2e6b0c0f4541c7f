// The history file on a disk that fails, with real mounts: a 512 KiB tmpfs filled to the last byte, and
// read-only bind mounts of a folder with and without a history file. Each scenario runs in a child
// (history-faults-child.ts) started by `unshare --mount --propagation private`, so its mounts exist
// only in that child's mount namespace and vanish with it: the host's mounts are never touched. The
// child prints what it sees; this file compares it with what was pushed (docs/history.md, "Faults").
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HISTORY_FILE } from '../../electron/history/history-db';
import { PersistentHistory } from '../../electron/history/persistent-history';
import type { HistoryStorage } from '../../shared/api';
import { requireRoot } from './netns';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'history-faults-child.ts');
const WHAT = 'the history fault tests (mount namespaces: tmpfs and read-only bind mounts)';
const isRoot = process.getuid?.() === 0;

type Pair = [number, number];
type Step = Record<string, unknown> & { step: string };
interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  steps: Step[];
  stdout: string;
  stderr: string;
}

/** The samples the child pushes: the i-th at t0 + i s with TIME_WAIT base + i * step. */
interface Series {
  t0: number;
  base: number;
  step: number;
}
const expected = (s: Series, from: number, to: number): Pair[] => {
  const out: Pair[] = [];
  for (let i = from; i <= to; i++) out.push([s.t0 + i * 1000, s.base + i * s.step]);
  return out;
};
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs the child in a new private mount namespace after `setup` (sh, the folder is "$1"). */
function runChild(setup: string, scenario: string, dir: string, opts: object, timeoutMs = 15_000): Promise<ChildRun> {
  const script = `${setup} && exec "$2" --import tsx "$3" "$4" "$1" "$5"`;
  const args = ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, process.execPath, CHILD, scenario, JSON.stringify(opts)];
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${scenario} child took over ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const steps: Step[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.trim()) continue;
        try {
          steps.push(JSON.parse(line) as Step);
        } catch {
          steps.push({ step: 'unparsed', line });
        }
      }
      resolve({ code, signal, steps, stdout, stderr });
    });
  });
}

/** The child ended by itself, without a crash, after its last step. */
function assertClean(run: ChildRun): void {
  const detail = `exit ${run.code} ${run.signal ?? ''}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.equal(run.steps.find((s) => s.step === 'crash'), undefined, `no unhandled rejection or exception\n${detail}`);
  assert.equal(run.code, 0, `the child exits 0\n${detail}`);
  assert.equal(run.steps[run.steps.length - 1]?.step, 'done', `the child reaches its last step\n${detail}`);
}

function step(run: ChildRun, name: string): Step {
  const s = run.steps.find((x) => x.step === name);
  assert.ok(s, `the child reported step "${name}"\nexit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return s;
}

/** Whether the host (this process's mount namespace) has anything mounted at or below `dir`. */
function hostHasMountAt(dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => {
      const mountPoint = l.split(' ')[4];
      return mountPoint !== undefined && (mountPoint === dir || mountPoint.startsWith(`${dir}/`));
    });
}

const made: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

after(() => {
  for (const d of made) {
    // mounts lived only in the children's namespaces; never remove through one that is still here
    if (hostHasMountAt(d)) {
      console.log(`# left ${d} in place: something is mounted there`);
      continue;
    }
    rmSync(d, { recursive: true, force: true });
  }
});

const RO_BIND = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"';

describe('history on a full disk (512 KiB tmpfs in a private mount namespace)', { concurrency: false }, () => {
  const series: Series = { t0: Date.UTC(2026, 10, 2, 3, 0, 0), base: 1000, step: 7 };
  let dir = '';
  let run: ChildRun | null = null;

  before(async () => {
    if (!isRoot) return;
    dir = tempDir('wl-hist-full-');
    run = await runChild('mount -t tmpfs -o size=512k tmpfs "$1"', 'full', dir, series);
  });

  it('never crashes; the tmpfs was private and gone with the child', (t) => {
    if (!requireRoot(t, WHAT)) return;
    assertClean(run!);
    assert.equal(hostHasMountAt(dir), false, 'the host never saw the tmpfs');
    assert.deepEqual(readdirSync(dir), [], 'nothing was written to the host folder under the tmpfs');
  });

  it('records to disk until the disk is full, then says so and keeps the samples in memory', (t) => {
    if (!requireRoot(t, WHAT)) return;
    const r = run!;
    const path = join(dir, HISTORY_FILE);
    assert.deepEqual(step(r, 'opened').storage, { mode: 'disk', path, message: null });
    assert.deepEqual(step(r, 'before').storage, { mode: 'disk', path, message: null });
    assert.equal(step(r, 'filled').free, 0, 'the filler took the last free byte (the fault is real)');

    const fullMessage = new RegExp(
      `^History is not being saved: the disk is full \\(${escapeRe(path)}\\)\\. Recent history is kept in memory; saving resumes when the disk accepts writes\\.$`,
    );
    const full = step(r, 'full');
    const fullStorage = full.storage as HistoryStorage;
    assert.equal(fullStorage.mode, 'memory', `a refused write turns recording off: ${JSON.stringify(fullStorage)}`);
    assert.match(String(fullStorage.message), fullMessage);
    assert.equal(fullStorage.path, path);
    assert.equal(full.msgSaysMessage, true, 'the status carries a Msg that says the same in English (docs/i18n.md)');

    // a second refused flush: still off, still saying why
    const still = step(r, 'stillFull');
    assert.deepEqual(still.storage, fullStorage);
    assert.deepEqual(still.queryStorage, fullStorage, 'every history answer carries the status');
    const whileFull = still.whileFull as Pair[];
    assert.ok(whileFull.length >= 24, `samples were pushed while the disk refused them: ${whileFull.length}`);
    const lastIndex = (whileFull[whileFull.length - 1][0] - series.t0) / 1000;
    const firstFull = (whileFull[0][0] - series.t0) / 1000;
    assert.deepEqual(whileFull, expected(series, firstFull, lastIndex), 'the full period is one run of consecutive samples');
    // every sample so far, the refused ones included, is answered (from memory), value for value
    assert.deepEqual(still.query, expected(series, 0, lastIndex));
    assert.ok(
      (still.markers as { label: string }[]).some((m) => m.label === 'marker while full'),
      'a marker added while full is shown',
    );
  });

  it('resumes by itself when space returns, and the samples of the full period reach the file', (t) => {
    if (!requireRoot(t, WHAT)) return;
    const r = run!;
    const path = join(dir, HISTORY_FILE);
    assert.deepEqual(step(r, 'recovered').storage, { mode: 'disk', path, message: null }, 'the next flush after freeing space saves again');
    assert.deepEqual(step(r, 'after').storage, { mode: 'disk', path, message: null });

    const whileFull = step(r, 'stillFull').whileFull as Pair[];
    const reopened = step(r, 'reopened');
    const pushed = reopened.pushed as Pair[];
    const all = expected(series, 0, pushed.length - 1);
    assert.deepEqual(pushed, all, 'the child pushed the series it was given');
    assert.deepEqual(reopened.storage, { mode: 'disk', path, message: null });
    // a new run starts with empty memory: this answer comes from the file alone
    assert.deepEqual(reopened.query, all, 'after a restart, every sample (before, during and after the full period) is in the file');
    assert.ok((reopened.markers as { label: string }[]).some((m) => m.label === 'marker while full'), 'the marker reached the file');

    // read back with sqlite3 directly, not through the code under test
    const raw = step(r, 'raw');
    assert.equal(raw.check, 'ok', 'PRAGMA quick_check');
    assert.deepEqual(raw.rows, all, 'the samples table holds each sample exactly once');
    const rows = new Map((raw.rows as Pair[]).map(([tm, v]) => [tm, v]));
    for (const [tm, v] of whileFull) assert.equal(rows.get(tm), v, `the sample at ${tm}, refused while full, is in the file`);
    assert.deepEqual(raw.markers, ['marker while full']);
  });
});

describe('history on a read-only file system (read-only bind mount in a private mount namespace)', { concurrency: false }, () => {
  describe('with a history file already there', { concurrency: false }, () => {
    const old: Series = { t0: Date.UTC(2026, 10, 2, 1, 0, 0), base: 300, step: 3 };
    const OLD_N = 20;
    const fresh: Series = { t0: old.t0 + 600_000, base: 5000, step: 11 };
    let dir = '';
    let run: ChildRun | null = null;
    let filesBefore: string[] = [];

    before(async () => {
      if (!isRoot) return;
      dir = tempDir('wl-hist-ro-');
      const h = await PersistentHistory.open({ dir, flushIntervalMs: 3_600_000 });
      assert.equal(h.storage.mode, 'disk', String(h.storage.message));
      for (const [tm, v] of expected(old, 0, OLD_N - 1)) h.pushSample(tm, { TIME_WAIT: v }, {});
      h.addMarker(old.t0 + 5000, 'old marker');
      await h.close();
      filesBefore = readdirSync(dir).sort();
      run = await runChild(RO_BIND, 'ro-existing', dir, { ...fresh, oldFrom: old.t0, oldTo: old.t0 + (OLD_N - 1) * 1000 });
    });

    it('never crashes; says history is not being saved; new samples are answered from memory', (t) => {
      if (!requireRoot(t, WHAT)) return;
      const r = run!;
      assertClean(r);
      assert.equal(step(r, 'probe').write, 'EROFS', 'the folder really is read-only in the child');
      const path = join(dir, HISTORY_FILE);
      const opened = step(r, 'opened').storage as HistoryStorage;
      assert.ok(opened.mode === 'read-only' || opened.mode === 'memory', `not recording: ${JSON.stringify(opened)}`);
      assert.equal(opened.path, path);
      assert.match(String(opened.message), new RegExp(`^History is not being saved: ${escapeRe(dir)} is not writable \\(EROFS\\)`));

      const pushed = step(r, 'pushed');
      assert.deepEqual(pushed.pushed, expected(fresh, 0, 9));
      assert.deepEqual(pushed.storage, opened, 'a flush on a read-only disk changes nothing and throws nothing');
      const recent = step(r, 'recent');
      assert.deepEqual(recent.query, expected(fresh, 0, 9), 'what this run pushed is answered, value for value');
      assert.deepEqual(recent.queryStorage, opened, 'every history answer carries the status');
      assert.ok((recent.markers as { label: string }[]).some((m) => m.label === 'marker on a read-only disk'));
      assert.equal(step(r, 'closed').write, 'EROFS');
    });

    it('leaves the file as it was (the mount was private)', async (t) => {
      if (!requireRoot(t, WHAT)) return;
      assert.equal(hostHasMountAt(dir), false, 'the host never saw the read-only mount');
      assert.deepEqual(readdirSync(dir).sort(), filesBefore, 'no file was added or removed');
      const h = await PersistentHistory.open({ dir, flushIntervalMs: 3_600_000 });
      try {
        assert.equal(h.storage.mode, 'disk', 'the folder is writable again outside the namespace');
        const r = await h.query({ fromMs: old.t0, toMs: fresh.t0 + 9000, maxPoints: 4000 });
        const pairs = r.times.map((tm, i) => [tm, r.states.TIME_WAIT[i]]);
        assert.deepEqual(pairs, expected(old, 0, OLD_N - 1), 'the old samples, and nothing pushed on the read-only disk');
      } finally {
        await h.close();
      }
    });

    it(
      'shows the older history read-only',
      (t) => {
        if (!requireRoot(t, WHAT)) return;
        const r = run!;
        const path = join(dir, HISTORY_FILE);
        assert.deepEqual(step(r, 'opened').storage, {
          mode: 'read-only',
          path,
          message: `History is not being saved: ${dir} is not writable (EROFS); older history is shown read-only.`,
        });
        const oldStep = step(r, 'old');
        assert.deepEqual(oldStep.query, expected(old, 0, OLD_N - 1), 'the samples written before the disk turned read-only');
        assert.ok((oldStep.markers as { label: string }[]).some((m) => m.label === 'old marker'));
        assert.deepEqual(step(r, 'all').query, [...expected(old, 0, OLD_N - 1), ...expected(fresh, 0, 9)], 'file and memory joined');
      },
    );
  });

  describe('with an empty folder', { concurrency: false }, () => {
    const fresh: Series = { t0: Date.UTC(2026, 10, 2, 2, 0, 0), base: 70, step: 13 };
    let dir = '';
    let run: ChildRun | null = null;

    before(async () => {
      if (!isRoot) return;
      dir = tempDir('wl-hist-roe-');
      run = await runChild(RO_BIND, 'ro-empty', dir, fresh);
    });

    it('keeps history in memory, names the folder, and answers what was pushed', (t) => {
      if (!requireRoot(t, WHAT)) return;
      const r = run!;
      assertClean(r);
      assert.equal(step(r, 'probe').write, 'EROFS', 'the folder really is read-only in the child');
      const storage: HistoryStorage = { mode: 'memory', path: join(dir, HISTORY_FILE), message: `History is kept in memory only: ${dir} is not writable (EROFS).` };
      assert.deepEqual(step(r, 'opened').storage, storage);
      assert.deepEqual(step(r, 'pushed').storage, storage);
      const recent = step(r, 'recent');
      assert.deepEqual(recent.query, expected(fresh, 0, 9), 'every pushed sample is answered, value for value');
      assert.deepEqual(recent.queryStorage, storage);
      assert.ok((recent.markers as { label: string }[]).some((m) => m.label === 'marker on a read-only disk'));
      assert.deepEqual(step(r, 'all').query, expected(fresh, 0, 9));
      assert.deepEqual(step(r, 'closed').storage, storage);
    });

    it('writes nothing to the folder (the mount was private)', (t) => {
      if (!requireRoot(t, WHAT)) return;
      assert.equal(hostHasMountAt(dir), false, 'the host never saw the read-only mount');
      assert.deepEqual(readdirSync(dir), []);
    });
  });
});
