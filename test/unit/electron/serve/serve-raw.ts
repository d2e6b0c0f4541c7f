// Raw-TCP HTTP for the serve adversarial tests: sends exact bytes (no client-side validation) and
// reads the first final response (1xx skipped), or reports that the server closed without one.
import { connect } from 'node:net';

export interface RawReply {
  /** 0 when the connection closed (or timed out) without a response */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** the server closed the connection after the response (or without one) */
  closed: boolean;
  ms: number;
}

export interface RawOptions {
  /** give up after this long (default 5000 ms) */
  timeoutMs?: number;
  /** bytes written after the first chunk, with a pause between them (slow clients) */
  drip?: { chunks: (string | Buffer)[]; everyMs: number };
}

function parse(buf: Buffer): { status: number; headers: Record<string, string>; headEnd: number } | null {
  let start = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', start);
    if (end < 0) return null;
    const head = buf.subarray(start, end).toString('latin1');
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) return { status: -1, headers: {}, headEnd: end + 4 };
    const status = Number(m[1]);
    if (status >= 100 && status < 200) {
      start = end + 4;
      continue;
    }
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status, headers, headEnd: end + 4 };
  }
}

export function rawRequest(port: number, data: string | Buffer, opts: RawOptions = {}): Promise<RawReply> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let done = false;
    let drip: NodeJS.Timeout | null = null;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (drip) clearInterval(drip);
      const p = parse(buf);
      let body = '';
      if (p && p.status > 0) {
        const len = Number(p.headers['content-length'] ?? NaN);
        body = buf.subarray(p.headEnd, Number.isFinite(len) ? p.headEnd + len : undefined).toString('utf8');
      }
      sock.destroy();
      resolve({ status: p ? p.status : 0, headers: p?.headers ?? {}, body, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const p = parse(buf);
      if (!p || p.status <= 0) return;
      const len = Number(p.headers['content-length'] ?? NaN);
      if (Number.isFinite(len) && buf.length >= p.headEnd + len) {
        // wait briefly to see whether the server closes the connection after answering
        setTimeout(() => finish(sock.destroyed || sock.readableEnded), 30);
      }
    });
    sock.on('end', () => finish(true));
    sock.on('connect', () => {
      sock.write(data);
      if (opts.drip) {
        const chunks = [...opts.drip.chunks];
        drip = setInterval(() => {
          const c = chunks.shift();
          if (c === undefined || sock.destroyed) {
            if (drip) clearInterval(drip);
            return;
          }
          sock.write(c);
        }, opts.drip.everyMs);
      }
    });
  });
}

/** "GET <target> HTTP/1.1" with Host and the given header lines, closed after the answer. */
export function req(method: string, target: string, host: string, headers: string[] = [], body = ''): string {
  return [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...headers, '', body].join('\r\n');
}
