// The Overview's time navigation: live windows (1 min … 24 h), fixed ranges up to 90 days, a from/to
// date-time picker, back and forward through what was shown, pause for the live window, and where
// history is kept (disk, read-only, or memory only with the reason).
import { useState } from 'react';
import { fmtClock, fmtDay } from '../../format';
import { useDashboard, useDashboardStore } from '../../store/context';
import { CHART_WINDOWS, RANGE_PRESETS, WINDOW_KEYS } from '../../store/dashboard';

/** epoch ms → the value of an <input type="datetime-local"> (local time, to the second) */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** the value of an <input type="datetime-local"> → epoch ms (local time), or null when incomplete */
export function fromLocalInput(v: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)) return null;
  const t = new Date(v).getTime(); // no zone: local time
  return Number.isFinite(t) ? t : null;
}

function fmtWhen(ms: number, spanMs: number): string {
  return `${fmtDay(ms)} ${fmtClock(ms, spanMs < 600_000)}`;
}

function StorageNote() {
  const storage = useDashboard((s) => s.storage);
  if (!storage) return null;
  if (storage.message) {
    return (
      <p className={`history-storage ${storage.mode === 'disk' ? 'muted' : 'warn'}`} role="status" data-testid="history-storage">
        {storage.message}
      </p>
    );
  }
  return null;
}

export function RangeBar() {
  const windowKey = useDashboard((s) => s.windowKey);
  const range = useDashboard((s) => s.range);
  const paused = useDashboard((s) => s.paused);
  const canBack = useDashboard((s) => s.navBack.length > 0);
  const canForward = useDashboard((s) => s.navForward.length > 0);
  const loading = useDashboard((s) => s.loadingRange);
  const storage = useDashboard((s) => s.storage);
  const { setChartWindow, setPaused, showRange, goBack, goForward, store } = useDashboardStore().dashboard;
  const [picking, setPicking] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const now = () => store.getState().snapshot?.time ?? Date.now();
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const pickError =
    picking && (from || to)
      ? fromMs === null || toMs === null
        ? 'Give both times.'
        : toMs <= fromMs
          ? '“To” must be after “from”.'
          : null
      : null;

  function openPicker() {
    const end = range ? range.toMs : now();
    const start = range ? range.fromMs : end - CHART_WINDOWS[windowKey].ms;
    setFrom(toLocalInput(start));
    setTo(toLocalInput(end));
    setPicking(!picking);
  }

  const activePreset = range ? RANGE_PRESETS.find((p) => Math.abs(range.toMs - range.fromMs - p.ms) < 1000 && Math.abs(range.toMs - now()) < 120_000)?.key : undefined;
  return (
    <div className="range-bar">
      <div className="chart-tools">
        <div className="segmented" role="group" aria-label="Navigation">
          <button type="button" onClick={goBack} disabled={!canBack} title="Back to the previous range" aria-label="Back" data-testid="nav-back">
            ‹
          </button>
          <button type="button" onClick={goForward} disabled={!canForward} title="Forward" aria-label="Forward" data-testid="nav-forward">
            ›
          </button>
        </div>
        <div className="segmented" role="group" aria-label="Time window">
          {WINDOW_KEYS.map((k) => (
            <button key={k} type="button" aria-pressed={range === null && k === windowKey} onClick={() => setChartWindow(k)} data-testid={`window-${k}`}>
              {CHART_WINDOWS[k].label}
            </button>
          ))}
          {RANGE_PRESETS.map((p) => (
            <button
              key={p.key}
              type="button"
              aria-pressed={activePreset === p.key}
              onClick={() => showRange(now() - p.ms, now())}
              title={`The last ${p.label} from the history file (minute rollups: min, max, mean)`}
              data-testid={`window-${p.key}`}
            >
              {p.label}
            </button>
          ))}
        </div>
        <button type="button" aria-expanded={picking} onClick={openPicker} data-testid="range-pick" title="Pick a from/to date and time">
          Range…
        </button>
        {range === null ? (
          <button type="button" className={`pause ${paused ? 'on' : ''}`} onClick={() => setPaused(!paused)} data-testid="pause" aria-pressed={paused}>
            {paused ? '▶ Resume' : '❚❚ Pause'}
          </button>
        ) : (
          <button type="button" className="pause" onClick={() => setChartWindow(windowKey)} data-testid="go-live" title="Back to the live window">
            ● Live
          </button>
        )}
      </div>
      {picking && (
        <form
          className="range-picker"
          data-testid="range-picker"
          onSubmit={(e) => {
            e.preventDefault();
            if (fromMs === null || toMs === null || toMs <= fromMs) return;
            showRange(fromMs, toMs);
            setPicking(false);
          }}
        >
          <label>
            From <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" />
          </label>
          <label>
            To <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" />
          </label>
          <button type="submit" className="primary" disabled={pickError !== null || fromMs === null || toMs === null} data-testid="range-apply">
            Show
          </button>
          {pickError && <span className="field-error">{pickError}</span>}
        </form>
      )}
      {range !== null && (
        <p className="range-label muted small" data-testid="range-label">
          {fmtWhen(range.fromMs, range.toMs - range.fromMs)} → {fmtWhen(range.toMs, range.toMs - range.fromMs)}
          {loading ? ' · loading…' : ''}
          {storage?.mode === 'memory' ? ' · only what this run has seen (history is not on disk)' : ''}
          {' · drag across the chart to zoom in'}
        </p>
      )}
      <StorageNote />
    </div>
  );
}
