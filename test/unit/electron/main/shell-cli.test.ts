// The installed app's command line: electron/main/entry.ts (dist/electron/main.cjs, the Electron main
// bundle) under the stand-in `electron` module (fake-electron.ts; the real one is never loaded). A
// harness process plays Electron: it sets process.argv as the packaged binary (or `electron .`) would
// see it, records every use of the electron module, turns app.exit(code) into the exit code, and then
// loads the bundle. Each command is compared with the npm CLI (node bin/waitline.mjs) run the same
// way: same stdout, stderr and exit code, and no window, no single-instance lock, nothing but `app`
// touched. Plus: the relaunch on Ozone's headless platform when there is no display, `serve` (its
// dashboard from the unpacked renderer, its collector worker thread started from the bundle itself,
// stopped by SIGINT or by Electron's own quit), and a desktop launch still reaching main.ts.
// What this cannot show (no Electron binary here): docs/cli.md, "What is tested".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleMain, fakeElectron, ROOT } from './fake-electron';

const NPM_CLI = join(ROOT, 'bin', 'waitline.mjs');
const ADDON = join(ROOT, 'build', 'Release', 'waitline_sockdiag.node');

/** Plays the Electron main process for the entry bundle (CommonJS, run by plain Node). */
const HARNESS = String.raw`'use strict';
const { writeFileSync } = require('node:fs');
const cfg = JSON.parse(process.env.WL_HARNESS);
const report = { electron: [], app: [], switches: [], exit: null, execve: null, quitPrevented: null, windows: 0 };
const save = () => writeFileSync(cfg.report, JSON.stringify(report));
process.on('exit', save);
const note = (list, name) => { if (!list.includes(name)) list.push(name); };
const listeners = new Map();
const app = {
  on(event, fn) { listeners.set(event, [...(listeners.get(event) || []), fn]); return app; },
  exit(code) { report.exit = code; save(); process.exit(code); },
  quit() {},
  disableHardwareAcceleration() {},
  requestSingleInstanceLock() { return false; },
  whenReady() { return new Promise(() => {}); },
  commandLine: { appendSwitch(name, value) { report.switches.push(value === undefined ? name : name + '=' + value); } },
};
const recordedApp = new Proxy(app, { get(t, p) { if (typeof p === 'string') note(report.app, p); return t[p]; } });
class BrowserWindow { constructor() { report.windows++; } }
const electron = { app: recordedApp, BrowserWindow, protocol: { registerSchemesAsPrivileged() {}, handle() {} } };
globalThis.__fakeElectron = new Proxy(electron, { get(t, p) { if (typeof p === 'string') note(report.electron, p); return t[p]; } });
// Electron's own SIGINT/SIGTERM handling calls app.quit(), which emits before-quit; SIGUSR2 plays it.
process.on('SIGUSR2', () => {
  const event = { prevented: false, preventDefault() { this.prevented = true; } };
  for (const fn of listeners.get('before-quit') || []) fn(event);
  report.quitPrevented = event.prevented;
});
if (cfg.execve === 'stub') process.execve = (file, args) => { report.execve = { file, args }; save(); process.exit(0); };
else process.execve = undefined;
if (cfg.execPath) process.execPath = cfg.execPath;
if (cfg.resourcesPath) process.resourcesPath = cfg.resourcesPath;
if (cfg.defaultApp) process.defaultApp = true;
process.argv = [cfg.exe, ...cfg.argv];
require(cfg.bundle);
`;

interface Report {
  /** electron module members the entry used */
  electron: string[];
  /** app members the entry used */
  app: string[];
  switches: string[];
  exit: number | null;
  execve: { file: string; args: string[] } | null;
  quitPrevented: boolean | null;
  windows: number;
}

interface Launch {
  /** process.defaultApp: `electron .` (argv[1] is the app folder) */
  defaultApp?: boolean;
  env?: Record<string, string>;
  resourcesPath?: string;
  cwd?: string;
  execve?: 'stub' | 'none';
  execPath?: string;
}

let bundle: Awaited<ReturnType<typeof bundleMain>>;
let work: string;
const exe = '/opt/Waitline/waitline';

/** The environment of every run: the test's, without a display unless a test gives one. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(work, 'config'), XDG_STATE_HOME: join(work, 'state'), ...extra };
  delete env.NODE_OPTIONS;
  if (!('DISPLAY' in extra)) delete env.DISPLAY;
  if (!('WAYLAND_DISPLAY' in extra)) delete env.WAYLAND_DISPLAY;
  return env;
}

function harnessConfig(args: string[], o: Launch, reportFile: string): string {
  return JSON.stringify({
    bundle: bundle.file,
    report: reportFile,
    exe,
    argv: o.defaultApp ? ['.', ...args] : args,
    defaultApp: o.defaultApp === true,
    resourcesPath: o.resourcesPath,
    execve: o.execve ?? 'none',
    execPath: o.execPath,
  });
}

let runs = 0;
/** Runs the entry bundle as the installed app launched with `args`. */
function packaged(args: string[], o: Launch = {}): { status: number | null; stdout: string; stderr: string; report: Report } {
  const reportFile = join(work, `report-${++runs}.json`);
  const r = spawnSync(process.execPath, [join(dirname(bundle.file), 'harness.cjs')], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: o.cwd ?? ROOT,
    env: baseEnv({ ...o.env, WL_HARNESS: harnessConfig(args, o, reportFile) }),
  });
  assert.ok(existsSync(reportFile), `the harness ran: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
}

/** The npm CLI, run the same way. */
function npm(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [NPM_CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd, env: baseEnv() });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CLI run: only `app` of the electron module, no window, no lock, no app:// work; a GPU-less,
 *  quiet Chromium; the exit through app.exit with the command's code. */
function assertCliOnly(report: Report, status: number | null): void {
  assert.deepEqual(report.electron, ['app'], 'nothing of electron but app (no BrowserWindow, protocol, session …)');
  assert.equal(report.windows, 0, 'no window');
  assert.ok(!report.app.includes('requestSingleInstanceLock'), 'no single-instance lock requested');
  assert.ok(!report.app.includes('whenReady'), 'does not wait for the window machinery');
  assert.deepEqual([...report.app].sort(), ['commandLine', 'disableHardwareAcceleration', 'exit', 'on']);
  assert.deepEqual(report.switches, ['log-level=3']);
  assert.equal(report.exit, status, 'left through app.exit with the exit code');
}

function sameAsNpm(args: string[], o: Launch & { leading?: string[] } = {}): ReturnType<typeof packaged> {
  const p = packaged([...(o.leading ?? []), ...args], o);
  const n = npm(args, o.cwd);
  assert.equal(p.status, n.status, `exit code of waitline ${args.join(' ')}: ${p.stderr}`);
  assert.equal(p.stdout, n.stdout, `stdout of waitline ${args.join(' ')}`);
  assert.equal(p.stderr, n.stderr, `stderr of waitline ${args.join(' ')}`);
  assertCliOnly(p.report, p.status);
  return p;
}

before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'cli.mjs')), 'npm run build first (the npm CLI is the reference)');
  work = mkdtempSync(join(tmpdir(), 'waitline-shell-cli-'));
  bundle = await bundleMain('electron/main/entry.ts');
  writeFileSync(join(dirname(bundle.file), 'harness.cjs'), HARNESS);
});

after(() => {
  bundle?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed app runs `waitline <command>` like the npm CLI, without a window', () => {
  // With the launcher's switch (deb/rpm) or with a display: no relaunch, the command runs here.
  const headless = { leading: ['--ozone-platform=headless'] };

  it('--help and help: the same usage on stdout, exit 0', () => {
    const r = sameAsNpm(['--help'], headless);
    assert.match(r.stdout, /^usage: waitline (\[--lang en\|zh-CN\] )?<command>/);
    sameAsNpm(['help'], { env: { DISPLAY: ':0' } });
    sameAsNpm(['snapshot', '--help'], headless);
  });

  it('a bad flag: the same usage error on stderr, exit 2', () => {
    const r = sameAsNpm(['snapshot', '--bogus'], headless);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^waitline snapshot: unknown option --bogus\n\nusage: waitline snapshot/);
    sameAsNpm(['snapshot', '--interval', 'soon'], { env: { WAYLAND_DISPLAY: 'wayland-0' } });
    // switches the AppImage's AppRun (--no-sandbox) or a user put before the command go to Chromium
    sameAsNpm(['tune', 'frobnicate'], { leading: ['--no-sandbox', '--ozone-platform=headless', '--enable-logging'] });
  });

  it('an unknown command word is the CLI\'s error (exit 2), not a window', () => {
    const r = sameAsNpm(['snapshto'], headless);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^waitline: unknown command "snapshto"/);
  });

  it('tune get (text and --json): the same table and exit 0; also under `electron .`', () => {
    const text = sameAsNpm(['tune', 'get'], headless);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^KEY +VALUE/);
    const json = sameAsNpm(['tune', 'get', 'tcp_tw_reuse', '--json'], headless);
    assert.equal((JSON.parse(json.stdout) as { knobs: { key: string }[] }).knobs[0]!.key, 'net.ipv4.tcp_tw_reuse');
    sameAsNpm(['tune', 'get'], { ...headless, defaultApp: true });
  });

  it('snapshot --json reads the real socket tables: exit 0, the same fields, the netlink addon from resources/app.asar.unpacked', (t) => {
    // A packaged layout: the addon only in <resources>/app.asar.unpacked/build/Release, run from a
    // folder with no build/ (so neither the bundle's folder nor the working directory can supply it).
    const resources = join(work, 'resources');
    const cwd = join(work, 'elsewhere');
    mkdirSync(cwd, { recursive: true });
    const haveAddon = existsSync(ADDON);
    if (haveAddon) {
      mkdirSync(join(resources, 'app.asar.unpacked', 'build', 'Release'), { recursive: true });
      copyFileSync(ADDON, join(resources, 'app.asar.unpacked', 'build', 'Release', 'waitline_sockdiag.node'));
    }
    const p = packaged(['--ozone-platform=headless', 'snapshot', '--json', '--interval', '0'], { resourcesPath: resources, cwd });
    const n = npm(['snapshot', '--json', '--interval', '0']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(n.status, 0, n.stderr);
    assert.equal(p.stderr, n.stderr);
    assertCliOnly(p.report, p.status);
    type Snap = { states: Record<string, number>; health: { socketSource: string } };
    const ps = JSON.parse(p.stdout) as Snap;
    const ns = JSON.parse(n.stdout) as Snap;
    assert.deepEqual(Object.keys(ps).sort(), Object.keys(ns).sort());
    assert.deepEqual(Object.keys(ps.states).sort(), Object.keys(ns.states).sort());
    assert.ok(Object.values(ps.states).every((v) => Number.isInteger(v) && v >= 0));
    assert.equal(ps.health.socketSource, ns.health.socketSource);
    if (!haveAddon) return t.skip('the netlink addon is not built (npm run build:native): only /proc was compared');
    assert.equal(ps.health.socketSource, 'netlink', 'the addon loaded from resources/app.asar.unpacked');
  });
});

describe('no display: the command is started again on Ozone\'s headless platform', () => {
  it('without $DISPLAY / $WAYLAND_DISPLAY: process.execve with --ozone-platform=headless after the executable, before anything runs', () => {
    const r = packaged(['snapshot', '--json'], { execve: 'stub' });
    assert.deepEqual(r.report.execve, { file: process.execPath, args: [exe, '--ozone-platform=headless', 'snapshot', '--json'] });
    assert.equal(r.stdout, '', 'the command did not run in the first process');
    assert.equal(r.report.exit, null);
    // under `electron .` the switch goes after the app folder
    const d = packaged(['--no-sandbox', 'tune', 'get'], { execve: 'stub', defaultApp: true });
    assert.deepEqual(d.report.execve?.args, [exe, '.', '--ozone-platform=headless', '--no-sandbox', 'tune', 'get']);
  });

  it('with a display, or a platform already chosen, the command runs in this process', () => {
    const cases: (Launch & { leading?: string[] })[] = [{ env: { DISPLAY: ':1' } }, { env: { WAYLAND_DISPLAY: 'wayland-1' } }, { leading: ['--ozone-platform=x11'] }];
    for (const o of cases) {
      const r = packaged([...(o.leading ?? []), 'snapshot', '--bogus'], { ...o, execve: 'stub' });
      assert.equal(r.report.execve, null, JSON.stringify(o));
      assert.equal(r.status, 2);
    }
    // a desktop launch is never relaunched
    const w = packaged([], { execve: 'stub' });
    assert.equal(w.report.execve, null);
  });

  it('without process.execve: runs it as a child, passes the arguments, exits with its status', () => {
    const fake = join(work, 'fake-electron-binary');
    writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\nexit 7\n');
    chmodSync(fake, 0o755);
    const r = packaged(['snapshot', '--interval', '0'], { execve: 'none', execPath: fake });
    assert.equal(r.status, 7);
    assert.equal(r.report.exit, 7);
    assert.deepEqual(r.stdout.trim().split('\n'), ['--ozone-platform=headless', 'snapshot', '--interval', '0']);
  });
});

describe('serve in the installed app', () => {
  /** Starts `serve` through the harness; resolves with its URL once it prints it. */
  function startServe(resources: string) {
    const reportFile = join(work, `report-serve-${++runs}.json`);
    const child = spawn(process.execPath, [join(dirname(bundle.file), 'harness.cjs')], {
      cwd: join(work, 'elsewhere'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: baseEnv({ WL_HARNESS: harnessConfig(['--ozone-platform=headless', 'serve', '--port', '0', '--interval', '0.25', '--no-history'], { resourcesPath: resources }, reportFile) }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /^(http:\/\/\S+)$/m.exec(out);
        if (m && /Stop with Ctrl-C/.test(out)) {
          clearTimeout(timer);
          resolve(new URL(m[1]!));
        }
      });
      void exited.then((c) => reject(new Error(`serve exited ${c}: ${out} ${err}`)));
    });
    /** the exit code, or a failure if serve has not exited within 15 s */
    const exitCode = () =>
      Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not stop: ${out} ${err}`)), 15_000).unref())]);
    return { child, url, exitCode, out: () => out, err: () => err, report: () => JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
  }

  let resources: string;
  before(() => {
    resources = join(work, 'serve-resources');
    mkdirSync(join(work, 'elsewhere'), { recursive: true });
    assert.ok(existsSync(join(ROOT, 'dist', 'renderer', 'index.html')), 'npm run build first');
    // electron-builder.yml unpacks dist/renderer next to app.asar
    cpSync(join(ROOT, 'dist', 'renderer'), join(resources, 'app.asar.unpacked', 'dist', 'renderer'), { recursive: true });
  });

  for (const [how, signal, said] of [
    ['SIGINT (Ctrl-C)', 'SIGINT', 'SIGINT'],
    ["Electron's quit on a signal (before-quit)", 'SIGUSR2', 'SIGTERM'],
  ] as const) {
    it(`serves the unpacked dashboard, ticks in a worker thread started from the bundle, and stops cleanly on ${how}`, async () => {
      const s = startServe(resources);
      try {
        const url = await s.url;
        const token = url.searchParams.get('token')!;
        const page = await fetch(url);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<div id="root">|<!doctype html>/i);
        // the collector runs in serve's worker thread — this bundle, run as a worker, dispatching to it
        let times = 0;
        for (let i = 0; i < 100 && times < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const h = await fetch(`${url.origin}/api/history?from=0&to=${Date.now() + 60_000}&maxPoints=100`, { headers: { authorization: `Bearer ${token}` } });
          assert.equal(h.status, 200);
          times = ((await h.json()) as { times: number[] }).times.length;
        }
        assert.ok(times >= 2, `the collector ticked (${times} samples)`);
        s.child.kill(signal);
        assert.equal(await s.exitCode(), 0, s.err());
        assert.match(s.out(), new RegExp(`waitline serve: ${said} received, stopping\\.`));
        const report = s.report();
        assertCliOnly(report, 0);
        if (signal === 'SIGUSR2') assert.equal(report.quitPrevented, true, 'the quit waited for serve to stop');
      } finally {
        s.child.kill('SIGKILL');
      }
    });
  }
});

describe('a desktop launch still opens the window (main.ts)', () => {
  const flush = () => new Promise((r) => setImmediate(r));

  /** Loads the entry bundle in this process with process.argv as the binary would see it. */
  function launch(args: string[], f: ReturnType<typeof fakeElectron>, defaultApp = false): void {
    const saved = process.argv;
    const p = process as { defaultApp?: boolean };
    process.argv = [exe, ...(defaultApp ? ['.'] : []), ...args];
    if (defaultApp) p.defaultApp = true;
    try {
      bundle.load(f.electron);
    } finally {
      process.argv = saved;
      delete p.defaultApp;
    }
  }

  for (const [args, defaultApp] of [
    [[], false],
    [['--no-sandbox'], false],
    [['--no-sandbox', '--ozone-platform=x11', '--enable-features=UseOzonePlatform'], false],
    [['/home/me/notes.txt'], false],
    [['https://example.com/'], false],
    [[], true],
  ] as const) {
    it(`${defaultApp ? 'electron .' : 'waitline'} ${args.join(' ')}: main.ts runs (app:// scheme, single-instance lock)`, () => {
      const f = fakeElectron({ lock: false });
      launch([...args], f, defaultApp);
      assert.match(f.log[0] ?? '', /^registerSchemes /, 'main.ts registered the app:// scheme');
      assert.deepEqual(f.log.slice(1), ['app.quit'], 'and asked for the lock (denied here: a second instance quits)');
      assert.equal(f.windows.length, 0);
    });
  }

  it('with the lock and `ready`, the window is created', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'waitline-shell-cli-window-'));
    const f = fakeElectron({ lock: true, userData });
    try {
      launch(['--no-sandbox'], f);
      f.makeReady();
      await flush();
      await flush();
      assert.equal(f.windows.length, 1);
      assert.equal(f.windows[0]!.loaded, 'app://waitline/index.html');
      // quit as the app does, so no supervisor timer outlives the test
      f.app.emit('before-quit', { preventDefault: () => {} });
      for (const c of f.children) c.emit('exit', 0);
      for (let i = 0; i < 200 && !f.log.includes('app.quit'); i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      rmSync(userData, { recursive: true, force: true });
      rmSync(join(tmpdir(), `waitline-main-test-${process.pid}-userData`), { recursive: true, force: true });
    }
  });

  it('through the harness too: a command never reaches main.ts, a desktop launch does', () => {
    const r = packaged(['--ozone-platform=headless', 'help']);
    assert.equal(r.status, 0);
    assert.ok(!r.report.electron.includes('protocol'));
    const w = packaged(['--no-sandbox'], { env: { DISPLAY: ':0' } });
    assert.ok(w.report.electron.includes('protocol'), 'a desktop launch runs main.ts');
    assert.ok(w.report.app.includes('requestSingleInstanceLock'));
    assert.equal(w.report.exit, null);
  });
});
