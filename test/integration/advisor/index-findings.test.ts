import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

describe.each(TEST_SERVERS)('index advisor findings on existing indexes (%s)', (server) => {
  let db: TestDatabase;
  let report: AdvisorReport;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE f (id bigint PRIMARY KEY, a int, b int, c int, CONSTRAINT f_b_key UNIQUE (b))');
      await client.query('INSERT INTO f SELECT g, g % 10, g, g % 7 FROM generate_series(1, 1000) g');
      await client.query('CREATE INDEX f_a ON f (a)');
      await client.query('CREATE INDEX f_a_b ON f (a, b)');
      await client.query('CREATE INDEX f_c ON f (c)');
      await client.query('CREATE TABLE u (v int)');
      await client.query('INSERT INTO u VALUES (1), (1), (2)');
      // Fails on the duplicate 1s and leaves an INVALID index behind, as a cancelled or failed build does.
      await client.query('CREATE UNIQUE INDEX CONCURRENTLY u_v_key ON u (v)').catch(() => undefined);
    } finally {
      await client.end();
    }
    report = await analyzeWorkload({ pg: { connectionString: db.url }, templates: [] });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const finding = (index: string) => report.findings.filter((f) => f.index === index).map((f) => f.kind);

  it('reports the invalid index left by a failed concurrent build, with its drop statement', () => {
    const invalid = report.findings.find((f) => f.index === 'u_v_key');
    expect(invalid).toMatchObject({ kind: 'invalid', schema: 'public', table: 'u', dropDdl: 'DROP INDEX CONCURRENTLY "public"."u_v_key"' });
  });

  it('reports an index whose columns are a prefix of another as a duplicate', () => {
    expect(finding('f_a')).toEqual(['duplicate']);
    expect(report.findings.find((f) => f.index === 'f_a')!.detail).toContain('f_a_b');
  });

  it('reports never-scanned indexes as unused, but never primary keys or constraint-backed ones', () => {
    expect(finding('f_c')).toEqual(['unused']);
    expect(report.findings.find((f) => f.index === 'f_c')!.detail).toMatch(/0 scans since/);
    expect(finding('f_pkey')).toEqual([]);
    expect(finding('f_b_key')).toEqual([]);
  });

  it('proposes nothing without a workload', () => {
    expect(report.proposals).toEqual([]);
  });
});
