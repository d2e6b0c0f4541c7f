// Service names for well-known ports, from the text of /etc/services (services(5)): the parser, the
// port → name lookup the Connections table shows beside a port ("443 https"), and the name matching
// the connection filter uses (typing "https" or "postgres" finds the rows on those ports).
// Pure: the plain-Node side reads the file (electron/collector/services-file.ts) and hands the text
// here; the renderer receives the resulting map through AppInfo.services (shared/api.ts).

/** The tcp entries of a services file. */
export interface ServiceTable {
  /** port → its first tcp name in the file (later lines for the same port are ignored, as
   *  getservbyport(3) does) */
  byPort: Map<number, string>;
  /** port → the lower-case words a filter may match: the first name, the names of later lines for
   *  the same port, and every alias (e.g. 80 → "http www") */
  searchByPort: Map<number, string>;
  /** tcp entries kept (one per port) */
  entries: number;
  /** lines that are not a comment, not blank and not "name port/protocol [aliases…]" */
  malformed: number;
  /** the first few malformed lines, for a log line (line number and text) */
  malformedSamples: { line: number; text: string }[];
}

const MAX_SAMPLES = 5;
/** A service name as services(5) allows it, generously (letters, digits, - _ . + / and the like;
 *  no whitespace, no '#'). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+\-/*]*$/;

export function emptyServiceTable(): ServiceTable {
  return { byPort: new Map(), searchByPort: new Map(), entries: 0, malformed: 0, malformedSamples: [] };
}

/** Parses services(5) text: "name port/protocol [alias …] [# comment]". Keeps tcp entries only;
 *  the first name per port wins; malformed lines are skipped and counted, never thrown. */
export function parseServices(text: string): ServiceTable {
  const t = emptyServiceTable();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf('#');
    const body = (hash >= 0 ? lines[i].slice(0, hash) : lines[i]).trim();
    if (body === '') continue;
    const words = body.split(/\s+/);
    const m = words.length >= 2 ? /^(\d{1,5})\/([A-Za-z0-9-]+)$/.exec(words[1]) : null;
    const port = m ? Number(m[1]) : NaN;
    if (!m || !NAME.test(words[0]) || !(port >= 0 && port <= 65535) || !words.slice(2).every((w) => NAME.test(w))) {
      t.malformed++;
      if (t.malformedSamples.length < MAX_SAMPLES) t.malformedSamples.push({ line: i + 1, text: lines[i].slice(0, 80) });
      continue;
    }
    if (m[2].toLowerCase() !== 'tcp') continue;
    const lower = words.map((w) => w.toLowerCase());
    if (!t.byPort.has(port)) {
      t.byPort.set(port, words[0]);
      t.searchByPort.set(port, [...new Set([lower[0], ...lower.slice(2)])].join(' '));
      t.entries++;
    } else {
      const known = new Set(t.searchByPort.get(port)!.split(' '));
      for (const w of [lower[0], ...lower.slice(2)]) known.add(w);
      t.searchByPort.set(port, [...known].join(' '));
    }
  }
  return t;
}

/** The port → name map as plain JSON (what AppInfo.services carries to the renderer). */
export function serviceRecord(t: ServiceTable): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [port, name] of t.byPort) out[port] = name;
  return out;
}

/** The service name of a port, or null (port 0 — an unconnected socket's remote end — has none). */
export function serviceName(services: Readonly<Record<number, string>> | null | undefined, port: number): string | null {
  if (!services || port === 0) return null;
  return Object.prototype.hasOwnProperty.call(services, port) ? services[port] : null;
}

/** The ports with a name or alias that starts with `text` (case-insensitive, trimmed): "http" finds
 *  http, https and http-alt, "postgres" finds 5432. Empty for an empty text or a text of only digits,
 *  dots, colons or brackets (an address or port, never a name). Prefixes rather than substrings, so a
 *  fragment of an IPv6 address ("ff", "a") does not match half the services. */
export function portsMatchingName(t: ServiceTable, text: string): Set<number> {
  const q = text.trim().toLowerCase();
  const out = new Set<number>();
  if (q === '' || /^[\d.:[\]]+$/.test(q)) return out;
  for (const [port, words] of t.searchByPort) if (port !== 0 && words.split(' ').some((w) => w.startsWith(q))) out.add(port);
  return out;
}
