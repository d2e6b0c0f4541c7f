// The Alerts view: what is alerting now and what cleared lately (when, how long, why, how severe, about
// what, and a link to the view it concerns), browser notifications over `waitline serve`, and the
// alert settings with inline validation (the same validateAlertSettings main and serve run).
import { memo, useEffect, useMemo, useState } from 'react';
import { ALERT_SETTING_LIMITS, type Alert } from '../../../shared/alerts';
import { alertTitle } from '../../../shared/alert-text';
import { fmtClock, fmtDuration } from '../../format';
import { useAlerts, useDashboard, useDashboardStore } from '../../store/context';
import { VIEWS } from '../../store/dashboard';
import { errorsByField, NUMERIC_SETTINGS, planAlertSettings, sortActive, type AlertDrafts } from './model';

function viewLabel(view: string): string {
  return VIEWS.find((v) => v.name === view)?.label ?? view;
}

const AlertRow = memo(function AlertRow({ a, now }: { a: Alert; now: number }) {
  const cleared = a.clearedAt !== null;
  const lasted = ((a.clearedAt ?? now) - a.raisedAt) / 1000;
  const { setView } = useDashboardStore().dashboard;
  return (
    <li className={`alert-item alert-${a.severity}`} data-testid={cleared ? 'alert-recent' : 'alert-active'}>
      <div className="alert-item-head">
        <span className={`pill sev-${a.severity}`}>{a.severity}</span> <strong>{alertTitle(a)}</strong>
      </div>
      <div className="alert-when small muted" data-testid="alert-when">
        {cleared
          ? `raised ${fmtClock(a.raisedAt)}, cleared ${fmtClock(a.clearedAt!)} — lasted ${fmtDuration(lasted)}`
          : `raised ${fmtClock(a.raisedAt)} — active for ${fmtDuration(lasted)}${a.conditionGoneAt !== null ? `; condition gone since ${fmtClock(a.conditionGoneAt)}, clearing` : ''}`}
      </div>
      <p className="alert-why" data-testid="alert-why">
        {a.message}
      </p>
      <button type="button" className="link" onClick={() => setView(a.view)} data-testid="alert-link">
        Show in {viewLabel(a.view)}
      </button>
    </li>
  );
});

function AlertLists() {
  const alerts = useDashboard((s) => s.snapshot?.alerts ?? null);
  const now = useDashboard((s) => s.snapshot?.time ?? Date.now());
  const hasSnapshot = useDashboard((s) => s.snapshot !== null);
  const active = useMemo(() => sortActive(alerts?.active ?? []), [alerts]);
  if (!hasSnapshot) return <p className="empty">Waiting for the first snapshot from the collector…</p>;
  if (!alerts) return <p className="empty">This collector does not evaluate alerts.</p>;
  return (
    <div className="two-col">
      <div className="card">
        <div className="card-head">
          <h3>Active ({active.length})</h3>
        </div>
        {active.length === 0 ? (
          <p className="empty">Nothing is alerting.</p>
        ) : (
          <ul className="alert-list" data-testid="alerts-active">
            {active.map((a) => (
              <AlertRow key={a.id} a={a} now={now} />
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <div className="card-head">
          <h3>Recently cleared</h3>
        </div>
        {alerts.recent.length === 0 ? (
          <p className="empty">No alert has cleared yet.</p>
        ) : (
          <ul className="alert-list" data-testid="alerts-recent">
            {alerts.recent.map((a) => (
              <AlertRow key={`${a.id}@${a.raisedAt}`} a={a} now={now} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function BrowserNotifications() {
  const transport = useDashboard((s) => s.transport);
  const permission = useAlerts((s) => s.permission);
  const { requestBrowserNotifications } = useDashboardStore().alerts;
  if (transport !== 'serve' || permission === null) return null;
  return (
    <div className="card" data-testid="browser-notifications">
      <div className="card-head">
        <h3>Desktop notifications</h3>
      </div>
      {permission === 'unsupported' && <p className="muted">This browser cannot show notifications.</p>}
      {permission === 'denied' && <p className="muted">Notifications are blocked for this page; allow them in the browser’s site settings.</p>}
      {permission === 'granted' && <p className="muted">On: new and escalating alerts appear as notifications while this page is open.</p>}
      {permission === 'default' && (
        <button type="button" onClick={() => void requestBrowserNotifications()} data-testid="enable-notifications">
          Enable desktop notifications
        </button>
      )}
    </div>
  );
}

function AlertSettingsPanel() {
  const settings = useAlerts((s) => s.settings);
  const loadError = useAlerts((s) => s.loadError);
  const saving = useAlerts((s) => s.saving);
  const serverErrors = useAlerts((s) => s.serverErrors);
  const message = useAlerts((s) => s.message);
  const [drafts, setDrafts] = useState<AlertDrafts>({});
  const { load: loadAlertSettings, save: saveAlertSettings } = useDashboardStore().alerts;
  useEffect(() => {
    void loadAlertSettings();
  }, [loadAlertSettings]);
  const plan = useMemo(() => (settings ? planAlertSettings(settings, drafts) : null), [settings, drafts]);
  if (loadError) return <div className="card banner error" data-testid="alert-settings-error">{loadError}</div>;
  if (!settings || !plan) return <div className="card muted">Loading the alert settings…</div>;
  const server = errorsByField(serverErrors);
  const save = async () => {
    if (!plan.valid || !plan.changed || saving) return; // nothing invalid is ever sent
    if (await saveAlertSettings(plan.patch)) setDrafts({});
  };
  return (
    <form
      className="card alert-settings"
      data-testid="alert-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="card-head">
        <h3>Alert settings</h3>
        <span className="muted small">why each default: docs/alerts.md</span>
      </div>
      <div className="alert-toggles">
        <label>
          <input
            type="checkbox"
            checked={drafts.enabled ?? settings.enabled}
            onChange={(e) => setDrafts({ ...drafts, enabled: e.target.checked })}
            data-testid="alert-setting-enabled"
          />{' '}
          Evaluate alerts
        </label>
        <label>
          <input
            type="checkbox"
            checked={drafts.notify ?? settings.notify}
            onChange={(e) => setDrafts({ ...drafts, notify: e.target.checked })}
            data-testid="alert-setting-notify"
          />{' '}
          Desktop notifications for new, escalating and repeated alerts
        </label>
      </div>
      <div className="alert-fields">
        {NUMERIC_SETTINGS.map((k) => {
          const lim = ALERT_SETTING_LIMITS[k];
          const error = plan.errors[k] ?? server[k] ?? null;
          return (
            <label key={k} className={`alert-field ${error ? 'invalid' : ''}`}>
              <span className="alert-field-label">{lim.label}</span>
              <span className="alert-field-input">
                <input
                  type="text"
                  inputMode="decimal"
                  value={drafts[k] ?? String(settings[k])}
                  onChange={(e) => setDrafts({ ...drafts, [k]: e.target.value })}
                  aria-invalid={error ? true : undefined}
                  data-testid={`alert-setting-${k}`}
                />{' '}
                <span className="muted">{lim.unit}</span>
              </span>
              <span className="muted small">
                {lim.min}–{lim.max} {lim.unit}
              </span>
              {error && (
                <span className="field-error small" role="alert" data-testid={`alert-error-${k}`}>
                  {error}
                </span>
              )}
            </label>
          );
        })}
      </div>
      {(plan.errors[''] || server['']) && (
        <p className="field-error small" role="alert">
          {plan.errors[''] ?? server['']}
        </p>
      )}
      <div className="alert-actions">
        <button type="submit" disabled={!plan.valid || !plan.changed || saving} data-testid="alert-settings-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={!plan.changed && Object.keys(drafts).length === 0} onClick={() => setDrafts({})}>
          Discard changes
        </button>
        {message && (
          <span className={message.kind === 'ok' ? 'ok-text' : 'field-error'} data-testid="alert-settings-message">
            {message.text}
            {serverErrors.length > 0 && ` ${serverErrors.map((e) => e.message).join('; ')}`}
          </span>
        )}
      </div>
    </form>
  );
}

export function AlertsView() {
  return (
    <section className="view" aria-labelledby="alerts-title">
      <div className="view-head">
        <h2 id="alerts-title">Alerts</h2>
      </div>
      <AlertLists />
      <BrowserNotifications />
      <AlertSettingsPanel />
    </section>
  );
}
