// Placeholder until the netlink sock_diag addon lands (issue 6 replaces this file).
import type { SocketSource } from '../types';

export function createNetlinkSource(): SocketSource {
  throw new Error('the netlink sock_diag addon is not built');
}
