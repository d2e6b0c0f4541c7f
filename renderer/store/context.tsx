// How components reach the dashboard instance main.tsx created (createDashboard): through React
// context. <DashboardProvider> wraps the app; useDashboardStore() is the instance (its actions);
// useDashboard / useTuning / useAlerts select narrowly from its stores. The dashboard's localization
// (renderer/i18n.tsx) reaches them through its own context (useT, useFormat) and react-i18next's
// provider (<Trans>).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { LocalizationProvider } from '../i18n';
import type { AlertsStore } from './alerts';
import type { Dashboard } from './create-dashboard';
import type { DashboardState } from './dashboard';
import type { TuningStore } from './tuning';

const DashboardContext = createContext<Dashboard | null>(null);

export function DashboardProvider({ dashboard, children }: { dashboard: Dashboard; children?: ReactNode }) {
  return (
    <DashboardContext.Provider value={dashboard}>
      <LocalizationProvider localization={dashboard.localization}>{children}</LocalizationProvider>
    </DashboardContext.Provider>
  );
}

/** The dashboard instance of the surrounding <DashboardProvider>. */
export function useDashboardStore(): Dashboard {
  const d = useContext(DashboardContext);
  if (d === null) throw new Error('no dashboard here: render the component inside <DashboardProvider>');
  return d;
}

export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(useDashboardStore().dashboard.store, selector);
}

export function useTuning<T>(selector: (s: TuningStore) => T): T {
  return useStore(useDashboardStore().tuning.store, selector);
}

export function useAlerts<T>(selector: (s: AlertsStore) => T): T {
  return useStore(useDashboardStore().alerts.store, selector);
}
