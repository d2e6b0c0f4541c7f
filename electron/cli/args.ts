// A small, strict argument parser: unknown flags and bad values are usage errors (exit 2).

import { englishText, type CliT } from './text';

/** A usage error (exit 2). `render` words it in the run's language (electron/cli/text.ts); `message`
 *  is the English text, for callers that print it as it is. */
export class UsageError extends Error {
  readonly render: ((t: CliT) => string) | null;
  constructor(message: string, render?: (t: CliT) => string) {
    super(message);
    this.render = render ?? null;
  }
}

/** A UsageError worded from the catalog. */
export function usageError(render: (t: CliT) => string): UsageError {
  return new UsageError(render(englishText().t), render);
}

/** The error's text in the language of `t`. */
export function usageErrorText(e: UsageError, t: CliT): string {
  return e.render ? e.render(t) : e.message;
}

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
        if (eq >= 0) {
          const flag = `--${name}`;
          throw usageError((t) => t('cli.args.no_value', { flag }));
        }
        flags[name] = true;
      } else if (spec.values?.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined || v === '') throw usageError((t) => t('cli.args.needs_value', { flag: `--${name}` }));
        flags[name] = v;
      } else {
        throw usageError((t) => t('cli.args.unknown_option', { option: `--${name}` }));
      }
    } else if (a.startsWith('-') && a !== '-') {
      throw usageError((t) => t('cli.args.unknown_option', { option: a }));
    } else if (spec.positionals) {
      positionals.push(a);
    } else {
      throw usageError((t) => t('cli.args.unexpected_argument', { arg: a }));
    }
  }
  return { flags, positionals };
}

/** A number of seconds written as a plain decimal ("2", "0.5"; no sign, exponent or unit) within
 *  [min, max]. Every refusal says what is allowed and echoes what was given. `withWatch`: the bounds
 *  are those of --watch (said so). */
export function secondsFlag(v: string | true | undefined, name: string, dflt: number, min: number, max: number, withWatch = false): number {
  if (v === undefined) return dflt;
  const refuse = () =>
    usageError((t) => {
      const p = { flag: `--${name}`, min: String(min), max: String(max) };
      const allowed = withWatch ? t('cli.args.seconds_with_watch', p) : t('cli.args.seconds', p);
      return v === true ? t('cli.args.got_nothing', { allowed }) : t('cli.args.got', { allowed, given: printable(v) });
    });
  if (v === true || !/^\d+(\.\d+)?$/.test(v)) throw refuse();
  const n = Number(v);
  if (n < min || n > max) throw refuse();
  return n;
}

/** Echoes user input safely: printable ASCII only, at most 40 characters. */
export function printable(s: string, max = 40): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** --source: which socket table reader the collector uses (default auto: netlink, else /proc). */
export function sourceFlag(v: string | true | undefined): 'auto' | 'netlink' | 'procfs' {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'netlink' || v === 'procfs') return v;
  throw usageError((t) => t('cli.args.source', { given: String(v) }));
}
