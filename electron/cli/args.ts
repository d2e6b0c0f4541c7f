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
  const flags: Record<string, string | true> = {};
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

/** A positive decimal number of seconds within [min, max]. */
export function secondsFlag(v: string | true | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (v === true || !/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} must be a number of seconds`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max} seconds`);
  return n;
}
