/**
 * Starts a `node:worker_threads` Worker that runs one of our modules, whether the engine runs from its TypeScript
 * sources or from the Electron bundle.
 *
 * From the sources (tsx, vitest) the worker's module is TypeScript, so the worker needs tsx's loader just as the
 * main thread does (app/cli/hotpath.mjs calls tsx's `register()`; vitest transforms sources itself, but a worker
 * is a fresh isolate that neither reaches). On Node 20 `execArgv: ['--import', 'tsx']` does not apply the hooks
 * to the worker's entry module ("Unknown file extension .ts"), so a tiny JavaScript bootstrap registers tsx
 * inside the worker and then imports the TypeScript entry. tsx is located from this file, not the working
 * directory, so this works wherever the process was started.
 *
 * From a bundle the caller is JavaScript and expects the worker built next to it as `<name>.js`: electron-vite
 * builds out/main/ (electron.vite.config.ts) and the package's CLI build dist/cli/ (tools/cli.vite.config.ts),
 * each with the workers as entries of their own beside the code that starts them. Nothing there needs tsx, so the
 * installed package runs without it. The name is assembled at run time so the bundler does not try to resolve it
 * as an asset.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * @param callerUrl the caller's `import.meta.url`: the worker module sits in the caller's folder
 * @param name the worker module's file name without extension, e.g. `model-trainer-worker`
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  if (!fromSource) return new Worker(new URL(`./${name}${'.js'}`, callerUrl), options);
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const exportsMap = JSON.parse(readFileSync(packageJson, 'utf8')).exports as Record<string, { import: { default: string } }>;
  const api = pathToFileURL(join(dirname(packageJson), exportsMap['./esm/api']!.import.default)).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
