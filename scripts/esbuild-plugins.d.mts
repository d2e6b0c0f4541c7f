import type { Plugin } from 'esbuild';
export declare const sqliteBinding: Plugin;
export declare const cjsImportMetaUrl: { define: Record<string, string>; banner: { js: string } };
