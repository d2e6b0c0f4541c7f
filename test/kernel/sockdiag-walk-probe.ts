// Runs inside a test's network namespace (ip netns exec … node --import tsx) and prints one JSON line.
//   walk  → the addon's table of both families (one walk, native/sockdiag.c), then of IPv4 alone and
//           IPv6 alone, then of both again (the work buffers reused across differently sized reads):
//           { both, v4, v6, again } each { rows: "family state local:port remote:port inode cookie"[],
//           families: number[] (row order), ipv4Rows }
//   reuse → three reads of a netlink source with reuseBuffers: { sameBuffer (the third read wrote into
//           the first's buffer), third: rows of the third, fresh: rows of a plain dump after it }
//   info  → both families with the tcp_info of CLOSE_WAIT sockets: { closeWait: inodes of the
//           CLOSE_WAIT rows, infoInodes: inodes with a tcp_info entry, flags: header word 9 }
import { createNetlinkSource, loadSockDiagAddon } from '../../electron/collector/sources/netlink';
import type { SocketTable } from '../../electron/collector/types';
import { ALL_TCP_STATES_MASK, decodeSockDiagDump, stateBit } from '../../electron/collector/sources/sockdiag-layout';
import { CLOSE_WAIT_CODE } from '../../shared/tcp';

function describeDump(buf: ArrayBuffer) {
  const d = decodeSockDiagDump(buf);
  const t = d.table;
  const rows: string[] = [];
  const families: number[] = [];
  for (let i = 0; i < t.length; i++) {
    rows.push(`${t.family[i]} ${t.state[i]} ${t.localAddr[i]}:${t.localPort[i]} ${t.remoteAddr[i]}:${t.remotePort[i]} ${t.inode[i]} ${t.cookie?.[i] ?? 0n}`);
    families.push(t.family[i]);
  }
  return { rows, families, ipv4Rows: d.ipv4Rows };
}

function tableRows(t: SocketTable): string[] {
  const rows: string[] = [];
  for (let i = 0; i < t.length; i++) rows.push(`${t.family[i]} ${t.state[i]} ${t.localAddr[i]}:${t.localPort[i]} ${t.remoteAddr[i]}:${t.remotePort[i]} ${t.inode[i]} ${t.cookie?.[i] ?? 0n}`);
  return rows;
}

async function main(): Promise<void> {
  const addon = loadSockDiagAddon();
  const cmd = process.argv[2];
  if (cmd === 'walk') {
    const both = describeDump(addon.dump(ALL_TCP_STATES_MASK, 3));
    const v4 = describeDump(addon.dump(ALL_TCP_STATES_MASK, 1));
    addon.countStates?.(ALL_TCP_STATES_MASK, 3);
    const v6 = describeDump(addon.dump(ALL_TCP_STATES_MASK, 2));
    const again = describeDump(addon.dump(ALL_TCP_STATES_MASK, 3));
    process.stdout.write(JSON.stringify({ both, v4, v6, again }) + '\n');
  } else if (cmd === 'reuse') {
    const src = createNetlinkSource({ reuseBuffers: true });
    const first = (await src.read()).table;
    await src.read();
    const third = (await src.read()).table;
    const fresh = describeDump(addon.dump(ALL_TCP_STATES_MASK, 3));
    process.stdout.write(JSON.stringify({ sameBuffer: third.state.buffer === first.state.buffer, third: tableRows(third), fresh: fresh.rows }) + '\n');
  } else if (cmd === 'info') {
    const buf = addon.dump(ALL_TCP_STATES_MASK, 3, stateBit(CLOSE_WAIT_CODE));
    const d = decodeSockDiagDump(buf);
    const closeWait: number[] = [];
    for (let i = 0; i < d.table.length; i++) if (d.table.state[i] === CLOSE_WAIT_CODE) closeWait.push(d.table.inode[i]);
    const infoInodes = [...(d.peerClosed?.byInode.keys() ?? [])];
    process.stdout.write(JSON.stringify({ closeWait, infoInodes, flags: new Uint32Array(buf, 0, 16)[9], error: d.peerClosed?.error ?? null }) + '\n');
  } else {
    throw new Error(`usage: sockdiag-walk-probe.ts walk | reuse | info (got ${cmd})`);
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
  process.exit(1);
});
