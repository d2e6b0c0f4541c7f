import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandTimer, parseTimerLine } from '../../../../electron/bench/command-timer';

test('parseTimerLine subtracts seconds and microseconds apart, carrying across a second', () => {
  assert.deepEqual(parseTimerLine('0 1764750000.999999 1764750001.000001'), { rc: 0, ms: 0.002 });
  assert.deepEqual(parseTimerLine('3 1764750000.250000 1764750002.750000\n'), { rc: 3, ms: 2500 });
  // a comma decimal point (a locale that slipped through) or a missing digit is refused, not misread
  assert.throws(() => parseTimerLine('0 1764750000,250000 1764750002,750000'), /unexpected answer/);
  assert.throws(() => parseTimerLine('0 1764750000.25000 1764750002.750000'), /unexpected answer/);
});

test('CommandTimer times real commands from one shell, fails on a non-zero exit, and refuses unsafe arguments', async () => {
  const t = new CommandTimer();
  try {
    const slept = await t.time(['sleep', '0.2']);
    assert.ok(slept >= 200 && slept < 5000, `sleep 0.2 took ${slept} ms`);
    const quick = await t.time(['true']);
    assert.ok(quick >= 0 && quick < slept, `true took ${quick} ms, sleep 0.2 ${slept} ms`);
    await assert.rejects(t.time(['sh', '-c', 'exit 7']), /sh -c exit 7 failed \(exit 7\)/);
    await assert.rejects(t.time(['echo', 'a\tb']), /free of tabs and newlines/);
    await assert.rejects(t.time([]), /non-empty/);
    // answers stay in order when several are asked at once
    const [a, b] = await Promise.all([t.time(['sleep', '0.15']), t.time(['true'])]);
    assert.ok(a >= 150 && b < a, `sleep 0.15: ${a} ms, then true: ${b} ms`);
  } finally {
    await t.close();
  }
  await assert.rejects(t.time(['true']), /bash exited/);
});
