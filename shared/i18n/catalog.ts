// The message catalogs (docs/i18n.md): one JSON file per area and language under locales/, plain
// JSON a translator edits without touching code. English is the reference: its shape is the type of
// every key (CustomTypeOptions below), so a missing or misspelt key fails to compile; the catalog test
// (test/unit/shared/i18n-catalog.test.ts) holds zh-CN to the same keys and interpolation variables.

import enCommon from './locales/en/common.json';
import enApp from './locales/en/app.json';
import enOverview from './locales/en/overview.json';
import enTimewait from './locales/en/timewait.json';
import enConnections from './locales/en/connections.json';
import enTuning from './locales/en/tuning.json';
import enKnobs from './locales/en/knobs.json';
import enAlerts from './locales/en/alerts.json';
import enExport from './locales/en/export.json';
import enCli from './locales/en/cli.json';
import enMain from './locales/en/main.json';
import enHost from './locales/en/host.json';
import zhCNCommon from './locales/zh-CN/common.json';
import zhCNApp from './locales/zh-CN/app.json';
import zhCNOverview from './locales/zh-CN/overview.json';
import zhCNTimewait from './locales/zh-CN/timewait.json';
import zhCNConnections from './locales/zh-CN/connections.json';
import zhCNTuning from './locales/zh-CN/tuning.json';
import zhCNKnobs from './locales/zh-CN/knobs.json';
import zhCNAlerts from './locales/zh-CN/alerts.json';
import zhCNExport from './locales/zh-CN/export.json';
import zhCNCli from './locales/zh-CN/cli.json';
import zhCNMain from './locales/zh-CN/main.json';
import zhCNHost from './locales/zh-CN/host.json';

const en = {
  common: enCommon,
  app: enApp,
  overview: enOverview,
  timewait: enTimewait,
  connections: enConnections,
  tuning: enTuning,
  knobs: enKnobs,
  alerts: enAlerts,
  export: enExport,
  cli: enCli,
  main: enMain,
  host: enHost,
};
const zhCN = {
  common: zhCNCommon,
  app: zhCNApp,
  overview: zhCNOverview,
  timewait: zhCNTimewait,
  connections: zhCNConnections,
  tuning: zhCNTuning,
  knobs: zhCNKnobs,
  alerts: zhCNAlerts,
  export: zhCNExport,
  cli: zhCNCli,
  main: zhCNMain,
  host: zhCNHost,
};

/** The English catalog's shape: the type of every translation key. */
export type Catalog = typeof en;

/** The areas (top-level keys), one JSON file each. */
export const CATALOG_AREAS = ['common', 'app', 'overview', 'timewait', 'connections', 'tuning', 'knobs', 'alerts', 'export', 'cli', 'main', 'host'] as const;

export const CATALOGS = { en, 'zh-CN': zhCN } as const;
