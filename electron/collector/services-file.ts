// Reads /etc/services once per process (plain Node) and parses it with shared/services.ts. A missing
// or unreadable file (a minimal container has none) gives an empty table and a reason, never a crash:
// ports are then shown as bare numbers.
import { readFileSync } from 'node:fs';
import type { AppInfo } from '../../shared/api';
import { msg, msgText, type Msg } from '../../shared/i18n';
import { emptyServiceTable, parseServices, serviceRecord, type ServiceTable } from '../../shared/services';

export const SERVICES_PATH = '/etc/services';

export interface LoadedServices {
  table: ServiceTable;
  path: string;
  /** why the table is empty (file missing, unreadable, too large); null when it was read */
  reason: string | null;
  /** the same sentence for a reader in any language (host.services.*) */
  reasonMsg: Msg | null;
}

/** Larger than any real services file (Debian's is 13 KB, nmap's list ~1 MB); bigger is refused. */
const MAX_BYTES = 4 * 1024 * 1024;

export function loadServicesFile(path: string = SERVICES_PATH): LoadedServices {
  const empty = (m: Msg): LoadedServices => ({ table: emptyServiceTable(), path, reason: msgText(m), reasonMsg: m });
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_BYTES) return empty(msg('host.services.tooLarge', { path, max: String(MAX_BYTES) }));
    text = buf.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const m =
      code === 'ENOENT'
        ? msg('host.services.missing', { path })
        : code === 'EACCES'
          ? msg('host.services.notReadable', { path })
          : msg('host.services.readFailed', { path, error: (e as Error).message });
    return empty(m);
  }
  return { table: parseServices(text), path, reason: null, reasonMsg: null };
}

let cached: LoadedServices | null = null;

/** The system's services table, read on first use and kept for the life of the process. */
export function systemServices(): LoadedServices {
  cached ??= loadServicesFile();
  return cached;
}

/** The AppInfo fields that carry the service names to the renderer (the desktop app's main process
 *  and `waitline serve` both add these to getInfo's answer). */
export function appInfoServices(): Pick<AppInfo, 'services' | 'servicesNote' | 'servicesNoteMsg'> {
  const loaded = systemServices();
  return { services: serviceRecord(loaded.table), servicesNote: loaded.reason, servicesNoteMsg: loaded.reasonMsg };
}
