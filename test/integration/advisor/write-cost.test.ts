import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';

/**
 * The write cost of an index, subtracted from what it saves: two tables read by the same statement, one only read,
 * one written in batches (ingest) far more than it is read. From pg_stat_statements alone (a private server with it
 * preloaded), the read-only table gets its index; the write-heavy one does not, since keeping the index up to date
 * under its inserts costs more than the scan it would spare.
 */
const SETUP = [
  'CREATE EXTENSION pg_stat_statements',
  'CREATE TABLE sensors (id int PRIMARY KEY, site int NOT NULL, label text NOT NULL)',
  "INSERT INTO sensors SELECT g, g % 2000, 'sensor ' || g FROM generate_series(1, 100000) g",
  'CREATE TABLE readings (id bigint NOT NULL, site int NOT NULL, value int NOT NULL)',
  'ANALYZE sensors',
];

const ANALYST_PASSWORD = 'hotpath-write-cost-pw';

/** Each an ingest batch of 3,000 rows: 150,000 rows written in all, before the table is read once. */
const INGEST = 'INSERT INTO readings SELECT g, g % 2000, g % 97 FROM generate_series($1::int, $1::int + 2999) g';

describe.each(TEST_SERVERS)('index advisor: write cost subtracted (%s)', (server) => {
  let postgres: PrivatePostgres;
  let report: AdvisorReport;
  /** The same reads as templates only: their weights are no span the server's writes were counted over, so none is charged. */
  let readsOnly: AdvisorReport;
  /**
   * pg_stat_statements with templates, one seen there and one not yet: the unseen one's weight is scaled by the seen
   * one's calls per unit of weight, so the writes are still charged.
   */
  let withUnseenTemplate: AdvisorReport;
  /** Analyzed as a role without USAGE on a schema the workload wrote to: its name must not make the analysis fail. */
  let asAnalyst: AdvisorReport;

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, ['shared_preload_libraries=pg_stat_statements']);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE write_cost');
    await bootstrap.end();
    const url = withDatabase(postgres.url, 'write_cost');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of [...SETUP, ...(server === 'pg15' ? ['CREATE EXTENSION hypopg'] : [])]) await client.query(sql);
      await client.query('SELECT pg_stat_statements_reset()');
      for (let batch = 0; batch < 50; batch++) await client.query(INGEST, [batch * 3000]);
      await client.query('ANALYZE readings');
      await client.query('SELECT count(*) FROM sensors WHERE site = 17');
      await client.query('SELECT count(*) FROM readings WHERE site = 17');
      await client.query('CREATE SCHEMA vault');
      await client.query('CREATE TABLE vault.audit (id int, note text)');
      await client.query("INSERT INTO vault.audit VALUES (1, 'x')");
      await client.query(`CREATE ROLE analyst LOGIN PASSWORD '${ANALYST_PASSWORD}' IN ROLE pg_read_all_stats`);
      await client.query('GRANT SELECT ON sensors, readings TO analyst');
      // pg_stat_user_tables (how write-heavy each table is) sees this session's counts once they are flushed.
      await client.query('SELECT pg_stat_force_next_flush()');
    } finally {
      await client.end();
    }
    report = await analyzeWorkload({ pg: { connectionString: url }, budgetBytes: 1e12 });
    withUnseenTemplate = await analyzeWorkload({
      pg: { connectionString: url },
      budgetBytes: 1e12,
      templates: [
        { name: 'sensors_by_site', sql: 'SELECT count(*) FROM sensors WHERE site = 17', weight: 1 },
        { name: 'readings_peak', sql: 'SELECT max(value) FROM readings WHERE site = 17', weight: 1 },
      ],
    });
    const analystUrl = new URL(url);
    analystUrl.username = 'analyst';
    analystUrl.password = ANALYST_PASSWORD;
    // The analyst runs the read too: another role's statements are planned only as a role it may SET ROLE to.
    const analyst = new pg.Client({ connectionString: analystUrl.toString() });
    await analyst.connect();
    await analyst.query('SELECT count(*) FROM sensors WHERE site = 17');
    await analyst.end();
    asAnalyst = await analyzeWorkload({ pg: { connectionString: analystUrl.toString() }, budgetBytes: 1e12 });
    readsOnly = await analyzeWorkload({
      pg: { connectionString: url },
      budgetBytes: 1e12,
      useStatStatements: false,
      templates: [{ name: 'readings_by_site', sql: 'SELECT count(*) FROM readings WHERE site = 17', weight: 1 }],
    });
  }, 180_000);

  afterAll(async () => {
    await postgres?.destroy();
  });

  it('proposes the index for the read-only table and none for the table whose inserts would outweigh it', () => {
    const analyzed = report.statements.map((s) => s.query);
    expect(analyzed.some((q) => q.includes('FROM sensors'))).toBe(true);
    expect(analyzed.some((q) => q.includes('FROM readings'))).toBe(true);
    const tables = report.proposals.map((p) => `${p.table}(${p.columns.map((c) => c.name).join(', ')})`);
    expect(tables).toContain('sensors(site)');
    expect(report.proposals.filter((p) => p.table === 'readings')).toEqual([]);
    const sensors = report.proposals.find((p) => p.table === 'sensors')!;
    expect(sensors.writeCost.maintenanceCost).toBe(0);
  });

  it("a template not seen in pg_stat_statements yet joins its span by the seen templates' calls per weight: writes still charged", () => {
    const peak = withUnseenTemplate.statements.find((s) => s.template === 'readings_peak');
    const seen = withUnseenTemplate.statements.find((s) => s.template === 'sensors_by_site');
    expect(seen?.queryId).not.toBeNull();
    expect(peak).toMatchObject({ queryId: null, calls: seen!.calls });
    expect(withUnseenTemplate.proposals.filter((p) => p.table === 'readings')).toEqual([]);
  });

  it('reads the written tables from the catalog: a schema the role may not use fails nothing (to_regclass would)', () => {
    expect(asAnalyst.statements.some((s) => s.query.includes('FROM sensors'))).toBe(true);
    expect(asAnalyst.proposals.filter((p) => p.table === 'readings')).toEqual([]);
  });

  it('without the writes charged, the same read gets its index on the ingest table: the write cost is what kept it out', () => {
    const readings = readsOnly.proposals.filter((p) => p.table === 'readings');
    expect(readings.map((p) => p.columns[0]!.name)).toEqual(['site']);
  });
});
