// A second process that records history into the folder given as argv[2], one sample per 100 ms after
// the end of the parent's simulated data; prints WRITING once it holds the writer's lock. Stops on SIGTERM.
import { PersistentHistory } from '../../../../electron/history/persistent-history';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const END = T0 + (50 * 3600 - 1) * 1000;
void (async () => {
  const h = await PersistentHistory.open({ dir: process.argv[2], capacity: 600, flushIntervalMs: 200 });
  if (h.storage.mode !== 'disk') throw new Error(`writer could not record: ${h.storage.message}`);
  let i = 1;
  h.pushSample(END + i * 1000, { TIME_WAIT: 5 }, {});
  await h.flush();
  console.log('WRITING');
  const timer = setInterval(() => h.pushSample(END + ++i * 1000, { TIME_WAIT: 5 }, {}), 100);
  process.on('SIGTERM', () => {
    clearInterval(timer);
    void h.close().then(() => process.exit(0));
  });
})();
