import { describe, expect, it } from 'vitest';
import { PLAN_NAMES } from '../../../main/contract/planner.ts';
import { serverUrl } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';

/** `hotpath bench planner --json` end to end, small: the shape the issue asks for, and the plans agreeing throughout. */
describe('hotpath bench planner', () => {
  it('prints latencyMs for the selector, the oracle and every fixed plan, with ratios and the overhead', async () => {
    const result = await runCli([
      'bench',
      'planner',
      '--json',
      '--pg',
      serverUrl('pg15'),
      '--chunks',
      '2000',
      '--warmup',
      '120',
      '--queries',
      '30',
      '--runs',
      '1',
    ]);
    expect(result.stderr).toContain('Measuring 30 queries');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      latencyMs: Record<string, { mean: number; p95: number }>;
      ratios: Record<string, number>;
      oracleMinOfMedians: { mean: number; p95: number };
      overheadUs: { mean: number; p95: number };
      goals: Record<string, boolean>;
      choices: Record<string, number>;
      queries: number;
    };
    expect(Object.keys(report.latencyMs).sort()).toEqual(['oracle', 'selector', ...PLAN_NAMES].sort());
    for (const [name, stat] of Object.entries(report.latencyMs)) {
      expect(stat.mean, name).toBeGreaterThan(0);
      expect(stat.p95, name).toBeGreaterThanOrEqual(0);
    }
    // Sanity of the report's arithmetic: the fastest plan per query on the very runs that time it is a floor for the
    // fixed plans, the selector and the oracle. (cached-partial as a fixed plan runs on a partial cache of its own.)
    const floor = report.oracleMinOfMedians.mean;
    for (const name of ['selector', ...PLAN_NAMES.filter((p) => p !== 'cached-partial')])
      expect(report.latencyMs[name]!.mean, name).toBeGreaterThanOrEqual(floor);
    expect(report.ratios.selectorVsOracleMinOfMediansMean).toBeGreaterThanOrEqual(1);
    // The oracle's plan is picked on other runs than those that time it, so query by query it is never below that floor.
    expect(report.latencyMs.oracle!.mean).toBeGreaterThanOrEqual(floor);
    expect(report.overheadUs.mean).toBeGreaterThan(0);
    expect(Object.values(report.choices).reduce((a, b) => a + b, 0)).toBe(30);
    expect(typeof report.goals.betterThanEveryFixedPlan).toBe('boolean');
  }, 300_000);
});
