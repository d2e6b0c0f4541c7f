// Reverse DNS for remote addresses, on demand only (docs/names.md): nothing is looked up unless the
// user turned names on (`enabled`) and asked for these addresses (the rows on screen, the top
// destinations of `waitline snapshot --resolve`). Lookups run beside the collector's ticks, never in
// them: a request returns promises; a tick never waits for one.
//
//  - cache: positive answers for 10 min, failures (no PTR, NXDOMAIN, timeout, server failure) for
//    1 min; at most `maxEntries`, least recently used evicted first;
//  - at most `concurrency` queries in flight; the rest wait in a queue of at most `maxQueue`, and when
//    it is full the oldest waiting address is dropped (answered null, not cached: asked again later);
//  - every query ends within `timeoutMs` (the resolver's own timeout, one try, and a timer behind it);
//  - loopback answers "localhost", unspecified and link-local addresses answer null, locally: no query.
// Plain Node: node:dns's Resolver (c-ares), which reads /etc/resolv.conf unless `servers` is given.
import { looksLikeHostName, type HostNameHints } from '../../shared/names';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface ReverseDnsOptions {
  /** the toggle: false (the default) means no query is ever sent */
  enabled?: boolean;
  /** DNS servers ("127.0.0.1:5300"); default the system's */
  servers?: string[];
  timeoutMs?: number;
  concurrency?: number;
  maxQueue?: number;
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  maxEntries?: number;
  /** the clock (ms) the TTLs are measured on */
  now?: () => number;
  /** the PTR lookup itself (tests, or another resolver); default node:dns Resolver.reverse */
  reverse?: (ip: string) => Promise<string[]>;
}

export interface ReverseDnsStats {
  /** queries sent */
  queries: number;
  inFlight: number;
  maxInFlight: number;
  queued: number;
  /** addresses dropped from a full queue */
  dropped: number;
  /** queries that failed after the whole timeout (the server did not answer) */
  timeouts: number;
  cacheHits: number;
  cacheSize: number;
}

export const REVERSE_DNS_DEFAULTS = {
  timeoutMs: 2000,
  concurrency: 4,
  maxQueue: 256,
  positiveTtlMs: 10 * 60_000,
  negativeTtlMs: 60_000,
  maxEntries: 4096,
} as const;

/** The most addresses one request() or resolve() call takes (the rest are ignored); the API asks
 *  for at most MAX_NAME_REQUEST (shared/names.ts). */
export const MAX_ADDRESSES_PER_CALL = 500;

interface Entry {
  name: string | null;
  expires: number;
}

interface Pending {
  ip: string;
  waiters: ((name: string | null) => void)[];
}

class TimeoutError extends Error {}

/** What an address answers without a query: "localhost", null (no name to look for), or undefined
 *  (ask DNS). `ip` is the address to ask about: a v4-mapped IPv6 address is looked up as IPv4. */
export function localAnswer(addr: string): { answer: string | null | undefined; ip: string } {
  const a = addr.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  const ip = mapped ? mapped[1] : a;
  const family = isIP(ip);
  if (family === 0) return { answer: null, ip };
  if (family === 4) {
    const [x, y] = ip.split('.').map(Number);
    if (x === 127) return { answer: 'localhost', ip };
    if (x === 0 || (x === 169 && y === 254) || x >= 224) return { answer: null, ip }; // unspecified, link-local, multicast/reserved
    return { answer: undefined, ip };
  }
  if (ip === '::1') return { answer: 'localhost', ip };
  if (ip === '::' || /^fe[89ab][0-9a-f]:/.test(ip) || ip.startsWith('ff')) return { answer: null, ip }; // unspecified, link-local, multicast
  return { answer: undefined, ip };
}

export class ReverseDns {
  private on: boolean;
  private readonly o: Required<Omit<ReverseDnsOptions, 'enabled' | 'servers' | 'reverse' | 'now'>>;
  private readonly now: () => number;
  private readonly reverse: (ip: string) => Promise<string[]>;
  private readonly cache = new Map<string, Entry>();
  private readonly queue = new Map<string, Pending>();
  private readonly running = new Map<string, Pending>();
  private s: ReverseDnsStats = { queries: 0, inFlight: 0, maxInFlight: 0, queued: 0, dropped: 0, timeouts: 0, cacheHits: 0, cacheSize: 0 };
  private v = 0;

  constructor(opts: ReverseDnsOptions = {}) {
    this.on = opts.enabled ?? false;
    this.o = {
      timeoutMs: opts.timeoutMs ?? REVERSE_DNS_DEFAULTS.timeoutMs,
      concurrency: Math.max(1, opts.concurrency ?? REVERSE_DNS_DEFAULTS.concurrency),
      maxQueue: Math.max(0, opts.maxQueue ?? REVERSE_DNS_DEFAULTS.maxQueue),
      positiveTtlMs: opts.positiveTtlMs ?? REVERSE_DNS_DEFAULTS.positiveTtlMs,
      negativeTtlMs: opts.negativeTtlMs ?? REVERSE_DNS_DEFAULTS.negativeTtlMs,
      maxEntries: Math.max(1, opts.maxEntries ?? REVERSE_DNS_DEFAULTS.maxEntries),
    };
    this.now = opts.now ?? Date.now;
    if (opts.reverse) {
      this.reverse = opts.reverse;
    } else {
      // created on first use: a Resolver is cheap, but a process that never turns names on needs none
      let resolver: Resolver | null = null;
      this.reverse = (ip) => {
        if (!resolver) {
          resolver = new Resolver({ timeout: this.o.timeoutMs, tries: 1 });
          if (opts.servers) resolver.setServers(opts.servers);
        }
        return resolver.reverse(ip);
      };
    }
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Turning names off drops the queue (its waiters get null) and sends nothing more; lookups in
   *  flight finish and are cached. */
  setEnabled(on: boolean): void {
    this.on = on;
    if (!on) {
      for (const p of this.queue.values()) for (const w of p.waiters) w(null);
      this.queue.clear();
      this.s.queued = 0;
    }
  }

  /** Changes whenever a name is cached (table-query's memo key). */
  get version(): number {
    return this.v;
  }

  stats(): ReverseDnsStats {
    return { ...this.s, cacheSize: this.cache.size };
  }

  /** The cached or local name of `addr`, never a query: a string, null (no name), or undefined (not
   *  known yet). */
  peek(addr: string): string | null | undefined {
    const local = localAnswer(addr);
    if (local.answer !== undefined) return local.answer;
    const e = this.cache.get(local.ip);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.cache.delete(local.ip);
      return undefined;
    }
    return e.name;
  }

  /** The cached addresses whose name contains `text` (case-insensitive), for the connection filter
   *  (HostNameHints); never a query. */
  namesMatching(text: string): Record<string, string> {
    const want = text.trim().toLowerCase();
    const out: Record<string, string> = {};
    if (!want) return out;
    const now = this.now();
    for (const [ip, e] of this.cache) {
      if (e.name !== null && e.expires > now && e.name.toLowerCase().includes(want)) out[ip] = e.name;
    }
    return out;
  }

  /** What a socket query filtered by `text` should carry: the matching names when names are on and
   *  the text can be a host name, else null. */
  hints(text: string | undefined): HostNameHints | null {
    if (!this.on || !looksLikeHostName(text)) return null;
    return { version: this.v, names: this.namesMatching(text!) };
  }

  /** The known name of `addr` for the connection filter: cached or local, never a query. */
  name(addr: string): string | null {
    return this.peek(addr) ?? null;
  }

  /** Answers what is known now and, when names are on, starts lookups for the rest (their answers
   *  show up in a later call). The answer maps each address to a name or null (no name); addresses
   *  still being looked up (or not looked up: names off) are left out. Never waits. */
  request(addresses: readonly string[]): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const addr of addresses.slice(0, MAX_ADDRESSES_PER_CALL)) {
      const known = this.lookupOrStart(addr, null);
      if (known !== undefined) out[addr] = known;
    }
    return out;
  }

  /** Like request, but waits for the lookups it starts (each ends within the timeout). With names
   *  off, unknown addresses answer null. */
  async resolve(addresses: readonly string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    const waits: Promise<void>[] = [];
    for (const addr of addresses.slice(0, MAX_ADDRESSES_PER_CALL)) {
      let settle: (name: string | null) => void = () => undefined;
      const p = new Promise<string | null>((res) => (settle = res));
      const known = this.lookupOrStart(addr, settle);
      if (known !== undefined) out[addr] = known;
      else waits.push(p.then((name) => void (out[addr] = name)));
    }
    await Promise.all(waits);
    return out;
  }

  /** A known answer, or undefined after queueing a lookup (`waiter` is told its answer). */
  private lookupOrStart(addr: string, waiter: ((name: string | null) => void) | null): string | null | undefined {
    const known = this.peek(addr);
    if (known !== undefined) {
      if (localAnswer(addr).answer === undefined) {
        this.s.cacheHits++;
        const ip = localAnswer(addr).ip;
        const e = this.cache.get(ip)!;
        this.cache.delete(ip); // least recently used goes first: move to the end
        this.cache.set(ip, e);
      }
      return known;
    }
    if (!this.on) return waiter ? null : undefined;
    const ip = localAnswer(addr).ip;
    const pending = this.running.get(ip) ?? this.queue.get(ip);
    if (pending) {
      if (waiter) pending.waiters.push(waiter);
      return undefined;
    }
    if (this.o.maxQueue === 0 && this.s.inFlight >= this.o.concurrency) return waiter ? null : undefined;
    const p: Pending = { ip, waiters: waiter ? [waiter] : [] };
    if (this.queue.size >= this.o.maxQueue && this.queue.size > 0) {
      const [oldestIp, oldest] = this.queue.entries().next().value as [string, Pending];
      this.queue.delete(oldestIp);
      this.s.dropped++;
      for (const w of oldest.waiters) w(null);
    }
    this.queue.set(ip, p);
    this.s.queued = this.queue.size;
    this.pump();
    return undefined;
  }

  private pump(): void {
    while (this.on && this.s.inFlight < this.o.concurrency && this.queue.size > 0) {
      const [ip, p] = this.queue.entries().next().value as [string, Pending];
      this.queue.delete(ip);
      this.s.queued = this.queue.size;
      this.running.set(ip, p);
      this.s.inFlight++;
      this.s.maxInFlight = Math.max(this.s.maxInFlight, this.s.inFlight);
      this.s.queries++;
      void this.query(ip).then((name) => {
        this.s.inFlight--;
        this.running.delete(ip);
        this.store(ip, name);
        for (const w of p.waiters) w(name);
        this.pump();
      });
    }
  }

  /** One PTR query: its first name, or null for any failure (timeouts counted). */
  private async query(ip: string): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const started = Date.now();
    const timeout = new Promise<never>((_, reject) => {
      // the resolver has the same timeout; this timer is the guarantee behind it
      timer = setTimeout(() => reject(new TimeoutError()), this.o.timeoutMs + 50);
    });
    try {
      const names = await Promise.race([this.reverse(ip), timeout]);
      const name = names.find((n) => typeof n === 'string' && n.length > 0);
      return name ? name.replace(/\.$/, '') : null;
    } catch (e) {
      // c-ares's gethostbyaddr reports a server that never answered as ENOTFOUND, like a missing
      // name; a failure that took the whole timeout is counted as a timeout
      if (e instanceof TimeoutError || (e as NodeJS.ErrnoException).code === 'ETIMEOUT' || Date.now() - started >= this.o.timeoutMs) this.s.timeouts++;
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private store(ip: string, name: string | null): void {
    this.cache.delete(ip);
    this.cache.set(ip, { name, expires: this.now() + (name === null ? this.o.negativeTtlMs : this.o.positiveTtlMs) });
    while (this.cache.size > this.o.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    if (name !== null) this.v++;
  }
}
