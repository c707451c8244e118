import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.ts';

/**
 * `hotpath optimize --local` with no workload running: the local demo stack exists to run the demo, so the advisor
 * weighs the demo profile's templates (a fresh stack's pg_stat_statements holds only the seeding) and proposes the
 * demo's indexes; a dry run builds none of them.
 */
describe('hotpath optimize --local without a workload', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-optimize-local-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("proposes the demo's indexes on chunks from the demo profile's templates", async () => {
    const result = await runCli(['optimize', '--local', '--data-dir', dataDir, '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { proposals: { table: string; columns: string[] }[]; before: unknown; applied: unknown };
    const onChunks = plan.proposals.filter((p) => p.table === 'chunks').map((p) => p.columns.join(', '));
    expect(onChunks).toEqual(expect.arrayContaining(['system_origin, created_at', 'session_id, created_at, id']));
    expect(plan.before).toBeNull();
    expect(plan.applied).toBeNull();
  }, 240_000);
});
