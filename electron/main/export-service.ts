// Exports from the desktop app: asks where to save (the native save dialog, in the user's Downloads by
// default), then streams the export to that file (electron/history/export.ts) and says how many rows it
// wrote — or that the dialog was dismissed, or why the file could not be written.

import { exportFileName, type ExportRequest, type ExportResult } from '../../shared/export-format';
import { writeExport, writeExportFile, type ExportSources } from '../history/export';

export interface ExportServiceDeps {
  sources: ExportSources;
  /** the file to write, or null when the user dismissed the dialog */
  chooseFile(defaultName: string, req: ExportRequest): Promise<string | null>;
  now?: () => number;
}

export class ExportService {
  constructor(private readonly deps: ExportServiceDeps) {}

  async exportData(req: ExportRequest): Promise<ExportResult> {
    const now = this.deps.now?.() ?? Date.now();
    const path = await this.deps.chooseFile(exportFileName(req, now), req);
    if (path === null) return { ok: false, canceled: true };
    try {
      const n = await writeExportFile(path, (out) => writeExport(out, req, this.deps.sources, now));
      return { ok: true, rows: n.rows, bytes: n.bytes, path };
    } catch (e) {
      return { ok: false, canceled: false, message: String((e as Error)?.message ?? e).slice(0, 300) };
    }
  }
}
