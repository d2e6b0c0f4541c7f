// Runs the real collector inside a namespace (started with `ip netns exec … node --import tsx`).
// Reads commands on stdin, one per line, and answers each with one JSON line:
//   tick                → the Snapshot
//   query {SocketQuery} → the SocketPage
import readline from 'node:readline';
import { createCollector } from '../../electron/collector/index';
import { validateAlertSettings } from '../../shared/alerts';

const source = (process.argv[2] ?? 'procfs') as 'procfs' | 'netlink' | 'auto';
// optional: alert settings (JSON) — the alert engine then runs and its state rides on each snapshot
const alertPatch = process.argv[3] ? validateAlertSettings(JSON.parse(process.argv[3])) : null;
if (alertPatch && !alertPatch.ok) throw new Error(`bad alert settings: ${JSON.stringify(alertPatch.errors)}`);
const collector = createCollector({
  socketSource: source,
  minTableIntervalMs: 0,
  maxTableIntervalMs: 0,
  alerts: alertPatch?.ok ? alertPatch.settings : undefined,
});
collector.setDemand({ table: true, owners: true });
const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  queue = queue.then(async () => {
    const sp = line.indexOf(' ');
    const cmd = sp < 0 ? line.trim() : line.slice(0, sp);
    try {
      if (cmd === 'tick') process.stdout.write(JSON.stringify(await collector.tick()) + '\n');
      else if (cmd === 'query') process.stdout.write(JSON.stringify(collector.querySockets(JSON.parse(line.slice(sp + 1)))) + '\n');
      else process.stdout.write(JSON.stringify({ error: `unknown command ${cmd}` }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
    }
  });
});
rl.on('close', () => process.exit(0));
process.stdout.write('READY\n');
