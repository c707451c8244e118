import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../main/engine/index.ts';
import { defaultDataDir, maskSecretsInText } from '../../main/stack/index.ts';
import { takeEnvironmentPasswords } from '../cli/password-options.ts';
import { bringUpStack, checkStackFlags, engineSettings, type StackFlags } from '../cli/stack-startup.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol.ts';
import { hostContractOverIpc } from './ipc-contract-host.ts';
import { stopBeforeQuit } from './quit-guard.ts';
import { SafeStorageCipher } from './safe-storage-cipher.ts';
import { createAppWindow, guardWebContents, lockDownSession } from './window.ts';
import { DESKTOP_OPTIONS_ENV, readDesktopOptions } from '../cli/desktop-options.ts';

// Paths are relative to the built main script, out/main/index.js (see electron.vite.config.ts).
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
// The app icon (tools/make-icons.ts); electron-builder packs it (electron-builder.yml `files`).
const ICON_PATH = fileURLToPath(new URL('../../assets/build/icon.png', import.meta.url));

// Tests and portable setups give the app a data folder of its own (engine data, saved
// profiles, Chromium's storage); it must be set before anything reads it.
if (process.env.HOTPATH_USER_DATA) app.setPath('userData', process.env.HOTPATH_USER_DATA);

// Privileged schemes can only be registered before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Two instances would fight over the local stack's data folder: the second one hands over
// to the first (which shows its window) and leaves.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Every web contents, whenever created, gets the navigation and window-open limits.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  // A failure in start itself too (options the CLI should never have passed): said, and the app leaves
  // rather than running on without a window.
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(maskSecretsInText(`Hotpath could not start: ${error instanceof Error ? error.message : String(error)}`));
      app.exit(1);
    });
}

/**
 * The options `hotpath start` passed (desktop-options.ts), checked as `serve` checks them. The data folder is the
 * CLI's (`hotpath serve`), so both share one local stack and the saved profiles; HOTPATH_USER_DATA keeps a
 * test's data to itself.
 */
function launchOptions(dataDir: string): StackFlags | null {
  let options: StackFlags | null;
  try {
    options = readDesktopOptions(process.env, process.argv, { dataDir });
  } finally {
    // They may hold connection strings with passwords: no child of this process (Chromium's helpers, the browser
    // that shell.openExternal starts) inherits them.
    delete process.env[DESKTOP_OPTIONS_ENV];
  }
  if (!options) return null;
  if (process.env.HOTPATH_USER_DATA) options.dataDir = dataDir;
  checkStackFlags(options);
  return options;
}

function start(): void {
  const dataDir = process.env.HOTPATH_USER_DATA ? app.getPath('userData') : defaultDataDir();
  const options = launchOptions(dataDir);
  lockDownSession(session.defaultSession);
  registerAppProtocol(protocol, RENDERER_DIR);

  // Created after `ready`: safeStorage only knows its Linux backend from then on. Without
  // any OS encryption there is no cipher: the engine keeps passwords in memory and says so.
  const engine = new Engine({
    ...(options ? engineSettings(options) : { dataDir }),
    host: 'electron',
    secretCipher: safeStorage.isEncryptionAvailable() ? new SafeStorageCipher(safeStorage) : null,
    // The desktop window's only client is the operator at this machine (IPC from our own renderer, sender-checked),
    // so a connection typed there takes passwords as psql would: PGPASSWORD, ~/.pgpass, PGPASSFILE.
    clientPasswordSources: 'libpq',
  });
  const host = hostContractOverIpc(ipcMain, engine, { onRefused: (reason) => console.warn(`Hotpath: ${reason}`) });
  let quitting = false;
  stopBeforeQuit(app, async () => {
    quitting = true;
    host.dispose();
    await engine.stop();
  });

  let window = openWindow(host.attachWindow);
  // `hotpath start --local` (npm start), `--pg …`: the stack comes up with the window, as with `serve`; its
  // progress shows in the console. Without options, the console's welcome screen offers the choice.
  // PGPASSWORD and REDISCLI_AUTH are read, not taken: connections typed in this window use them too.
  if (options) {
    bringUpStack(engine, options, takeEnvironmentPasswords({ ...process.env }), (line) => console.log(`Hotpath: ${line}`)).catch(
      (error: unknown) => {
        const what = options.pg ? 'the connection to --pg' : 'the local demo stack';
        console.error(maskSecretsInText(`Hotpath: ${what} did not come up: ${error instanceof Error ? error.message : String(error)}`));
      },
    );
  }
  app.on('second-instance', () => {
    if (quitting) return;
    if (window.isDestroyed()) window = openWindow(host.attachWindow);
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // macOS: the dock icon clicked with no window open. Not while quitting: the engine is
  // stopping and nothing would answer the new window.
  app.on('activate', () => {
    if (!quitting && BrowserWindow.getAllWindows().length === 0) window = openWindow(host.attachWindow);
  });
  // The engine and the local stack live as long as the window, on every platform
  // (including macOS, where apps usually stay open): closing it is how the user stops them.
  app.on('window-all-closed', () => app.quit());
}

function openWindow(attach: (contents: WebContents) => unknown): BrowserWindow {
  const window = createAppWindow({
    preloadPath: PRELOAD_PATH,
    entryUrl: APP_ENTRY_URL,
    devTools: !app.isPackaged,
    iconPath: existsSync(ICON_PATH) ? ICON_PATH : null,
  });
  attach(window.webContents);
  return window;
}
