// Display formatting. Counts keep every digit (thousands separators only), so what the user reads is
// exactly what the kernel reported.
import { formatter, type Formatter } from '../shared/i18n/format';
import type { TcpState } from '../shared/tcp';

// Every function here formats in the page's language: the localization (renderer/i18n.tsx) sets the
// active formatter (shared/i18n/format.ts, Intl) when the language changes. Components that show
// formatted text read it through useFormat() or useT(), which re-render them on a switch.
let active: Formatter = formatter('en');

export function setActiveFormatter(f: Formatter): void {
  active = f;
}

export function activeFormatter(): Formatter {
  return active;
}

export function fmtCount(n: number | null | undefined): string {
  return active.count(n);
}

export function fmtCompact(n: number | null | undefined): string {
  return active.compact(n);
}

export function fmtRate(n: number | null | undefined): string {
  return active.rate(n);
}

export function fmtPercent(n: number | null | undefined): string {
  return active.percent(n);
}

export function fmtDuration(seconds: number | null | undefined): string {
  return active.duration(seconds);
}

export function fmtClock(ms: number, withSeconds = true): string {
  return active.clock(ms, withSeconds);
}

/** The day of `ms` in local time, short: "Dec 1" / "12月1日". */
export function fmtDay(ms: number): string {
  return active.day(ms);
}

/** "addr:port", with IPv6 addresses in brackets. */
export function fmtEndpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** State names as users read them in ss (TIME-WAIT) are hyphenated; the kernel's are underscored.
 *  The UI shows the kernel's names with spaces swapped for readability only in labels. */
export function stateLabel(state: TcpState): string {
  return state.replace(/_/g, '_\u200b'); // allow a line break after the underscore
}

/** One colour per state; TIME_WAIT is the loud one. Readable on light and dark backgrounds. */
export const STATE_COLORS: Record<TcpState, string> = {
  ESTABLISHED: '#3b82f6',
  SYN_SENT: '#8b5cf6',
  SYN_RECV: '#a855f7',
  FIN_WAIT1: '#14b8a6',
  FIN_WAIT2: '#06b6d4',
  TIME_WAIT: '#f59e0b',
  CLOSE: '#64748b',
  CLOSE_WAIT: '#ef4444',
  LAST_ACK: '#f97316',
  LISTEN: '#22c55e',
  CLOSING: '#ec4899',
  NEW_SYN_RECV: '#c084fc',
  BOUND_INACTIVE: '#94a3b8',
};
