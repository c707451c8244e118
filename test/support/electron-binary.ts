/**
 * The Electron executable for tests that drive the real app (the Playwright Electron project,
 * test/integration/electron/electron-launch.test.ts): `ELECTRON_PATH`, else the binary the
 * `electron` package downloaded at install time; null on machines that cannot download it
 * (like ours: only the npm registry is reachable), where those tests skip and say why.
 * The same lookup `hotpath start` uses to choose between the window and browser mode.
 */
export { findElectronBinary } from '../../app/cli/find-electron.ts';
