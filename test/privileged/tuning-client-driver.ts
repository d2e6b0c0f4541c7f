// Runs the real TuningClient against the installed helper inside whatever network namespace it is
// started in, and prints one JSON line per event. Used by tuning-client.test.ts (as root, direct) and
// tuning-pkexec.test.ts (bundled, as a granted user, through pkexec).
// Usage: tuning-client-driver.ts auto|confirm|hold AUTO_REVERT_MS [pkexec]
//   auto: apply and wait for the state the root waiter leaves; confirm: apply, confirm, wait past the
//   deadline, revert by hand; hold: apply, print our pid, and wait to be killed.
import { readFileSync } from 'node:fs';
import { TuningClient } from '../../electron/privileged/client';
import type { TuningChange } from '../../shared/tuning';

const [mode, ms, via] = process.argv.slice(2);
const read = (k: string) => readFileSync(`/proc/sys/${k.split('.').join('/')}`, 'utf8').trim().replace(/\t/g, ' ');
const emit = (o: object) => console.log(JSON.stringify(o));
const KEYS = ['net.ipv4.tcp_fin_timeout', 'net.ipv4.ip_local_port_range'];

const done = new Promise<TuningChange>((resolve) => {
  const client = new TuningClient({
    direct: via !== 'pkexec',
    autoRevertMs: Number(ms),
    onChanged: (c) => {
      emit({ event: 'changed', state: c.state, values: KEYS.map(read) });
      if (c.state === 'auto_reverted' || c.state === 'failed') resolve(c);
    },
  });
  void (async () => {
    const r = await client.apply({ changes: { 'net.ipv4.tcp_fin_timeout': '21', 'net.ipv4.ip_local_port_range': '41000 51001' }, persist: false });
    emit({ event: 'applied', result: r, values: KEYS.map(read), pid: process.pid });
    if (!r.ok) process.exit(1);
    if (mode === 'confirm') {
      const k = await client.confirm(r.change.id);
      emit({ event: 'confirmed', ok: k.ok, result: k });
      await new Promise((res) => setTimeout(res, Number(ms) * 2));
      emit({ event: 'after-deadline', values: KEYS.map(read), history: (await client.getState()).history.map((h) => h.state) });
      const rv = await client.revert(r.change.id);
      emit({ event: 'reverted', ok: rv.ok, values: KEYS.map(read) });
      process.exit(0);
    }
  })();
});
// The client's countdown does not hold the process open (the app keeps running anyway); this does.
const keepAlive = setInterval(() => {}, 1000);
void done.then((c) => {
  emit({ event: 'end', state: c.state, values: KEYS.map(read) });
  clearInterval(keepAlive);
});
