// The main process's answer to every invoke channel: runtime validation (electron/ipc/validate.ts)
// paired with the domain call. A channel without a handler is a compile error (InvokeHandlers).

import type { AppInfo } from '../../shared/api';
import { msg, msgText, type Locale } from '../../shared/i18n';
import type { ExportRequest, ExportResult } from '../../shared/export-format';
import type { ConnInfoReply, ConnKey } from '../../shared/conn-info';
import type { HostNameHints, NameAnswer } from '../../shared/names';
import type { KillResult } from '../../shared/socket-tuple';
import type { ProbeOutcome, ProbeRequest } from '../../shared/probe';
import type { AlertService } from '../settings/alert-service';
import type { SocketPage, SocketQuery } from '../../shared/snapshot';
import type { InvokeHandlers } from '../ipc/ipc-main';
import {
  validateAlertSettingsPatch,
  validateApplyTuning,
  validateChangeId,
  validateConnKeys,
  validateExportRequest,
  validateHistoryQuery,
  validateKillRequest,
  validateLocale,
  validateNameRequest,
  validateNoArgs,
  validateProbeRequest,
  validateSocketQuery,
} from '../ipc/validate';
import type { HistoryService } from './history-service';
import type { TuningService } from './tuning-service';

export interface HandlerDeps {
  info(): AppInfo;
  history: Pick<HistoryService, 'query'>;
  sockets: { querySockets(q: SocketQuery, hosts?: HostNameHints | null): Promise<SocketPage> };
  tuning: Pick<TuningService, 'getState' | 'apply' | 'confirm' | 'revert'>;
  alerts: Pick<AlertService, 'get' | 'set'>;
  exporter: { exportData(req: ExportRequest): Promise<ExportResult> };
  /** reverse DNS (electron/collector/reverse-dns.ts): answers what is known, starts the rest, never
   *  waits; absent: every address answers as not (yet) known */
  names?: { request(addresses: readonly string[]): NameAnswer; hints?(text: string | undefined): HostNameHints | null };
  /** tcp_info of a few connections, read in the collector process (docs/conn-info.md) */
  details?: { connInfo(keys: ConnKey[]): Promise<ConnInfoReply> };
  /** the kill helper's client (electron/privileged/kill-client.ts; docs/kill.md) */
  kill?: { kill(local: string, remote: string): Promise<KillResult> };
  /** the probe panel's runs (./probe-service.ts; docs/probe.md) */
  probe?: { run(request: ProbeRequest): Promise<ProbeOutcome> };
  /** main's language (./locale.ts): remembered, and the menu rebuilt in it */
  locale?: { set(locale: Locale): void };
}

export function createInvokeHandlers(deps: HandlerDeps): InvokeHandlers {
  return {
    'waitline:getInfo': {
      validate: (args) => validateNoArgs('waitline:getInfo', args),
      run: () => deps.info(),
    },
    'waitline:getHistory': {
      validate: validateHistoryQuery,
      run: (q) => deps.history.query(q),
    },
    'waitline:querySockets': {
      validate: validateSocketQuery,
      run: (q) => {
        const hosts = deps.names?.hints?.(q.address) ?? null;
        return hosts ? deps.sockets.querySockets(q, hosts) : deps.sockets.querySockets(q);
      },
    },
    'waitline:getTuning': {
      validate: (args) => validateNoArgs('waitline:getTuning', args),
      run: () => deps.tuning.getState(),
    },
    'waitline:applyTuning': {
      validate: validateApplyTuning,
      run: (req) => deps.tuning.apply(req),
    },
    'waitline:confirmTuning': {
      validate: (args) => validateChangeId('waitline:confirmTuning', args),
      run: (id) => deps.tuning.confirm(id),
    },
    'waitline:revertTuning': {
      validate: (args) => validateChangeId('waitline:revertTuning', args),
      run: (id) => deps.tuning.revert(id),
    },
    'waitline:exportData': {
      validate: validateExportRequest,
      run: (req) => deps.exporter.exportData(req),
    },
    'waitline:getAlertSettings': {
      validate: (args) => validateNoArgs('waitline:getAlertSettings', args),
      run: () => deps.alerts.get(),
    },
    'waitline:setAlertSettings': {
      validate: validateAlertSettingsPatch,
      run: (patch) => deps.alerts.set(patch),
    },
    'waitline:connectionDetails': {
      validate: validateConnKeys,
      run: (keys) => deps.details?.connInfo(keys) ?? { available: false, reason: msgText(msg('main.service.detailsNotWired')) },
    },
    'waitline:killConnection': {
      validate: validateKillRequest,
      run: (req) => deps.kill?.kill(req.local, req.remote) ?? { ok: false, code: 'not_installed', message: msgText(msg('main.service.killNotWired')) },
    },
    'waitline:runProbe': {
      validate: validateProbeRequest,
      run: (req) => deps.probe?.run(req) ?? { ok: false, code: 'failed', message: msgText(msg('main.service.probeNotWired')) },
    },
    'waitline:resolveNames': {
      validate: validateNameRequest,
      run: (addresses) => deps.names?.request(addresses) ?? {},
    },
    'waitline:setLocale': {
      validate: validateLocale,
      run: (locale) => {
        deps.locale?.set(locale);
      },
    },
  };
}
