// The table of subcommands. Modules add theirs in register.ts; main.ts dispatches.

export interface Subcommand {
  summary: string;
  usage: string;
  /** returns the process exit code */
  run(argv: string[]): Promise<number>;
}

export const COMMANDS = new Map<string, () => Promise<Subcommand>>();

export function registerSubcommand(name: string, load: () => Promise<Subcommand>): void {
  COMMANDS.set(name, load);
}
