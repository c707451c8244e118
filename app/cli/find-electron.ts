import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Electron's executable. Since Electron 42 the `electron` package has no install script: its binary is
 * downloaded on first use, and `require('electron')` does that download synchronously, printing to the
 * terminal. So nothing here requires the package: the binary is looked up where its installer puts it
 * (`dist/` + the name in `path.txt`), and downloaded only when `hotpath start` asks for it (installElectronBinary).
 */

/** The `electron` package's folder, or null where it is not installed (a production install). */
function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The Electron executable, if this machine has one: `ELECTRON_PATH` (null when it names nothing), else the
 * binary the `electron` package downloaded (`ELECTRON_OVERRIDE_DIST_PATH` honoured, as by the package itself).
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ELECTRON_PATH) return existsSync(env.ELECTRON_PATH) ? env.ELECTRON_PATH : null;
  const dir = electronPackageDir();
  if (!dir) return null;
  const pathFile = join(dir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron')
    : name && join(dir, 'dist', name);
  return binary && existsSync(binary) ? binary : null;
}

export type ElectronInstall = { installed: true } | { installed: false; reason: string };

/**
 * Runs the `electron` package's own installer (what `npx install-electron` runs): it downloads the binary of
 * the pinned version from GitHub (or ELECTRON_MIRROR), checks it against the package's checksums and unpacks
 * it into the package. Its progress goes to stderr; on failure, its last line is the reason.
 */
export async function installElectronBinary(env: NodeJS.ProcessEnv = process.env): Promise<ElectronInstall> {
  const dir = electronPackageDir();
  if (!dir) return { installed: false, reason: 'the electron package is not installed (it is a development dependency)' };
  const child = spawn(process.execPath, [join(dir, 'install.js')], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (code === 0 && findElectronBinary({ ...env, ELECTRON_PATH: undefined })) return { installed: true };
  // The installer prints a stack trace; its first line says what failed (e.g. "TypeError: fetch failed").
  const firstLine = errors.split('\n').find((line) => line.trim() !== '') ?? `the installer exited with code ${code}`;
  return { installed: false, reason: firstLine.trim() };
}
