import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console UI (renderer/) as static files in out/renderer/: served by the headless
 * server in browser mode and by the app scheme in Electron (electron.vite.config.ts
 * reuses this object). `base: './'` keeps every asset URL relative, so the same build
 * works under http://127.0.0.1:PORT/ and under the Electron scheme.
 */
export const rendererConfig: UserConfig = {
  root: fileURLToPath(new URL('./renderer/', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    // Absolute: a relative outDir would be resolved against `root` (renderer/).
    outDir: fileURLToPath(new URL('./out/renderer/', import.meta.url)),
    emptyOutDir: true,
    // No inline scripts or data: modules, whatever their size: the CSP allows script-src 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // One bundle of ~700 kB (React + recharts) read from the local disk or 127.0.0.1: splitting would not make it faster.
    chunkSizeWarningLimit: 1024,
  },
  envDir: ROOT,
};

export default defineConfig(rendererConfig);
