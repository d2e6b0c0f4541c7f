// Stand-in for the `electron` module in the plain-Node project (electron/tsconfig.json maps `electron`
// here): the collector, CLI, serve and the helper client run without Electron, so importing anything
// from it there is a type error. The shell (tsconfig.shell.json) sees the real electron.d.ts.
export {};
