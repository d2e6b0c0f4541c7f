// `waitline kill LOCAL REMOTE`: destroys one TCP socket by its exact 4-tuple (what `ss -K` does),
// through pkexec and the socket-kill helper (its own polkit action, io.github.waitline.kill-socket).
// The helper verifies with `ss` that the socket is gone; this command says what happened, and for a
// CLOSE_WAIT socket that the leak itself is not fixed. See docs/kill.md.

import { CLOSE_WAIT_NOTE, parseTuple, type KillResult } from '../../shared/socket-tuple';
import { KillClient, type KillClientOptions } from '../privileged/kill-client';
import { UsageError, parseArgs } from './args';
import type { Subcommand } from './commands';

export const KILL_USAGE = `usage: waitline kill LOCAL REMOTE [--json]
       waitline kill --check [--json]

Destroys the one TCP socket whose local and remote ends are LOCAL and REMOTE, in the network
namespace this command runs in (what \`ss -K\` does). Each end is A.B.C.D:PORT or [IPV6]:PORT:
  waitline kill 10.0.0.5:43512 10.0.0.9:5432
  waitline kill [2001:db8::5]:43512 [2001:db8::9]:443

It runs the root helper through pkexec (polkit action io.github.waitline.kill-socket, separate from
tuning). It needs a kernel built with CONFIG_INET_DIAG_DESTROY (many hardened kernels lack it: then
the command says so and does nothing); TIME_WAIT sockets can be destroyed only on Linux 6.0 or later.
Killing a CLOSE_WAIT socket frees its 4-tuple, but the process that leaked it still holds the file
descriptor (its next send fails with ECONNABORTED): the leak is not fixed by this.

options:
  --check     only say whether killing sockets is possible here (no password asked, nothing killed)
  --json      print JSON instead of text
  --help      this text

Exit status: 0 killed and verified gone, 1 not killed (no such socket, unavailable here, still present
afterwards, not authorized, helper failed), 2 usage error.`;

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

/** Human text for a result; `note` lines are the facts the user must not miss. */
export function formatKillResult(r: KillResult, local: string, remote: string): string {
  if (!r.ok) return `waitline kill: ${r.message}`;
  const out: string[] = [];
  for (const s of r.killed) {
    out.push(`killed the ${stateName(s.state)} socket ${s.local} -> ${s.remote}${s.process ? ` (${s.process})` : ''}; ss no longer shows it`);
    if (s.state === 'CLOSE-WAIT') out.push(`note: ${CLOSE_WAIT_NOTE}`);
    if (s.state === 'ESTAB') out.push('note: the peer gets a reset (RST); the process holding it sees ECONNABORTED on its next call');
  }
  if (r.killed.length === 0) out.push(`the socket ${local} -> ${remote} was gone by the time it was killed (it closed on its own)`);
  return out.join('\n');
}

export async function runKill(argv: string[], clientOpts: KillClientOptions = {}): Promise<number> {
  const a = parseArgs(argv, { booleans: ['json', 'check'], positionals: true });
  const client = new KillClient(clientOpts);
  const json = a.flags.json === true;
  if (a.flags.check) {
    if (a.positionals.length) throw new UsageError('--check takes no endpoints');
    const s = client.availability();
    const available = s.available !== false && s.installed === null;
    if (json) console.log(JSON.stringify({ available, destroySupport: s.available, reason: s.installed ?? s.reason, kernel: s.kernel, configSource: s.source }, null, 2));
    else if (!available) console.log(`killing sockets is unavailable here: ${s.installed ?? s.reason}`);
    else if (s.available === null) console.log(`killing sockets may work here: ${s.reason}; the result is verified after each kill`);
    else console.log(`killing sockets is available here (kernel ${s.kernel ?? 'unknown'}, CONFIG_INET_DIAG_DESTROY=y in ${s.source})`);
    return available ? 0 : 1;
  }
  if (a.positionals.length !== 2) throw new UsageError('kill takes exactly two endpoints: LOCAL REMOTE (A.B.C.D:PORT or [IPV6]:PORT)');
  const [local, remote] = a.positionals as [string, string];
  const t = parseTuple(local, remote);
  if (!t.ok) throw new UsageError(`${t.error}; nothing was killed`);
  const r = await client.kill(local, remote);
  if (json) {
    const closeWait = r.ok && r.killed.some((s) => s.state === 'CLOSE-WAIT');
    const body = r.ok
      ? { ok: true, local, remote, killed: r.killed.map((s) => ({ ...s, state: stateName(s.state) })), kernel: r.kernel, ...(closeWait ? { note: CLOSE_WAIT_NOTE } : {}) }
      : { ...r, local, remote };
    console.log(JSON.stringify(body, null, 2));
  }
  if (r.ok) {
    if (!json) console.log(formatKillResult(r, local, remote));
    return 0;
  }
  console.error(formatKillResult(r, local, remote));
  return 1;
}

export const killCommand: Subcommand = {
  usage: KILL_USAGE,
  run: (argv) => runKill(argv),
};
