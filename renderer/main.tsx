import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initBridge } from './bridge';
import { createDashboard } from './store/create-dashboard';
import { createLocalization } from './i18n';
import { DashboardProvider } from './store/context';

const root = document.getElementById('root');
if (root) {
  // the one dashboard of this page, over the WaitlineApi the bridge picked
  const bridge = initBridge(window);
  const api = bridge.api;
  const localization = createLocalization({
    systemTags: navigator.languages,
    document,
  });
  const dashboard = createDashboard(api, { transport: bridge.kind, fatal: bridge.reasonMsg ?? bridge.reason, env: window, localization });
  createRoot(root).render(
    <DashboardProvider dashboard={dashboard}>
      <App />
    </DashboardProvider>,
  );
  void dashboard.start();
}
