// The two transports judge a query the same way: every case goes through the IPC handler's validator
// (electron/ipc/validate.ts) and through `waitline serve`'s parser (electron/serve/validate.ts), and
// both must accept it with the same result or refuse it with the same reason. The cases sit on both
// sides of every bound (limit 0/1/1000/1001, port 65535/65536, 200/201 characters, …).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateHistoryQuery, validateSocketQuery } from '../../../electron/ipc/validate';
import { BadRequest, parseHistoryQuery, parseSocketQuery } from '../../../electron/serve/validate';
import { MAX_SOCKET_PAGE } from '../../../shared/query-checks';
import { MAX_HISTORY_POINTS } from '../../../shared/history';
import { TCP_STATES } from '../../../shared/tcp';

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

function viaIpc(f: () => unknown[]): Outcome {
  try {
    return { ok: true, value: f()[0] };
  } catch (e) {
    // "waitline:querySockets: <reason>"
    return { ok: false, reason: (e as Error).message.replace(/^waitline:\w+: /, '') };
  }
}

function viaHttp(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    assert.ok(e instanceof BadRequest, `serve throws BadRequest, not ${(e as Error).name}`);
    return { ok: false, reason: e.message };
  }
}

const long = (n: number) => 'a'.repeat(n);

describe('socket and history queries: IPC and serve agree', () => {
  const socketCases: [string, unknown, boolean][] = [
    ['empty', {}, true],
    ['limit 0', { limit: 0 }, false],
    ['limit 1', { limit: 1 }, true],
    ['limit max', { limit: MAX_SOCKET_PAGE }, true],
    ['limit max+1', { limit: MAX_SOCKET_PAGE + 1 }, false],
    ['limit 1.5', { limit: 1.5 }, false],
    ['limit "10"', { limit: '10' }, false],
    ['offset 0', { offset: 0 }, true],
    ['offset -1', { offset: -1 }, false],
    ['port 0', { port: 0 }, true],
    ['port 65535', { port: 65535 }, true],
    ['port 65536', { port: 65536 }, false],
    ['duplicate states', { states: ['TIME_WAIT', 'TIME_WAIT', 'CLOSE_WAIT'] }, true],
    ['every state', { states: ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'] }, true],
    ['too many states', { states: Array.from({ length: TCP_STATES.length + 1 }, () => 'LISTEN') }, false],
    ['as many as there are states', { states: Array.from({ length: TCP_STATES.length }, () => 'LISTEN') }, true],
    ['unknown state', { states: ['WAITING'] }, false],
    ['lower-case state', { states: ['time_wait'] }, false],
    ['states not a list', { states: 'TIME_WAIT' }, false],
    ['address 200', { address: long(200) }, true],
    ['address 201', { address: long(201) }, false],
    ['process 201', { process: long(201) }, false],
    ['process number', { process: 42 }, false],
    ['sort ok', { sort: 'timerLeftMs', descending: true }, true],
    ['sort unknown', { sort: 'pid' }, false],
    ['descending "yes"', { descending: 'yes' }, false],
    ['unknown field', { limit: 5, evil: 1 }, false],
    ['__proto__ field', JSON.parse('{"__proto__": {"x": 1}}'), false],
    ['an array', [1], false],
    ['null', null, false],
  ];

  for (const [name, q, accepted] of socketCases) {
    it(`socket query: ${name} → ${accepted ? 'accepted' : 'refused'} by both`, () => {
      const ipc = viaIpc(() => validateSocketQuery([q]));
      const http = viaHttp(() => parseSocketQuery(JSON.stringify(q)));
      assert.equal(ipc.ok, accepted, `IPC: ${JSON.stringify(ipc)}`);
      assert.deepEqual(http, ipc);
    });
  }

  it('duplicate states are folded once, in their order, by both', () => {
    const ipc = viaIpc(() => validateSocketQuery([{ states: ['CLOSE_WAIT', 'TIME_WAIT', 'CLOSE_WAIT'] }]));
    assert.deepEqual(ipc, { ok: true, value: { states: ['CLOSE_WAIT', 'TIME_WAIT'] } });
  });

  const historyCases: [string, { fromMs: number; toMs: number; maxPoints: number }, boolean][] = [
    ['plain', { fromMs: 1, toMs: 2, maxPoints: 3 }, true],
    ['from = to', { fromMs: 5, toMs: 5, maxPoints: 1 }, true],
    ['to before from', { fromMs: 5, toMs: 4, maxPoints: 1 }, false],
    ['maxPoints 0', { fromMs: 1, toMs: 2, maxPoints: 0 }, false],
    ['maxPoints max', { fromMs: 1, toMs: 2, maxPoints: MAX_HISTORY_POINTS }, true],
    ['maxPoints max+1', { fromMs: 1, toMs: 2, maxPoints: MAX_HISTORY_POINTS + 1 }, false],
  ];
  for (const [name, q, accepted] of historyCases) {
    it(`history query: ${name} → ${accepted ? 'accepted' : 'refused'} by both`, () => {
      const ipc = viaIpc(() => validateHistoryQuery([q]));
      const http = viaHttp(() => parseHistoryQuery(new URLSearchParams({ from: String(q.fromMs), to: String(q.toMs), maxPoints: String(q.maxPoints) })));
      assert.equal(ipc.ok, accepted, `IPC: ${JSON.stringify(ipc)}`);
      assert.deepEqual(http, ipc);
    });
  }
});
