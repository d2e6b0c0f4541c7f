// The application menu: view switching (Ctrl+1…5), reload, zoom, full screen, About and a link to the
// kernel facts. Built as a plain template (Electron's MenuItemConstructorOptions) so it is tested
// without Electron; main.ts turns it into a Menu. Every label comes from the catalog (main.menu.*) in
// main's language (./locale.ts), role items included (Electron's own role labels are English on Linux);
// ids and accelerators are the same in every language.

import type { MenuItemConstructorOptions } from 'electron';
import type { ViewName } from '../../shared/api';
import { enT, renderMsg, type MsgKey, type TFunction } from '../../shared/i18n';

export const MENU_VIEWS: readonly ViewName[] = ['overview', 'connections', 'timewait', 'tuning', 'alerts'];

export interface MenuActions {
  navigate(view: ViewName): void;
  reload(): void;
  about(): void;
  /** opens an allowlisted external page */
  openExternal(url: string): void;
  quit(): void;
}

export const KERNEL_DOCS_URL = 'https://docs.kernel.org/networking/ip-sysctl.html';

export function buildMenuTemplate(actions: MenuActions, opts: { devTools: boolean; t?: TFunction }): MenuItemConstructorOptions[] {
  const tf = opts.t ?? enT();
  const t = (key: MsgKey): string => renderMsg(tf, { key });
  const viewItems: MenuItemConstructorOptions[] = MENU_VIEWS.map((view, i) => ({
    id: `view-${view}`,
    label: t(`main.menu.views.${view}`),
    accelerator: `CmdOrCtrl+${i + 1}`,
    click: () => actions.navigate(view),
  }));
  return [
    {
      id: 'file',
      label: t('main.menu.file'),
      submenu: [{ id: 'quit', label: t('main.menu.quit'), accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() }],
    },
    {
      id: 'view',
      label: t('main.menu.view'),
      submenu: [
        ...viewItems,
        { type: 'separator' },
        { id: 'reload', label: t('main.menu.reload'), accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
        { type: 'separator' },
        { role: 'resetZoom', label: t('main.menu.resetZoom') },
        { role: 'zoomIn', label: t('main.menu.zoomIn') },
        { role: 'zoomOut', label: t('main.menu.zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('main.menu.fullScreen') },
        ...(opts.devTools ? [{ type: 'separator' } as const, { role: 'toggleDevTools', label: t('main.menu.devTools') } as const] : []),
      ],
    },
    {
      id: 'help',
      label: t('main.menu.help'),
      submenu: [
        {
          id: 'kernel-docs',
          label: t('main.menu.kernelDocs'),
          click: () => actions.openExternal(KERNEL_DOCS_URL),
        },
        { type: 'separator' },
        { id: 'about', label: t('main.menu.about'), click: () => actions.about() },
      ],
    },
  ];
}
