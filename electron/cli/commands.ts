// The one table of `waitline` subcommands: name, one-line summary (for `waitline --help`) and a lazy
// loader, so `waitline snapshot` never loads the server. run.ts dispatches over it.

import type { CliText } from './text';
import { type CliT } from './text';

export interface Subcommand {
  /** the usage text in the run's language (the syntax itself is never translated) */
  usage(tx: CliText): string;
  /** returns the process exit code; `tx` is the run's language (human output only) */
  run(argv: string[], tx: CliText): Promise<number>;
}

export interface CommandEntry {
  summary(t: CliT): string;
  load(): Promise<Subcommand>;
}

export const COMMANDS: ReadonlyMap<string, CommandEntry> = new Map<string, CommandEntry>([
  ['snapshot', { summary: (t) => t('cli.commands.snapshot'), load: async () => (await import('./snapshot')).snapshotCommand }],
  ['tune', { summary: (t) => t('cli.commands.tune'), load: async () => (await import('./tune')).tuneCommand }],
  ['kill', { summary: (t) => t('cli.commands.kill'), load: async () => (await import('./kill')).killCommand }],
  ['export', { summary: (t) => t('cli.commands.export'), load: async () => (await import('./export')).exportCommand }],
  ['serve', { summary: (t) => t('cli.commands.serve'), load: async () => (await import('./serve')).serveCommand }],
  ['probe', { summary: (t) => t('cli.commands.probe'), load: async () => (await import('./probe')).probeCommand }],
]);
