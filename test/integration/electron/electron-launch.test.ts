import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { _electron as electron } from 'playwright-core';
import { findElectronBinary } from '../../support/electron-binary.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const ELECTRON_VITE = join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const binary = findElectronBinary();

/**
 * The real app in the real Electron, where a binary exists (ELECTRON_PATH, or an `electron`
 * package whose download worked). Our build machines cannot download it, so here it skips.
 * It launches the project folder, so package.json's `main` must be out/main/index.js.
 */
describe('the desktop app in Electron', () => {
  const scratchDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it.skipIf(!binary)(
    binary
      ? `launches with ${binary}: the window shows hotpath://app, the bridge is exactly invoke+on and answers engine.status, and closing it quits the app`
      : 'launches the built app (skipped: no Electron binary on this machine; set ELECTRON_PATH to run it)',
    async () => {
      await promisify(execFile)(process.execPath, [ELECTRON_VITE, 'build', '--logLevel', 'error'], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      });
      const userData = await mkdtemp(join(tmpdir(), 'hotpath-electron-user-data-'));
      scratchDirs.push(userData);
      const app = await electron.launch({
        executablePath: binary!,
        // Chromium's OS sandbox refuses to start as root (CI containers); the page is still
        // sandboxed by Electron (sandbox: true) and isolated.
        args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
        env: { ...process.env, HOTPATH_USER_DATA: userData },
      });
      try {
        const page = await app.firstWindow();
        await page.waitForLoadState('domcontentloaded');
        expect(page.url()).toMatch(/^hotpath:\/\/app\//);
        const surface = await page.evaluate(() => ({
          bridge: Object.keys((window as unknown as { hotpathBridge: object }).hotpathBridge).sort(),
          require: typeof (window as unknown as { require?: unknown }).require,
          process: typeof (window as unknown as { process?: unknown }).process,
        }));
        expect(surface).toEqual({ bridge: ['invoke', 'on'], require: 'undefined', process: 'undefined' });
        const status = await page.evaluate(() =>
          (window as unknown as { hotpathBridge: { invoke(c: string, p: unknown): Promise<unknown> } }).hotpathBridge.invoke(
            'engine.status',
            {},
          ),
        );
        expect(status).toMatchObject({ ok: true, result: { phase: 'disconnected', host: 'electron' } });
      } finally {
        await app.close();
      }
    },
    180_000,
  );
});
