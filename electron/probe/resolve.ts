// From a parsed target to the one address the probe connects to. An IP literal is used as typed. A
// host name is resolved once (dns.lookup, as connect() would) and its first address used for the
// whole run; a name that resolves to a loopback, private, carrier-grade NAT or link-local address is
// refused — those are probed only when the user types the address itself — and so is one that
// resolves to something that is not a host (0.0.0.0, multicast …).

import { lookup as dnsLookup } from 'node:dns/promises';
import { msg } from '../../shared/i18n';
import { canonicalIPv6, classifyAddress, classParam, NEVER, parseIPv6, ProbeInputError, TYPED_ONLY, type AddressClass, type ProbeTarget } from './options';

export interface ResolvedTarget {
  /** the address connected to (IP literal) */
  address: string;
  family: 4 | 6;
  port: number;
  /** the name as typed when the address came from DNS, else null */
  name: string | null;
  /** every address the name resolved to (the first is used); [] for a literal */
  candidates: string[];
  addressClass: AddressClass;
}

export type Lookup = (name: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: Lookup = (name) => dnsLookup(name, { all: true, verbatim: true });

/** Resolves `t`; rejects with ProbeInputError when the address is refused, with Error when the name
 *  does not resolve. */
export async function resolveTarget(t: ProbeTarget, lookup: Lookup = systemLookup): Promise<ResolvedTarget> {
  if (t.kind !== 'name') {
    const c = classifyAddress(t.host);
    if (c === null) throw new ProbeInputError(msg('host.probe.notIp', { host: t.host }));
    return { address: t.host, family: t.kind === 'ipv4' ? 4 : 6, port: t.port, name: null, candidates: [], addressClass: c };
  }
  let answers: { address: string; family: number }[];
  try {
    answers = await lookup(t.host);
  } catch (e) {
    // not a usage error: the name is well formed, the resolver said no
    throw new Error(`${t.host} does not resolve (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
  const canonical = (a: string) => {
    const g = a.includes(':') ? parseIPv6(a) : null;
    return g ? canonicalIPv6(g) : a;
  };
  const first = answers[0] && { address: canonical(answers[0].address), family: answers[0].family };
  if (!first) throw new Error(`${t.host} resolved to no address`);
  const c = classifyAddress(first.address);
  if (c === null) throw new ProbeInputError(msg('host.probe.resolvedNotIp', { host: t.host, address: first.address }));
  const literal = first.address.includes(':') ? `[${first.address}]:${t.port}` : `${first.address}:${t.port}`;
  if (NEVER.has(c)) throw new ProbeInputError(msg('host.probe.resolvesNonHost', { host: t.host, address: first.address, cls: classParam(c) }));
  if (TYPED_ONLY.has(c)) throw new ProbeInputError(msg('host.probe.typedOnly', { host: t.host, address: first.address, cls: classParam(c), literal }));
  return {
    address: first.address,
    family: first.family === 6 ? 6 : 4,
    port: t.port,
    name: t.host,
    candidates: answers.map((a) => canonical(a.address)),
    addressClass: c,
  };
}
