// The `waitline kill` endpoint parser (shared/socket-tuple.ts): every hostile form is refused with a
// specific sentence that never echoes control characters; the valid forms parse to the address the
// helper uses. The same hostile list runs against the root helper in test/privileged/kill-helper.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEndpoint, parseTuple, formatTupleEndpoint } from '../../../shared/socket-tuple';
import { VALID_ENDPOINTS, hostileEndpoints } from './kill-endpoints';

const HOSTILE = hostileEndpoints(45000);

describe('kill endpoint parser', () => {
  it('the hostile list is long enough and has no duplicates', () => {
    assert.ok(HOSTILE.length >= 50, `${HOSTILE.length} forms`);
    assert.equal(new Set(HOSTILE.map((h) => h.form)).size, HOSTILE.length);
  });

  for (const h of HOSTILE) {
    it(`refuses ${h.why}: ${JSON.stringify(h.form).slice(0, 60)}`, () => {
      const r = parseEndpoint(h.form, 'local');
      assert.equal(r.ok, false, `accepted ${JSON.stringify(h.form)}`);
      if (r.ok) return;
      assert.match(r.error, /^local/);
      assert.doesNotMatch(r.error, /[^ -~]/, 'the message carries no control or non-ASCII characters');
      // in either position of a tuple
      assert.equal(parseTuple('127.0.0.1:1', h.form).ok, false);
      assert.equal(parseTuple(h.form, '127.0.0.1:1').ok, false);
    });
  }

  for (const v of VALID_ENDPOINTS) {
    it(`accepts ${v.form}`, () => {
      const r = parseEndpoint(v.form);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.endpoint.family, v.family);
      assert.equal(r.endpoint.address, v.address);
      assert.equal(r.endpoint.port, v.port);
    });
  }

  it('names the problem', () => {
    const err = (s: string) => {
      const r = parseEndpoint(s, 'local');
      return r.ok ? '' : r.error;
    };
    assert.match(err('127.0.0.1:0'), /port 0 is not 1-65535/);
    assert.match(err('127.0.0.1:65536'), /port 65536 is not 1-65535/);
    assert.match(err('::1:80'), /needs brackets/);
    assert.match(err('0.0.0.0:80'), /unspecified/);
    assert.match(err('[::]:80'), /unspecified/);
    assert.match(err('[fe80::1%eth0]:80'), /may contain only/);
    assert.match(err('localhost:80'), /may contain only/);
    assert.match(err('127.0.0.1'), /has no port/);
    assert.match(err('127.0.0.01:80'), /not an IPv4 address/);
    assert.match(err('127.0.0.1:80\nid'), /control or non-ASCII/);
    assert.match(err(''), /empty/);
  });

  it('a local and a remote must be one family; v4-mapped counts as IPv4', () => {
    const mixed = parseTuple('127.0.0.1:5000', '[::1]:80');
    assert.equal(mixed.ok, false);
    assert.match(mixed.ok ? '' : mixed.error, /IPv4 and remote is IPv6/);
    const mapped = parseTuple('127.0.0.1:5000', '[::ffff:127.0.0.1]:80');
    assert.ok(mapped.ok);
    assert.equal(formatTupleEndpoint(mapped.tuple.remote), '127.0.0.1:80');
    const v6 = parseTuple('[2001:db8::1]:5000', '[2001:db8::2]:80');
    assert.ok(v6.ok);
    assert.equal(formatTupleEndpoint(v6.tuple.local), '[2001:db8::1]:5000');
  });

  it('non-string input is refused', () => {
    for (const x of [undefined, null, 80, {}, ['127.0.0.1:80']]) assert.equal(parseEndpoint(x).ok, false);
  });
});
