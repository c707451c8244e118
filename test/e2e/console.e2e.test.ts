import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { _electron } from 'playwright-core';
import { startCli, type CliProcess } from '../support/run-cli.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { findElectronBinary } from '../support/electron-binary.ts';
import { waitFor } from '../support/wait-for.ts';
import { consoleJourney, screenshot } from './console-journey.ts';
import '../support/provided.ts';

const CHUNKS = '5000';

async function stopCli(cli: CliProcess): Promise<void> {
  if (cli.child.exitCode !== null) return;
  cli.child.kill('SIGTERM');
  const { code } = await cli.exited;
  expect(code).toBe(0);
}

/** The local stack's PostgreSQL URL, as the CLI printed it (its password is masked there). */
function localPgUrl(stdout: string): string {
  const printed = /Connected to (postgres:\/\/\S+) \(PostgreSQL/.exec(stdout)?.[1];
  if (!printed) throw new Error(`no connection line in:\n${stdout}`);
  return printed;
}

describe.skipIf(!chromiumAvailable())('console end to end (project: browser, Debian Chromium)', () => {
  let dataDir: string;
  let cli: CliProcess;
  let closeBrowser: (() => Promise<void>) | undefined;
  let page: Page;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-e2e-'));
    cli = startCli(['serve', '--local', '--data-dir', dataDir, '--port', '0', '--chunks', CHUNKS]);
    await waitFor('the console to be ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 120_000);
    const browser = await launchChromium();
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await closeBrowser?.();
    if (cli) await stopCli(cli);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the operator journey: workload from the UI, percentiles and SLO tiles, cache, pool, database, profiles', async () => {
    const consoleUrl = /Console: (\S+)/.exec(cli.stdout())?.[1];
    expect(consoleUrl, 'serve prints the console URL with its token').toMatch(/\?token=/);
    await page.goto(consoleUrl!);
    // The token moves out of the address bar once read.
    await expect.poll(() => page.url()).not.toContain('token=');
    await consoleJourney(page, { project: 'browser', localPgUrl: localPgUrl(cli.stdout()), systemPgUrl: inject('pg15Url') });
  }, 180_000);
});

describe.skipIf(!chromiumAvailable())('console first run (project: browser)', () => {
  it('shows the welcome screen when nothing is connected, then starts the local demo stack from it with progress', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-e2e-first-'));
    const cli = startCli(['serve', '--data-dir', dataDir, '--port', '0']);
    const browser = await launchChromium();
    try {
      const consoleUrl = await waitFor('the console URL', () => /Console: (\S+)/.exec(cli.stdout())?.[1], 30_000);
      const page = await browser.context.newPage();
      await page.goto(consoleUrl);
      await page.getByRole('heading', { name: 'Welcome to Hotpath' }).waitFor({ timeout: 60_000 });
      expect(await page.getByRole('button', { name: 'Start local demo stack' }).isVisible()).toBe(true);
      expect(await page.getByRole('form', { name: 'Connect to my database' }).isVisible()).toBe(true);
      await screenshot(page, 'browser', 'welcome');

      // First run, the demo way: PostgreSQL starts and the demo data is seeded, with progress on screen.
      await page.getByRole('button', { name: 'Start local demo stack' }).click();
      await page.getByRole('progressbar', { name: 'Seeding demo data' }).waitFor({ timeout: 120_000 });
      await screenshot(page, 'browser', 'welcome-seeding');
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: 180_000 });
      await expect.poll(() => page.getByTestId('stack-status').getAttribute('data-phase'), { timeout: 60_000 }).toBe('ready');
    } finally {
      await browser.close();
      await stopCli(cli);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

const electronBinary = findElectronBinary();

describe('console end to end (project: electron)', () => {
  // The same journey in the desktop window. Electron's binary cannot be downloaded on the
  // machines this suite usually runs on; where one exists (ELECTRON_PATH, or an installed
  // electron package), this project runs too, as RedisInsight does.
  it.skipIf(!electronBinary)(
    `runs the operator journey in the Electron window${electronBinary ? '' : ' (skipped: no Electron binary here; set ELECTRON_PATH)'}`,
    async () => {
      const userData = await mkdtemp(join(tmpdir(), 'hotpath-e2e-electron-'));
      const app = await _electron.launch({
        executablePath: electronBinary!,
        args: [join(import.meta.dirname, '../..'), '--local'],
        env: { ...process.env, HOTPATH_USER_DATA: userData },
      });
      try {
        const page = await app.firstWindow();
        const status = await waitFor(
          'the local stack',
          async () => {
            const s = await page.evaluate(() =>
              (
                window as unknown as {
                  hotpathBridge: {
                    invoke(
                      c: string,
                      p: unknown,
                    ): Promise<{ ok: boolean; result: { phase: string; stack: { pgDisplayUrl: string } | null } }>;
                  };
                }
              ).hotpathBridge.invoke('engine.status', {}),
            );
            return s.ok && s.result.phase === 'ready' && s.result.stack ? s.result : undefined;
          },
          180_000,
        );
        await consoleJourney(page, { project: 'electron', localPgUrl: status.stack!.pgDisplayUrl, systemPgUrl: inject('pg15Url') });
      } finally {
        await app.close();
        await rm(userData, { recursive: true, force: true });
      }
    },
  );
});
