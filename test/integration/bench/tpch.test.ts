import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ensureTpchDatabase, isTpchLoaded } from '../../../app/cli/bench/tpch/tpch-loader.ts';
import { tpchQueries } from '../../../app/cli/bench/tpch/tpch-queries.ts';
import { tpchRowCounts, TPCH_TABLE_NAMES } from '../../../app/cli/bench/tpch/tpch-schema.ts';
import { referencedColumns } from '../../../app/cli/bench/tpch/query-columns.ts';
import { WhatIfCoster, indexKey, type CostedQuery } from '../../../app/cli/bench/tpch/what-if-cost.ts';
import { extendSelection, singleColumnCandidates } from '../../../app/cli/bench/tpch/extend-peer.ts';
import { dropSelection } from '../../../app/cli/bench/tpch/drop-peer.ts';
import { db2advisSelection } from '../../../app/cli/bench/tpch/db2advis-peer.ts';
import { autoAdminSelection } from '../../../app/cli/bench/tpch/autoadmin-peer.ts';
import { relaxationSelection } from '../../../app/cli/bench/tpch/relaxation-peer.ts';
import { dtaAnytimeSelection } from '../../../app/cli/bench/tpch/dta-anytime-peer.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';

const SCALE = 0.01;
const SEED = 1;

/**
 * The TPC-H bench's data and queries on both real servers: scale factor 0.01 loaded through COPY into a scratch
 * database, every one of the study's 19 queries planned; on PostgreSQL 15 (which has HypoPG) also the bench's
 * cost model and its Extend peer.
 */
describe.each(TEST_SERVERS)('TPC-H data and queries (%s)', (server) => {
  let db: TestDatabase;
  let client: pg.Client;
  let firstLoad: Awaited<ReturnType<typeof ensureTpchDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    firstLoad = await ensureTpchDatabase(serverUrl(server), db.name, { scale: SCALE, seed: SEED });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('loads every table with the row counts of the scale factor, keyless, analyzed', async () => {
    expect(firstLoad.loaded).toBe(true);
    const counts = tpchRowCounts(SCALE);
    for (const table of TPCH_TABLE_NAMES) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${pg.escapeIdentifier(table)}`);
      if (table === 'lineitem') expect(Number(rows[0]!.n)).toBe(firstLoad.rows.lineitem);
      else expect(Number(rows[0]!.n), table).toBe(counts[table]);
    }
    const { rows: indexes } = await client.query(
      `SELECT indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'public'::regnamespace`,
    );
    expect(indexes).toEqual([]);
    const { rows: stats } = await client.query<{ n: string }>(
      `SELECT count(DISTINCT tablename)::text AS n FROM pg_stats WHERE schemaname = 'public'`,
    );
    expect(Number(stats[0]!.n)).toBe(8);
  });

  it('reuses a database that holds the same scale and seed, and not one of another scale or seed', async () => {
    const again = await ensureTpchDatabase(serverUrl(server), db.name, { scale: SCALE, seed: SEED });
    expect(again.loaded).toBe(false);
    expect(await isTpchLoaded(db.url, { scale: SCALE, seed: SEED })).toBe(true);
    expect(await isTpchLoaded(db.url, { scale: SCALE, seed: SEED + 1 })).toBe(false);
    expect(await isTpchLoaded(db.url, { scale: 0.02, seed: SEED })).toBe(false);
  });

  it('plans all 19 queries, and Q15 in its view form', async () => {
    const queries = tpchQueries({ scale: SCALE, seed: SEED });
    expect(queries).toHaveLength(19);
    for (const query of queries) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] }>(`EXPLAIN (FORMAT JSON) ${query.sql}`);
      expect(rows[0]!['QUERY PLAN'][0].Plan['Total Cost'], `Q${query.number}`).toBeGreaterThan(0);
    }
    const { viewForm } = queries.find((q) => q.number === 15)!;
    await client.query(viewForm!.create);
    try {
      const { rows } = await client.query(viewForm!.select);
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.query(viewForm!.drop);
    }
  });

  it.runIf(server === 'pg15')('costs configurations with HypoPG, and Extend stays within its budget and lowers the cost', async () => {
    await client.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    const costed: CostedQuery[] = [];
    for (const query of tpchQueries({ scale: SCALE, seed: SEED })) {
      costed.push({ name: `Q${query.number}`, sql: query.sql, columns: await referencedColumns(query.sql) });
    }
    const coster = new WhatIfCoster(client, costed);
    const base = await coster.measure([]);
    expect(base.perQuery).toHaveLength(19);
    const budgetBytes = 2_000_000;
    const extend = await extendSelection(coster, { budgetBytes });
    expect(extend.indexes.length).toBeGreaterThan(0);
    expect(await coster.totalSizeBytes(extend.indexes)).toBeLessThanOrEqual(budgetBytes);
    expect(extend.indexes.every((index) => index.columns.length <= 2)).toBe(true);
    const measured = await coster.measure(extend.indexes);
    expect(measured.total).toBeLessThan(base.total);
    // The search's cached, relevance-filtered costs agree with costing every query with every index at once.
    expect(measured.total).toBeCloseTo(extend.cost, 0);
    const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
    expect(rows).toEqual([]);
  });

  const costerFor = async () => {
    await client.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    const costed: CostedQuery[] = [];
    for (const query of tpchQueries({ scale: SCALE, seed: SEED })) {
      costed.push({ name: `Q${query.number}`, sql: query.sql, columns: await referencedColumns(query.sql) });
    }
    return new WhatIfCoster(client, costed);
  };

  it.runIf(server === 'pg15')('Drop removes single-column indexes until it fits its budget, and lowers the cost', async () => {
    const coster = await costerFor();
    const base = await coster.measure([]);
    const budgetBytes = 2_000_000;
    const all = singleColumnCandidates(coster);
    expect(await coster.totalSizeBytes(all)).toBeGreaterThan(budgetBytes);
    const drop = await dropSelection(coster, { budgetBytes });
    expect(drop.indexes.length).toBeGreaterThan(0);
    expect(drop.steps).toBe(all.length - drop.indexes.length);
    expect(await coster.totalSizeBytes(drop.indexes)).toBeLessThanOrEqual(budgetBytes);
    expect(drop.indexes.every((index) => index.columns.length === 1)).toBe(true);
    const measured = await coster.measure(drop.indexes);
    expect(measured.total).toBeLessThan(base.total);
    expect(measured.total).toBeCloseTo(drop.cost, 0);
    // A budget every candidate fits in removes nothing.
    const roomy = await dropSelection(coster, { budgetBytes: await coster.totalSizeBytes(all) });
    expect(roomy.steps).toBe(0);
    const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
    expect(rows).toEqual([]);
  });

  it.runIf(server === 'pg15')('DB2Advis keeps indexes the plans use, stays within its budget and lowers the cost', async () => {
    const coster = await costerFor();
    const base = await coster.measure([]);
    const budgetBytes = 2_000_000;
    const db2advis = await db2advisSelection(client, coster, { budgetBytes });
    expect(db2advis.ranked.length).toBeGreaterThan(0);
    expect(db2advis.ranked.every((entry) => entry.benefit > 0)).toBe(true);
    expect(db2advis.indexes.length).toBeGreaterThan(0);
    expect(db2advis.indexes.length).toBeLessThan(db2advis.ranked.length);
    expect(db2advis.indexes.some((index) => index.columns.length === 2)).toBe(true);
    expect(db2advis.indexes.every((index) => index.columns.length <= 2)).toBe(true);
    expect(await coster.totalSizeBytes(db2advis.indexes)).toBeLessThanOrEqual(budgetBytes);
    const measured = await coster.measure(db2advis.indexes);
    expect(measured.total).toBeLessThan(base.total);
    const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
    expect(rows).toEqual([]);
  });

  it.runIf(server === 'pg15')(
    "AutoAdmin (simplified) chooses among the queries' best indexes, within its budget, and lowers the cost",
    async () => {
      const coster = await costerFor();
      const base = await coster.measure([]);
      const budgetBytes = 2_000_000;
      const autoAdmin = await autoAdminSelection(coster, { budgetBytes });
      expect(autoAdmin.indexes.length).toBeGreaterThan(0);
      expect(autoAdmin.candidates.length).toBeLessThanOrEqual(base.perQuery.length);
      const candidateKeys = new Set(autoAdmin.candidates.map(indexKey));
      expect(autoAdmin.indexes.every((index) => candidateKeys.has(indexKey(index)))).toBe(true);
      expect(autoAdmin.indexes.every((index) => index.columns.length <= 2)).toBe(true);
      expect(await coster.totalSizeBytes(autoAdmin.indexes)).toBeLessThanOrEqual(budgetBytes);
      const measured = await coster.measure(autoAdmin.indexes);
      expect(measured.total).toBeLessThan(base.total);
      expect(measured.total).toBeCloseTo(autoAdmin.cost, 0);
      const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
      expect(rows).toEqual([]);
    },
  );

  it.runIf(server === 'pg15')(
    "Relaxation shrinks the queries' best indexes until they fit its budget, lowers the cost, the same on every run",
    async () => {
      const coster = await costerFor();
      const base = await coster.measure([]);
      const budgetBytes = 2_000_000;
      const relaxation = await relaxationSelection(client, coster, { budgetBytes });
      expect(await coster.totalSizeBytes(relaxation.start)).toBeGreaterThan(budgetBytes);
      expect(relaxation.steps).toBeGreaterThan(0);
      expect(relaxation.indexes.length).toBeGreaterThan(0);
      expect(relaxation.indexes.every((index) => index.columns.length <= 2)).toBe(true);
      expect(await coster.totalSizeBytes(relaxation.indexes)).toBeLessThanOrEqual(budgetBytes);
      const measured = await coster.measure(relaxation.indexes);
      expect(measured.total).toBeLessThan(base.total);
      expect(measured.total).toBeCloseTo(relaxation.cost, 0);
      const again = await relaxationSelection(client, coster, { budgetBytes });
      expect(again.indexes.map(indexKey)).toEqual(relaxation.indexes.map(indexKey));
      // A budget the starting configuration fits in relaxes nothing.
      const roomy = await relaxationSelection(client, coster, { budgetBytes: await coster.totalSizeBytes(relaxation.start) });
      expect(roomy.steps).toBe(0);
      const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
      expect(rows).toEqual([]);
    },
    // Three relaxations of TPC-H's utilized indexes, beside the rest of the suite: more than the default timeout allows.
    180_000,
  );

  it.runIf(server === 'pg15')(
    'DTA-anytime keeps the best of its seeded greedy searches, within its budget, lowers the cost, the same on every run',
    async () => {
      const coster = await costerFor();
      const base = await coster.measure([]);
      const budgetBytes = 2_000_000;
      const dta = await dtaAnytimeSelection(client, coster, { budgetBytes });
      expect(dta.seeds).toBe(dta.candidates.length + 1);
      expect(dta.indexes.length).toBeGreaterThan(0);
      const candidateKeys = new Set(dta.candidates.map(indexKey));
      expect(dta.indexes.every((index) => candidateKeys.has(indexKey(index)))).toBe(true);
      expect(dta.indexes.every((index) => index.columns.length <= 2)).toBe(true);
      expect(await coster.totalSizeBytes(dta.indexes)).toBeLessThanOrEqual(budgetBytes);
      const measured = await coster.measure(dta.indexes);
      expect(measured.total).toBeLessThan(base.total);
      expect(measured.total).toBeCloseTo(dta.cost, 0);
      const again = await dtaAnytimeSelection(client, coster, { budgetBytes });
      expect(again.indexes.map(indexKey)).toEqual(dta.indexes.map(indexKey));
      // Out of configurations after the first seed, it returns what that seed's search found.
      const first = await dtaAnytimeSelection(client, coster, { budgetBytes, maxConfigurations: 1 });
      expect(first.seeds).toBe(1);
      expect(await coster.totalSizeBytes(first.indexes)).toBeLessThanOrEqual(budgetBytes);
      const { rows } = await client.query('SELECT * FROM hypopg_list_indexes');
      expect(rows).toEqual([]);
    },
    120_000,
  );
});
