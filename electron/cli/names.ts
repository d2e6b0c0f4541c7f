// Names for `waitline snapshot --names` / `--resolve` (docs/names.md): service names beside ports
// (from /etc/services) and, with --resolve, reverse-DNS names of the remote addresses the summary
// lists (the top destinations: port budgets, TIME_WAIT and CLOSE_WAIT peers) — only those, never the
// whole table, and never a lookup without --resolve.
import { formatEndpoint } from '../../shared/address';
import { serviceName, serviceRecord } from '../../shared/services';
import type { Snapshot } from '../../shared/snapshot';
import { rankBudgets } from '../../shared/port-budget';
import { ReverseDns } from '../collector/reverse-dns';
import { systemServices } from '../collector/services-file';
import type { Msg } from '../../shared/i18n';

/** What the summary shows beside numbers. */
export interface EndpointNames {
  /** port → service name; null = none shown */
  services: Readonly<Record<number, string>> | null;
  /** address → reverse-DNS name (null: none); an address missing here is shown bare */
  hosts: Readonly<Record<string, string | null>> | null;
}

/** How many entries of each list the summary prints (formatSnapshot's slices). */
export const SUMMARY_ROWS = 5;

/** "93.184.216.34:443 (example.com, https)"; bare when there is no name. */
export function endpointText(addr: string, port: number, names?: EndpointNames | null): string {
  const base = formatEndpoint(addr, port);
  if (!names) return base;
  const extra = [names.hosts?.[addr] ?? null, serviceName(names.services, port)].filter((x): x is string => !!x);
  return extra.length ? `${base} (${extra.join(', ')})` : base;
}

/** "5432 (postgresql)" */
export function portText(port: number, names?: EndpointNames | null): string {
  const name = names ? serviceName(names.services, port) : null;
  return name ? `${port} (${name})` : String(port);
}

/** "10.1.2.3 (app1.internal)" */
export function addressText(addr: string, names?: EndpointNames | null): string {
  const name = names?.hosts?.[addr] ?? null;
  return name ? `${addr} (${name})` : addr;
}

/** The remote addresses the summary lists, in the order it lists them, without repeats. */
export function summaryAddresses(s: Snapshot): string[] {
  const out = new Set<string>();
  if (s.ephemeral) for (const b of rankBudgets(s.portBudgets).slice(0, SUMMARY_ROWS)) out.add(b.remoteAddr);
  for (const d of s.topTimeWait.slice(0, SUMMARY_ROWS)) out.add(d.peerAddr);
  for (const d of s.topCloseWait.slice(0, SUMMARY_ROWS)) out.add(d.peerAddr);
  return [...out];
}

/** The service names of this machine (empty, with a note, when /etc/services is missing). */
export function serviceNames(): { services: Record<number, string>; note: string | null; noteMsg: Msg | null } {
  const loaded = systemServices();
  return { services: serviceRecord(loaded.table), note: loaded.reason, noteMsg: loaded.reasonMsg };
}

/** Names for one snapshot's summary. `resolver` given (--resolve): its names for the listed
 *  addresses — `wait` true waits for the lookups (one-shot; each ends within the resolver's
 *  timeout), false answers what is cached and leaves the rest for the next refresh (--watch: a
 *  refresh never waits for DNS). */
export async function summaryNames(s: Snapshot, services: Record<number, string>, resolver: ReverseDns | null, wait: boolean): Promise<EndpointNames> {
  if (!resolver) return { services, hosts: null };
  const addrs = summaryAddresses(s);
  return { services, hosts: wait ? await resolver.resolve(addrs) : resolver.request(addrs) };
}
