// The Overview's time navigation: live windows (1 min … 24 h), fixed ranges up to 90 days, a from/to
// date-time picker, back and forward through what was shown, pause for the live window, and where
// history is kept (disk, read-only, or memory only with the reason).
import { useState } from 'react';
import type { Formatter } from '../../../shared/i18n/format';
import { useFormat, useMsgText, useT } from '../../i18n';
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

function fmtWhen(f: Formatter, ms: number, spanMs: number): string {
  return `${f.day(ms)} ${f.clock(ms, spanMs < 600_000)}`;
}

function StorageNote() {
  const storage = useDashboard((s) => s.storage);
  const msgText = useMsgText();
  if (!storage) return null;
  if (storage.message || storage.msg) {
    return (
      <p className={`history-storage ${storage.mode === 'disk' ? 'muted' : 'warn'}`} role="status" data-testid="history-storage">
        {msgText(storage.msg, storage.message)}
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
  const t = useT();
  const f = useFormat();
  const [picking, setPicking] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const now = () => store.getState().snapshot?.time ?? Date.now();
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const pickError =
    picking && (from || to)
      ? fromMs === null || toMs === null
        ? t('overview.range.giveBoth')
        : toMs <= fromMs
          ? t('overview.range.toAfterFrom')
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
        <div className="segmented" role="group" aria-label={t('overview.range.navigation')}>
          <button type="button" onClick={goBack} disabled={!canBack} title={t('overview.range.backTitle')} aria-label={t('overview.range.back')} data-testid="nav-back">
            ‹
          </button>
          <button type="button" onClick={goForward} disabled={!canForward} title={t('overview.range.forward')} aria-label={t('overview.range.forward')} data-testid="nav-forward">
            ›
          </button>
        </div>
        <div className="segmented" role="group" aria-label={t('overview.range.window')}>
          {WINDOW_KEYS.map((k) => (
            <button key={k} type="button" aria-pressed={range === null && k === windowKey} onClick={() => setChartWindow(k)} data-testid={`window-${k}`}>
              {t(`overview.window.${k}`)}
            </button>
          ))}
          {RANGE_PRESETS.map((p) => (
            <button
              key={p.key}
              type="button"
              aria-pressed={activePreset === p.key}
              onClick={() => showRange(now() - p.ms, now())}
              title={t('overview.range.presetTitle', { label: t(`overview.window.${p.key}`) })}
              data-testid={`window-${p.key}`}
            >
              {t(`overview.window.${p.key}`)}
            </button>
          ))}
        </div>
        <button type="button" aria-expanded={picking} onClick={openPicker} data-testid="range-pick" title={t('overview.range.pickTitle')}>
          {t('overview.range.pick')}
        </button>
        {range === null ? (
          <button type="button" className={`pause ${paused ? 'on' : ''}`} onClick={() => setPaused(!paused)} data-testid="pause" aria-pressed={paused}>
            {paused ? `▶ ${t('overview.range.resume')}` : `❚❚ ${t('overview.range.pause')}`}
          </button>
        ) : (
          <button type="button" className="pause" onClick={() => setChartWindow(windowKey)} data-testid="go-live" title={t('overview.range.liveTitle')}>
            ● {t('overview.range.live')}
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
            {t('overview.range.from')} <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" />
          </label>
          <label>
            {t('overview.range.to')} <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" />
          </label>
          <button type="submit" className="primary" disabled={pickError !== null || fromMs === null || toMs === null} data-testid="range-apply">
            {t('overview.range.show')}
          </button>
          {pickError && <span className="field-error">{pickError}</span>}
        </form>
      )}
      {range !== null && (
        <p className="range-label muted small" data-testid="range-label">
          {fmtWhen(f, range.fromMs, range.toMs - range.fromMs)} → {fmtWhen(f, range.toMs, range.toMs - range.fromMs)}
          {loading ? ` · ${t('overview.range.loading')}` : ''}
          {storage?.mode === 'memory' ? ` · ${t('overview.range.memoryOnly')}` : ''}
          {` · ${t('overview.range.dragHint')}`}
        </p>
      )}
      <StorageNote />
    </div>
  );
}
