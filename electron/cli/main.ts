// `waitline` command-line entry of the npm package (bin/waitline.mjs → dist/cli.mjs): runs the
// dispatcher (run.ts) on this process's arguments and leaves with its exit code. The bundle is also
// the entry of serve's collector worker thread, which it reaches the same way (argv ["serve"]).
// Plain Node; never imports `electron`.

import { cliCrashCode, runCli } from './run';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = cliCrashCode(e);
  },
);
