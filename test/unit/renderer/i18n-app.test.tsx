// The app in Simplified Chinese (issue 15): launched in zh-CN, the header, every tab, the Overview and
// the Connections view read in Chinese with no raw catalog key and no English sentence left; and the
// header's language switch re-renders the visible text at runtime without remounting anything (what
// was typed in a filter is still there).
import './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { createLocalization } from '../../../renderer/i18n';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import { makeSnapshot } from '../shared/history-fixtures';
import { flush, launchApp } from './launch-app';
import { FakeApi, socketRow } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const AREAS = 'common|app|overview|timewait|connections|tuning|knobs|alerts|export|cli|main';
const RAW_KEY = new RegExp(`\\b(?:${AREAS})\\.[A-Za-z_][\\w-]*\\.[A-Za-z_]`);

/** Visible text plus the attributes people read (titles, labels, placeholders) of `el`. */
function readable(el: Element): string {
  const parts = [el.textContent ?? ''];
  for (const e of el.querySelectorAll('[title], [aria-label], [placeholder]')) {
    for (const a of ['title', 'aria-label', 'placeholder']) {
      const v = e.getAttribute(a);
      if (v) parts.push(v);
    }
  }
  return parts.join('\n');
}

/** Two lowercase English words in a row in one text node: a sentence left untranslated. Identifiers
 *  (TIME_WAIT, tcp_max_tw_buckets, /proc/net/snmp, connect()) and data (host names, process names)
 *  do not look like that. */
function englishProse(el: Element): string[] {
  const out: string[] = [];
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.textContent ?? '')
      .replace(/`[^`]*`/g, ' ') // code: `waitline serve`
      .replace(/[\w./-]*[_/.][\w./-]*/g, ' ') // identifiers, paths, numbers
      .replace(/\b[A-Z][A-Z0-9]+\b/g, ' ') // TW, RTT, UID
      .replace(/\b(?:sockstat|Waitline|Linux|pkexec|polkit|cubic)\b/g, ' ');
    const m = /\b[a-z]{2,}\s+[a-z]{2,}\b/i.exec(text);
    if (m) out.push(`${m[0]} «${n.textContent}»`);
  }
  return out;
}

function assertChinese(el: Element, what: string): void {
  const text = readable(el);
  assert.doesNotMatch(text, RAW_KEY, `${what}: a raw key`);
  assert.deepEqual(englishProse(el), [], `${what}: English left`);
  assert.match(text, /[\u4e00-\u9fff]/, `${what}: Chinese`);
}

let dash: Dashboard;
let stop: () => void = () => {};

async function launch(api: FakeApi, preference: 'en' | 'zh-CN'): Promise<void> {
  const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t', { localization: createLocalization({ preference, persist: false }) });
  dash = l.dash;
  stop = l.stop;
}

function rows(): ReturnType<typeof socketRow>[] {
  return [
    socketRow({ state: 'TIME_WAIT', inode: 0, comm: null, pid: null, timer: 'timewait', timerLeftMs: 41_000 }),
    socketRow({ localPort: 40001, comm: 'nginx', pid: 77 }),
    socketRow({ state: 'CLOSE_WAIT', localPort: 40002, comm: 'java', pid: 10 }),
  ];
}

function snapshot(seq: number) {
  return makeSnapshot({
    time: T0 + seq * 1000,
    seq,
    states: { ESTABLISHED: 1, TIME_WAIT: 1, CLOSE_WAIT: 1, LISTEN: 2 },
    rates: { 'TcpExt.TW': 3, 'Tcp.ActiveOpens': 9 },
  });
}

describe('the app in zh-CN (jsdom)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    stop();
    cleanup();
  });

  it('header, every tab, the Overview and the Connections view are Chinese, with no raw key', async () => {
    const api = new FakeApi();
    api.rows = rows();
    const info = await api.getInfo();
    // a host Msg is rendered in the page's language (the host helper picks the key; any key will do here)
    api.getInfo = async () => ({ ...info, servicesNote: 'Language', servicesNoteMsg: { key: 'common.language.label' } });
    await launch(api, 'zh-CN');
    // before the first snapshot: the waiting text
    assert.match(screen.getByTestId('waiting').textContent ?? '', /正在等待采集器的第一个快照/);
    act(() => api.emit(snapshot(1)));
    act(() => api.emit(snapshot(2)));
    await flush();

    const header = document.querySelector('header.app-header')!;
    assertChinese(header, 'header');
    assert.ok(header.querySelector('[data-testid="language-switch"]'), 'the language switch is in the header');
    assert.match(screen.getByTestId('status-line').textContent ?? '', /5 个套接字/);
    const tabs: Record<string, string> = { overview: '概览', timewait: 'TIME_WAIT', connections: '连接', tuning: '调优', alerts: '告警' };
    for (const [view, label] of Object.entries(tabs)) {
      const tab = screen.getByTestId(`nav-${view}`);
      assert.ok((tab.textContent ?? '').startsWith(label), `tab ${view}: ${tab.textContent}`);
      assert.match(tab.getAttribute('title') ?? '', /Alt \+ \d/);
    }

    // the Overview
    const main = document.querySelector('main')!;
    const overview = main.querySelector('section.view')!;
    const text = overview.textContent ?? '';
    for (const s of ['各状态套接字数', '连接周转计数', '当前', '新增 TIME_WAIT', '稳态数量', '由本机先关闭；内核保留 60 秒', '对端已关闭；本地程序尚未调用 close()', '1 分钟', '暂停', '对数坐标']) {
      assert.ok(text.includes(s), `overview shows ${s}`);
    }
    assert.match(text, /3\/秒/, 'rates per second, in Chinese');
    assert.equal(screen.getByTestId('state-count-TIME_WAIT').textContent, '1', 'state names and digits stay as they are');
    assertChinese(overview, 'overview');

    // the Connections view
    act(() => {
      fireEvent.click(screen.getByTestId('nav-connections'));
    });
    await flush();
    const view = main.querySelector('section.connections')!;
    const ctext = view.textContent ?? '';
    for (const s of ['状态', '本地地址', '对端地址', '计时器', '进程', '地址', '主机名', '清除筛选', '选中一个连接']) {
      assert.ok(ctext.includes(s), `connections shows ${s}`);
    }
    assert.equal(screen.getByTestId('connections-total').textContent, '3 / 3 个套接字');
    assert.match(ctext, /无属主——TIME_WAIT 套接字归内核所有/);
    assert.match(ctext, /41 秒/);
    assert.match(ctext, /nginx \(77\)/, 'process names stay');
    assert.ok(screen.getByPlaceholderText('本地或对端'));
    assert.equal(screen.getByTestId('services-note').textContent, '语言', 'AppInfo.servicesNoteMsg, translated');
    assertChinese(view, 'connections');

    // the export menu and its result
    act(() => {
      fireEvent.click(screen.getByTestId('export-open'));
    });
    const panel = screen.getByTestId('export-panel');
    assert.match(panel.textContent ?? '', /导出内容.*连接.*历史.*端口预算.*调优记录.*格式/s);
    assert.equal(screen.getByTestId('export-run').textContent, '另存为…');
    act(() => {
      fireEvent.click(screen.getByTestId('export-run'));
    });
    await flush();
    assert.equal(screen.getByTestId('export-result').textContent, '已将 3 行保存到 /tmp/sockets.csv。');
    assertChinese(panel, 'export');
  });

  it('switching the language at runtime re-renders the visible texts without remounting', async () => {
    const api = new FakeApi();
    api.rows = rows();
    await launch(api, 'en');
    act(() => api.emit(snapshot(1)));
    await flush();
    act(() => {
      fireEvent.click(screen.getByTestId('nav-connections'));
    });
    await flush();
    const input = screen.getByPlaceholderText('local or remote') as HTMLInputElement;
    act(() => {
      fireEvent.change(input, { target: { value: '40001' } });
    });
    await flush();
    assert.equal(screen.getByTestId('connections-total').textContent, '1 of 3 sockets');
    assert.ok(screen.getByTestId('nav-connections').textContent?.startsWith('Connections'));
    const table = screen.getByTestId('connections-table');
    assert.ok(englishProse(document.querySelector('section.connections')!).length > 0, 'the prose check does catch English');

    // the header's switch
    const select = screen.getByTestId('language-switch') as HTMLSelectElement;
    act(() => {
      fireEvent.change(select, { target: { value: 'zh-CN' } });
    });
    await flush();
    assert.equal(dash.localization.locale(), 'zh-CN');
    assert.ok(screen.getByTestId('nav-connections').textContent?.startsWith('连接'));
    assert.equal(screen.getByTestId('connections-total').textContent, '1 / 3 个套接字');
    const after = screen.getByPlaceholderText('本地或对端') as HTMLInputElement;
    assert.equal(after, input, 'the same input element: nothing was remounted');
    assert.equal(after.value, '40001', 'what was typed is still there');
    assert.equal(screen.getByTestId('connections-table'), table);
    assertChinese(document.querySelector('section.connections')!, 'connections after the switch');
    assertChinese(document.querySelector('header.app-header')!, 'header after the switch');

    // and back, through the localization itself
    act(() => dash.localization.setPreference('en'));
    await flush();
    assert.ok(screen.getByTestId('nav-connections').textContent?.startsWith('Connections'));
    assert.equal(screen.getByTestId('connections-total').textContent, '1 of 3 sockets');
    assert.equal((screen.getByPlaceholderText('local or remote') as HTMLInputElement).value, '40001');
  });

  it('says what is wrong in Chinese: no API, a failed collector, a lost history', async () => {
    const l = await launchApp(null, 'file:///opt/waitline/index.html', { localization: createLocalization({ preference: 'zh-CN', persist: false }) });
    stop = l.stop;
    const fatal = screen.getByTestId('fatal');
    assert.match(fatal.textContent ?? '', /Waitline 无法显示数据/);
    assert.match(fatal.textContent ?? '', /没有 Waitline 接口/);
    assertChinese(fatal, 'fatal');
    stop();
    cleanup();

    const api = new FakeApi();
    api.getHistory = async () => {
      throw new Error('EIO');
    };
    await launch(api, 'zh-CN');
    act(() =>
      api.emitStatus({
        state: 'failed',
        message: 'cannot read /proc/net/tcp: EACCES',
        msg: null,
        restarts: 3,
        nextRestartAt: null,
      }),
    );
    await flush();
    assert.match(screen.getByTestId('collector-status').textContent ?? '', /采集器已失败。 cannot read \/proc\/net\/tcp: EACCES/, 'the host sentence as is when it has no Msg');
    assert.match(document.querySelector('main')!.textContent ?? '', /历史数据不可用：EIO/);
    assert.match(screen.getByTestId('waiting').textContent ?? '', /没有数据：采集器未在运行/);
  });
});
