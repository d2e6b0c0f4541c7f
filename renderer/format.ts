// Display formatting. Counts keep every digit (thousands separators only), so what the user reads is
// exactly what the kernel reported.
import type { TcpState } from '../shared/tcp';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function fmtCount(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? INT.format(n) : '—';
}

export function fmtRate(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return n >= 100 ? INT.format(n) : ONE.format(n);
}

export function fmtPercent(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return `${n >= 10 ? INT.format(n) : ONE.format(n)} %`;
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.floor((s % 3600) / 60)} min`;
}

export function fmtClock(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return withSeconds ? `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` : `${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The day of `ms` in local time, short: "Dec 1". */
export function fmtDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
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
