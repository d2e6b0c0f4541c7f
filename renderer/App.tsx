import { useEffect } from 'react';
import type { ViewName } from '../shared/api';
import { renderMsg } from '../shared/i18n';
import { AlertBanner, AttentionBadge } from './features/alerts/AlertBanner';
import { AlertsView } from './features/alerts/AlertsView';
import { ConnectionsView } from './features/connections/ConnectionsView';
import { ExportMenu } from './features/export/ExportMenu';
import { OverviewView } from './features/overview/OverviewView';
import { TimeWaitView } from './features/timewait/TimeWaitView';
import { TuningView } from './features/tuning/TuningView';
import { useDashboard, useDashboardStore } from './store/context';
import { VIEWS, type UiText } from './store/dashboard';
import { LanguageSwitch, useFormat, useMsgText, useT } from './i18n';

/** Store text (a catalog message or a sentence from outside Waitline) in the page's language. */
function useUiText(): (x: UiText) => string {
  const t = useT();
  return (x) => (typeof x === 'string' ? x : renderMsg(t, x));
}

function StatusLine() {
  const status = useDashboard((s) => s.status);
  const time = useDashboard((s) => s.snapshot?.time ?? null);
  const source = useDashboard((s) => s.snapshot?.health.socketSource ?? null);
  const duration = useDashboard((s) => s.snapshot?.health.durationMs ?? null);
  const total = useDashboard((s) => s.snapshot?.totalSockets ?? null);
  const t = useT();
  const f = useFormat();
  const live = status === null || status.state === 'running';
  return (
    <div className="status-line" data-testid="status-line">
      <span className={`live-dot ${live && time ? 'on' : 'off'}`} aria-hidden />
      {time ? (
        <span>
          {t('app.status.sockets', { count: total ?? 0, n: f.count(total) })} · {f.clock(time)} · {source}
          {duration !== null ? ` · ${f.millis(duration)}` : ''}
        </span>
      ) : (
        <span>{t('app.status.waiting')}</span>
      )}
    </div>
  );
}

function Header() {
  const info = useDashboard((s) => s.info);
  const view = useDashboard((s) => s.view);
  const { setView } = useDashboardStore().dashboard;
  const t = useT();
  return (
    <header className="app-header">
      <div className="brand">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden>
          <circle cx="12" cy="12" r="10" fill="none" stroke="var(--accent)" strokeWidth="2.5" />
          <path d="M12 6v6l4 2" fill="none" stroke="var(--accent)" strokeWidth="2.5" strokeLinecap="round" />
        </svg>
        <span className="brand-name">Waitline</span>
        {info && (
          <span className="host muted" title={t('app.header.host', { host: info.hostname, kernel: info.kernel })}>
            {t('app.header.host', { host: info.hostname, kernel: info.kernel })}
          </span>
        )}
        {/* beside the host name, not inside it: a long host name is cut short, the badge never */}
        {info?.readOnly && <span className="badge">{t('app.header.readOnly')}</span>}
      </div>
      <nav className="tabs" role="tablist" aria-label={t('app.header.views')}>
        {VIEWS.map((v) => (
          <button
            key={v.name}
            type="button"
            role="tab"
            id={`tab-${v.name}`}
            aria-selected={view === v.name}
            tabIndex={view === v.name ? 0 : -1}
            onClick={() => setView(v.name)}
            title={t('app.header.tabTitle', { label: t(v.label), key: v.key })}
            data-testid={`nav-${v.name}`}
          >
            {t(v.label)}
            {v.name === 'overview' && <AttentionBadge />}
          </button>
        ))}
      </nav>
      <div className="header-tools">
        <ExportMenu />
        <LanguageSwitch />
      </div>
      <StatusLine />
    </header>
  );
}

/** Banners for everything that is not "all good": the user is never left with a blank window. */
function Banners() {
  const status = useDashboard((s) => s.status);
  const notice = useDashboard((s) => s.notice);
  const t = useT();
  const f = useFormat();
  const msgText = useMsgText();
  const uiText = useUiText();
  return (
    <>
      {status && status.state !== 'running' && (
        <div className={`banner ${status.state === 'failed' ? 'error' : 'warn'}`} role="status" data-testid="collector-status">
          {status.state === 'starting' && t('app.collector.starting')}
          {status.state === 'restarting' &&
            (status.nextRestartAt ? t('app.collector.restartingAt', { time: f.clock(status.nextRestartAt) }) : t('app.collector.restarting'))}
          {status.state === 'failed' && t('app.collector.failed')} {msgText(status.msg, status.message)}
        </div>
      )}
      {notice && <div className="banner warn">{uiText(notice)}</div>}
      <AlertBanner />
    </>
  );
}

function CurrentView({ view }: { view: ViewName }) {
  switch (view) {
    case 'overview':
      return <OverviewView />;
    case 'timewait':
      return <TimeWaitView />;
    case 'connections':
      return <ConnectionsView />;
    case 'tuning':
      return <TuningView />;
    case 'alerts':
      return <AlertsView />;
  }
}

/** Keyboard: Alt+1…5 (or Ctrl+1…5) pick a view; ←/→ move between tabs when the tab bar has focus. */
function useKeyboardNavigation() {
  const { setView } = useDashboardStore().dashboard;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if ((e.altKey || e.ctrlKey) && !e.shiftKey) {
        const v = VIEWS.find((x) => x.key === e.key);
        if (v) {
          e.preventDefault();
          setView(v.name);
          document.getElementById(`tab-${v.name}`)?.focus();
          return;
        }
      }
      if (target?.getAttribute('role') === 'tab' && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
        e.preventDefault();
        const i = VIEWS.findIndex((x) => `tab-${x.name}` === target.id);
        const next = VIEWS[(i + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length];
        setView(next.name);
        document.getElementById(`tab-${next.name}`)?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);
}

export function App() {
  const fatal = useDashboard((s) => s.fatal);
  const hasSnapshot = useDashboard((s) => s.snapshot !== null);
  const view = useDashboard((s) => s.view);
  const status = useDashboard((s) => s.status);
  const t = useT();
  const uiText = useUiText();
  useKeyboardNavigation();
  return (
    <div className="app">
      <Header />
      <main id="main" role="tabpanel" aria-labelledby={`tab-${view}`}>
        {fatal ? (
          <div className="fatal card" role="alert" data-testid="fatal">
            <h2>{t('app.fatal.title')}</h2>
            <p>{uiText(fatal)}</p>
          </div>
        ) : (
          <>
            <Banners />
            {hasSnapshot || view === 'tuning' || view === 'alerts' ? (
              <CurrentView view={view} />
            ) : (
              <div className="waiting card" data-testid="waiting">
                <div className="spinner" aria-hidden />
                <p>
                  {status?.state === 'failed' ? t('app.waiting.noCollector') : t('app.waiting.first')}
                </p>
              </div>
            )}
          </>
        )}
      </main>
    </div>
  );
}
