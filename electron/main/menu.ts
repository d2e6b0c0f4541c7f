// The application menu: view switching (Ctrl+1…5), reload, zoom, full screen, About and a link to the
// kernel facts. Built as a plain template (Electron's MenuItemConstructorOptions) so it is tested
// without Electron; main.ts turns it into a Menu.

import type { MenuItemConstructorOptions } from 'electron';
import type { ViewName } from '../../shared/api';

export const MENU_VIEWS: readonly { view: ViewName; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'connections', label: 'Connections' },
  { view: 'timewait', label: 'TIME_WAIT' },
  { view: 'tuning', label: 'Tuning' },
  { view: 'alerts', label: 'Alerts' },
];

export interface MenuActions {
  navigate(view: ViewName): void;
  reload(): void;
  about(): void;
  /** opens an allowlisted external page */
  openExternal(url: string): void;
  quit(): void;
}

export const KERNEL_DOCS_URL = 'https://docs.kernel.org/networking/ip-sysctl.html';

export function buildMenuTemplate(actions: MenuActions, opts: { devTools: boolean }): MenuItemConstructorOptions[] {
  const viewItems: MenuItemConstructorOptions[] = MENU_VIEWS.map(({ view, label }, i) => ({
    id: `view-${view}`,
    label,
    accelerator: `CmdOrCtrl+${i + 1}`,
    click: () => actions.navigate(view),
  }));
  return [
    {
      label: '&File',
      submenu: [{ id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() }],
    },
    {
      label: '&View',
      submenu: [
        ...viewItems,
        { type: 'separator' },
        { id: 'reload', label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(opts.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const] : []),
      ],
    },
    {
      label: '&Help',
      submenu: [
        {
          id: 'kernel-docs',
          label: 'Kernel sysctl documentation',
          click: () => actions.openExternal(KERNEL_DOCS_URL),
        },
        { type: 'separator' },
        { id: 'about', label: 'About Waitline', click: () => actions.about() },
      ],
    },
  ];
}
