import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * Autovacuum is off on these tables: a vacuum marks their pages all-visible, which makes index-only scans cheap in
 * the planner's costs and turns the covering variants (INCLUDE, or the selected column appended) into proposals.
 * Whether autovacuum got there before the analysis was a race; the expectations below are for tables not vacuumed.
 */
const NO_AUTOVACUUM = 'WITH (autovacuum_enabled = false)';

const SETUP = [
  `CREATE TABLE events (id bigint PRIMARY KEY, account_id int NOT NULL, happened_at timestamptz NOT NULL, payload text NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO events SELECT g, (g * 7919) % 2000, timestamptz '2026-01-01' + ((g * 104729) % 20000) * interval '1 minute', repeat('x', 60) FROM generate_series(1, 20000) g`,
  `CREATE TABLE posts (id bigint PRIMARY KEY, published_at timestamptz NOT NULL, title text NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO posts SELECT g, timestamptz '2026-01-01' + ((g * 7919) % 20000) * interval '1 hour', 'title ' || g FROM generate_series(1, 20000) g`,
  `CREATE TABLE docs (id bigint PRIMARY KEY, owner_id int NOT NULL, deleted_at timestamptz, body text NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO docs SELECT g, g % 500, CASE WHEN g % 10 = 0 THEN NULL ELSE now() END, repeat('d', 40) FROM generate_series(1, 20000) g`,
  `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO orders SELECT g, g % 1000 FROM generate_series(1, 20000) g`,
  `CREATE INDEX orders_customer_idx ON orders (customer_id)`,
  `CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, qty int NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO order_lines SELECT g, 1 + (g * 7919) % 20000, g % 9 FROM generate_series(1, 60000) g`,
  `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 20000) g`,
  `CREATE INDEX users_email_idx ON users (email)`,
  `CREATE SCHEMA "Shop"`,
  `CREATE TABLE "Shop"."Order Items" ("Item Id" bigint PRIMARY KEY, "Customer ""Id""" int NOT NULL, "Price" numeric NOT NULL) ${NO_AUTOVACUUM}`,
  `INSERT INTO "Shop"."Order Items" SELECT g, g % 3000, g * 1.5 FROM generate_series(1, 20000) g`,
  `ANALYZE`,
];

const TEMPLATES = [
  { name: 'account_events', sql: 'SELECT id, payload FROM events WHERE account_id = $1 AND happened_at >= $2::timestamptz', weight: 10 },
  { name: 'latest_posts', sql: 'SELECT id, title FROM posts ORDER BY published_at DESC LIMIT 10', weight: 10 },
  { name: 'live_docs', sql: 'SELECT id, body FROM docs WHERE owner_id = $1 AND deleted_at IS NULL', weight: 10 },
  {
    name: 'customer_lines',
    sql: 'SELECT l.qty FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = $1',
    weight: 10,
  },
  { name: 'user_by_email', sql: 'SELECT id FROM users WHERE email = $1', weight: 10 },
  { name: 'customer_items', sql: 'SELECT "Price" FROM "Shop"."Order Items" WHERE "Customer ""Id""" = $1', weight: 10 },
];

describe.each(TEST_SERVERS)('index advisor on hand-written workloads (%s)', (server) => {
  let db: TestDatabase;
  let client: pg.Client;
  let report: AdvisorReport;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    for (const sql of SETUP) await client.query(sql);
    // The owner's one-time step for what-if costs (the system PostgreSQL 15 has HypoPG): analysis never creates it.
    if (server === 'pg15') await client.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    // A lent client: the advisor must leave it open.
    report = await analyzeWorkload({ pg: async () => client, templates: TEMPLATES, useStatStatements: false });
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const find = (table: string) => report.proposals.filter((p) => p.table === table);

  it('uses HypoPG where it exists and says how it estimated otherwise', () => {
    expect(report.method).toBe(server === 'pg15' ? 'hypopg' : 'estimate');
    expect(report.methodNote.length).toBeGreaterThan(40);
  });

  it('puts the equality column before the range column', () => {
    expect(find('events').map((p) => [p.columns.map((c) => c.name), p.method, p.predicate])).toEqual([
      [['account_id', 'happened_at'], 'btree', null],
    ]);
  });

  it('indexes the ORDER BY of a LIMIT query in its direction', () => {
    expect(find('posts').map((p) => [p.columns, p.predicate])).toEqual([[[{ name: 'published_at', direction: 'desc' }], null]]);
  });

  it('proposes a partial index for a constant IS NULL predicate', () => {
    expect(find('docs').map((p) => [p.columns.map((c) => c.name), p.predicate])).toEqual([[['owner_id'], '"deleted_at" IS NULL']]);
  });

  it('indexes an unindexed foreign key used by a join', () => {
    expect(find('order_lines').map((p) => p.columns.map((c) => c.name))).toEqual([['order_id']]);
    expect(find('orders')).toEqual([]);
  });

  it('proposes nothing for a query an existing index already serves', () => {
    expect(find('users')).toEqual([]);
    expect(report.proposals).toHaveLength(5);
  });

  it('handles quoted, spaced, mixed-case identifiers end to end: the DDL runs and the planner uses it', async () => {
    const [proposal] = find('Order Items');
    expect(proposal).toBeDefined();
    expect(proposal!.schema).toBe('Shop');
    expect(proposal!.columns).toEqual([{ name: 'Customer "Id"', direction: 'asc' }]);
    await client.query(proposal!.ddl);
    await client.query('ANALYZE "Shop"."Order Items"');
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) SELECT "Price" FROM "Shop"."Order Items" WHERE "Customer ""Id""" = 42`);
    expect(JSON.stringify(rows[0])).toContain(proposal!.name);
  });
});
