/**
 * Whether `hotpath start` can open the desktop window here, and if not, why and what to do: pure, so each case is
 * tested without an Electron binary or a display. The order is the order of the fixes: build, binary, display.
 */

export interface DesktopCheck {
  /** out/main/index.js exists (built by `npm run build`, which `npm ci` runs through `prepare`). */
  mainBuilt: boolean;
  /** The Electron executable found, or null. */
  binary: string | null;
  /** Why the binary could not be installed just now, or null when no install was tried. */
  installFailure: string | null;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

export type DesktopDecision = { open: true; binary: string } | { open: false; reason: string; fix: string };

const GET_ELECTRON =
  'Run `npx install-electron --no` on a machine that reaches github.com (or set ELECTRON_MIRROR), or set ELECTRON_PATH to an Electron executable.';

export function decideDesktopWindow(check: DesktopCheck): DesktopDecision {
  if (!check.mainBuilt) {
    return { open: false, reason: 'the desktop app is not built (out/main is missing)', fix: 'Run `npm run build`.' };
  }
  if (!check.binary) {
    if (check.env.ELECTRON_PATH) {
      return { open: false, reason: `ELECTRON_PATH is ${check.env.ELECTRON_PATH}, which does not exist`, fix: GET_ELECTRON };
    }
    const reason = check.installFailure
      ? `Electron's binary could not be downloaded (${check.installFailure})`
      : "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set)";
    return { open: false, reason, fix: GET_ELECTRON };
  }
  // Linux without an X11 or Wayland display (a server, a container, SSH without forwarding): Electron would abort.
  if (check.platform === 'linux' && !check.env.DISPLAY && !check.env.WAYLAND_DISPLAY) {
    return {
      open: false,
      reason: 'there is no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set)',
      fix: 'Run it in a desktop session, or use the console in a browser: `hotpath serve`, through an SSH tunnel from another machine.',
    };
  }
  return { open: true, binary: check.binary };
}

/** Whether to download Electron's binary when it is missing: not when told not to (CI), nor when ELECTRON_PATH names one. */
export function mayDownloadElectron(env: NodeJS.ProcessEnv): boolean {
  const skip = env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return !env.ELECTRON_PATH && (skip === undefined || skip === '' || skip === '0' || skip === 'false');
}
