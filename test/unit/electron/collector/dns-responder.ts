// A tiny UDP DNS server for the reverse-DNS tests: answers PTR questions with a fixed name per address
// (or NXDOMAIN, or never), after an optional delay, and counts what it was asked. Enough of RFC 1035
// for c-ares (node:dns's Resolver): one question in, the question echoed and one PTR answer out.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export type Answer = string | 'NXDOMAIN' | 'SILENT';

export interface Responder {
  port: number;
  /** every PTR question name received, in order ("34.216.184.93.in-addr.arpa") */
  questions: string[];
  /** queries received but not yet answered, now and at most */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i] !== 0) {
    const len = msg[i];
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += 1 + len;
  }
  return { name: labels.join('.'), end: i + 1 };
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

/** "93.184.216.34" from "34.216.184.93.in-addr.arpa" (IPv4 only; IPv6 questions answer by their name). */
export function ptrAddress(question: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/i.exec(question);
  return m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : question;
}

/** `answer(address)` decides each reply; `delayMs` holds every reply that long. */
export async function startResponder(answer: (address: string) => Answer, delayMs = 0): Promise<Responder> {
  const sock: Socket = createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  const r: Responder = {
    port: 0,
    questions: [],
    inFlight: 0,
    maxInFlight: 0,
    close: () =>
      new Promise<void>((res) => {
        for (const t of timers) clearTimeout(t);
        sock.close(() => res());
      }),
  };
  sock.on('message', (msg: Buffer, peer: RemoteInfo) => {
    if (msg.length < 12) return;
    const q = readName(msg, 12);
    const qtype = msg.readUInt16BE(q.end);
    const question = msg.subarray(12, q.end + 4);
    r.questions.push(q.name);
    const a = qtype === 12 ? answer(ptrAddress(q.name)) : 'NXDOMAIN';
    if (a === 'SILENT') return;
    r.inFlight++;
    r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
    const reply = (): void => {
      r.inFlight--;
      const header = Buffer.alloc(12);
      msg.copy(header, 0, 0, 2); // id
      const nx = a === 'NXDOMAIN';
      header.writeUInt16BE(0x8180 | (nx ? 3 : 0), 2); // response, recursion desired + available, rcode
      header.writeUInt16BE(1, 4); // qdcount
      header.writeUInt16BE(nx ? 0 : 1, 6); // ancount
      const parts = [header, question];
      if (!nx) {
        const rdata = encodeName(a);
        const rr = Buffer.alloc(12);
        rr.writeUInt16BE(0xc00c, 0); // the question's name
        rr.writeUInt16BE(12, 2); // PTR
        rr.writeUInt16BE(1, 4); // IN
        rr.writeUInt32BE(300, 6); // ttl
        rr.writeUInt16BE(rdata.length, 10);
        parts.push(rr, rdata);
      }
      sock.send(Buffer.concat(parts), peer.port, peer.address);
    };
    if (delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        reply();
      }, delayMs);
      timers.add(t);
    } else reply();
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  r.port = sock.address().port;
  return r;
}
