// Measures what reading the tcp_info of CLOSE_WAIT sockets costs the netlink source: the same table read with and
// without it (interleaved, medians), on real sockets made by wl-sockmaker inside this network
// namespace. Run as root inside a throwaway namespace, e.g.
//   ip netns add wl-m && ip netns exec wl-m sh -c 'ip link set lo up &&
//     node --import tsx scripts/measure-close-wait-timing.ts --time-wait 100000 --close-wait 1000'; ip netns del wl-m
// Prints one JSON line. TIME_WAIT lasts 60 s: the measurement runs right after the sockets are made.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadSockDiagAddon } from '../electron/collector/sources/netlink';
import { ALL_TCP_STATES_MASK, decodeSockDiagDump, stateBit } from '../electron/collector/sources/sockdiag-layout';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
};
const tw = arg('time-wait', 100_000);
const cw = arg('close-wait', 0);
const repeats = arg('repeats', 20);

async function main(): Promise<void> {
  const maker = spawn('build/Release/wl-sockmaker', ['--time-wait', String(tw), '--close-wait', String(cw), '--ports', '8'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const made = await new Promise<string>((resolve, reject) => {
    let buf = '';
    maker.stdout!.setEncoding('utf8');
    maker.stdout!.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
    maker.once('exit', (c) => reject(new Error(`wl-sockmaker exited with ${c}`)));
  });
  const addon = loadSockDiagAddon();
  let infoReads = 0;
  let byLookups = 0;
  const time = (info: number): { ms: number; rows: number; timed: number } => {
    const t0 = performance.now();
    const buf = addon.dump(ALL_TCP_STATES_MASK, 3, info);
    const d = decodeSockDiagDump(buf);
    const ms = performance.now() - t0;
    const flags = new Uint32Array(buf, 0, 16)[9];
    if (flags & 1) infoReads++;
    if (flags & 4) byLookups++;
    return { ms, rows: d.table.length, timed: d.peerClosed?.byInode.size ?? 0 };
  };
  time(0);
  time(stateBit(8)); // warm up
  const without: number[] = [];
  const withInfo: number[] = [];
  let rows = 0;
  let timed = 0;
  let firstRows = 0;
  // alternating order (ABBA), so neither variant always pays for the other's garbage
  for (let i = 0; i < repeats; i++) {
    const a = () => without.push(time(0).ms);
    const b = () => {
      const r = time(stateBit(8));
      withInfo.push(r.ms);
      rows = r.rows;
      timed = r.timed;
      firstRows ||= r.rows;
    };
    if (i % 2) {
      b();
      a();
    } else {
      a();
      b();
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const round = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      made: JSON.parse(made),
      rowsAtStart: firstRows,
      rowsAtEnd: rows,
      closeWaitTimed: timed,
      infoReads,
      byLookups,
      repeats,
      medianMsWithout: round(median(without)),
      medianMsWith: round(median(withInfo)),
      extraMs: round(median(withInfo) - median(without)),
    }) + '\n',
  );
  maker.stdin!.end();
  maker.kill('SIGTERM');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
