// Sentences the host builds (host.* catalog) shown by the page in its language: the history file's
// status (RangeBar), why "Close connection…" cannot work (ConnectionDetail) and why ports have no
// service names (Connections). The Msgs come from the real host code, not from hand-made objects.
import './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { createLocalization } from '../../../renderer/i18n';
import type { AppInfo, HistoryStorage } from '../../../shared/api';
import { openHistoryDb } from '../../../electron/history/history-db';
import { destroySupportFromConfig } from '../../../electron/privileged/kill-client';
import { loadServicesFile } from '../../../electron/collector/services-file';
import { makeSnapshot } from '../shared/history-fixtures';
import { flush, launchApp } from './launch-app';
import { FakeApi, socketRow } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const RAW_KEY = /\bhost\.[a-z]+\.[A-Za-z]/;

let stop: () => void = () => {};
let root = '';

async function hostSentences(): Promise<{ storage: HistoryStorage; info: AppInfo }> {
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  const { storage } = await openHistoryDb(join(file, 'history'));
  const support = destroySupportFromConfig('CONFIG_INET_DIAG=y\n', '/proc/config.gz', '6.1.0-13-amd64');
  const services = loadServicesFile(join(root, 'no-services'));
  const info: AppInfo = {
    transport: 'electron',
    version: '0.1.0',
    kernel: '6.1.0-13-amd64',
    hostname: 'h',
    readOnly: false,
    tickMs: 1000,
    kill: { available: support.available, reason: support.reason, reasonMsg: support.reasonMsg },
    services: {},
    servicesNote: services.reason,
    servicesNoteMsg: services.reasonMsg,
  };
  return { storage, info };
}

async function launch(preference: 'en' | 'zh-CN'): Promise<void> {
  const { storage, info } = await hostSentences();
  const api = new FakeApi();
  api.getInfo = async () => info;
  const query = api.getHistory.bind(api);
  api.getHistory = async (q) => ({ ...(await query(q)), storage });
  api.rows = [socketRow({ localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '10.0.0.9', remotePort: 5432 })];
  const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t', { localization: createLocalization({ preference, persist: false }) });
  stop = l.stop;
  act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 1 } })));
  act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 2, states: { ESTABLISHED: 1 } })));
  await flush();
  await flush();
}

async function openConnections(): Promise<void> {
  act(() => {
    fireEvent.click(screen.getByTestId('nav-connections'));
  });
  await flush();
  const rows = [...document.querySelectorAll('[data-testid="connections-table"] .row:not(.placeholder)')];
  assert.ok(rows[0], 'a row to select');
  fireEvent.click(rows[0]);
  await flush();
}

describe('host sentences in the page (jsdom)', () => {
  beforeEach(() => {
    localStorage.clear();
    root = mkdtempSync(join(tmpdir(), 'wl-host-msgs-'));
  });
  afterEach(() => {
    stop();
    cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('zh-CN: the history status, the kill reason and the services note are Chinese', async () => {
    await launch('zh-CN');
    const storage = screen.getByTestId('history-storage').textContent ?? '';
    assert.match(storage, /^历史记录只保存在内存中：无法创建 .*a-file\/history（ENOTDIR）。$/);
    assert.doesNotMatch(storage, /History is|cannot create/);

    await openConnections();
    const kill = screen.getByTestId('kill-unavailable').textContent ?? '';
    assert.match(kill, /此内核（6\.1\.0-13-amd64）编译时未启用 CONFIG_INET_DIAG_DESTROY（\/proc\/config\.gz），因此无法销毁套接字/);
    assert.doesNotMatch(kill, /was built without|cannot destroy/);
    const note = screen.getByTestId('services-note').textContent ?? '';
    assert.match(note, /no-services 不存在：端口只显示编号，不显示服务名/);
    for (const t of [storage, kill, note]) assert.doesNotMatch(t, RAW_KEY);
  });

  it('en: the same sentences as the host wrote them', async () => {
    await launch('en');
    assert.match(screen.getByTestId('history-storage').textContent ?? '', /^History is kept in memory only: cannot create .*a-file\/history \(ENOTDIR\)\.$/);
    await openConnections();
    assert.match(screen.getByTestId('kill-unavailable').textContent ?? '', /this kernel \(6\.1\.0-13-amd64\) was built without CONFIG_INET_DIAG_DESTROY \(\/proc\/config\.gz\)/);
    assert.match(screen.getByTestId('services-note').textContent ?? '', /no-services does not exist: ports are shown without service names/);
  });
});
