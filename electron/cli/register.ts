// Every subcommand, one line each (loaded lazily so `waitline snapshot` does not load the server).
import { registerSubcommand } from './registry';

registerSubcommand('snapshot', async () => (await import('./snapshot')).snapshotCommand);
registerSubcommand('tune', async () => (await import('./tune')).tuneCommand);
registerSubcommand('serve', async () => (await import('./serve')).serveCommand);
