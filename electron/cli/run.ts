// The `waitline` dispatcher over the subcommands in commands.ts, importable without side effects:
// the npm CLI's entry (main.ts) and the installed desktop app's entry (electron/main/entry.ts, for
// `waitline snapshot` typed after installing the deb/rpm or the AppImage) both run it on the
// arguments after the command name and exit with the code it returns.
// The language: the global `--lang en|zh-CN` flag, else LC_ALL / LC_MESSAGES / LANG (text.ts); one
// i18n instance per run, handed to the command. Machine output (--json) is the same in every language.
// Plain Node; never imports `electron`.

import { UsageError, usageErrorText } from './args';
import { COMMANDS } from './commands';
import { cliLocale, type CliT, cliText, optionLines, takeLangFlag, usageHead } from './text';

export function mainUsage(t: CliT): string {
  return [
    usageHead(t, ['waitline [--lang en|zh-CN] <command> [options]']),
    '',
    t('cli.main.tagline'),
    '',
    t('cli.main.commands'),
    ...[...COMMANDS].map(([name, c]) => `  ${name.padEnd(10)}${c.summary(t)}`),
    '',
    t('cli.main.global_options'),
    optionLines([['--lang en|zh-CN', t('cli.main.lang_option')]], 20),
    '',
    t('cli.main.more'),
  ].join('\n');
}

/** Runs `waitline ARGV…`; resolves to the process exit code (0 ok, 1 failure, 2 usage error, or the
 *  subcommand's own codes). Output goes to stdout/stderr through console. `env` decides the language
 *  when --lang is not given. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const lang = takeLangFlag(argv);
  const tx = cliText(cliLocale(lang.lang, env));
  const { t } = tx;
  if (lang.error) {
    console.error(`waitline: ${lang.error(t)}`);
    return 2;
  }
  const [cmd, ...rest] = lang.argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    (cmd === undefined ? console.error : console.log)(mainUsage(t));
    return cmd === undefined ? 2 : 0;
  }
  const entry = COMMANDS.get(cmd);
  if (!entry) {
    console.error(`waitline: ${t('cli.main.unknown_command', { cmd })}\n\n${mainUsage(t)}`);
    return 2;
  }
  const sub = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(sub.usage(tx));
    return 0;
  }
  try {
    return await sub.run(rest, tx);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`waitline ${cmd}: ${usageErrorText(e, t)}\n\n${sub.usage(tx)}`);
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

