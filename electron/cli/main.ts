// `waitline` command-line entry: a dispatcher over the subcommands in commands.ts.
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

export async function main(argv: string[]): Promise<number> {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`waitline: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
