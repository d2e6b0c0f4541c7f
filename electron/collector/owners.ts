// Which process owns a socket (docs/kernel.md, "Who owns a socket"): walk /proc/PID/fd, readlink →
// "socket:[INODE]", comm from /proc/PID/comm — what `ss -p` does. Without privileges only the user's own processes can
// be read; those that cannot are counted, not guessed. TIME_WAIT objects have no file, so no owner.

import type { CloseWaitAccounting, CloseWaitAgeSource, CloseWaitProcess } from '../../shared/snapshot';
import type { FileReader, PeerClosedTiming } from './types';

export interface OwnerInfo {
  pid: number;
  comm: string;
}

export interface OwnerScan {
  /** socket inode → first process found holding it */
  byInode: Map<number, OwnerInfo>;
  /** pids whose fd directory could not be read (EACCES/EPERM) */
  unreadablePids: number;
  durationMs: number;
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

export async function scanOwners(reader: FileReader, procRoot: string, monotonic: () => number): Promise<OwnerScan> {
  const t0 = monotonic();
  const byInode = new Map<number, OwnerInfo>();
  let unreadablePids = 0;
  const pids = (await reader.readdir(procRoot)).filter((d) => /^\d+$/.test(d)).map(Number);
  pids.sort((a, b) => a - b);
  // bounded concurrency: a few pids at a time keeps the event loop responsive
  const CONCURRENCY = 16;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < pids.length) {
      const pid = pids[next++];
      let fds: string[];
      try {
        fds = await reader.readdir(`${procRoot}/${pid}/fd`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') unreadablePids++;
        continue; // ENOENT: the process exited meanwhile
      }
      let comm: string | null = null;
      for (const fd of fds) {
        let link: string;
        try {
          link = await reader.readlink(`${procRoot}/${pid}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = SOCKET_LINK.exec(link);
        if (!m) continue;
        const inode = Number(m[1]);
        if (byInode.has(inode)) continue;
        if (comm === null) {
          try {
            comm = (await reader.readText(`${procRoot}/${pid}/comm`)).trim();
          } catch {
            comm = '?';
          }
        }
        byInode.set(inode, { pid, comm });
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { byInode, unreadablePids, durationMs: monotonic() - t0 };
}

/** One CLOSE_WAIT socket of the table, with the process found holding it (null: none found). */
export interface CloseWaitSocket {
  inode: number;
  owner: OwnerInfo | null;
}

export interface CloseWaitInputs {
  sockets: CloseWaitSocket[];
  /** kernel timing from the same read as the table (netlink); undefined: the source has none (/proc) */
  peerClosed: PeerClosedTiming | null | undefined;
  /** epoch ms of the table read the sockets and the timing come from */
  tableAt: number;
  /** epoch ms of the owner scan the owners come from; null: no scan yet */
  scannedAt: number | null;
  now: number;
  /** how many processes to list (the rest are summed in otherProcesses) */
  limit: number;
}

export interface CloseWaitResult {
  processes: CloseWaitProcess[];
  accounting: CloseWaitAccounting;
}

interface Age {
  lowerS: number;
  source: CloseWaitAgeSource;
  upperS: number | null;
}

/** The older of two ages (by lower bound; the kernel's on a tie), and an upper bound only when both
 *  have one. */
function older(a: Age | null, b: Age): Age {
  if (!a) return b;
  const pick = b.lowerS > a.lowerS || (b.lowerS === a.lowerS && b.source === 'kernel') ? b : a;
  const upperS = a.upperS !== null && b.upperS !== null ? Math.max(a.upperS, b.upperS) : null;
  return { lowerS: pick.lowerS, source: pick.source, upperS };
}

/** Remembers when each CLOSE_WAIT socket was first seen, and each process's CLOSE_WAIT count over
 *  time, for the leak detector ("this program does not call close()"). */
export class CloseWaitTracker {
  private firstSeen = new Map<number, number>();
  private countHistory = new Map<number, { t: number; count: number }[]>();
  private readonly historyMs: number;

  constructor(historyMs = 120_000) {
    this.historyMs = historyMs;
  }

  /** Records this tick's CLOSE_WAIT inodes; forgets those gone. Returns inode → first-seen ms. */
  observe(inodes: number[], now: number): Map<number, number> {
    const next = new Map<number, number>();
    for (const ino of inodes) next.set(ino, this.firstSeen.get(ino) ?? now);
    this.firstSeen = next;
    return next;
  }

  /** Records a process's CLOSE_WAIT count; returns its growth per minute over the kept history. */
  growth(pid: number, count: number, now: number): number {
    const h = this.countHistory.get(pid) ?? [];
    h.push({ t: now, count });
    while (h.length > 1 && now - h[0].t > this.historyMs) h.shift();
    this.countHistory.set(pid, h);
    const first = h[0];
    const dtMin = (now - first.t) / 60_000;
    return dtMin > 0 ? (count - first.count) / dtMin : 0;
  }

  /** Drops processes not seen this tick. */
  retain(pids: Set<number>): void {
    for (const pid of this.countHistory.keys()) if (!pids.has(pid)) this.countHistory.delete(pid);
  }

  /** Per-process CLOSE_WAIT rows and the accounting of the rest, from one table: the rows, the
   *  other processes and the unattributed sockets add up to `sockets.length`.
   *
   *  Each socket's age is a lower bound on how long ago its peer closed: the kernel's
   *  tcpi_last_ack_recv (docs/kernel.md, "CLOSE_WAIT age") or, when larger or when there is no kernel
   *  timing, how long Waitline has seen it in CLOSE_WAIT (the peer closed before that, too). */
  summarize(inp: CloseWaitInputs): CloseWaitResult {
    const { sockets, peerClosed, now } = inp;
    const firstSeen = this.observe(
      sockets.map((s) => s.inode),
      now,
    );
    const sinceRead = Math.max(0, now - inp.tableAt);
    const ageOf = (inode: number): Age => {
      const observedS = Math.max(0, now - (firstSeen.get(inode) ?? now)) / 1000;
      const k = peerClosed?.byInode.get(inode);
      if (!k) return { lowerS: observedS, source: 'observed', upperS: null };
      const lowerS = (k.minMs + sinceRead) / 1000;
      const upperS = Math.max(lowerS, (k.maxMs + sinceRead) / 1000, observedS);
      return lowerS >= observedS ? { lowerS, source: 'kernel', upperS } : { lowerS: observedS, source: 'observed', upperS };
    };

    const perPid = new Map<number, { comm: string; count: number; age: Age | null }>();
    let newSinceScan = 0;
    let notVisible = 0;
    let unattributedAge: Age | null = null;
    for (const s of sockets) {
      const age = ageOf(s.inode);
      if (s.owner) {
        let p = perPid.get(s.owner.pid);
        if (!p) perPid.set(s.owner.pid, (p = { comm: s.owner.comm, count: 0, age: null }));
        p.count++;
        p.age = older(p.age, age);
        continue;
      }
      unattributedAge = older(unattributedAge, age);
      // first seen after the scan started: it may simply be newer than the scan
      const seen = firstSeen.get(s.inode) ?? now;
      if (inp.scannedAt === null || seen > inp.scannedAt) newSinceScan++;
      else notVisible++;
    }

    const all: CloseWaitProcess[] = [];
    for (const [pid, p] of perPid) {
      const age = p.age!;
      all.push({
        pid,
        comm: p.comm,
        count: p.count,
        oldestAgeS: age.lowerS,
        oldestAgeSource: age.source,
        oldestAgeMaxS: age.upperS,
        growthPerMin: this.growth(pid, p.count, now),
      });
    }
    this.retain(new Set(perPid.keys()));
    all.sort((a, b) => b.count - a.count || b.oldestAgeS - a.oldestAgeS || a.pid - b.pid);
    const processes = all.slice(0, inp.limit);
    const rest = all.slice(inp.limit);
    return {
      processes,
      accounting: {
        total: sockets.length,
        ageSource: peerClosed === undefined || peerClosed?.error ? 'observed' : 'kernel',
        otherProcesses: { processes: rest.length, count: rest.reduce((n, p) => n + p.count, 0) },
        unattributed: newSinceScan + notVisible,
        newSinceScan,
        notVisible,
        unattributedOldestAgeS: unattributedAge?.lowerS ?? null,
        unattributedOldestAgeSource: unattributedAge?.source ?? null,
      },
    };
  }
}
