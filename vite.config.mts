// Renderer build: renderer/ → dist/renderer, relative asset paths so the same build loads from
// file:// in Electron and from `waitline serve`. TSX is handled by Vite's built-in transform.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
