// The connection table's client-side model: pages of rows fetched with querySockets (the full table
// never crosses the bridge), plus TCPView-style marks — rows that appeared (green), changed state
// (yellow), or disappeared (red, kept for one refresh where they were).
import { enT, type TFunction } from '../../../shared/i18n';
import type { SocketRow } from '../../../shared/snapshot';

/** Rows per querySockets call: a screenful plus overscan fits in one or two pages. */
export const PAGE_SIZE = 200;
/** How long a new/changed row stays highlighted. */
export const HIGHLIGHT_MS = 3000;
/** Forget rows not seen for this long (bounds memory). */
const FORGET_MS = 15_000;

export type RowMark = 'new' | 'changed' | 'gone' | null;
export interface DisplayRow extends SocketRow {
  key: string;
  mark: RowMark;
}

export function rowKey(r: SocketRow): string {
  return `${r.family}|${r.localAddr}|${r.localPort}|${r.remoteAddr}|${r.remotePort}`;
}

interface Seen {
  state: SocketRow['state'];
  firstSeen: number;
  changedAt: number;
  lastSeen: number;
}

export class ConnectionsModel {
  /** rows matching the filter, as the last page fetch reported */
  total = 0;
  tableSize = 0;
  tableAt: number | null = null;
  private pages = new Map<number, DisplayRow[]>();
  private seen = new Map<string, Seen>();

  /** Record one fetched page. `now` is the wall clock (ms). */
  applyPage(pageIndex: number, rows: SocketRow[], total: number, tableSize: number, tableAt: number | null, now: number): void {
    const previous = this.pages.get(pageIndex)?.filter((r) => r.mark !== 'gone') ?? null;
    this.total = total;
    this.tableSize = tableSize;
    this.tableAt = tableAt;
    const out: DisplayRow[] = [];
    const keys = new Set<string>();
    for (const r of rows) {
      const key = rowKey(r);
      keys.add(key);
      let s = this.seen.get(key);
      if (!s) {
        // First sight. Only a page that was already on screen can show a row as new; a fresh page
        // (first load, scrolling, new filter) shows what exists without fanfare.
        const firstSeen = previous ? now : -Infinity;
        s = { state: r.state, firstSeen, changedAt: -Infinity, lastSeen: now };
        this.seen.set(key, s);
      } else {
        if (s.state !== r.state) {
          s.state = r.state;
          s.changedAt = now;
        }
        s.lastSeen = now;
      }
      const mark: RowMark = now - s.changedAt < HIGHLIGHT_MS ? 'changed' : now - s.firstSeen < HIGHLIGHT_MS ? 'new' : null;
      out.push({ ...r, key, mark });
    }
    if (previous) {
      // Rows that left this page and are not on another loaded page: closed. Keep them one refresh,
      // at their old position, marked gone.
      const elsewhere = new Set<string>();
      for (const [i, page] of this.pages) if (i !== pageIndex) for (const r of page) elsewhere.add(r.key);
      previous.forEach((r, i) => {
        if (!keys.has(r.key) && !elsewhere.has(r.key)) {
          out.splice(Math.min(i, out.length), 0, { ...r, mark: 'gone' });
          this.seen.delete(r.key);
        }
      });
    }
    this.pages.set(pageIndex, out);
    for (const [k, s] of this.seen) if (now - s.lastSeen > FORGET_MS) this.seen.delete(k);
  }

  /** Drop pages that are not in `keep` (off screen): they are refetched when scrolled back to. */
  retainPages(keep: Iterable<number>): void {
    const k = new Set(keep);
    for (const i of [...this.pages.keys()]) if (!k.has(i)) this.pages.delete(i);
  }

  reset(): void {
    this.pages.clear();
    this.seen.clear();
    this.total = 0;
    this.tableSize = 0;
    this.tableAt = null;
  }

  private pageLength(i: number): number {
    const loaded = this.pages.get(i);
    if (loaded) return loaded.length;
    return Math.max(0, Math.min(PAGE_SIZE, this.total - i * PAGE_SIZE));
  }

  private pageCount(): number {
    return Math.ceil(this.total / PAGE_SIZE);
  }

  /** Rows to display: the filter total plus the gone rows kept on loaded pages. */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.pageCount(); i++) n += this.pageLength(i);
    return n;
  }

  /** (page, index in page) of display row `index` */
  private locate(index: number): [number, number] {
    let i = 0;
    let rest = index;
    const pages = this.pageCount();
    while (i < pages) {
      const len = this.pageLength(i);
      if (rest < len) return [i, rest];
      rest -= len;
      i++;
    }
    return [-1, -1];
  }

  rowAt(index: number): DisplayRow | null {
    const [p, j] = this.locate(index);
    if (p < 0) return null;
    return this.pages.get(p)?.[j] ?? null;
  }

  /** Pages covering display rows [first, last]. */
  pagesFor(first: number, last: number): number[] {
    if (this.total === 0) return [0];
    const [a] = this.locate(Math.max(0, first));
    let [b] = this.locate(Math.max(0, last));
    if (b < 0) b = this.pageCount() - 1;
    const from = a < 0 ? Math.max(0, this.pageCount() - 1) : a;
    const out: number[] = [];
    for (let i = from; i <= Math.max(from, b); i++) out.push(i);
    return out;
  }
}

/** What the process column says. TIME_WAIT entries have no socket file and so no owner (docs/kernel.md,
 *  "Who owns a socket"). */
export function ownerText(r: SocketRow, t: TFunction = enT()): { text: string; kernel: boolean } {
  if (r.comm !== null && r.pid !== null) return { text: `${r.comm} (${r.pid})`, kernel: false };
  if (r.inode === 0) {
    if (r.state === 'TIME_WAIT') return { text: t('connections.owner.timeWait'), kernel: true };
    if (r.state === 'FIN_WAIT2') return { text: t('connections.owner.finWait2'), kernel: true };
    if (r.state === 'SYN_RECV' || r.state === 'NEW_SYN_RECV') return { text: t('connections.owner.handshake'), kernel: true };
    return { text: t('connections.owner.closing'), kernel: true };
  }
  return { text: t('connections.owner.hidden', { uid: r.uid }), kernel: false };
}
