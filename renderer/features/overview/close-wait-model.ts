// What the CLOSE_WAIT card shows, as a pure function of the snapshot: one row per listed process,
// then the sockets not in those rows — other processes, sockets opened after the owner scan, sockets
// held by processes Waitline cannot read — so that the rows always add up to the card's total.
// Ages are lower bounds (docs/kernel.md, "CLOSE_WAIT age"): from the kernel's tcp_info, "the peer
// closed ≥ N ago"; from /proc, only "seen for ≥ N".
import { enT, type TFunction } from '../../../shared/i18n';
import type { Formatter } from '../../../shared/i18n/format';
import type { CloseWaitAgeSource, Snapshot } from '../../../shared/snapshot';
import { activeFormatter } from '../../format';

export interface CloseWaitRow {
  key: string;
  kind: 'process' | 'other-processes' | 'new-since-scan' | 'not-visible' | 'not-attributed';
  label: string;
  count: number;
  /** "peer closed ≥ 8 min 3 sec ago" / "seen for ≥ 4 sec (no kernel timing on /proc)"; '—' when unknown */
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

function ageText(t: TFunction, f: Formatter, ageS: number | null, source: CloseWaitAgeSource | null | undefined, sourceAgeSource: CloseWaitAgeSource): string {
  if (ageS === null) return '—';
  const age = f.duration(ageS);
  if (source === 'kernel') return t('overview.closeWait.age.kernel', { age });
  return sourceAgeSource === 'observed' ? t('overview.closeWait.age.observedProc', { age }) : t('overview.closeWait.age.observed', { age });
}

function ageDetail(t: TFunction, f: Formatter, source: CloseWaitAgeSource | null | undefined, maxS: number | null | undefined, sourceAgeSource: CloseWaitAgeSource): string {
  if (source === 'kernel') {
    return typeof maxS === 'number' ? t('overview.closeWait.ageDetail.kernelUpper', { max: f.duration(maxS) }) : t('overview.closeWait.ageDetail.kernel');
  }
  if (sourceAgeSource === 'observed') return t('overview.closeWait.ageDetail.observedProc');
  return t('overview.closeWait.ageDetail.observed');
}

/** The card's rows; texts in the language of `t` (default English) with numbers by `f`. */
export function closeWaitView(s: Snapshot | null, t: TFunction = enT(), f: Formatter = activeFormatter()): CloseWaitView {
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
      age: ageText(t, f, p.oldestAgeS, p.oldestAgeSource, ageSource),
      ageDetail: ageDetail(t, f, p.oldestAgeSource, p.oldestAgeMaxS, ageSource),
      growth: p.growthPerMin > 0 ? t('overview.closeWait.growth', { rate: f.rate(p.growthPerMin) }) : '—',
      verdict: warn ? t('overview.closeWait.verdict.leak', { comm: p.comm }) : t('overview.closeWait.verdict.recent'),
      warn,
    });
  }
  const extra = (kind: CloseWaitRow['kind'], count: number, label: string, verdict: string, age = '—', detail = ''): void => {
    if (count > 0) rows.push({ key: kind, kind, label, count, age, ageDetail: detail, growth: '—', verdict, warn: false });
  };
  if (acc) {
    const more = acc.otherProcesses.processes;
    extra('other-processes', acc.otherProcesses.count, t('overview.closeWait.label.moreProcesses', { count: more, n: f.count(more) }), t('overview.closeWait.verdict.notListed'));
  }

  const listed = rows.reduce((n, r) => n + r.count, 0);
  const scanAgeS = owners && s ? Math.max(0, (s.time - owners.scannedAt) / 1000) : null;
  const uAge = acc ? ageText(t, f, acc.unattributedOldestAgeS, acc.unattributedOldestAgeSource, ageSource) : '—';
  const uDetail = acc ? ageDetail(t, f, acc.unattributedOldestAgeSource, null, ageSource) : '';
  const notAttributed = t('overview.closeWait.label.notAttributed');
  if (!owners) {
    extra('not-attributed', total, notAttributed, t('overview.closeWait.verdict.notScanned'));
  } else if (!acc) {
    // a snapshot from before the accounting existed: the remainder, unexplained
    extra('not-attributed', total - listed, notAttributed, t('overview.closeWait.verdict.scanOld', { age: f.duration(scanAgeS) }));
  } else {
    extra(
      'new-since-scan',
      acc.newSinceScan,
      t('overview.closeWait.label.notAttributedYet'),
      t('overview.closeWait.verdict.newSinceScan', { age: f.duration(scanAgeS) }),
      uAge,
      uDetail,
    );
    extra(
      'not-visible',
      acc.notVisible,
      notAttributed,
      owners.unreadablePids > 0
        ? t('overview.closeWait.verdict.unreadable', { count: owners.unreadablePids, n: f.count(owners.unreadablePids) })
        : t('overview.closeWait.verdict.invisible'),
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
        label: rest > 0 ? notAttributed : t('overview.closeWait.label.countedTwice'),
        count: rest,
        age: '—',
        ageDetail: '',
        growth: '—',
        verdict: t('overview.closeWait.verdict.mismatch'),
        warn: false,
      });
    }
  }
  return { total, rows, ageSource };
}
