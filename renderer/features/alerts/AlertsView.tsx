// The Alerts view: what is alerting now and what cleared lately (when, how long, why, how severe, about
// what, and a link to the view it concerns), browser notifications over `waitline serve`, and the
// alert settings with inline validation (the same validateAlertSettings main and serve run).
import { memo, useEffect, useMemo, useState } from 'react';
import { ALERT_SETTING_LIMITS, type Alert, type AlertSettingsError } from '../../../shared/alerts';
import { alertTitleText } from '../../../shared/alert-text';
import { renderMsg, type TFunction } from '../../../shared/i18n';
import { useFormat, useMsgText, useT } from '../../i18n';
import { useAlerts, useDashboard, useDashboardStore } from '../../store/context';
import { errorsByField, NUMERIC_SETTINGS, planAlertSettings, sortActive, type AlertDrafts } from './model';

/** A field's errors in the page's language, joined (the host's English for an error without a Msg). */
function errorText(t: TFunction, errors: readonly AlertSettingsError[] | undefined): string | null {
  if (!errors || errors.length === 0) return null;
  return errors.map((e) => (e.msg ? renderMsg(t, e.msg) : e.message)).join('; ');
}

const AlertRow = memo(function AlertRow({ a, now }: { a: Alert; now: number }) {
  const t = useT();
  const f = useFormat();
  const text = useMsgText();
  const cleared = a.clearedAt !== null;
  const lasted = ((a.clearedAt ?? now) - a.raisedAt) / 1000;
  const { setView } = useDashboardStore().dashboard;
  return (
    <li className={`alert-item alert-${a.severity}`} data-testid={cleared ? 'alert-recent' : 'alert-active'}>
      <div className="alert-item-head">
        <span className={`pill sev-${a.severity}`}>{t(`alerts.severity.${a.severity}`)}</span> <strong>{alertTitleText(t, a)}</strong>
      </div>
      <div className="alert-when small muted" data-testid="alert-when">
        {cleared
          ? t('alerts.list.whenCleared', { raised: f.clock(a.raisedAt), cleared: f.clock(a.clearedAt!), lasted: f.duration(lasted) })
          : a.conditionGoneAt !== null
            ? t('alerts.list.whenClearing', { raised: f.clock(a.raisedAt), lasted: f.duration(lasted), gone: f.clock(a.conditionGoneAt) })
            : t('alerts.list.whenActive', { raised: f.clock(a.raisedAt), lasted: f.duration(lasted) })}
      </div>
      <p className="alert-why" data-testid="alert-why">
        {text(a.msg, a.message)}
      </p>
      <button type="button" className="link" onClick={() => setView(a.view)} data-testid="alert-link">
        {t('alerts.showIn', { view: t(`app.views.${a.view}`) })}
      </button>
    </li>
  );
});

function AlertLists() {
  const t = useT();
  const f = useFormat();
  const alerts = useDashboard((s) => s.snapshot?.alerts ?? null);
  const now = useDashboard((s) => s.snapshot?.time ?? Date.now());
  const hasSnapshot = useDashboard((s) => s.snapshot !== null);
  const active = useMemo(() => sortActive(alerts?.active ?? []), [alerts]);
  if (!hasSnapshot) return <p className="empty">{t('alerts.list.waiting')}</p>;
  if (!alerts) return <p className="empty">{t('alerts.list.noEngine')}</p>;
  return (
    <div className="two-col">
      <div className="card">
        <div className="card-head">
          <h3>{t('alerts.list.active', { n: f.count(active.length) })}</h3>
        </div>
        {active.length === 0 ? (
          <p className="empty">{t('alerts.list.activeEmpty')}</p>
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
          <h3>{t('alerts.list.recent')}</h3>
        </div>
        {alerts.recent.length === 0 ? (
          <p className="empty">{t('alerts.list.recentEmpty')}</p>
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
  const t = useT();
  const transport = useDashboard((s) => s.transport);
  const permission = useAlerts((s) => s.permission);
  const { requestBrowserNotifications } = useDashboardStore().alerts;
  if (transport !== 'serve' || permission === null) return null;
  return (
    <div className="card" data-testid="browser-notifications">
      <div className="card-head">
        <h3>{t('alerts.notifications.title')}</h3>
      </div>
      {permission === 'unsupported' && <p className="muted">{t('alerts.notifications.unsupported')}</p>}
      {permission === 'denied' && <p className="muted">{t('alerts.notifications.denied')}</p>}
      {permission === 'granted' && <p className="muted">{t('alerts.notifications.granted')}</p>}
      {permission === 'default' && (
        <button type="button" onClick={() => void requestBrowserNotifications()} data-testid="enable-notifications">
          {t('alerts.notifications.enable')}
        </button>
      )}
    </div>
  );
}

function AlertSettingsPanel() {
  const t = useT();
  const text = useMsgText();
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
  if (loadError) return <div className="card banner error" data-testid="alert-settings-error">{t('alerts.settings.loadError', { error: loadError })}</div>;
  if (!settings || !plan) return <div className="card muted">{t('alerts.settings.loading')}</div>;
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
        <h3>{t('alerts.settings.title')}</h3>
        <span className="muted small">{t('alerts.settings.docs', { path: 'docs/alerts.md' })}</span>
      </div>
      <div className="alert-toggles">
        <label>
          <input
            type="checkbox"
            checked={drafts.enabled ?? settings.enabled}
            onChange={(e) => setDrafts({ ...drafts, enabled: e.target.checked })}
            data-testid="alert-setting-enabled"
          />{' '}
          {t('alerts.settings.enabled')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={drafts.notify ?? settings.notify}
            onChange={(e) => setDrafts({ ...drafts, notify: e.target.checked })}
            data-testid="alert-setting-notify"
          />{' '}
          {t('alerts.settings.notify')}
        </label>
      </div>
      <div className="alert-fields">
        {NUMERIC_SETTINGS.map((k) => {
          const lim = ALERT_SETTING_LIMITS[k];
          const error = errorText(t, plan.errors[k] ?? server[k]);
          const unit = t(lim.unitKey);
          return (
            <label key={k} className={`alert-field ${error ? 'invalid' : ''}`}>
              <span className="alert-field-label">{t(lim.labelKey)}</span>
              <span className="alert-field-input">
                <input
                  type="text"
                  inputMode="decimal"
                  value={drafts[k] ?? String(settings[k])}
                  onChange={(e) => setDrafts({ ...drafts, [k]: e.target.value })}
                  aria-invalid={error ? true : undefined}
                  data-testid={`alert-setting-${k}`}
                />{' '}
                <span className="muted">{unit}</span>
              </span>
              <span className="muted small">{t('alerts.settings.range', { min: lim.min, max: lim.max, unit })}</span>
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
          {errorText(t, plan.errors[''] ?? server[''])}
        </p>
      )}
      <div className="alert-actions">
        <button type="submit" disabled={!plan.valid || !plan.changed || saving} data-testid="alert-settings-save">
          {saving ? t('alerts.settings.saving') : t('alerts.settings.save')}
        </button>
        <button type="button" disabled={!plan.changed && Object.keys(drafts).length === 0} onClick={() => setDrafts({})}>
          {t('alerts.settings.discard')}
        </button>
        {message && (
          <span className={message.kind === 'ok' ? 'ok-text' : 'field-error'} data-testid="alert-settings-message">
            {text(message.msg, message.text)}
            {serverErrors.length > 0 && ` ${errorText(t, serverErrors)}`}
          </span>
        )}
      </div>
    </form>
  );
}

export function AlertsView() {
  const t = useT();
  return (
    <section className="view" aria-labelledby="alerts-title">
      <div className="view-head">
        <h2 id="alerts-title">{t('alerts.list.title')}</h2>
      </div>
      <AlertLists />
      <BrowserNotifications />
      <AlertSettingsPanel />
    </section>
  );
}
