import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startDashboard } from './store/wiring';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<App />);
  void startDashboard(window);
}
