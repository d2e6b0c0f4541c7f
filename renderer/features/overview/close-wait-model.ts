// What the CLOSE_WAIT card shows, as a pure function of the snapshot: one row per listed process,
// then the sockets not in those rows — other processes, sockets opened after the owner scan, sockets
// held by processes Waitline cannot read — so that the rows always add up to the card's total.
// Ages are lower bounds (docs/kernel.md, "CLOSE_WAIT age"): from the kernel's tcp_info, "the peer
// closed ≥ N ago"; from /proc, only "seen for ≥ N".
import type { CloseWaitAgeSource, Snapshot } from '../../../shared/snapshot';
import { fmtCount, fmtDuration, fmtRate } from '../../format';

export interface CloseWaitRow {
  key: string;
  kind: 'process' | 'other-processes' | 'new-since-scan' | 'not-visible' | 'not-attributed';
  label: string;
  count: number;
  /** "peer closed ≥ 8 min 3 s ago" / "seen for ≥ 4 s (no kernel timing on /proc)"; '—' when unknown */
  age: string;
  /** how the age was obtained, for a tooltip */
  ageDetail: string;
  growth: string;
  verdict: string;
  /** a leak worth attention (growing, or peers closed over 5 minutes ago) */
  warn: boolean;
}

export interface CloseWaitView {
  /** CLOSE_WAIT sockets in the table: states.CLOSE_WAIT */
  total: number;
  /** the sum of rows[].count — equal to total by construction */
  rows: CloseWaitRow[];
  /** 'kernel' (netlink, tcp_info) or 'observed' (/proc) */
  ageSource: CloseWaitAgeSource;
}

const LEAK_AGE_S = 300;

function ageText(ageS: number | null, source: CloseWaitAgeSource | null | undefined, sourceAgeSource: CloseWaitAgeSource): string {
  if (ageS === null) return '—';
  if (source === 'kernel') return `peer closed ≥ ${fmtDuration(ageS)} ago`;
  return sourceAgeSource === 'observed' ? `seen for ≥ ${fmtDuration(ageS)} (no kernel timing on /proc)` : `seen for ≥ ${fmtDuration(ageS)}`;
}

function ageDetail(source: CloseWaitAgeSource | null | undefined, maxS: number | null | undefined, sourceAgeSource: CloseWaitAgeSource): string {
  if (source === 'kernel') {
    const upper = typeof maxS === 'number' ? ` and at most ${fmtDuration(maxS)} ago (its last data)` : '';
    return `From the kernel (tcp_info): the peer's FIN arrived at least this long ago (the last ACK received from it)${upper}.`;
  }
  if (sourceAgeSource === 'observed') {
    return 'How long Waitline has watched it in CLOSE_WAIT: the /proc source has no kernel timing, so the peer may have closed long before.';
  }
  return 'How long Waitline has watched it in CLOSE_WAIT — longer than the kernel figure, which restarts when the peer acknowledges data sent after its FIN.';
}

export function closeWaitView(s: Snapshot | null): CloseWaitView {
  const total = s?.states.CLOSE_WAIT ?? 0;
  const owners = s?.owners ?? null;
  const acc = owners?.closeWaitAccounting;
  const ageSource: CloseWaitAgeSource = acc?.ageSource ?? (s?.health.socketSource === 'netlink' ? 'kernel' : 'observed');
  const rows: CloseWaitRow[] = [];
  for (const p of owners?.closeWait ?? []) {
    const warn = p.growthPerMin > 0 || p.oldestAgeS > LEAK_AGE_S;
    rows.push({
      key: `pid-${p.pid}`,
      kind: 'process',
      label: `${p.comm} (${p.pid})`,
      count: p.count,
      age: ageText(p.oldestAgeS, p.oldestAgeSource, ageSource),
      ageDetail: ageDetail(p.oldestAgeSource, p.oldestAgeMaxS, ageSource),
      growth: p.growthPerMin > 0 ? `+${fmtRate(p.growthPerMin)}/min` : '—',
      verdict: warn
        ? `${p.comm} is not closing sockets its peers closed: look for a missing close() or a stuck reader`
        : 'recent; normal if the program closes them soon',
      warn,
    });
  }
  const extra = (kind: CloseWaitRow['kind'], count: number, label: string, verdict: string, age = '—', detail = ''): void => {
    if (count > 0) rows.push({ key: kind, kind, label, count, age, ageDetail: detail, growth: '—', verdict, warn: false });
  };
  if (acc) extra('other-processes', acc.otherProcesses.count, `${fmtCount(acc.otherProcesses.processes)} more processes`, 'not listed: the card shows the processes with the most');

  const listed = rows.reduce((n, r) => n + r.count, 0);
  const scanAgeS = owners && s ? Math.max(0, (s.time - owners.scannedAt) / 1000) : null;
  const uAge = acc ? ageText(acc.unattributedOldestAgeS, acc.unattributedOldestAgeSource, ageSource) : '—';
  const uDetail = acc ? ageDetail(acc.unattributedOldestAgeSource, null, ageSource) : '';
  if (!owners) {
    extra('not-attributed', total, 'not attributed', 'owners not scanned yet (or /proc/PID/fd cannot be read)');
  } else if (!acc) {
    // a snapshot from before the accounting existed: the remainder, unexplained
    extra('not-attributed', total - listed, 'not attributed', `owner scan ${fmtDuration(scanAgeS)} old, or other users’ processes`);
  } else {
    extra(
      'new-since-scan',
      acc.newSinceScan,
      'not attributed yet',
      `opened after the owner scan (${fmtDuration(scanAgeS)} ago); the next scan attributes them`,
      uAge,
      uDetail,
    );
    extra(
      'not-visible',
      acc.notVisible,
      'not attributed',
      owners.unreadablePids > 0
        ? `held by processes Waitline cannot read (${fmtCount(owners.unreadablePids)} processes of other users; run as root to see them)`
        : 'held by no process visible here (another PID namespace, or a descriptor in flight)',
      uAge,
      uDetail,
    );
    // the collector's accounting and the table's count come from one table; should they ever
    // differ (an old or foreign producer), the card still adds up and says so
    const rest = total - rows.reduce((n, r) => n + r.count, 0);
    if (rest !== 0) {
      rows.push({
        key: 'mismatch',
        kind: 'not-attributed',
        label: rest > 0 ? 'not attributed' : 'counted twice',
        count: rest,
        age: '—',
        ageDetail: '',
        growth: '—',
        verdict: 'the owner summary and the socket table disagree',
        warn: false,
      });
    }
  }
  return { total, rows, ageSource };
}
