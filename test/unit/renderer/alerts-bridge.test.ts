// The renderer bridge's alert-settings calls over `waitline serve`: GET /api/alert-settings, PUT with
// a JSON body; a 400 carrying { ok: false, errors } is the answer (shown in the panel), any other
// failure a BridgeError with the server's message; the token goes along as with every other call.
import './renderer-dom';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeError, createServeTransport } from '../../../renderer/bridge';
import { SERVE_PATHS } from '../../../shared/serve-protocol';
import { DEFAULT_ALERT_SETTINGS } from '../../../shared/alerts';

type Call = { url: string; method?: string; headers?: Record<string, string>; body?: string };

function fakeFetch(answer: (c: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fetch = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    const c = { url, ...init };
    calls.push(c);
    const a = answer(c);
    return { ok: a.status >= 200 && a.status < 300, status: a.status, json: async () => a.body, text: async () => JSON.stringify(a.body) };
  };
  return { fetch, calls };
}

describe('serve transport: alert settings', () => {
  it('GET returns the settings; PUT sends the patch as JSON with the token', async () => {
    const { fetch, calls } = fakeFetch((c) =>
      c.method === 'PUT'
        ? { status: 200, body: { ok: true, settings: { ...DEFAULT_ALERT_SETTINGS, ...JSON.parse(c.body!) } } }
        : { status: 200, body: DEFAULT_ALERT_SETTINGS },
    );
    const api = createServeTransport({ baseUrl: 'http://127.0.0.1:7780/', token: 'tok', fetch });
    assert.deepEqual(await api.getAlertSettings(), DEFAULT_ALERT_SETTINGS);
    const r = await api.setAlertSettings({ budgetWarnPercent: 75 });
    assert.deepEqual(r, { ok: true, settings: { ...DEFAULT_ALERT_SETTINGS, budgetWarnPercent: 75 } });
    assert.equal(SERVE_PATHS.alertSettings, '/api/alert-settings');
    assert.deepEqual(
      calls.map((c) => [c.method, c.url, c.headers?.Authorization, c.body]),
      [
        ['GET', 'http://127.0.0.1:7780/api/alert-settings', 'Bearer tok', undefined],
        ['PUT', 'http://127.0.0.1:7780/api/alert-settings', 'Bearer tok', '{"budgetWarnPercent":75}'],
      ],
    );
  });

  it('a 400 with the errors shape is the answer; other failures throw with the server’s message', async () => {
    const errors = [{ field: 'budgetWarnPercent', message: 'Budget warning must be from 1 to 100 %; got 101' }];
    let next: { status: number; body: unknown } = { status: 400, body: { ok: false, errors } };
    const { fetch } = fakeFetch(() => next);
    const api = createServeTransport({ baseUrl: 'http://127.0.0.1:7780', token: 't', fetch });
    assert.deepEqual(await api.setAlertSettings({ budgetWarnPercent: 101 }), { ok: false, errors });
    next = { status: 400, body: { error: 'the body is not JSON' } };
    await assert.rejects(api.setAlertSettings({}), (e: unknown) => e instanceof BridgeError && e.message === 'the body is not JSON');
    next = { status: 401, body: { error: 'unauthorized' } };
    await assert.rejects(api.getAlertSettings(), /access token was refused/);
    next = { status: 403, body: { error: 'read_only' } };
    await assert.rejects(api.setAlertSettings({ notify: false }), /read_only/);
  });
});
