import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The Electron executable, if this machine has one: `ELECTRON_PATH`, else the binary the
 * `electron` package downloaded at install time. The package's index throws when its
 * download was skipped or failed (as on machines that reach only the npm registry).
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ELECTRON_PATH) return existsSync(env.ELECTRON_PATH) ? env.ELECTRON_PATH : null;
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
