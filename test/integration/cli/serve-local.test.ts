import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from '../../support/run-cli.ts';
import { expositionProblems, histogramQuantile, histogramSeries, metricValue, parseExposition } from '../../support/prometheus-text.ts';
import { waitFor } from '../../support/wait-for.ts';
import { isProcessAlive } from '../../../main/util/process-probe.ts';

const latencyHistograms = (text: string) => histogramSeries(parseExposition(text), 'hotpath_request_duration_seconds', 'template');

describe('hotpath serve --local', () => {
  let dataDir: string;
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts the local stack, seeds with progress, serves live metrics, and leaves no process after SIGTERM', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-cli-'));
    const cli = startCli([
      'serve',
      '--local',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--chunks',
      '3000',
      '--workload',
      'demo',
      '--rate',
      '200',
    ]);
    try {
      const url = await waitFor('the listening line', () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())?.[1], 20_000);
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 90_000);
      expect(cli.stderr()).toMatch(/Seeding chunks: [\d,]+ of 3,000 rows/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const text = await waitFor(
        'latency for every template',
        async () => {
          const body = await (await fetch(`${url}/metrics`)).text();
          // The demo's five SQL templates and its two hybrid templates (the whole workload is their sum()).
          return latencyHistograms(body).size === 7 ? body : undefined;
        },
        45_000,
      );
      expect(expositionProblems(text)).toEqual([]);
      for (const [template, series] of latencyHistograms(text)) {
        expect(series.count, template).toBeGreaterThan(0);
        expect(histogramQuantile(0.5, series), template).toBeLessThanOrEqual(histogramQuantile(0.95, series));
        expect(histogramQuantile(0.95, series), template).toBeLessThanOrEqual(histogramQuantile(0.99, series));
      }
      expect(metricValue(text, 'hotpath_workload_target_requests_per_second')).toBe(200);
      expect(text).toContain('process_resident_memory_bytes');

      const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const redis = Number((await readFile(join(dataDir, 'redis', 'redis-server.pid'), 'utf8')).split('\n')[0]);
      expect(await isProcessAlive(postmaster)).toBe(true);
      expect(await isProcessAlive(redis)).toBe(true);

      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(await isProcessAlive(postmaster)).toBe(false);
      expect(await isProcessAlive(redis)).toBe(false);
    } catch (error) {
      // The CLI's own account is the first thing to read when this fails.
      (error as Error).message += `\n--- hotpath stdout ---\n${cli.stdout()}\n--- hotpath stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      // On failure, still shut down gracefully: a SIGKILL would orphan the servers it started.
      if (cli.child.exitCode === null) {
        cli.child.kill('SIGTERM');
        await cli.exited;
      }
    }
  });
});
