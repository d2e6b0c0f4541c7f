// Entry of the collector process, started by the main process with Electron's utilityProcess.fork().
// Runs the collector off the main thread; talks to main through process.parentPort and to the renderer
// through the MessagePort main hands it (electron/utility/collector-host-core.ts).
import { DEFAULT_ALERT_SETTINGS } from '../../shared/alerts';
import { createCollector, lowerCollectorPriority } from '../collector';
import { runCollectorHost, type ParentPortLike } from './collector-host-core';

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort === undefined) {
  console.error('waitline collector-host: start it through Electron utilityProcess.fork() (no parentPort here)');
  process.exit(2);
}

// the collector process yields the CPU to the UI (main process, renderer) on a busy machine
lowerCollectorPriority();

runCollectorHost({
  parentPort,
  // The defaults until main sends the persisted settings (right after 'ready').
  // no portBudgetRest: the desktop views never show it, and it costs a budget per destination
  collector: createCollector({ socketSource: 'auto', alerts: DEFAULT_ALERT_SETTINGS, budgetRest: false }),
  pid: process.pid,
  exit: (code) => process.exit(code),
});
