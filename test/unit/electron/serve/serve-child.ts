// Runs the real `waitline serve` server (collector in its worker thread) in a child process for the
// soak test, with options the CLI does not expose: `node --import tsx serve-child.ts '<JSON options>'`.
// Prints the URL on its own line, then one line per dropped client (stderr); stops on SIGTERM.
// With `memReportMs` (and node's --expose-gc) it collects garbage and prints
// `MEM {"rss":…,"heapUsed":…,"external":…}` every memReportMs: live memory, not the collector's garbage.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from '../../../../electron/serve/server';

void (async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'wl-soak-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const { memReportMs, ...opts } = JSON.parse(process.argv[2] ?? '{}') as { memReportMs?: number };
  const server = await startServe({ staticDir, port: 0, ...opts });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (memReportMs) {
    if (!gc) throw new Error('memReportMs needs node --expose-gc');
    setInterval(() => {
      gc();
      const m = process.memoryUsage();
      console.log(`MEM ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}`);
    }, memReportMs).unref();
  }
  process.on('SIGTERM', () => {
    void server.close().then(() => {
      rmSync(staticDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
  console.log(server.url);
})();
