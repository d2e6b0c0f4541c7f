// Line-oriented conversation with a child process (socket factory, collector probe).
import type { ChildProcess } from 'node:child_process';

export class LineReader {
  private buf = '';
  private lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  private stderr = '';

  constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    child.stderr?.on('data', (d) => (this.stderr += d));
  }

  next(timeoutMs = 30_000): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(t);
        resolve(line);
      });
    });
  }

  /** the next line starting with `prefix` (returns the rest, trimmed) */
  async expect(prefix: string, timeoutMs?: number): Promise<string> {
    const line = await this.next(timeoutMs);
    if (!line.startsWith(prefix)) throw new Error(`expected "${prefix}…", got "${line.slice(0, 300)}"; stderr: ${this.stderr.slice(-2000)}`);
    return line.slice(prefix.length).trim();
  }

  /** the next line matching `re` (earlier lines are read and dropped), trimmed */
  async until(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.next(Math.max(1, end - Date.now()));
      if (re.test(line)) return line.trim();
    }
  }

  send(line: string): void {
    this.child.stdin!.write(line + '\n');
  }
}
