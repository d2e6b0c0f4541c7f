// The `waitline` dispatcher over the subcommands in commands.ts, importable without side effects:
// the npm CLI's entry (main.ts) and the installed desktop app's entry (electron/main/entry.ts, for
// `waitline snapshot` typed after installing the deb/rpm or the AppImage) both run it on the
// arguments after the command name and exit with the code it returns.
// Plain Node; never imports `electron`.

import { UsageError } from './args';
import { COMMANDS } from './commands';

function mainUsage(): string {
  return [
    'usage: waitline <command> [options]',
    '',
    'Watch and tame TCP connection churn on Linux (TIME_WAIT, CLOSE_WAIT, port budgets).',
    '',
    'commands:',
    ...[...COMMANDS].map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`),
    '',
    'Run `waitline <command> --help` for its options.',
  ].join('\n');
}

/** Runs `waitline ARGV…`; resolves to the process exit code (0 ok, 1 failure, 2 usage error, or the
 *  subcommand's own codes). Output goes to stdout/stderr through console. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    (cmd === undefined ? console.error : console.log)(mainUsage());
    return cmd === undefined ? 2 : 0;
  }
  const entry = COMMANDS.get(cmd);
  if (!entry) {
    console.error(`waitline: unknown command "${cmd}"\n\n${mainUsage()}`);
    return 2;
  }
  const sub = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(sub.usage);
    return 0;
  }
  try {
    return await sub.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`waitline ${cmd}: ${e.message}\n\n${sub.usage}`);
      return 2;
    }
    console.error(`waitline ${cmd}: ${(e as Error).message}`);
    return 1;
  }
}

/** What an entry prints and returns when runCli itself rejects (a bug, not a command's failure). */
export function cliCrashCode(e: unknown): number {
  console.error(`waitline: ${(e as Error)?.message ?? String(e)}`);
  return 1;
}
