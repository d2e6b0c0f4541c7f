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
  /** how the scan went (OwnerTracker): 'full' walked every process's fds, 'validate' only re-read
   *  the remembered fd of each known socket (no socket unknown to the map had appeared) */
  kind?: 'full' | 'validate';
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

async function listPids(reader: FileReader, procRoot: string): Promise<number[]> {
  const pids = (await reader.readdir(procRoot)).filter((d) => /^\d+$/.test(d)).map(Number);
  return pids.sort((a, b) => a - b);
}

/** What a walk found: each socket's owner, and the fd it was found at (so it can be re-validated by
 *  one readlink). Memory: one OwnerInfo per *process*, shared by all of its sockets, and two maps of
 *  numbers — no object per socket. With half a million owned sockets, an object per socket (and a
 *  fresh copy of each per scan) made V8's major collections mark a million objects; most of the
 *  collector's CPU at that size went to that marking (docs/performance.md, "Half a million sockets"). */
interface Walk {
  found: Map<number, OwnerInfo>;
  fds: Map<number, number>;
  unreadablePids: number;
}

async function walkAll(reader: FileReader, procRoot: string, pids: number[]): Promise<Walk> {
  const found = new Map<number, OwnerInfo>();
  const fds = new Map<number, number>();
  let unreadablePids = 0;
  const linkSync = reader.readlinkSync?.bind(reader);
  // synchronous readlinks run in slices, yielding between them, so a walk of half a million fds never
  // holds the collector's thread for long (its queries are answered in between)
  let sinceYield = 0;
  const readLink = async (path: string): Promise<string> => {
    if (!linkSync) return reader.readlink(path);
    if (++sinceYield >= 2000) {
      sinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
    return linkSync(path);
  };
  // bounded concurrency: a few pids at a time keeps the event loop responsive
  const CONCURRENCY = 16;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < pids.length) {
      const pid = pids[next++];
      let names: string[];
      try {
        names = await reader.readdir(`${procRoot}/${pid}/fd`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') unreadablePids++;
        continue; // ENOENT: the process exited meanwhile
      }
      let owner: OwnerInfo | null = null;
      for (const name of names) {
        let link: string;
        try {
          link = await readLink(`${procRoot}/${pid}/fd/${name}`);
        } catch {
          continue;
        }
        const m = SOCKET_LINK.exec(link);
        if (!m) continue;
        const inode = Number(m[1]);
        const prev = found.get(inode);
        // several processes can hold one socket (fork, SCM_RIGHTS): the lowest pid, as ss -p lists first
        if (prev && prev.pid <= pid) continue;
        if (owner === null) {
          let comm = '?';
          try {
            comm = (await reader.readText(`${procRoot}/${pid}/comm`)).trim();
          } catch {
            // exited, or not readable: the pid still identifies it
          }
          owner = { pid, comm };
          // another worker may have found this socket in a lower pid while comm was read
          const now = found.get(inode);
          if (now && now.pid <= pid) continue;
        }
        found.set(inode, owner);
        // /proc/PID/fd lists decimal fd numbers; anything else cannot be re-validated (-1: a walk finds it)
        fds.set(inode, /^\d+$/.test(name) ? Number(name) : -1);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { found, fds, unreadablePids };
}

/** One full walk of every process's /proc/PID/fd (what `ss -p` does). */
export async function scanOwners(reader: FileReader, procRoot: string, monotonic: () => number): Promise<OwnerScan> {
  const t0 = monotonic();
  const { found, unreadablePids } = await walkAll(reader, procRoot, await listPids(reader, procRoot));
  return { byInode: found, unreadablePids, durationMs: monotonic() - t0, kind: 'full' };
}

/** Owners kept across scans, so that a scan costs in proportion to what changed, not to every open
 *  file of every process.
 *
 *  Linux gives no cheap signal that a process's fd set changed: /proc/PID/fd's mtime and ctime are
 *  those of the inode /proc made when it was first looked at (they never move on open/close), and
 *  its size is not the fd count on every kernel. What does identify a change is the socket table
 *  itself: every socket with a file has an inode there. So a scan
 *   1. drops remembered owners whose socket left the table (closed), and re-validates each remaining
 *      one by one readlink of the fd it was found at (`socket:[INODE]` still there? else the process
 *      closed or passed it on: the owner is dropped, and the socket is unknown again);
 *   2. walks every process only when the table holds a socket inode that is neither owned nor was
 *      already looked for by a full walk (a new socket, or one whose owner just went). A socket no
 *      readable process holds (another user's, without privileges) is looked for once, not at every
 *      scan; again when another new socket triggers a walk, or after `researchMs`.
 *  A long-lived process opening a new socket: its inode is new → walk → found. A socket closed: it
 *  leaves the table → dropped. Moved to another process: the readlink fails → walk → the new owner. */
export class OwnerTracker {
  /** inode → owner (one shared object per process) */
  private owners = new Map<number, OwnerInfo>();
  /** inode → the fd it was found at */
  private fds = new Map<number, number>();
  /** the map the last scan handed out: never changed afterwards (a query may still hold it); a scan
   *  that changes nothing hands it out again, so an idle scan allocates no copy */
  private published: Map<number, OwnerInfo> | null = null;
  /** live inodes a full walk did not find (not re-searched until another walk) */
  private searched = new Set<number>();
  private unreadablePids = 0;
  /** monotonic ms of the last full walk (-Infinity: none yet) */
  private walkedAt = -Infinity;

  constructor(
    private readonly reader: FileReader,
    private readonly procRoot: string,
    /** sockets a walk did not find are looked for again after this long (ms), even with no new one */
    private readonly researchMs = 300_000,
    /** remembered owners re-validated per scan at most (in rotation) */
    private readonly validateMax = 5000,
  ) {}
  private rotation = 0;

  private forget(inode: number): void {
    this.owners.delete(inode);
    this.fds.delete(inode);
    this.published = null;
  }

  /** `inodes`: the socket inodes of the current table (0 = no file, skipped). `validateMax`: remembered
   *  owners re-validated by this scan at most (default the tracker's; the collector passes a smaller
   *  number while nobody is looking at owners — docs/performance.md, "Idle CPU"). */
  async scan(inodes: ArrayLike<number>, monotonic: () => number, validateMax = this.validateMax): Promise<OwnerScan> {
    const t0 = monotonic();
    const live = new Set<number>();
    for (let i = 0; i < inodes.length; i++) if (inodes[i] !== 0) live.add(inodes[i]);

    // 1. forget closed sockets and those of processes gone (the others are re-validated below, by
    //    their remembered fd, unless a walk replaces them anyway)
    const pids = await listPids(this.reader, this.procRoot);
    const running = new Set(pids);
    for (const [inode, o] of this.owners) if (!live.has(inode) || !running.has(o.pid)) this.forget(inode);
    for (const inode of this.searched) if (!live.has(inode)) this.searched.delete(inode);
    // 2. a full walk when a socket appeared that no walk has looked for yet — checked before
    //    validating too: a walk replaces every owner anyway
    const anyUnknown = (): boolean => {
      for (const inode of live) if (!this.owners.has(inode) && !this.searched.has(inode)) return true;
      return false;
    };
    let unknown = this.walkedAt === -Infinity || (this.searched.size > 0 && t0 - this.walkedAt >= this.researchMs) || anyUnknown();
    if (!unknown) {
      const before = this.owners.size;
      await this.validate(validateMax);
      // an owner that failed validation leaves its socket unknown: the walk finds where it went
      unknown = this.owners.size < before;
    }
    if (unknown) {
      const { found, fds, unreadablePids } = await walkAll(this.reader, this.procRoot, pids);
      this.owners = new Map();
      this.fds = new Map();
      for (const [inode, o] of found) {
        if (!live.has(inode)) continue;
        this.owners.set(inode, o);
        this.fds.set(inode, fds.get(inode)!);
      }
      this.searched = new Set();
      for (const inode of live) if (!this.owners.has(inode)) this.searched.add(inode);
      this.unreadablePids = unreadablePids;
      this.walkedAt = t0;
      this.published = null;
    }
    this.published ??= new Map(this.owners);
    return { byInode: this.published, unreadablePids: this.unreadablePids, durationMs: monotonic() - t0, kind: unknown ? 'full' : 'validate' };
  }

  /** Re-validates remembered owners by one readlink each of the fd they were found at: at most
   *  `validateMax` per scan, in rotation. With half a million known sockets each is re-validated
   *  every few scans instead of 500,000 readlinks each time (a closed socket or a process gone is
   *  dropped at once by scan(); only a socket handed to another process waits its turn). */
  private async validate(validateMax: number): Promise<void> {
    const n = this.owners.size;
    if (n === 0) return;
    const count = Math.min(n, validateMax);
    const from = n > validateMax ? this.rotation % n : 0;
    if (n > validateMax) this.rotation = from + validateMax;
    // the inodes at positions [from, from + count) of the map's order, wrapping around to its start
    const check: number[] = [];
    const wrapped: number[] = [];
    let k = 0;
    for (const inode of this.owners.keys()) {
      if (k >= from && k < from + count) check.push(inode);
      else if (k + n < from + count) wrapped.push(inode);
      k++;
    }
    for (const inode of wrapped) check.push(inode);
    const pathOf = (inode: number): string => `${this.procRoot}/${this.owners.get(inode)!.pid}/fd/${this.fds.get(inode)}`;
    const linkSync = this.reader.readlinkSync?.bind(this.reader);
    if (linkSync) {
      // at most validateMax synchronous readlinks (~5 µs each): no thread-pool round trip per socket
      for (const inode of check) {
        let ok = false;
        try {
          ok = linkSync(pathOf(inode)) === `socket:[${inode}]`;
        } catch {
          ok = false;
        }
        if (!ok) this.forget(inode);
      }
      return;
    }
    const BATCH = 64;
    for (let b = 0; b < check.length; b += BATCH) {
      const batch = check.slice(b, b + BATCH);
      const oks = await Promise.all(
        batch.map(async (inode) => {
          try {
            return (await this.reader.readlink(pathOf(inode))) === `socket:[${inode}]`;
          } catch {
            return false;
          }
        }),
      );
      batch.forEach((inode, j) => oks[j] || this.forget(inode));
    }
  }
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
