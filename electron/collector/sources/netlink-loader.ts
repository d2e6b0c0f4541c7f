// Loads the netlink sock_diag source if it is built and usable here. Kept apart so the collector can
// fall back to /proc with a reason instead of failing when the native addon is missing.

import type { SocketSource } from '../types';

export async function loadNetlinkSource(): Promise<{ source: SocketSource | null; reason: string }> {
  try {
    const mod = (await import('./netlink')) as { createNetlinkSource?: () => SocketSource | Promise<SocketSource> };
    if (!mod.createNetlinkSource) return { source: null, reason: 'the netlink source is not built' };
    return { source: await mod.createNetlinkSource(), reason: '' };
  } catch (e) {
    return { source: null, reason: (e as Error).message };
  }
}
