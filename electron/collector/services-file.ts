// Reads /etc/services once per process (plain Node) and parses it with shared/services.ts. A missing
// or unreadable file (a minimal container has none) gives an empty table and a reason, never a crash:
// ports are then shown as bare numbers.
import { readFileSync } from 'node:fs';
import type { AppInfo } from '../../shared/api';
import { emptyServiceTable, parseServices, serviceRecord, type ServiceTable } from '../../shared/services';

export const SERVICES_PATH = '/etc/services';

export interface LoadedServices {
  table: ServiceTable;
  path: string;
  /** why the table is empty (file missing, unreadable, too large); null when it was read */
  reason: string | null;
}

/** Larger than any real services file (Debian's is 13 KB, nmap's list ~1 MB); bigger is refused. */
const MAX_BYTES = 4 * 1024 * 1024;

export function loadServicesFile(path: string = SERVICES_PATH): LoadedServices {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_BYTES) return { table: emptyServiceTable(), path, reason: `${path} is larger than ${MAX_BYTES} bytes; not read` };
    text = buf.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `could not be read (${(e as Error).message})`;
    return { table: emptyServiceTable(), path, reason: `${path} ${why}: ports are shown without service names` };
  }
  return { table: parseServices(text), path, reason: null };
}

let cached: LoadedServices | null = null;

/** The system's services table, read on first use and kept for the life of the process. */
export function systemServices(): LoadedServices {
  cached ??= loadServicesFile();
  return cached;
}

/** The AppInfo fields that carry the service names to the renderer (the desktop app's main process
 *  and `waitline serve` both add these to getInfo's answer). */
export function appInfoServices(): Pick<AppInfo, 'services' | 'servicesNote'> {
  const loaded = systemServices();
  return { services: serviceRecord(loaded.table), servicesNote: loaded.reason };
}
