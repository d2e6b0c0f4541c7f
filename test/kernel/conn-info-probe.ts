// Per-connection details read in the namespace it runs in (started with `ip netns exec … node --import
// tsx`), printed as one JSON line. Usage: conn-info-probe.ts MODE KEYS_JSON
//   netlink  → the netlink source's connInfo(keys): a ConnInfoReply
//   collector-procfs → a Collector on the /proc source: connInfo(keys) (unavailable, with the reason)
//   addon-cap → the addon's connInfo() called directly with 1 more request than it takes: { code, message }
import type { ConnKey } from '../../shared/conn-info';
import { createCollector } from '../../electron/collector/index';
import { createNetlinkSource, loadSockDiagAddon } from '../../electron/collector/sources/netlink';

async function main(): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  const keys = JSON.parse(json ?? '[]') as ConnKey[];
  let out: unknown;
  if (mode === 'netlink') {
    out = createNetlinkSource().connInfo(keys);
  } else if (mode === 'collector-procfs') {
    out = await createCollector({ socketSource: 'procfs' }).connInfo(keys);
  } else if (mode === 'addon-cap') {
    const addon = loadSockDiagAddon();
    const k = keys[0]!;
    const req = { family: k.family === 'ipv4' ? (4 as const) : (6 as const), local: k.localAddr, localPort: k.localPort, remote: k.remoteAddr, remotePort: k.remotePort };
    try {
      addon.connInfo!(new Array((addon.connInfoMax ?? 0) + 1).fill(req));
      out = { code: null, message: 'accepted', max: addon.connInfoMax };
    } catch (e) {
      out = { code: (e as NodeJS.ErrnoException).code, message: (e as Error).message, max: addon.connInfoMax };
    }
  } else {
    throw new Error(`usage: conn-info-probe.ts netlink|collector-procfs|addon-cap KEYS_JSON (got ${mode})`);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: (e as Error).message, name: (e as Error).name }) + '\n');
  process.exit(1);
});
