// Loads the netlink sock_diag source if it is built and usable here. Kept apart so the collector can
// fall back to /proc with a reason instead of failing when the native addon is missing.

import type { SocketSource } from '../types';

/** `reuseBuffers`: see NetlinkSourceOptions (for a caller that keeps only its latest table). */
export async function loadNetlinkSource(opts: { reuseBuffers?: boolean } = {}): Promise<{ source: SocketSource | null; reason: string }> {
  try {
    type Mod = { createNetlinkSource?: (opts: { reuseBuffers: boolean }) => SocketSource | Promise<SocketSource> };
    let mod: Mod;
    try {
      mod = (await import('./netlink')) as Mod;
    } catch (e) {
      // a worker thread running the TypeScript sources (serve's collector worker under tsx) has only
      // the require hook: the dynamic import cannot resolve the extensionless path there
      if (typeof require !== 'function') throw e;
      mod = require('./netlink') as Mod;
    }
    if (!mod.createNetlinkSource) return { source: null, reason: 'the netlink source is not built' };
    return { source: await mod.createNetlinkSource({ reuseBuffers: opts.reuseBuffers === true }), reason: '' };
  } catch (e) {
    return { source: null, reason: (e as Error).message };
  }
}
