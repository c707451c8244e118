import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findElectronBinary } from '../find-electron.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { serve, type ServeOptions } from './serve.ts';

const ELECTRON_MAIN = join(PACKAGE_ROOT, 'out/main/index.js');

/**
 * `hotpath start`: the desktop window when an Electron binary is installed; otherwise the
 * same console in the browser (browser mode), saying why.
 */
export async function start(options: ServeOptions, forwardedArgs: string[]): Promise<void> {
  const electron = findElectronBinary();
  if (electron && existsSync(ELECTRON_MAIN)) {
    process.stderr.write(`Opening the Hotpath window (${electron}).\n`);
    const child = spawn(electron, [PACKAGE_ROOT, ...forwardedArgs], { stdio: 'inherit' });
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => {
        process.exitCode = code ?? 1;
        resolve();
      });
    });
    return;
  }
  const why = electron
    ? 'the desktop app is not built (run `npm run build:electron`)'
    : 'no Electron binary is installed (it cannot be downloaded here; set ELECTRON_PATH to use one)';
  process.stderr.write(`Starting the console in your browser: ${why}.\n`);
  await serve({ ...options, openBrowser: true });
}
