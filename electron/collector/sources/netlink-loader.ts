// Loads the netlink sock_diag source if it is built and usable here. Kept apart so the collector can
// fall back to /proc with a reason instead of failing when the native addon is missing.

import type { SocketSource } from '../types';

export async function loadNetlinkSource(): Promise<{ source: SocketSource | null; reason: string }> {
  try {
    type Mod = { createNetlinkSource?: () => SocketSource | Promise<SocketSource> };
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
    return { source: await mod.createNetlinkSource(), reason: '' };
  } catch (e) {
    return { source: null, reason: (e as Error).message };
  }
}
