// Names in the connection table (docs/names.md): service names beside ports from AppInfo.services,
// and reverse-DNS names only after the user turns them on (and only when the host looks names up).
import './renderer-dom';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { Dashboard } from '../../../renderer/store/create-dashboard';
import type { AppInfo } from '../../../shared/api';
import { mergeNames, nameRequests, remoteAddresses } from '../../../renderer/features/connections/names';
import { makeSnapshot } from '../shared/history-fixtures';
import { flush, launchApp } from './launch-app';
import { FakeApi, socketRow } from './renderer-fake-api';

const T0 = 1_763_700_000_000;
const INFO: AppInfo = { transport: 'electron', version: '0.1.0', kernel: '6.18.0', hostname: 'testhost', readOnly: false, tickMs: 1000 };

let dash: Dashboard;
let stop: () => void = () => {};

async function open(api: FakeApi): Promise<void> {
  const l = await launchApp(api, 'http://127.0.0.1:7780/?token=t');
  dash = l.dash;
  stop = l.stop;
  act(() => dash.dashboard.setView('connections'));
  act(() => api.emit(makeSnapshot({ time: T0, seq: 1, states: { ESTABLISHED: 2, LISTEN: 1 } })));
  await flush();
}

function tableText(): string {
  return screen.getByTestId('connections-table').textContent ?? '';
}

describe('connection table names (jsdom)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    stop();
    cleanup();
  });

  function rows(api: FakeApi) {
    api.rows = [
      socketRow({ localAddr: '10.0.0.1', localPort: 40001, remoteAddr: '93.184.216.34', remotePort: 443 }),
      socketRow({ localAddr: '10.0.0.1', localPort: 40002, remoteAddr: '10.0.0.9', remotePort: 5432 }),
      socketRow({ state: 'LISTEN', localAddr: '0.0.0.0', localPort: 22, remoteAddr: '0.0.0.0', remotePort: 0 }),
    ];
  }

  it('shows the service name beside each named port, and bare numbers without the map', async () => {
    const api = new FakeApi();
    rows(api);
    api.getInfo = async () => ({ ...INFO, services: { 22: 'ssh', 443: 'https', 5432: 'postgresql' } });
    await open(api);
    const text = tableText();
    assert.match(text, /443 https/);
    assert.match(text, /5432 postgresql/);
    assert.match(text, /22 ssh/);
    assert.doesNotMatch(text, /^0 /m);
    const cell = [...document.querySelectorAll('.c-port')].find((c) => c.textContent === '443 https');
    assert.equal(cell?.getAttribute('title'), '443 (https in /etc/services)');
    stop();
    cleanup();
    const bare = new FakeApi();
    rows(bare);
    await open(bare);
    assert.doesNotMatch(tableText(), /https/);
    assert.match(tableText(), /443/);
  });

  it('asks for host names only after the toggle is turned on, then shows them beside the address', async () => {
    const api = new FakeApi();
    rows(api);
    api.getInfo = async () => ({ ...INFO, reverseDns: true });
    api.hostNames = { '93.184.216.34': 'example.com', '10.0.0.9': null };
    await open(api);
    act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 2 })));
    await flush();
    assert.deepEqual(api.nameRequests, [], 'no name is asked for with the toggle off');
    const toggle = screen.getByTestId('resolve-names') as HTMLInputElement;
    assert.equal(toggle.disabled, false);
    assert.equal(toggle.checked, false);
    act(() => {
      fireEvent.click(toggle);
    });
    act(() => api.emit(makeSnapshot({ time: T0 + 2000, seq: 3 })));
    await flush();
    await flush();
    assert.deepEqual(api.nameRequests, [['93.184.216.34', '10.0.0.9']], 'the remote addresses on screen, listeners left out');
    assert.match(tableText(), /93\.184\.216\.34 example\.com/);
    assert.equal(localStorage.getItem('waitline.connections.resolveNames'), 'true');
    // off again: the names go, nothing more is asked
    act(() => {
      fireEvent.click(toggle);
    });
    const asked = api.nameRequests.length;
    act(() => api.emit(makeSnapshot({ time: T0 + 3000, seq: 4 })));
    await flush();
    assert.equal(api.nameRequests.length, asked);
    assert.doesNotMatch(tableText(), /example\.com/);
  });

  it('keeps the toggle disabled when the host does not look names up (serve by default)', async () => {
    localStorage.setItem('waitline.connections.resolveNames', 'true');
    const api = new FakeApi();
    rows(api);
    api.getInfo = async () => ({ ...INFO, transport: 'serve', readOnly: true, reverseDns: false });
    await open(api);
    act(() => api.emit(makeSnapshot({ time: T0 + 1000, seq: 2 })));
    await flush();
    const toggle = screen.getByTestId('resolve-names') as HTMLInputElement;
    assert.equal(toggle.disabled, true);
    assert.equal(toggle.checked, false);
    assert.deepEqual(api.nameRequests, []);
  });
});

describe('connection names helpers', () => {
  it('asks about distinct remote addresses in chunks, and merges answers without needless renders', () => {
    const rs = [
      socketRow({ remoteAddr: '10.0.0.2', remotePort: 443 }),
      socketRow({ remoteAddr: '10.0.0.2', remotePort: 80 }),
      socketRow({ remoteAddr: '::', remotePort: 0 }),
      socketRow({ remoteAddr: '2001:db8::1', remotePort: 443 }),
    ];
    assert.deepEqual(remoteAddresses(rs), ['10.0.0.2', '2001:db8::1']);
    const many = Array.from({ length: 250 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    assert.deepEqual(nameRequests(many).map((c) => c.length), [100, 100, 50]);
    const a = mergeNames(new Map(), { '10.0.0.2': 'x.test' });
    assert.equal(mergeNames(a, { '10.0.0.2': 'x.test' }), a, 'same answer: the same map');
    assert.equal(mergeNames(a, {}), a);
    const b = mergeNames(a, { '10.0.0.3': null }, 1);
    assert.deepEqual([...b], [['10.0.0.3', null]], 'bounded, oldest out first');
  });
});
