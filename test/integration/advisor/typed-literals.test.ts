import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';

/**
 * Statements with typed literals (`date '…'`, `interval '…'`, `timestamptz '…'`) reach pg_stat_statements as
 * `date $1`, `interval $2`, `timestamptz $3`, which the server's PREPARE and EXPLAIN reject as a syntax error. The
 * advisor plans them as `$1::date` and so on (main/sql/typed-parameters.ts): analyzed, not skipped, on a private
 * server with pg_stat_statements preloaded (PostgreSQL 15 plans through PREPARE, 18 through EXPLAIN (GENERIC_PLAN)).
 */
describe.each(TEST_SERVERS)('index advisor on statements with typed literals, from pg_stat_statements (%s)', (server) => {
  let postgres: PrivatePostgres;
  let report: AdvisorReport;

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, ['shared_preload_libraries=pg_stat_statements']);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE typed_literals');
    await bootstrap.end();
    const url = withDatabase(postgres.url, 'typed_literals');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of [
        'CREATE EXTENSION pg_stat_statements',
        'CREATE TABLE orders (id int PRIMARY KEY, ordered_on date NOT NULL, shipped_at timestamptz NOT NULL, note text NOT NULL)',
        "INSERT INTO orders SELECT g, date '2020-01-01' + g % 2000, timestamptz '2020-01-01' + g * interval '1 minute', 'n' || g FROM generate_series(1, 100000) g",
        'ANALYZE orders',
        'SELECT pg_stat_statements_reset()',
      ])
        await client.query(sql);
      for (let i = 0; i < 3; i++) {
        await client.query(
          "SELECT count(*) FROM orders WHERE ordered_on >= date '2021-03-01' AND ordered_on < date '2021-03-01' + interval '7 days'",
        );
        await client.query(
          "SELECT id, note FROM orders WHERE shipped_at > timestamptz '2020-02-01 00:00+00' - interval '1' day ORDER BY shipped_at LIMIT 10",
        );
      }
    } finally {
      await client.end();
    }
    report = await analyzeWorkload({ pg: { connectionString: url } });
  }, 120_000);

  afterAll(async () => {
    await postgres?.destroy();
  });

  const ours = (query: string) => /\borders\b/.test(query) && !/CREATE|INSERT|ANALYZE/.test(query);

  it('analyzes them, as casts of their parameters, and skips none of them', () => {
    const analyzed = report.statements.filter((s) => ours(s.query));
    expect(analyzed.map((s) => s.query)).toEqual(
      expect.arrayContaining([expect.stringContaining('>= $1::date'), expect.stringContaining('> $1::timestamptz - $2::interval day')]),
    );
    expect(report.skipped.filter((s) => ours(s.query))).toEqual([]);
  });

  it('plans them: an index on the column a typed literal compares serves the repaired statement', () => {
    const onShippedAt = report.proposals.find((p) => p.table === 'orders' && p.columns[0]!.name === 'shipped_at');
    expect(onShippedAt?.serves.map((s) => s.query)).toEqual([expect.stringContaining('> $1::timestamptz - $2::interval day')]);
    expect(onShippedAt!.serves[0]!.costAfter).toBeLessThan(onShippedAt!.serves[0]!.costBefore);
  });
});
