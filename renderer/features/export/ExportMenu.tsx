// "Export…" in the header, so every view's data can be exported from anywhere: the connection table as
// the Connections view filters it, the history range the charts show, the port budgets, the tuning
// journal; CSV or JSON Lines. The desktop app asks where to save; `waitline serve` starts a download.
import { useState } from 'react';
import type { ExportFormat, ExportKind, ExportRequest, ExportResult } from '../../../shared/export-format';
import type { TFunction } from '../../../shared/i18n';
import type { Formatter } from '../../../shared/i18n/format';
import { useFormat, useT } from '../../i18n';
import { useDashboard, useDashboardStore } from '../../store/context';
import { CHART_WINDOWS } from '../../store/dashboard';
import { loadFilters, toQuery } from '../connections/filters';

/** Labels and hints: t(`export.kind.${kind}.label`), t(`export.kind.${kind}.hint`). */
const KINDS: readonly ExportKind[] = ['sockets', 'history', 'budgets', 'tuning'];

/** What the export did, in the page's language (the host's error detail stays as it is). */
type Outcome = { result: ExportResult } | { error: string };

function resultText(o: Outcome, t: TFunction, f: Formatter): string {
  if ('error' in o) return t('export.result.failed', { error: o.error });
  const r = o.result;
  if (r.ok) {
    if (r.rows === null) return t('export.result.download');
    return r.path
      ? t('export.result.saved', { count: r.rows, n: f.count(r.rows), path: r.path })
      : t('export.result.savedNoPath', { count: r.rows, n: f.count(r.rows) });
  }
  return r.canceled ? t('export.result.canceled') : t('export.result.failed', { error: r.message });
}

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<ExportKind>('sockets');
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const t = useT();
  const f = useFormat();
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
    setOutcome(null);
    try {
      setOutcome({ result: await api.exportData(req) });
    } catch (e) {
      setOutcome({ error: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="export-menu">
      <button type="button" className="export-toggle" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="export-open" disabled={transport === 'none'}>
        ⤓ {t('export.open')}
      </button>
      {open && (
        <div className="export-panel card" role="dialog" aria-label={t('export.title')} data-testid="export-panel">
          <fieldset>
            <legend>{t('export.what')}</legend>
            {KINDS.map((k) => (
              <label key={k} className="export-choice" title={t(`export.kind.${k}.hint`)}>
                <input type="radio" name="export-kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`export-kind-${k}`} />
                {t(`export.kind.${k}.label`)}
                <span className="muted small"> — {t(`export.kind.${k}.hint`)}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('export.format')}</legend>
            <label className="export-choice">
              <input type="radio" name="export-format" value="csv" checked={format === 'csv'} onChange={() => setFormat('csv')} data-testid="export-format-csv" />
              CSV <span className="muted small">{t('export.csvHint')}</span>
            </label>
            <label className="export-choice">
              <input type="radio" name="export-format" value="jsonl" checked={format === 'jsonl'} onChange={() => setFormat('jsonl')} data-testid="export-format-jsonl" />
              JSON Lines
            </label>
          </fieldset>
          <div className="export-actions">
            <button type="button" className="primary" onClick={() => void run()} disabled={busy} data-testid="export-run">
              {busy ? t('export.exporting') : transport === 'electron' ? t('export.saveAs') : t('export.download')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('export.close')}
            </button>
          </div>
          {outcome && (
            <p className="export-result" role="status" data-testid="export-result">
              {resultText(outcome, t, f)}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
