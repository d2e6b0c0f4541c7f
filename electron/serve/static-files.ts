// Opening a file of the built renderer for `waitline serve` without ever leaving the served root:
// no symlink is followed (every component is lstat'ed, the last one is opened with O_NOFOLLOW), the
// opened descriptor must be a regular file, and /proc/self/fd/N must name a path under the root's real
// path (this also catches a directory swapped for a symlink between the checks and the open).
// Every failure is an answer (404 / 400), never an exception thrown at the HTTP layer.

import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { staticPathSegments } from '../../shared/web-content';

export interface OpenedFile {
  handle: FileHandle;
  size: number;
  /** path under the root, '/'-separated, e.g. "assets/app.js" */
  rel: string;
}

export type OpenResult = { ok: true; file: OpenedFile } | { ok: false; status: 400 | 404; reason: string };

/** The root's real path; resolve once at start (the root itself may be reached through a symlink). */
export async function realRoot(dir: string): Promise<string> {
  return realpath(dir);
}

/** Splits a URL path (still percent-encoded) into decoded segments; null if it is malformed or names
 *  anything but a plain path below the root — the desktop app's rule too (shared/web-content.ts). */
export function pathSegments(pathname: string): string[] | null {
  return staticPathSegments(pathname);
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Opens `segments` under `root` (a real path from realRoot). */
export async function openStatic(root: string, segments: string[]): Promise<OpenResult> {
  const notFound = (reason: string): OpenResult => ({ ok: false, status: 404, reason });
  let path = root;
  let last: Stats | null = null;
  for (let i = 0; i < segments.length; i++) {
    path = join(path, segments[i]);
    let st: Stats;
    try {
      st = await lstat(path);
    } catch {
      return notFound('no such file');
    }
    if (st.isSymbolicLink()) return notFound('symbolic links are not served');
    const isLast = i === segments.length - 1;
    if (!isLast && !st.isDirectory()) return notFound('no such file');
    if (isLast && !st.isFile()) return notFound('not a regular file');
    last = st;
  }
  if (!last) return notFound('no such file');
  let handle: FileHandle;
  try {
    // O_NONBLOCK: should the file have been swapped for a FIFO after the lstat, open must not hang
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return notFound('the file vanished or cannot be opened');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || !sameFile(st, last)) throw new Error('changed under us');
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!real.startsWith(root + sep)) throw new Error('outside the root');
    return { ok: true, file: { handle, size: st.size, rel: segments.join('/') } };
  } catch {
    await handle.close().catch(() => undefined);
    return notFound('the file changed while it was opened');
  }
}
