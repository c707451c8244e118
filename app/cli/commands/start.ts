import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { desktopEnvironment } from '../desktop-options.ts';
import { decideDesktopWindow, mayDownloadElectron } from '../desktop-window.ts';
import { findElectronBinary, installElectronBinary } from '../find-electron.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { checkStackFlags, engineSettings } from '../stack-startup.ts';
import { serve, type ServeOptions } from './serve.ts';

const ELECTRON_MAIN = join(PACKAGE_ROOT, 'out/main/index.js');

/**
 * `hotpath start`: the desktop window, with the same stack options as `serve` (handed over as
 * desktop-options.ts describes); Electron's binary is downloaded at the first start, as `npx electron` would.
 * Where the window cannot open (no build, no binary, no display) it says why and what to do, and serves the
 * same console in the browser instead. Nothing of the command line is forwarded: the options travel in the
 * environment, never on Electron's command line.
 */
export async function start(options: ServeOptions): Promise<void> {
  // Refused here, on the terminal, before a window or a browser is chosen.
  checkStackFlags(options);
  engineSettings(options);
  const mainBuilt = existsSync(ELECTRON_MAIN);
  let binary = findElectronBinary();
  let installFailure: string | null = null;
  if (mainBuilt && !binary && mayDownloadElectron(process.env)) {
    process.stderr.write("Downloading Electron's binary for the desktop window (once; later starts use it)…\n");
    const install = await installElectronBinary();
    if (install.installed) binary = findElectronBinary();
    else installFailure = install.reason;
  }
  const decision = decideDesktopWindow({ mainBuilt, binary, installFailure, env: process.env, platform: process.platform });
  if (decision.open) {
    const opened = await runDesktopApp(decision.binary, options);
    if (opened.ran) return;
    process.stderr.write(`The desktop window cannot open: ${decision.binary} did not start (${opened.error}).\n`);
  } else {
    process.stderr.write(`The desktop window cannot open here: ${decision.reason}.\n${decision.fix}\n`);
  }
  process.stderr.write('Starting the console in your browser instead.\n');
  // On the user's desktop the engine shares the machine: no CPU is kept for it (serve's --no-dedicated-core).
  await serve({ ...options, openBrowser: true, dedicatedCore: false });
}

/** Runs Electron on the package until the app quits; its exit code becomes ours. */
async function runDesktopApp(binary: string, options: ServeOptions): Promise<{ ran: true } | { ran: false; error: string }> {
  process.stderr.write(`Opening the Hotpath window (${binary}).\n`);
  const child = spawn(binary, [PACKAGE_ROOT], { stdio: 'inherit', env: desktopEnvironment(options, process.env) });
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ ran: false, error: error.message }));
    child.on('exit', (code, signal) => {
      process.exitCode = code ?? (signal ? 128 : 1);
      resolve({ ran: true });
    });
  });
}
