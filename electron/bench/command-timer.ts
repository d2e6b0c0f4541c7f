// Times commands (`ss -tan`) the way a user runs them — from a small shell — instead of spawning
// them from the bench's own process.
//
// Why: a spawn from Node forks the whole bench process. After a fork, every page the bench writes
// next takes a copy-on-write fault, even once the child has exec'd, and the collector's next table
// read writes megabytes (the addon's rows and the result buffer). On this project's VM one fork before
// each tick took a 100,000-socket tick from 46 to 83 ms; the floor (countStates, which writes almost
// nothing) did not move. The app's collector never forks, so that cost belonged to the bench, not to
// Waitline (docs/performance.md, "Timing ss"). Here bash is forked once, and it forks itself — a
// process of a few megabytes — for each command, timing it with $EPOCHREALTIME (µs).
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = [
  "while IFS=$'\\t' read -r -a cmd; do",
  '  t0=$EPOCHREALTIME',
  '  "${cmd[@]}" >/dev/null 2>&1',
  '  rc=$?',
  '  t1=$EPOCHREALTIME',
  '  echo "$rc $t0 $t1"',
  'done',
].join('\n');

/** Parses one answer line ("<exit code> <start s> <end s>", $EPOCHREALTIME in the C locale) into the
 *  exit code and the wall milliseconds between start and end. */
export function parseTimerLine(line: string): { rc: number; ms: number } {
  const m = /^(\d+) (\d+)\.(\d{6}) (\d+)\.(\d{6})$/.exec(line.trim());
  if (!m) throw new Error(`command timer: unexpected answer ${JSON.stringify(line)}`);
  // whole seconds and microseconds apart: a double of the full epoch value would keep only ~0.2 µs
  const us = (Number(m[4]) - Number(m[2])) * 1e6 + (Number(m[5]) - Number(m[3]));
  return { rc: Number(m[1]), ms: us / 1000 };
}

export class CommandTimer {
  private readonly child: ChildProcess;
  private buffered = '';
  private readonly pending: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | null = null;

  constructor() {
    this.child = spawn('bash', ['--noprofile', '--norc', '-c', SCRIPT], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.buffered += d;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.pending.shift()?.resolve(line);
      }
    });
    const fail = (e: Error): void => {
      this.exited = e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    this.child.once('error', (e) => fail(new Error(`command timer: cannot run bash: ${e.message}`)));
    this.child.once('exit', (code, signal) => fail(new Error(`command timer: bash exited (${signal ?? code})`)));
  }

  /** Runs `argv` (output to /dev/null) and returns its wall time in ms; throws if it exits non-zero. */
  async time(argv: readonly string[]): Promise<number> {
    if (this.exited) throw this.exited;
    if (!argv.length || argv.some((a) => /[\t\n]/.test(a) || a === '')) {
      throw new Error(`command timer: arguments must be non-empty and free of tabs and newlines: ${JSON.stringify(argv)}`);
    }
    const line = await new Promise<string>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin!.write(`${argv.join('\t')}\n`);
    });
    const { rc, ms } = parseTimerLine(line);
    if (rc !== 0) throw new Error(`${argv.join(' ')} failed (exit ${rc})`);
    return ms;
  }

  /** Ends the shell and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    await gone;
  }
}
