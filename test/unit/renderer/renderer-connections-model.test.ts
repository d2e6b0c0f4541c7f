// TCPView-style marks in the connection table model: new (green), changed state (yellow), closed
// (red, kept one refresh where it was), and the owner text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionsModel, HIGHLIGHT_MS, ownerText, PAGE_SIZE } from '../../../renderer/features/connections/model';
import { socketRow } from './renderer-fake-api';

describe('ConnectionsModel', () => {
  const a = socketRow({ localPort: 1 });
  const b = socketRow({ localPort: 2 });
  const c = socketRow({ localPort: 3 });

  it('the first load marks nothing; later arrivals are new for a few seconds', () => {
    const m = new ConnectionsModel();
    m.applyPage(0, [a, b], 2, 2, 0, 1000);
    assert.deepEqual([m.rowAt(0)?.mark, m.rowAt(1)?.mark], [null, null]);
    m.applyPage(0, [a, b, c], 3, 3, 0, 2000);
    assert.equal(m.rowAt(2)?.mark, 'new');
    m.applyPage(0, [a, b, c], 3, 3, 0, 2000 + HIGHLIGHT_MS);
    assert.equal(m.rowAt(2)?.mark, null, 'the highlight fades');
  });

  it('a state change is marked changed', () => {
    const m = new ConnectionsModel();
    m.applyPage(0, [a], 1, 1, 0, 0);
    m.applyPage(0, [{ ...a, state: 'TIME_WAIT' }], 1, 1, 0, 5000);
    assert.equal(m.rowAt(0)?.mark, 'changed');
  });

  it('a closed row stays one refresh, marked gone, where it was; then it is dropped', () => {
    const m = new ConnectionsModel();
    m.applyPage(0, [a, b, c], 3, 3, 0, 0);
    m.applyPage(0, [a, c], 2, 2, 0, 5000);
    assert.equal(m.count(), 3);
    assert.deepEqual([m.rowAt(0)?.localPort, m.rowAt(1)?.localPort, m.rowAt(2)?.localPort], [1, 2, 3]);
    assert.equal(m.rowAt(1)?.mark, 'gone');
    m.applyPage(0, [a, c], 2, 2, 0, 6000);
    assert.equal(m.count(), 2);
    assert.equal(m.rowAt(1)?.localPort, 3);
  });

  it('maps display rows to pages, with unloaded pages counted at full size', () => {
    const m = new ConnectionsModel();
    const rows = Array.from({ length: PAGE_SIZE }, (_, i) => socketRow({ localPort: i }));
    const total = 2 * PAGE_SIZE + PAGE_SIZE / 2;
    m.applyPage(0, rows, total, total, 0, 0);
    assert.equal(m.count(), total);
    assert.deepEqual(m.pagesFor(0, 30), [0]);
    assert.deepEqual(m.pagesFor(PAGE_SIZE - 10, PAGE_SIZE + 20), [0, 1]);
    assert.deepEqual(m.pagesFor(total - 50, total - 1), [2]);
    assert.equal(m.rowAt(PAGE_SIZE + 10), null, 'not loaded yet');
    assert.equal(m.rowAt(PAGE_SIZE - 1)?.localPort, PAGE_SIZE - 1);
  });
});

describe('owner column', () => {
  it('names the process, or says why there is none', () => {
    assert.deepEqual(ownerText(socketRow({ comm: 'nginx', pid: 7 })), { text: 'nginx (7)', kernel: false });
    assert.equal(ownerText(socketRow({ state: 'TIME_WAIT', inode: 0, comm: null, pid: null })).text, 'no owner — TIME_WAIT sockets belong to the kernel');
    assert.match(ownerText(socketRow({ state: 'FIN_WAIT2', inode: 0, comm: null, pid: null })).text, /orphaned FIN_WAIT2/);
    assert.match(ownerText(socketRow({ comm: null, pid: null, uid: 33 })).text, /uid 33 — process not visible without privileges/);
  });
});
