// The probe panel's runs in the main process (docs/probe.md): the request, already shape-checked
// (shared/query-checks.ts checkProbeRequest), is parsed strictly and run by electron/probe/session.ts
// with the collector's socket table sources. One probe at a time: a second answers 'busy'.

import { openTableSource, readEphemeral } from '../collector/probe-table';
import { msg, msgText } from '../../shared/i18n';
import type { ProbeOutcome, ProbeRequest } from '../../shared/probe';
import { probeRun, type ProbeRunDeps } from '../probe/session';

export interface ProbeService {
  run(request: ProbeRequest): Promise<ProbeOutcome>;
}

export interface ProbeServiceOptions {
  /** the socket table for the TIME_WAIT count (default: netlink, else /proc) */
  table?: () => Promise<ProbeRunDeps['table']>;
  ephemeral?: ProbeRunDeps['ephemeral'];
  lookup?: ProbeRunDeps['lookup'];
}

export function createProbeService(opts: ProbeServiceOptions = {}): ProbeService {
  let running = false;
  return {
    async run(request) {
      if (running) return { ok: false, code: 'busy', message: msgText(msg('main.service.probeBusy')) };
      running = true;
      try {
        const table = await (opts.table ?? (() => openTableSource('auto')))();
        return await probeRun(request, { table, ephemeral: opts.ephemeral ?? readEphemeral, lookup: opts.lookup });
      } catch (e) {
        return { ok: false, code: 'failed', message: String((e as Error)?.message ?? e).slice(0, 300) };
      } finally {
        running = false;
      }
    },
  };
}
