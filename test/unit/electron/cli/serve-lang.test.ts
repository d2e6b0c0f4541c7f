// `waitline --lang zh-CN serve`: the flag, not the environment (LANG=C here), decides the language of
// serve's start lines, and of the history status it prints (a host.history Msg from the history file
// code). The CLI hands the same locale to startServe (ServeOptions.locale) for its own log lines.
// Runs the CLI entry from the sources as a child (no build, no root): metrics only (no dashboard build
// needed), port 0, stopped by its pid.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const work = mkdtempSync(join(tmpdir(), 'wl-serve-lang-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment without any locale variable, plus `env`. */
function envWith(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k === 'LANG' || k === 'LANGUAGE' || k.startsWith('LC_')) delete base[k];
  return { ...base, ...env };
}

/** Starts serve with `lang` (or none), reads stdout up to the stop hint, stops it by pid. */
async function startLines(lang: string[]): Promise<{ out: string; err: string; code: number | null }> {
  const file = join(work, `not-a-dir-${lang.join('') || 'env'}`);
  writeFileSync(file, 'x');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/cli/main.ts', ...lang, 'serve', '--metrics-only', '--port', '0', '--host', '127.0.0.1', '--state-dir', join(file, 'history'), '--alert-settings', join(work, 'alerts.json')],
    { env: envWith({ LANG: 'C' }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 60_000);
      const check = () => {
        // the last start line: "Stop with Ctrl-C." / "按 Ctrl-C 停止。"
        if (/Ctrl-C/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      void exited.then((c) => {
        clearTimeout(timer);
        reject(new Error(`serve exited ${c}: ${out} ${err}`));
      });
    });
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
  const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not stop: ${out} ${err}`)), 20_000).unref())]);
  return { out, err, code };
}

describe('waitline serve --lang', () => {
  it('--lang zh-CN under LANG=C: the start lines and the history status are Chinese', async () => {
    const r = await startLines(['--lang', 'zh-CN']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Waitline Prometheus 指标位于 127\.0\.0\.1:\d+：http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    assert.match(r.out, /^历史：历史记录只保存在内存中：无法创建 .*not-a-dir-.*\/history（ENOTDIR）。$/m);
    assert.match(r.out, /^按 Ctrl-C 停止。$/m);
    assert.match(r.out, /^waitline serve: 收到 SIGTERM，正在停止。$/m);
    assert.doesNotMatch(r.out, /metrics on|History is kept|Stop with|received, stopping/);
    assert.doesNotMatch(r.out, /\b(?:cli|host|main)\.[a-z]+\.[A-Za-z_]/, 'no raw key');
  });

  it('without --lang, LANG=C: English, the history status as the host wrote it', async () => {
    const r = await startLines([]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Waitline Prometheus metrics on 127\.0\.0\.1:\d+: http:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    assert.match(r.out, /^History: History is kept in memory only: cannot create .*not-a-dir-env\/history \(ENOTDIR\)\.$/m);
    assert.doesNotMatch(r.out, /\p{Script=Han}/u);
  });
});
