import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = join(import.meta.dirname, '../../test-results/screenshots');

export async function screenshot(page: Page, project: string, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${project}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const POLL = { timeout: 120_000 };

/** Reads the per-template table: template → [p50, p95, p99] in ms. */
async function templateTable(page: Page): Promise<Map<string, number[]>> {
  const rows = await page.getByTestId('template-table').locator('tbody tr').all();
  const result = new Map<string, number[]>();
  for (const row of rows) {
    const name = (await row.locator('th').textContent())?.trim() ?? '';
    const cells = await row.locator('td').allTextContents();
    result.set(
      name,
      cells.slice(0, 3).map((c) => Number(c.replace(/[^\d.]/g, ''))),
    );
  }
  return result;
}

export interface JourneyOptions {
  project: 'browser' | 'electron';
  /** A URL of the local stack's PostgreSQL (scram passwords), to show a wrong password rejected. */
  localPgUrl: string;
  /** The system PostgreSQL 15, saved and connected as a second profile. */
  systemPgUrl: string;
}

/**
 * One operator's path through the console, the same for every project (browser, Electron):
 * the local stack is up; start the demo workload from the UI, watch percentiles charted and
 * SLO tiles filled, stop it, look at the database, see a wrong password rejected, connect a
 * second profile. Screenshots of each page.
 */
export async function consoleJourney(page: Page, options: JourneyOptions): Promise<void> {
  const { project } = options;
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor(POLL);
  await expect.poll(() => page.getByTestId('stack-status').getAttribute('data-phase'), POLL).toBe('ready');
  await screenshot(page, project, 'overview-idle');

  // Start the demo workload from the UI.
  await page.getByLabel('Target rate').fill('200');
  await page.getByRole('button', { name: 'Start workload' }).click();
  await page.getByRole('button', { name: 'Stop workload' }).waitFor(POLL);

  // The SLO tiles start judging once live seconds arrive: a verdict, or the engine's window filling (1 minute).
  // Memory and CPU come from the memory manager's readings, live like the rest.
  for (const tile of ['p50', 'p95', 'p99', 'throughput', 'cache-hit-rate', 'pool-efficiency', 'memory', 'cpu']) {
    const judging = async () => {
      const element = page.getByTestId(`slo-tile-${tile}`);
      const verdict = await element.getAttribute('data-verdict');
      return verdict === 'pass' || verdict === 'fail' || Number(await element.getAttribute('data-seconds-in')) > 0;
    };
    await expect.poll(judging, POLL).toBe(true);
  }
  await expect.poll(async () => (await templateTable(page)).size, POLL).toBeGreaterThanOrEqual(2);
  // Percentiles charted: three latency lines, drawn.
  await expect.poll(() => page.getByTestId('latency-chart').locator('path.recharts-line-curve').count(), POLL).toBeGreaterThanOrEqual(3);
  const table = await templateTable(page);
  for (const [template, [p50, p95, p99]] of table) {
    expect(p50, template).toBeLessThanOrEqual(p95!);
    expect(p95, template).toBeLessThanOrEqual(p99!);
  }
  await screenshot(page, project, 'overview-running');

  // The cache page, live: the demo's point lookups read through L1 (and the local Redis when there is one).
  await page.getByRole('link', { name: 'Cache' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cache' }).waitFor(POLL);
  await page.getByTestId('cache-tier-l1').waitFor(POLL);
  await expect
    .poll(() => page.getByTestId('cache-hit-rate-chart').locator('path.recharts-line-curve').count(), POLL)
    .toBeGreaterThanOrEqual(2);
  await expect.poll(async () => (await page.getByTestId('cache-l1-usage').textContent()) ?? '', POLL).toMatch(/in [1-9][\d,]* entries/);
  await page.getByRole('button', { name: 'Warm cache' }).click();
  await expect.poll(async () => (await page.getByTestId('cache-action-result').textContent()) ?? '', POLL).toMatch(/^Warmed /);
  await screenshot(page, project, 'cache');

  // The pool page: waits per lane charted; a session setting changed (the server checks it) and reverted.
  await page.getByRole('link', { name: 'Pool' }).click();
  await page.getByRole('heading', { level: 1, name: 'Pool' }).waitFor(POLL);
  await expect.poll(() => page.getByTestId('pool-wait-chart').locator('path.recharts-line-curve').count(), POLL).toBeGreaterThanOrEqual(1);
  await page.getByLabel('Statement timeout (ms)').fill('20000');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect
    .poll(async () => (await page.getByTestId('pool-action-result').textContent()) ?? '', POLL)
    .toMatch(/^Applied statementTimeoutMs 20000/);
  await screenshot(page, project, 'pool');
  await page.getByRole('button', { name: 'Revert' }).click();
  await expect.poll(() => page.getByLabel('Statement timeout (ms)').inputValue(), POLL).not.toBe('20000');

  // One-click Optimize from the header: the plan with its steps, confirmed, applied, measured before/after.
  await page.getByRole('button', { name: 'Optimize' }).click();
  const review = page.getByRole('dialog', { name: /^Optimize: \d+ steps?$/ });
  await review.waitFor(POLL);
  await expect.poll(async () => (await review.textContent()) ?? '', POLL).toContain('CREATE INDEX CONCURRENTLY');
  await screenshot(page, project, 'optimize-plan');
  await review.getByRole('button', { name: /^Apply \d+ steps?$/ }).click();
  await page.getByTestId('optimize-before-after').waitFor(POLL);
  await screenshot(page, project, 'optimize-done');
  await page.getByRole('button', { name: 'Close' }).click();

  // The Indexes page lists what was built, with its measured effect and a rollback.
  await page.getByRole('link', { name: 'Indexes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Indexes' }).waitFor(POLL);
  await expect.poll(async () => (await page.getByTestId('index-history').textContent()) ?? '', POLL).toMatch(/built/);
  await screenshot(page, project, 'indexes');

  // The Memory page: the engine's memory charted against its budget; a moderate cleanup run and what it freed.
  await page.getByRole('link', { name: 'Memory' }).click();
  await page.getByRole('heading', { level: 1, name: 'Memory' }).waitFor(POLL);
  await expect
    .poll(() => page.getByTestId('memory-process-chart').locator('path.recharts-line-curve').count(), POLL)
    .toBeGreaterThanOrEqual(1);
  await page.getByRole('button', { name: 'Moderate cleanup now' }).click();
  await expect
    .poll(async () => (await page.getByTestId('memory-action-result').textContent()) ?? '', POLL)
    .toMatch(/^Moderate cleanup done: freed /);
  await screenshot(page, project, 'memory');

  // The Planner page: the demo workload's hybrid templates go through the plan selector; its choices charted,
  // and a retrain on demand.
  await page.getByRole('link', { name: 'Planner' }).click();
  await page.getByRole('heading', { level: 1, name: 'Planner' }).waitFor(POLL);
  await page.getByTestId('planner-tiles').waitFor(POLL);
  await expect.poll(() => page.getByTestId('planner-choices-chart').locator('.recharts-area-area').count(), POLL).toBeGreaterThanOrEqual(1);
  await page.getByRole('button', { name: 'Retrain now' }).click();
  await expect
    .poll(async () => (await page.getByTestId('planner-action-result').textContent()) ?? '', POLL)
    .toMatch(/^Model retrained on /);
  await screenshot(page, project, 'planner');
  await page.getByRole('link', { name: 'Overview' }).click();

  await page.getByRole('button', { name: 'Stop workload' }).click();
  await page.getByRole('button', { name: 'Start workload' }).waitFor(POLL);

  // The database's own view.
  await page.getByRole('link', { name: 'Database' }).click();
  await page.getByRole('heading', { level: 1, name: 'Database' }).waitFor(POLL);
  await page.getByTestId('top-statements').waitFor(POLL);
  await page.getByTestId('activity').waitFor(POLL);
  await screenshot(page, project, 'database');

  // A wrong password is rejected with a message that says so.
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor(POLL);
  const wrong = new URL(options.localPgUrl);
  wrong.password = 'definitely-wrong';
  await page.getByLabel('PostgreSQL URL').fill(wrong.toString());
  await page.getByRole('button', { name: 'Test connection' }).click();
  const alert = page
    .getByRole('alert')
    .filter({ hasText: /password/i })
    .first();
  await alert.waitFor(POLL);
  expect(await alert.textContent()).toMatch(/password/i);
  await screenshot(page, project, 'connections-wrong-password');

  // A second profile: the system PostgreSQL.
  await page.getByLabel('PostgreSQL URL').fill(options.systemPgUrl);
  await page.getByLabel('Profile name').fill('system-pg15');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect.poll(async () => (await page.getByTestId('connection-test-result').textContent()) ?? '', POLL).toMatch(/PostgreSQL 15/);
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await expect.poll(async () => (await page.getByTestId('connection-in-use').textContent()) ?? '', POLL).toContain('127.0.0.1:5432');
  await expect.poll(() => page.getByTestId('stack-status').getAttribute('data-phase'), POLL).toBe('ready');
  await page.getByRole('list', { name: 'Saved connections' }).getByText('system-pg15').waitFor(POLL);
  await screenshot(page, project, 'connections');
}
