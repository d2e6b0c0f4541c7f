// The app as main.tsx launches it, for the jsdom tests: the bridge picks the transport for the page
// at `url` (the Electron preload when `api` is given as window.waitline, else serve from the URL), its
// WaitlineApi goes to a new dashboard, <App /> renders over it, and the dashboard starts.
import { act, render } from '@testing-library/react';
import { App } from '../../../renderer/App';
import { initBridge } from '../../../renderer/bridge';
import { DashboardProvider } from '../../../renderer/store/context';
import { createDashboard, type Dashboard } from '../../../renderer/store/create-dashboard';
import type { Localization } from '../../../renderer/i18n';
import type { WaitlineApi } from '../../../shared/api';

/** `localization`: the page's language (default: English, not persisted), e.g.
 *  createLocalization({ preference: 'zh-CN', persist: false }). */
export async function launchApp(
  api: WaitlineApi | null,
  url: string,
  opts: { localization?: Localization } = {},
): Promise<{ dash: Dashboard; stop: () => void }> {
  const win = { location: new URL(url) as unknown as Location, waitline: api ?? undefined };
  const bridge = initBridge(win);
  const dash = createDashboard(bridge.api, { transport: bridge.kind, fatal: bridge.reasonMsg ?? bridge.reason, localization: opts.localization });
  render(
    <DashboardProvider dashboard={dash}>
      <App />
    </DashboardProvider>,
  );
  let stop: () => void = () => {};
  await act(async () => {
    stop = await dash.start();
  });
  return { dash, stop };
}

/** Lets pending promises (a fetch answered by the fake API) settle inside act(). */
export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}
