import type { Plugin } from 'esbuild';
export declare const sqliteBinding: Plugin;
