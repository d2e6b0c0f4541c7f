// `npm run bench` argument parsing (electron/bench/bench-args.ts): the sections that need no root
// (--history-only, --metrics-only) and the checks on the numbers. No bench runs here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../../electron/cli/args';
import { parseBenchArgs, USAGE } from '../../../../electron/bench/bench-args';

describe('npm run bench arguments', () => {
  it('defaults: the full run, no section alone', () => {
    const o = parseBenchArgs([]);
    assert.deepEqual(o.sockets, [1000, 10_000, 100_000, 500_000]);
    assert.equal(o.large, 500_000);
    assert.equal(parseBenchArgs(["--large", "0"]).large, 0);
    assert.equal(o.repeats, 7);
    assert.equal(o.cpuSeconds, 60);
    // the window at rest starts after V8 has compiled the tick's functions and after the run's
    // CLOSE_WAIT alert has come up (120 s): bench-host.ts
    assert.equal(o.cpuWarmup, 150);
    assert.equal(o.historyOnly, false);
    assert.equal(o.metricsOnly, false);
    assert.equal(o.json, false);
    assert.equal(o.inner, null);
  });

  it('--metrics-only (with --json) selects the Prometheus exposition alone', () => {
    const o = parseBenchArgs(['--metrics-only', '--json']);
    assert.equal(o.metricsOnly, true);
    assert.equal(o.historyOnly, false);
    assert.equal(o.json, true);
  });

  it('--history-only still selects history alone', () => {
    const o = parseBenchArgs(['--history-only']);
    assert.equal(o.historyOnly, true);
    assert.equal(o.metricsOnly, false);
  });

  it('--history-only and --metrics-only together are refused', () => {
    assert.throws(() => parseBenchArgs(['--history-only', '--metrics-only']), UsageError);
  });

  it('--metrics-only takes no value and unknown flags are refused', () => {
    assert.throws(() => parseBenchArgs(['--metrics-only=yes']), UsageError);
    assert.throws(() => parseBenchArgs(['--metrics']), UsageError);
  });

  it('socket counts are sorted and deduplicated; out-of-range numbers are refused', () => {
    assert.deepEqual(parseBenchArgs(['--sockets', '10000,1000,1000']).sockets, [1000, 10_000]);
    assert.throws(() => parseBenchArgs(['--sockets', '8']), UsageError);
    assert.throws(() => parseBenchArgs(['--repeats', '0']), UsageError);
    assert.throws(() => parseBenchArgs(['--inner', 'other:1']), UsageError);
    assert.equal(parseBenchArgs(['--cpu-warmup', '5']).cpuWarmup, 5);
    assert.equal(parseBenchArgs(['--cpu-warmup', '900']).cpuWarmup, 900);
    assert.throws(() => parseBenchArgs(['--cpu-warmup', '4']), UsageError);
    assert.throws(() => parseBenchArgs(['--cpu-warmup', '901']), UsageError);
  });

  it('the usage text lists --metrics-only', () => {
    assert.match(USAGE, /^ {2}--metrics-only {6}/m);
  });
});
