// Which process owns a socket (KERNEL.md §6): walk /proc/PID/fd, readlink → "socket:[INODE]",
// comm from /proc/PID/comm — what `ss -p` does. Without privileges only the user's own processes can
// be read; those that cannot are counted, not guessed. TIME_WAIT objects have no file, so no owner.

import type { FileReader } from './types';

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
}
