// "Export…" in the header, so every view's data can be exported from anywhere: the connection table as
// the Connections view filters it, the history range the charts show, the port budgets, the tuning
// journal; CSV or JSON Lines. The desktop app asks where to save; `waitline serve` starts a download.
import { useState } from 'react';
import type { ExportFormat, ExportKind, ExportRequest, ExportResult } from '../../../shared/export-format';
import { fmtCount } from '../../format';
import { useDashboard, useDashboardStore } from '../../store/context';
import { CHART_WINDOWS } from '../../store/dashboard';
import { loadFilters, toQuery } from '../connections/filters';

const KINDS: { kind: ExportKind; label: string; hint: string }[] = [
  { kind: 'sockets', label: 'Connections', hint: 'every socket matching the Connections view’s filter, with pid and process' },
  { kind: 'history', label: 'History', hint: 'the range the Overview charts show: 1 s rows within the last 48 h, else minute rollups (min/max/avg)' },
  { kind: 'budgets', label: 'Port budgets', hint: 'every destination’s ports held, verdict and forecast, now' },
  { kind: 'tuning', label: 'Tuning journal', hint: 'every tuning change: key, before, after, state' },
];

function resultText(r: ExportResult): string {
  if (r.ok) {
    if (r.rows === null) return 'Download started.';
    return `Saved ${fmtCount(r.rows)} row${r.rows === 1 ? '' : 's'} to ${r.path ?? 'the file'}.`;
  }
  return r.canceled ? 'Nothing saved (the dialog was closed).' : `Export failed: ${r.message}`;
}

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<ExportKind>('sockets');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const { api, dashboard } = useDashboardStore();
  const transport = useDashboard((s) => s.transport);

  async function run() {
    const s = dashboard.store.getState();
    const now = s.snapshot?.time ?? Date.now();
    const req: ExportRequest = { kind, format };
    if (kind === 'sockets') req.sockets = toQuery(loadFilters());
    if (kind === 'history') {
      req.fromMs = s.range ? s.range.fromMs : now - CHART_WINDOWS[s.windowKey].ms;
      req.toMs = s.range ? s.range.toMs : now;
    }
    setBusy(true);
    setMessage(null);
    try {
      setMessage(resultText(await api.exportData(req)));
    } catch (e) {
      setMessage(`Export failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export-menu">
      <button type="button" className="export-toggle" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-open" disabled={transport === 'none'}>
        ⤓ Export…
      </button>
      {open && (
        <div className="export-panel card" role="dialog" aria-label="Export" data-testid="export-panel">
          <fieldset>
            <legend>What</legend>
            {KINDS.map((k) => (
              <label key={k.kind} className="export-choice" title={k.hint}>
                <input type="radio" name="export-kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} data-testid={`export-kind-${k.kind}`} />
                {k.label}
                <span className="muted small"> — {k.hint}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Format</legend>
            <label className="export-choice">
              <input type="radio" name="export-format" value="csv" checked={format === 'csv'} onChange={() => setFormat('csv')} data-testid="export-format-csv" />
              CSV <span className="muted small">(header row, RFC 4180)</span>
            </label>
            <label className="export-choice">
              <input type="radio" name="export-format" value="jsonl" checked={format === 'jsonl'} onChange={() => setFormat('jsonl')} data-testid="export-format-jsonl" />
              JSON Lines
            </label>
          </fieldset>
          <div className="export-actions">
            <button type="button" className="primary" onClick={() => void run()} disabled={busy} data-testid="export-run">
              {busy ? 'Exporting…' : transport === 'electron' ? 'Save as…' : 'Download'}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          {message && (
            <p className="export-result" role="status" data-testid="export-result">
              {message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
