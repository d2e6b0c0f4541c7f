// The one table of `waitline` subcommands: name, one-line summary (for `waitline --help`) and a lazy
// loader, so `waitline snapshot` never loads the server. run.ts dispatches over it.

export interface Subcommand {
  usage: string;
  /** returns the process exit code */
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  summary: string;
  load(): Promise<Subcommand>;
}

export const COMMANDS: ReadonlyMap<string, CommandEntry> = new Map<string, CommandEntry>([
  ['snapshot', { summary: 'print one snapshot (a richer `ss -s`), or --watch it', load: async () => (await import('./snapshot')).snapshotCommand }],
  ['tune', { summary: 'read and change TCP sysctls through the pkexec helper', load: async () => (await import('./tune')).tuneCommand }],
  ['kill', { summary: 'destroy one TCP socket by its exact 4-tuple (ss -K) through the pkexec kill helper', load: async () => (await import('./kill')).killCommand }],
  ['export', { summary: 'write history, sockets, port budgets or the tuning journal as CSV or JSON Lines', load: async () => (await import('./export')).exportCommand }],
  [
    'serve',
    { summary: 'serve the dashboard over HTTP (read-only; for SSH tunnels and headless machines)', load: async () => (await import('./serve')).serveCommand },
  ],
  ['probe', { summary: 'connect N times to HOST:PORT: latency, errors by errno, who holds TIME_WAIT', load: async () => (await import('./probe')).probeCommand }],
]);
