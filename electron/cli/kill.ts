// `waitline kill LOCAL REMOTE`: destroys one TCP socket by its exact 4-tuple (what `ss -K` does),
// through pkexec and the socket-kill helper (its own polkit action, io.github.waitline.kill-socket).
// The helper verifies with `ss` that the socket is gone; this command says what happened, and for a
// CLOSE_WAIT socket that the leak itself is not fixed. See docs/kill.md.

import { CLOSE_WAIT_NOTE, parseTuple, type KillErrorCode, type KillResult } from '../../shared/socket-tuple';
import type { Msg } from '../../shared/i18n';
import { KillClient, type KillClientOptions } from '../privileged/kill-client';
import { parseArgs, usageError } from './args';
import type { Subcommand } from './commands';
import { type CliT, type CliText, englishText, optionLines, usageHead } from './text';

export function killUsage(t: CliT): string {
  return [
    usageHead(t, ['waitline kill LOCAL REMOTE [--json]', '       waitline kill --check [--json]']),
    '',
    t('cli.kill.usage.about'),
    '  waitline kill 10.0.0.5:43512 10.0.0.9:5432',
    '  waitline kill [2001:db8::5]:43512 [2001:db8::9]:443',
    '',
    t('cli.kill.usage.helper'),
    '',
    t('cli.main.options'),
    optionLines(
      [
        ['--check', t('cli.kill.usage.check')],
        ['--json', t('cli.kill.usage.json')],
        ['--help', t('cli.main.help_option')],
      ],
      14,
    ),
    '',
    t('cli.kill.usage.exit'),
  ].join('\n');
}

/** The usage text in English. */
export const KILL_USAGE = killUsage(englishText().t);

/** A refusal by code, in the reader's language; the helper's English message follows as detail (the
 *  English catalog shows just the message, as before). */
const RESULT_KEYS = {
  invalid: 'cli.kill.result.invalid',
  read_only: 'cli.kill.result.read_only',
  unavailable: 'cli.kill.result.unavailable',
  not_found: 'cli.kill.result.not_found',
  still_present: 'cli.kill.result.still_present',
  not_authorized: 'cli.kill.result.not_authorized',
  dismissed: 'cli.kill.result.dismissed',
  not_installed: 'cli.kill.result.not_installed',
  helper_failed: 'cli.kill.result.helper_failed',
} as const satisfies Record<KillErrorCode, string>;

const KERNEL_STATE: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSING',
};

/** ss's state word as the kernel (and the rest of Waitline) names it. */
export function stateName(ssWord: string): string {
  return KERNEL_STATE[ssWord] ?? ssWord;
}

/** A host sentence (a Msg) in the run's language; its English text when it has none. */
function shown(t: CliT, m: Msg | null | undefined, english: string | null | undefined): string {
  return m ? t(m.key, m.params) : (english ?? '');
}

/** Human text for a result; `note` lines are the facts the user must not miss. */
export function formatKillResult(r: KillResult, local: string, remote: string, t: CliT = englishText().t): string {
  if (!r.ok) return `waitline kill: ${t(RESULT_KEYS[r.code], { detail: r.message })}`;
  const out: string[] = [];
  for (const s of r.killed) {
    const socket = `${s.local} -> ${s.remote}${s.process ? ` (${s.process})` : ''}`;
    out.push(t('cli.kill.killed', { state: stateName(s.state), socket }));
    // the same fact as CLOSE_WAIT_NOTE (shared/socket-tuple), which --json carries in English
    if (s.state === 'CLOSE-WAIT') out.push(t('cli.common.note', { note: t('cli.kill.close_wait_note') }));
    if (s.state === 'ESTAB') out.push(t('cli.common.note', { note: t('cli.kill.estab_note') }));
  }
  if (r.killed.length === 0) out.push(t('cli.kill.gone', { socket: `${local} -> ${remote}` }));
  return out.join('\n');
}

export async function runKill(argv: string[], clientOpts: KillClientOptions = {}, tx: CliText = englishText()): Promise<number> {
  const { t } = tx;
  const a = parseArgs(argv, { booleans: ['json', 'check'], positionals: true });
  const client = new KillClient(clientOpts);
  const json = a.flags.json === true;
  if (a.flags.check) {
    if (a.positionals.length) throw usageError((t) => t('cli.kill.check_no_endpoints'));
    const s = client.availability();
    const available = s.available !== false && s.installed === null;
    if (json) console.log(JSON.stringify({ available, destroySupport: s.available, reason: s.installed ?? s.reason, kernel: s.kernel, configSource: s.source }, null, 2));
    // the reasons (electron/privileged) in the run's language; --json keeps them English
    else if (!available) console.log(t('cli.kill.check_unavailable', { reason: shown(t, s.installedMsg ?? s.reasonMsg, s.installed ?? s.reason) }));
    else if (s.available === null) console.log(t('cli.kill.check_maybe', { reason: shown(t, s.reasonMsg, s.reason) }));
    else console.log(t('cli.kill.check_available', { kernel: s.kernel ?? t('cli.kill.unknown_kernel'), source: s.source ?? '' }));
    return available ? 0 : 1;
  }
  if (a.positionals.length !== 2) throw usageError((t) => t('cli.kill.two_endpoints'));
  const [local, remote] = a.positionals as [string, string];
  const tuple = parseTuple(local, remote);
  if (!tuple.ok) {
    const { error, msg } = tuple;
    throw usageError((t) => t('cli.kill.bad_tuple', { error: shown(t, msg, error) }));
  }
  const r = await client.kill(local, remote);
  if (json) {
    const closeWait = r.ok && r.killed.some((s) => s.state === 'CLOSE-WAIT');
    const body = r.ok
      ? { ok: true, local, remote, killed: r.killed.map((s) => ({ ...s, state: stateName(s.state) })), kernel: r.kernel, ...(closeWait ? { note: CLOSE_WAIT_NOTE } : {}) }
      : { ...r, local, remote };
    console.log(JSON.stringify(body, null, 2));
  }
  if (r.ok) {
    if (!json) console.log(formatKillResult(r, local, remote, t));
    return 0;
  }
  console.error(formatKillResult(r, local, remote, t));
  return 1;
}

export const killCommand: Subcommand = {
  usage: (tx) => killUsage(tx.t),
  run: (argv, tx) => runKill(argv, {}, tx),
};
