import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';

/**
 * Every kind of statement an index can serve, as pg_stat_statements records it (a private server with the
 * extension preloaded and its log written to a file), analyzed in one run per server: PostgreSQL 15 with HypoPG
 * (created in the scratch database here, as a superuser), PostgreSQL 18 with the estimate. Each kind is analyzed and
 * gets the index it needs (table and leading column), or is skipped with its reason; and the analysis leaves no
 * ERROR in the server's log.
 */
const READER_PASSWORD = 'hotpath-kinds-pw';
const ANALYSIS_DONE = 'hotpath statement-kinds: the analysis is over';

const SETUP = [
  'CREATE EXTENSION pg_stat_statements',
  `CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, ref text NOT NULL, batch int NOT NULL, archive_key int NOT NULL,
     amount numeric NOT NULL, note text NOT NULL)`,
  `INSERT INTO orders SELECT g, g % 20000, 'r' || g, g % 25000, g % 30000, (g % 100000) / 1000000.0, repeat('n', 40)
     FROM generate_series(1, 100000) g`,
  'CREATE TABLE order_archive (id int, note text)',
  'CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, closed boolean NOT NULL)',
  "INSERT INTO customers SELECT g, 'c' || g || '@example.com', g % 10 = 0 FROM generate_series(0, 19999) g",
  'CREATE VIEW open_customers AS SELECT id, email FROM customers WHERE NOT closed',
  `CREATE TABLE shipments (id int PRIMARY KEY, tracking text NOT NULL, carrier_ref int NOT NULL, lost_code int NOT NULL, weight int NOT NULL)`,
  "INSERT INTO shipments SELECT g, 't' || g, g % 40000, g % 35000, g % 100 FROM generate_series(1, 100000) g",
  'CREATE TABLE events (id int NOT NULL, device_id int NOT NULL, happened_on date NOT NULL, payload text NOT NULL) PARTITION BY RANGE (happened_on)',
  "CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')",
  "CREATE TABLE events_2021 PARTITION OF events FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')",
  "INSERT INTO events SELECT g, g % 20000, date '2020-01-01' + g % 700, repeat('p', 30) FROM generate_series(1, 100000) g",
  'CREATE MATERIALIZED VIEW device_totals AS SELECT device_id, count(*) AS n, max(happened_on) AS last_on FROM events GROUP BY device_id',
  'CREATE SCHEMA "Sales"',
  'CREATE TABLE "Sales"."Order Lines" ("Line" int PRIMARY KEY, "SKU" text NOT NULL, qty int NOT NULL)',
  `INSERT INTO "Sales"."Order Lines" SELECT g, 'S-' || (g % 30000), g % 7 FROM generate_series(1, 100000) g`,
  'CREATE TABLE secrets (id int PRIMARY KEY, k int NOT NULL, v text NOT NULL)',
  "INSERT INTO secrets SELECT g, g % 20000, 'v' || g FROM generate_series(1, 100000) g",
  `CREATE ROLE reader LOGIN PASSWORD '${READER_PASSWORD}'`,
  'GRANT SELECT ON secrets TO reader',
  'CREATE VIEW revenue0 AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id',
  // Every table but the partitioned one, as autovacuum leaves it (it never ANALYZEs a partitioned table itself).
  'ANALYZE orders, order_archive, customers, shipments, events_2020, events_2021, device_totals, "Sales"."Order Lines", secrets',
];

/** Each kind: the statement as run, a piece of its normalized text, and the index it needs. */
const KINDS = {
  update: { sql: "UPDATE orders SET note = 'updated' WHERE ref = 'r77'", text: 'WHERE ref = $', index: ['public', 'orders', 'ref'] },
  delete: { sql: 'DELETE FROM orders WHERE batch = 123', text: 'DELETE FROM orders WHERE batch', index: ['public', 'orders', 'batch'] },
  forUpdate: {
    sql: 'SELECT id, note FROM orders WHERE customer_id = 42 FOR UPDATE',
    text: 'FOR UPDATE',
    index: ['public', 'orders', 'customer_id'],
  },
  insertSelect: {
    sql: 'INSERT INTO order_archive (id, note) SELECT id, note FROM orders WHERE archive_key = 9',
    text: 'INSERT INTO order_archive',
    index: ['public', 'orders', 'archive_key'],
  },
  unknownArithmetic: {
    sql: 'SELECT count(*) FROM orders WHERE amount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01',
    text: '$1::numeric - $2::numeric',
    index: ['public', 'orders', 'amount'],
  },
  summedCase: {
    sql: 'SELECT sum(CASE WHEN batch = 5 THEN 1 ELSE 0 END) FROM orders WHERE customer_id = 43',
    text: 'THEN $2::numeric ELSE $3::numeric',
    index: ['public', 'orders', 'customer_id'],
  },
  extractField: {
    sql: 'SELECT extract(year FROM happened_on) AS y, count(*) FROM events WHERE device_id = 9 GROUP BY 1',
    text: 'pg_catalog.date_part($1::text, happened_on)',
    index: ['public', 'events', 'device_id'],
  },
  nullTest: {
    sql: "SELECT id FROM shipments WHERE tracking = 't9' AND 'flag' IS NOT NULL",
    text: '$2::text IS NOT NULL',
    index: ['public', 'shipments', 'tracking'],
  },
  join: {
    sql: "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'c5@example.com'",
    text: 'JOIN customers',
    index: ['public', 'customers', 'email'],
  },
  view: {
    sql: "SELECT id FROM open_customers WHERE email = 'c7@example.com' AND id > 0",
    text: 'FROM open_customers',
    index: ['public', 'customers', 'email'],
  },
  cteMaterialized: {
    sql: "WITH found AS MATERIALIZED (SELECT * FROM shipments WHERE tracking = 't500') SELECT id, weight FROM found",
    text: 'AS MATERIALIZED',
    index: ['public', 'shipments', 'tracking'],
  },
  cteInlined: {
    sql: 'WITH byCarrier AS (SELECT * FROM shipments WHERE carrier_ref = 77) SELECT count(*) FROM byCarrier',
    text: 'WITH byCarrier AS (SELECT',
    index: ['public', 'shipments', 'carrier_ref'],
  },
  cteModifying: {
    sql: 'WITH gone AS (DELETE FROM shipments WHERE lost_code = 3 RETURNING id) SELECT count(*) FROM gone',
    text: 'WITH gone AS (DELETE',
    index: ['public', 'shipments', 'lost_code'],
  },
  partitioned: { sql: 'SELECT * FROM events WHERE device_id = 42', text: 'FROM events WHERE', index: ['public', 'events', 'device_id'] },
  matview: {
    sql: 'SELECT n, last_on FROM device_totals WHERE device_id = 42',
    text: 'FROM device_totals',
    index: ['public', 'device_totals', 'device_id'],
  },
  quoted: {
    sql: `SELECT qty FROM "Sales"."Order Lines" WHERE "SKU" = 'S-42'`,
    text: '"Sales"."Order Lines"',
    index: ['Sales', 'Order Lines', 'SKU'],
  },
} as const;

describe.each(TEST_SERVERS)('index advisor on every kind of statement, from pg_stat_statements (%s)', (server) => {
  let postgres: PrivatePostgres;
  let report: AdvisorReport;
  let logAfterAnalysis = '';
  const hypopg = server === 'pg15';

  beforeAll(async () => {
    // The log goes to a file on PostgreSQL 15 (the embedded 18 is known to be up by its log on stderr, which a
    // logging collector would take away).
    postgres = await startPrivatePostgres(server, [
      'shared_preload_libraries=pg_stat_statements',
      ...(hypopg ? ['logging_collector=on'] : []),
    ]);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE statement_kinds');
    await bootstrap.end();
    const url = withDatabase(postgres.url, 'statement_kinds');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let logFile: string | null = null;
    try {
      for (const sql of [...SETUP, ...(hypopg ? ['CREATE EXTENSION hypopg'] : [])]) await client.query(sql);
      await client.query('SELECT pg_stat_statements_reset()');
      for (let i = 0; i < 3; i++) for (const kind of Object.values(KINDS)) await client.query(kind.sql);
      await client.query('SELECT * FROM revenue0 WHERE total > 1');
      await client.query('DROP VIEW revenue0');
      const reader = new pg.Client({ connectionString: asRole(url, 'reader') });
      await reader.connect();
      await reader.query('SELECT v FROM secrets WHERE k = 11');
      await reader.end();
      await client.query('REVOKE SELECT ON secrets FROM reader');
      const { rows } = await client.query<{ dir: string; file: string | null }>(
        "SELECT current_setting('data_directory') AS dir, pg_current_logfile() AS file",
      );
      const file = rows[0]!.file;
      if (file !== null) logFile = isAbsolute(file) ? file : join(rows[0]!.dir, file);
    } finally {
      await client.end();
    }
    const analysisStarts = logFile === null ? 0 : (await stat(logFile)).size;
    report = await analyzeWorkload({ pg: { connectionString: url }, budgetBytes: 1e12 });
    if (logFile !== null) {
      // A line of our own after the analysis: the log read is the server's, written up to now.
      const after = new pg.Client({ connectionString: url });
      await after.connect();
      await after.query(`DO $$ BEGIN RAISE LOG '${ANALYSIS_DONE}'; END $$`);
      await after.end();
      logAfterAnalysis = await readUntil(logFile, analysisStarts, ANALYSIS_DONE);
    }
  }, 180_000);

  afterAll(async () => {
    await postgres?.destroy();
  });

  const statementFor = (text: string) => report.statements.find((s) => s.query.includes(text));

  it(`uses ${hypopg ? 'HypoPG' : 'the estimate'}`, () => {
    expect(report.method).toBe(hypopg ? 'hypopg' : 'estimate');
  });

  it.each(Object.entries(KINDS))('analyzes %s and proposes the index it needs', (_kind, { text, index }) => {
    const statement = statementFor(text);
    expect(statement, `analyzed: ${JSON.stringify(report.skipped.filter((s) => s.query.includes(text)))}`).toBeDefined();
    const [schema, table, column] = index;
    const proposal = report.proposals.find(
      (p) =>
        p.schema === schema && p.table === table && p.columns[0]!.name === column && p.serves.some((s) => s.query === statement!.query),
    );
    expect(proposal, `proposals: ${report.proposals.map((p) => `${p.schema}.${p.table}(${p.columns[0]!.name})`).join(', ')}`).toBeDefined();
  });

  it('proposes the partitioned table, not its partitions', () => {
    expect(report.proposals.filter((p) => p.table.startsWith('events_'))).toEqual([]);
    // Sized as its partitions' indexes together (100 000 entries), not from the parent's unknown row count.
    const onEvents = report.proposals.find((p) => p.table === 'events')!;
    expect(onEvents.estimatedSizeBytes).toBeGreaterThan(100 * 8192);
  });

  it('skips a statement on a view dropped since it ran, with the reason', () => {
    const entry = report.skipped.find((s) => s.query.includes('FROM revenue0'));
    expect(entry?.reason).toContain('refers to revenue0, which does not exist now (dropped since it ran?)');
    expect(report.statements.filter((s) => s.query.includes('revenue0'))).toEqual([]);
  });

  it('skips a statement its role may no longer read, with the reason', () => {
    const entry = report.skipped.find((s) => s.query.includes('FROM secrets'));
    expect(entry?.reason).toContain('refers to secrets, on which the planning role lacks the SELECT privilege');
  });

  it.runIf(hypopg)('leaves no ERROR in the server log', () => {
    expect(logAfterAnalysis).toContain(ANALYSIS_DONE);
    expect(logAfterAnalysis.split('\n').filter((line) => line.includes('ERROR:'))).toEqual([]);
  });
});

/** The log from `offset` once it holds `marker` (the logging collector writes it a moment later). */
async function readUntil(file: string, offset: number, marker: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const text = (await readFile(file)).subarray(offset).toString('utf8');
    if (text.includes(marker) || attempt === 50) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = READER_PASSWORD;
  return parsed.toString();
}
