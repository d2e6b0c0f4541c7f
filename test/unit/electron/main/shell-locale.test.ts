// Main's language (electron/main/locale.ts): the menu, the About panel and notifications in English or
// Simplified Chinese; the desktop's languages decide at first, the renderer's setLocale (validated,
// remembered in userData/locale.json) from then on, across restarts. The collector's status sentences
// carry a Msg the renderer shows in its own language.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ALERT_SETTINGS, type Alert, type AlertEvent } from '../../../../shared/alerts';
import type { CollectorStatus } from '../../../../shared/api';
import { createI18n, renderMsg } from '../../../../shared/i18n';
import { buildMenuTemplate } from '../../../../electron/main/menu';
import { MainLocale } from '../../../../electron/main/locale';
import { IpcArgumentError } from '../../../../electron/ipc/ipc-main';
import { validateLocale } from '../../../../electron/ipc/validate';
import { AlertService, notificationText, type NotificationLike } from '../../../../electron/settings/alert-service';
import { LocaleSettingStore, parseLocaleSetting } from '../../../../electron/settings/locale-setting';
import { nodeFiles } from '../../../../electron/settings/node-files';
import { Supervisor, type SupervisedChild, type SupervisorTimers } from '../../../../electron/main/supervisor';
import { bundleMain, fakeElectron, type FakeMenuItem } from './fake-electron';

type Item = ReturnType<typeof buildMenuTemplate>[number];

function flatten<T extends { submenu?: unknown }>(items: readonly T[]): T[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu as T[]) : [])]);
}

const actions = { navigate: () => {}, reload: () => {}, about: () => {}, openExternal: () => {}, quit: () => {} };
const HAN = /\p{Script=Han}/u;
const RAW_KEY = /\bmain\.[a-z]+\.[A-Za-z_.]+/;

/** The labels a person reads: every labelled item, without the separators. */
function labels(items: readonly { label?: string }[]): string[] {
  return items.map((i) => i.label).filter((l): l is string => typeof l === 'string');
}

describe('the menu in both languages', () => {
  const en = flatten<Item>(buildMenuTemplate(actions, { devTools: true, t: createI18n('en').t }));
  const zh = flatten<Item>(buildMenuTemplate(actions, { devTools: true, t: createI18n('zh-CN').t }));

  it('zh-CN has Chinese labels, the same ids, roles and accelerators as English', () => {
    const shape = (items: Item[]) => items.map((i) => [i.id ?? null, i.role ?? null, i.accelerator ?? null, i.type ?? null]);
    assert.deepEqual(shape(zh), shape(en));
    assert.equal(zh.length, en.length);
    const byId = (items: Item[], id: string) => items.find((i) => i.id === id)?.label;
    assert.equal(byId(zh, 'view-overview'), '概览');
    assert.equal(byId(zh, 'view-tuning'), '调优');
    assert.equal(byId(zh, 'view-alerts'), '告警');
    assert.equal(byId(zh, 'view-timewait'), 'TIME_WAIT', 'a kernel state stays as it is');
    assert.equal(byId(zh, 'quit'), '退出');
    assert.equal(byId(zh, 'about'), '关于 Waitline');
    assert.equal(byId(zh, 'file'), '文件(&F)', 'the mnemonic is kept');
    assert.equal(byId(en, 'view-overview'), 'Overview');
    assert.equal(byId(en, 'file'), '&File');
    assert.equal(zh.find((i) => i.role === 'zoomIn')?.label, '放大', 'role items get a label too (Electron’s own is English)');
    for (const l of labels(zh)) {
      assert.doesNotMatch(l, RAW_KEY, `no raw key: ${l}`);
      if (l !== 'TIME_WAIT') assert.match(l, HAN, `Chinese label: ${l}`);
    }
    for (const l of labels(en)) assert.doesNotMatch(l, HAN);
  });

  it('without a translation function the menu is English', () => {
    const plain = flatten<Item>(buildMenuTemplate(actions, { devTools: false }));
    assert.equal(plain.find((i) => i.id === 'view-connections')?.label, 'Connections');
  });
});

describe("main's locale: system languages, the stored choice, validation", () => {
  const memoryStore = (initial: 'en' | 'zh-CN' | null = null) => {
    let saved = initial;
    return { load: () => saved, save: (l: 'en' | 'zh-CN') => void (saved = l), get saved() { return saved; } };
  };

  it('follows the first system language with a catalog; English otherwise', () => {
    assert.equal(new MainLocale({ store: memoryStore(), systemLanguages: () => ['zh-CN', 'en-US'] }).current, 'zh-CN');
    assert.equal(new MainLocale({ store: memoryStore(), systemLanguages: () => ['de-DE', 'zh-Hans-CN'] }).current, 'zh-CN');
    assert.equal(new MainLocale({ store: memoryStore(), systemLanguages: () => ['fr-FR'] }).current, 'en');
    assert.equal(new MainLocale({ store: memoryStore(), systemLanguages: () => { throw new Error('no such API'); } }).current, 'en');
  });

  it('a stored choice wins over the system; set() stores, switches and reports once', () => {
    const store = memoryStore('en');
    const changes: string[] = [];
    const l = new MainLocale({ store, systemLanguages: () => ['zh-CN'], onChange: (x) => changes.push(x) });
    assert.equal(l.current, 'en');
    assert.equal(l.t('main.menu.quit'), 'Quit');
    l.set('zh-CN');
    assert.equal(store.saved, 'zh-CN');
    assert.equal(l.t('main.menu.quit'), '退出');
    l.set('zh-CN');
    assert.deepEqual(changes, ['zh-CN']);
    assert.throws(() => l.set('fr' as never), IpcArgumentError);
    assert.equal(l.current, 'zh-CN');
  });

  it('the IPC validator takes exactly one of en / zh-CN', () => {
    assert.deepEqual(validateLocale(['en']), ['en']);
    assert.deepEqual(validateLocale(['zh-CN']), ['zh-CN']);
    for (const bad of [['fr'], ['zh-TW'], ['ZH-cn'], [''], [42], [null], [{ locale: 'en' }], [], ['en', 'zh-CN']]) {
      assert.throws(() => validateLocale(bad), (e: unknown) => e instanceof IpcArgumentError && /^waitline:setLocale: /.test(e.message), JSON.stringify(bad));
    }
    assert.throws(() => validateLocale(['fr']), /must be `en` or `zh-CN`, got "fr"/);
  });

  it('the setting file: written atomically, anything odd reads as no choice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-locale-'));
    try {
      const store = new LocaleSettingStore(join(dir, 'sub', 'locale.json'), nodeFiles);
      assert.equal(store.load(), null);
      store.save('zh-CN');
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'sub', 'locale.json'), 'utf8')), { locale: 'zh-CN' });
      assert.equal(store.load(), 'zh-CN');
      for (const text of ['', '{', 'null', '"zh-CN"', '{"locale":"fr"}', '{"locale":7}']) assert.equal(parseLocaleSetting(text), null, text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notifications and collector status in zh-CN', () => {
  const alert: Alert = {
    id: 'port_exhausted|127.0.0.1 → 10.0.0.5:443',
    rule: 'port_exhausted',
    severity: 'critical',
    subject: '127.0.0.1 → 10.0.0.5:443',
    view: 'overview',
    message: 'ports are exhausted',
    value: 100,
    raisedAt: 1,
    conditionGoneAt: null,
    clearedAt: null,
    lastNotifiedAt: 1,
  };

  it('the title is the rule’s Chinese name and the subject; the body the alert’s Msg in Chinese', () => {
    const zh = createI18n('zh-CN').t;
    const withMsg = { ...alert, msg: { key: 'main.service.probeBusy' as const } };
    assert.deepEqual(notificationText(zh, withMsg), { title: '端口耗尽：127.0.0.1 → 10.0.0.5:443', body: '已有一个探测正在运行，请等待它结束' });
    // no Msg from the collector yet: the English sentence, never a raw key
    assert.deepEqual(notificationText(zh, alert), { title: '端口耗尽：127.0.0.1 → 10.0.0.5:443', body: 'ports are exhausted' });
    assert.deepEqual(notificationText(createI18n('en').t, alert), { title: 'Port exhaustion: 127.0.0.1 → 10.0.0.5:443', body: 'ports are exhausted' });
  });

  it('the alert service shows the notification built in the desktop’s language', () => {
    const shown: { title: string; body: string }[] = [];
    const zh = createI18n('zh-CN').t;
    const svc = new AlertService({
      store: { load: () => ({ ...DEFAULT_ALERT_SETTINGS, notify: true }), save: () => {} },
      collector: { setAlertSettings: () => {} },
      history: { addMarker: () => {} },
      notification: (o): NotificationLike => {
        shown.push(o);
        return { on: () => undefined, show: () => {} };
      },
      notificationText: (a) => notificationText(zh, a),
      show: () => {},
      log: () => {},
    });
    const e: AlertEvent = { kind: 'raised', time: 5, alert: { ...alert, rule: 'close_wait_leak', subject: 'python3 (pid 4242)', view: 'connections' }, quiet: false };
    svc.onEvents([e]);
    assert.deepEqual(shown, [{ title: 'CLOSE_WAIT 泄漏：python3 (pid 4242)', body: 'ports are exhausted' }]);
  });

  it('a restarting or failed collector carries a Msg; the English message is unchanged', () => {
    const statuses: CollectorStatus[] = [];
    let now = 0;
    const timers: SupervisorTimers = { setTimeout: () => 1, clearTimeout: () => {}, now: () => now };
    const children: (SupervisedChild & { exit(code: number): void })[] = [];
    const sup = new Supervisor({
      spawn: () => {
        let onExit: (code: number) => void = () => {};
        const c = { kill: () => true, on: (_e: 'exit', l: (code: number) => void) => (onExit = l), exit: (code: number) => onExit(code) };
        children.push(c);
        return c;
      },
      onStatus: (s) => statuses.push(s),
      timers,
      hangTimeoutMs: 0,
      maxConsecutiveFailures: 2,
      backoffMs: [1500],
    });
    sup.start();
    now = 10;
    children[0]!.exit(3);
    const restarting = statuses.at(-1)!;
    assert.equal(restarting.message, 'the collector process exited with code 3; restarting in 1.5 s (restart 1).');
    const zh = createI18n('zh-CN').t;
    assert.equal(renderMsg(zh, restarting.msg!), '采集器进程已退出，退出码 3；1.5 秒后重启（第 1 次重启）。');
    (sup as unknown as { launch(): void }).launch();
    children[1]!.exit(4);
    const failed = statuses.at(-1)!;
    assert.equal(failed.state, 'failed');
    assert.match(failed.message!, /exited with code 4\. It failed 2 times in a row, so Waitline stopped restarting it/);
    assert.equal(renderMsg(zh, failed.msg!), '采集器进程已退出，退出码 4。它已连续失败 2 次，Waitline 不再重启它；请退出并重新启动 Waitline 重试。');
  });
});

test('main.ts: a Chinese desktop gets a Chinese menu; setLocale is validated, remembered and rebuilds the menu, also after a restart', async () => {
  const bundle = await bundleMain();
  const userData = mkdtempSync(join(tmpdir(), 'waitline-main-locale-'));
  const ours = { sender: { id: 17 }, senderFrame: { url: 'app://waitline/index.html', parent: null } };
  const flush = () => new Promise((r) => setImmediate(r));
  const label = (menu: FakeMenuItem[], id: string) => flatten(menu).find((i) => i.id === id)?.label;
  const started: ReturnType<typeof fakeElectron>[] = [];
  async function start(systemLanguages: string[]) {
    const f = fakeElectron({ lock: true, userData, systemLanguages });
    started.push(f);
    bundle.load(f.electron);
    f.makeReady();
    await flush();
    await flush();
    return f;
  }
  async function quit(f: ReturnType<typeof fakeElectron>) {
    f.app.emit('before-quit', { preventDefault: () => {} });
    f.children[0]?.emit('exit', 0);
    for (let i = 0; i < 200 && !f.log.includes('app.quit'); i++) await new Promise((r) => setTimeout(r, 10));
  }
  try {
    // first launch on a Chinese desktop: no stored choice, the system's languages decide
    const a = await start(['zh-CN', 'en-US']);
    assert.equal(label(a.menu(), 'view-overview'), '概览');
    assert.equal(label(a.menu(), 'quit'), '退出');
    assert.equal(a.aboutPanel().copyright, 'MIT 许可证');
    assert.match(String(a.aboutPanel().version), /，内核 /);
    const info = (await a.handlers.get('waitline:getInfo')!(ours)) as { locale?: { system: string[]; current: string } };
    assert.deepEqual(info.locale, { system: ['zh-CN', 'en-US'], current: 'zh-CN' });

    // bad arguments are refused before anything changes
    for (const bad of [['fr'], [42], [], ['en', 'en'], [{ locale: 'en' }]]) {
      await assert.rejects(Promise.resolve().then(() => a.handlers.get('waitline:setLocale')!(ours, ...bad)), /waitline:setLocale: /, JSON.stringify(bad));
    }
    assert.equal(label(a.menu(), 'quit'), '退出');
    // only our page may call it
    const stranger = { sender: { id: 99 }, senderFrame: { url: 'app://waitline/index.html', parent: null } };
    await assert.rejects(Promise.resolve().then(() => a.handlers.get('waitline:setLocale')!(stranger, 'en')), /not the Waitline window/);

    // the user picks English in the window: menu and About rebuilt at once, the choice saved
    const before = a.log.filter((l) => l === 'setApplicationMenu').length;
    assert.equal(await a.handlers.get('waitline:setLocale')!(ours, 'en'), undefined);
    assert.equal(a.log.filter((l) => l === 'setApplicationMenu').length, before + 1);
    assert.equal(label(a.menu(), 'view-overview'), 'Overview');
    assert.equal(a.aboutPanel().copyright, 'MIT License');
    assert.deepEqual(JSON.parse(readFileSync(join(userData, 'locale.json'), 'utf8')), { locale: 'en' });
    assert.equal(((await a.handlers.get('waitline:getInfo')!(ours)) as { locale: { current: string } }).locale.current, 'en');
    await quit(a);

    // next launch, still a Chinese desktop: the stored English wins from the first frame
    const b = await start(['zh-CN', 'en-US']);
    assert.equal(label(b.menu(), 'view-overview'), 'Overview');
    assert.equal(await b.handlers.get('waitline:setLocale')!(ours, 'zh-CN'), undefined);
    assert.equal(label(b.menu(), 'view-tuning'), '调优');
    await quit(b);

    // and on an English desktop the stored Chinese wins
    const c = await start(['en-US']);
    assert.equal(label(c.menu(), 'view-tuning'), '调优');
    const accel = flatten(c.menu()).filter((i) => i.accelerator).map((i) => [i.id, i.accelerator]);
    assert.deepEqual(accel.slice(0, 2), [['quit', 'CmdOrCtrl+Q'], ['view-overview', 'CmdOrCtrl+1']]);
    await quit(c);
  } finally {
    rmSync(userData, { recursive: true, force: true });
    bundle.cleanup();
  }
});
