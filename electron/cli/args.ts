// A small, strict argument parser: unknown flags and bad values are usage errors (exit 2).

export class UsageError extends Error {}

export interface FlagSpec {
  /** flags that take no value */
  booleans?: string[];
  /** flags that take a value (--name V or --name=V) */
  values?: string[];
  /** whether bare words are allowed */
  positionals?: boolean;
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  // keyed by flag names (only those in spec), still without a prototype: an unset flag named like an
  // Object.prototype member ("constructor") reads as unset, and "__proto__" is an ordinary entry
  const flags = Object.create(null) as Record<string, string | true>;
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (spec.booleans?.includes(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags[name] = true;
      } else if (spec.values?.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined || v === '') throw new UsageError(`--${name} needs a value`);
        flags[name] = v;
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else if (spec.positionals) {
      positionals.push(a);
    } else {
      throw new UsageError(`unexpected argument "${a}"`);
    }
  }
  return { flags, positionals };
}

/** A number of seconds written as a plain decimal ("2", "0.5"; no sign, exponent or unit) within
 *  [min, max]. Every refusal says what is allowed and echoes what was given. `when` qualifies the
 *  bounds when they depend on another flag (e.g. "with --watch"). */
export function secondsFlag(
  v: string | true | undefined,
  name: string,
  dflt: number,
  min: number,
  max: number,
  when?: string,
): number {
  if (v === undefined) return dflt;
  const allowed = `--${name} takes seconds as a plain decimal from ${min} to ${max}${when ? ` ${when}` : ''}, e.g. 2 or 0.5`;
  const given = v === true ? 'nothing' : `"${printable(v)}"`;
  if (v === true || !/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${allowed}; got ${given}`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${allowed}; got ${given}`);
  return n;
}

/** Echoes user input safely: printable ASCII only, at most 40 characters. */
function printable(s: string): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

/** --source: which socket table reader the collector uses (default auto: netlink, else /proc). */
export function sourceFlag(v: string | true | undefined): 'auto' | 'netlink' | 'procfs' {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'netlink' || v === 'procfs') return v;
  throw new UsageError(`--source must be auto, netlink or procfs, not "${String(v)}"`);
}
