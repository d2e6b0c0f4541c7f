// Reads the socket table of the namespace it runs in (started with `ip netns exec … node --import tsx`)
// and prints one JSON line.
//   sandwich        → /proc, then netlink, then /proc again: { proc1, netlink, proc2 } tables as rows
//   netlink MASK    → the netlink table dumped with the idiag_states bitmask MASK
//   timing          → the CLOSE_WAIT rows with the kernel's peer-close bounds:
//                     { timing: [[localPort, remotePort, inode, minMs, maxMs] …], error }
import { nodeFileReader } from '../../electron/collector/sources/node-fs';
import { createNetlinkSource } from '../../electron/collector/sources/netlink';
import { createProcfsSource } from '../../electron/collector/sources/procfs';
import type { SocketTable } from '../../electron/collector/types';

export type ProbeRow = [
  family: number,
  state: number,
  localAddr: string,
  localPort: number,
  remoteAddr: string,
  remotePort: number,
  txQueue: number,
  rxQueue: number,
  timer: number,
  timerLeftMs: number,
  retransmits: number,
  uid: number,
  inode: number,
  cookie: string,
];

function rows(t: SocketTable): ProbeRow[] {
  const out: ProbeRow[] = [];
  for (let i = 0; i < t.length; i++) {
    out.push([
      t.family[i], t.state[i], t.localAddr[i], t.localPort[i], t.remoteAddr[i], t.remotePort[i], t.txQueue[i],
      t.rxQueue[i], t.timer[i], t.timerLeftMs[i], t.retransmits[i], t.uid[i], t.inode[i], String(t.cookie?.[i] ?? 0n),
    ]);
  }
  return out;
}

async function main(): Promise<void> {
  const [cmd, arg] = process.argv.slice(2);
  const proc = createProcfsSource(nodeFileReader);
  if (cmd === 'sandwich') {
    const nl = createNetlinkSource();
    const p1 = await proc.read();
    const n = await nl.read();
    const p2 = await proc.read();
    process.stdout.write(JSON.stringify({ proc1: rows(p1.table), netlink: rows(n.table), proc2: rows(p2.table), skipped: n.skipped }) + '\n');
  } else if (cmd === 'netlink') {
    const n = await createNetlinkSource({ states: Number(arg) }).read();
    process.stdout.write(JSON.stringify({ netlink: rows(n.table) }) + '\n');
  } else if (cmd === 'timing') {
    const n = await createNetlinkSource().read();
    const t = n.table;
    const timing: [number, number, number, number | null, number | null][] = [];
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] !== 8) continue;
      const b = n.peerClosed?.byInode.get(t.inode[i]);
      timing.push([t.localPort[i], t.remotePort[i], t.inode[i], b?.minMs ?? null, b?.maxMs ?? null]);
    }
    process.stdout.write(JSON.stringify({ timing, error: n.peerClosed?.error ?? null, present: n.peerClosed !== undefined }) + '\n');
  } else {
    throw new Error(`usage: netlink-probe.ts sandwich | netlink MASK | timing (got ${cmd})`);
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
  process.exit(1);
});
