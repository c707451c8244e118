import { describe, expect, it } from 'vitest';
import { decideDesktopWindow, mayDownloadElectron, type DesktopCheck } from '../../../app/cli/desktop-window.ts';

const ready: DesktopCheck = {
  mainBuilt: true,
  binary: '/opt/electron/electron',
  installFailure: null,
  env: { DISPLAY: ':0' },
  platform: 'linux',
};

describe('whether `hotpath start` opens the desktop window', () => {
  it('opens it with a build, a binary and a display', () => {
    expect(decideDesktopWindow(ready)).toEqual({ open: true, binary: '/opt/electron/electron' });
    expect(decideDesktopWindow({ ...ready, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toMatchObject({ open: true });
    // macOS and Windows always have a display.
    expect(decideDesktopWindow({ ...ready, env: {}, platform: 'darwin' })).toMatchObject({ open: true });
  });

  it('without the build, says to build', () => {
    expect(decideDesktopWindow({ ...ready, mainBuilt: false })).toMatchObject({ open: false, fix: 'Run `npm run build`.' });
  });

  it('without a binary, says why (download failed, skipped, or ELECTRON_PATH wrong) and how to get one', () => {
    const failed = decideDesktopWindow({ ...ready, binary: null, installFailure: 'TypeError: fetch failed' });
    expect(failed).toMatchObject({ open: false, reason: "Electron's binary could not be downloaded (TypeError: fetch failed)" });
    expect(failed.open === false && failed.fix).toMatch(/npx install-electron --no.*ELECTRON_PATH/);
    expect(decideDesktopWindow({ ...ready, binary: null, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } })).toMatchObject({
      reason: expect.stringContaining('ELECTRON_SKIP_BINARY_DOWNLOAD'),
    });
    expect(decideDesktopWindow({ ...ready, binary: null, env: { ELECTRON_PATH: '/nowhere/electron' } })).toMatchObject({
      reason: 'ELECTRON_PATH is /nowhere/electron, which does not exist',
    });
  });

  it('on Linux without DISPLAY or WAYLAND_DISPLAY, says there is no display and points to serve', () => {
    const decision = decideDesktopWindow({ ...ready, env: {} });
    expect(decision).toMatchObject({ open: false, reason: expect.stringContaining('no display') });
    expect(decision.open === false && decision.fix).toContain('hotpath serve');
  });

  it('downloads the binary unless told not to or given one', () => {
    expect(mayDownloadElectron({})).toBe(true);
    expect(mayDownloadElectron({ ELECTRON_SKIP_BINARY_DOWNLOAD: '0' })).toBe(true);
    expect(mayDownloadElectron({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toBe(false);
    expect(mayDownloadElectron({ ELECTRON_SKIP_BINARY_DOWNLOAD: 'true' })).toBe(false);
    expect(mayDownloadElectron({ ELECTRON_PATH: '/nowhere/electron' })).toBe(false);
  });
});
