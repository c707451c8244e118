import pg from 'pg';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { runCli } from '../../support/run-cli.ts';
import { loadWorkloadProfile } from '../../../main/workload/profile-loader.ts';

/**
 * `hotpath profile from-stats` end to end: the profile file it writes is one `hotpath optimize --workload FILE`
 * runs, so that "before" is measured on the application's own statements (PostgreSQL 18, pg_stat_statements
 * preloaded on a private server).
 */
describe('hotpath profile from-stats, then hotpath optimize --workload on it (pg18)', () => {
  let postgres: PrivatePostgres;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres('pg18', ['shared_preload_libraries=pg_stat_statements']);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE from_stats_cli');
    await bootstrap.end();
    url = withDatabase(postgres.url, 'from_stats_cli');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of [
        'CREATE EXTENSION pg_stat_statements',
        'CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, kind text NOT NULL, at timestamptz NOT NULL)',
        `INSERT INTO events SELECT g, g % 300, (ARRAY['view', 'click', 'buy'])[1 + g % 3], timestamptz '2024-01-01' + g * interval '1 minute'
           FROM generate_series(1, 30000) g`,
        'ANALYZE events',
        'SELECT pg_stat_statements_reset()',
      ])
        await client.query(sql);
      for (let i = 0; i < 5; i++) {
        await client.query("SELECT count(*) FROM events WHERE account = 17 AND kind = 'buy'");
        await client.query("SELECT id FROM events WHERE at > timestamptz '2024-01-10 00:00+00' ORDER BY at LIMIT 10");
        await client.query('DELETE FROM events WHERE id = -1');
      }
    } finally {
      await client.end();
    }
    dir = await mkdtemp(join(tmpdir(), 'hotpath-from-stats-cli-'));
  }, 120_000);

  afterAll(async () => {
    await postgres?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a profile the loader accepts, and says what it included and skipped', async () => {
    const out = join(dir, 'profile.json');
    const result = await runCli(['profile', 'from-stats', '--pg', url, '--top', '5', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Included 2 statements');
    expect(result.stderr).toMatch(/Skipped 1:\n {2}DELETE FROM events WHERE id = \$1\n {5}a write \(DELETE\)/);
    const profile = await loadWorkloadProfile(out);
    expect(profile.templates.map((t) => t.sql).sort()).toEqual([
      'SELECT count(*) FROM events WHERE account = $1 AND kind = $2',
      'SELECT id FROM events WHERE at > $1::timestamptz ORDER BY at LIMIT $2',
    ]);
  });

  it('refuses to overwrite a file without --force', async () => {
    const out = join(dir, 'existing.json');
    await writeFile(out, 'keep me');
    const result = await runCli(['profile', 'from-stats', '--pg', url, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exists');
    expect(await readFile(out, 'utf8')).toBe('keep me');
  });

  it('is a workload `hotpath optimize` runs: "before" is measured on each of its templates', async () => {
    const out = join(dir, 'for-optimize.json');
    expect((await runCli(['profile', 'from-stats', '--pg', url, '--out', out])).code).toBe(0);
    const profile = await loadWorkloadProfile(out);
    const result = await runCli([
      'optimize',
      '--pg',
      url,
      '--data-dir',
      join(dir, 'data'),
      '--workload',
      out,
      '--rate',
      '100',
      '--warmup',
      '3',
      '--dry-run',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { before: Record<string, number> | null };
    for (const template of profile.templates) expect(plan.before?.[template.name], template.name).toBeGreaterThan(0);
  }, 120_000);
});
