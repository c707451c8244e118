import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ensureTpchDatabase } from '../../../app/cli/bench/tpch/tpch-loader.ts';
import { runForStatStatements, type StatStatementsRun } from '../../../app/cli/bench/tpch/stat-statements-run.ts';
import { tpchQueries } from '../../../app/cli/bench/tpch/tpch-queries.ts';
import { createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';

const SCALE = 0.01;
const queries = tpchQueries({ scale: SCALE, seed: 1 });

/**
 * The bench's --from-stat-statements run: the 19 queries executed on a server with pg_stat_statements preloaded
 * (a private PostgreSQL 15) leave one entry each, found per query; on the shared PostgreSQL 15, which does not
 * preload it, the mode says so instead of running anything.
 */
describe('TPC-H queries run for pg_stat_statements', () => {
  let postgres: PrivatePostgres;
  let url: string;
  let run: StatStatementsRun;

  beforeAll(async () => {
    postgres = await startPrivatePostgres('pg15', ['shared_preload_libraries=pg_stat_statements']);
    url = (await ensureTpchDatabase(postgres.url, 'tpch', { scale: SCALE, seed: 1 })).url;
    run = await runForStatStatements(url, queries, 60, () => undefined);
  }, 180_000);
  afterAll(async () => {
    await postgres?.destroy();
  });

  it('runs every query and finds its pg_stat_statements entry; Q15 with its view created and dropped around it', async () => {
    if (!run.ran) throw new Error(run.reason);
    expect(run.failed).toEqual([]);
    expect(run.rerunWithoutNestedLoops).toEqual([]);
    for (const query of queries) {
      const entries = run.entries.get(query.number) ?? [];
      expect(entries.length, `Q${query.number}`).toBe(query.viewForm ? 3 : 1);
    }
    const ids = [...run.entries.values()].flat().map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT 1 FROM pg_views WHERE viewname = 'revenue0'`);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe('TPC-H queries for pg_stat_statements on a server that does not preload it', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pg15');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs nothing and says why', async () => {
    const client = new pg.Client({ connectionString: serverUrl('pg15') });
    await client.connect();
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('shared_preload_libraries') AS v`);
    await client.end();
    // The shared server's configuration is what this case is about: it must not preload the module.
    expect(rows[0]!.v).not.toContain('pg_stat_statements');
    const run = await runForStatStatements(db.url, queries, 60, () => undefined);
    expect(run).toEqual({ ran: false, reason: expect.stringContaining('pg_stat_statements is not preloaded') });
  });
});
