import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { decideNavigation, isPermissionAllowed, isSafeExternalUrl } from './window-policy.ts';

export interface AppWindowOptions {
  /** The built preload script (CommonJS: sandboxed preloads cannot be ES modules). */
  preloadPath: string;
  /** The console's entry page on the app scheme. */
  entryUrl: string;
  /** Developer tools: for development builds only, not in the installed app. */
  devTools: boolean;
  /** The window's icon (Linux and Windows; macOS takes the bundle's), or null to leave Electron's. */
  iconPath: string | null;
}

/**
 * The console window, configured by Electron's security checklist: the page runs
 * sandboxed, with context isolation and without Node; it reaches the engine only through
 * the preload's two-function bridge. Each option is spelled out even where it is already
 * Electron's default, so a future default change or a careless edit shows up in review
 * (and electronegativity checks them).
 */
export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Hotpath',
    show: false,
    backgroundColor: '#101317',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
      // A middle click on a link would otherwise try to open it in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.entryUrl).catch((error: unknown) => {
    // Shown anyway: a window that never appears would leave the user with nothing to close.
    console.error(`Hotpath could not load ${options.entryUrl}: ${error instanceof Error ? error.message : String(error)}`);
    if (!window.isDestroyed()) window.show();
  });
  return window;
}

/**
 * Limits what any web contents may do (installed from `web-contents-created`, so it covers
 * every one the app ever creates): no navigation away from our pages, no new windows, no
 * <webview>. http(s) links go to the user's browser after a check.
 */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => enforceNavigation(event, event.url));
  contents.on('will-redirect', (event) => enforceNavigation(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openInBrowser(url);
    return { action: 'deny' };
  });
}

/** Refuses every permission a page asks for, except clipboard writes from our own pages. */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}

function enforceNavigation(event: { preventDefault(): void }, url: string): void {
  const decision = decideNavigation(url);
  if (decision === 'allow') return;
  event.preventDefault();
  if (decision === 'open-externally') openInBrowser(url);
}

function openInBrowser(url: string): void {
  // Checked by the callers with isSafeExternalUrl: only plain http(s) URLs reach the shell.
  shell.openExternal(url).catch((error: unknown) => {
    console.warn(`Could not open ${url} in the browser: ${error instanceof Error ? error.message : String(error)}`);
  });
}
