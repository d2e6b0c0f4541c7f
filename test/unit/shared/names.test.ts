// The resolveNames request check (shared/names.ts), as the IPC handler (electron/ipc/validate.ts) and
// serve (electron/serve/validate.ts) apply it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateNameRequest } from '../../../electron/ipc/validate';
import { parseNameRequest } from '../../../electron/serve/validate';
import { checkNameRequest, MAX_NAME_REQUEST, nameRequestParam, parseNameRequestParam } from '../../../shared/names';

describe('checkNameRequest', () => {
  it('accepts address texts, de-duplicated, in order', () => {
    assert.deepEqual(checkNameRequest(['10.0.0.1', '2001:db8::1', '10.0.0.1', '::ffff:192.0.2.1']), ['10.0.0.1', '2001:db8::1', '::ffff:192.0.2.1']);
    assert.deepEqual(checkNameRequest([]), []);
  });

  it('refuses anything else with a reason', () => {
    for (const bad of [null, 'x', {}, [1], [''], ['example.com'], ['10.0.0.1 '], ['a'.repeat(46)], Array.from({ length: MAX_NAME_REQUEST + 1 }, () => '10.0.0.1')]) {
      assert.throws(() => checkNameRequest(bad), /address/, JSON.stringify(bad).slice(0, 40));
    }
  });

  it('the IPC channel takes exactly one list; serve takes a comma-separated parameter', () => {
    assert.deepEqual(validateNameRequest([['10.0.0.1']]), [['10.0.0.1']]);
    assert.throws(() => validateNameRequest([]), /waitline:resolveNames: expected 1 argument/);
    assert.throws(() => validateNameRequest([['10.0.0.1'], 'x']), /expected 1 argument/);
    assert.throws(() => validateNameRequest([['evil.example']]), /waitline:resolveNames: "evil\.example" is not an IPv4 or IPv6 address/);
    const list = ['10.0.0.1', '2001:db8::1'];
    assert.deepEqual(parseNameRequestParam(nameRequestParam(list)), list);
    assert.deepEqual(parseNameRequest(nameRequestParam(list)), list);
    assert.deepEqual(parseNameRequest(null), []);
    assert.throws(() => parseNameRequest('1.2.3.4,,5.6.7.8'), /not an IPv4 or IPv6 address/);
  });
});
