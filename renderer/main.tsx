import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initBridge } from './bridge';
import { createDashboard } from './store/create-dashboard';
import { DashboardProvider } from './store/context';

const root = document.getElementById('root');
if (root) {
  // the one dashboard of this page, over the WaitlineApi the bridge picked
  const bridge = initBridge(window);
  const dashboard = createDashboard(bridge.api, { transport: bridge.kind, fatal: bridge.reason, env: window });
  createRoot(root).render(
    <DashboardProvider dashboard={dashboard}>
      <App />
    </DashboardProvider>,
  );
  void dashboard.start();
}
