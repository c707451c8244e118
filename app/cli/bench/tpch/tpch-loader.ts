import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdent } from '../../../../main/sql/identifiers.ts';
import { databaseUrl } from '../scratch-database.ts';
import { TpchGenerator, type TpchRow } from './tpch-generator.ts';
import { TPCH_TABLES, TPCH_TABLE_NAMES, type TpchTable } from './tpch-schema.ts';
import { withClient as withPgClient } from '../../../../main/util/pg-client.ts';

/**
 * Loads TPC-H data into a PostgreSQL database through `COPY … FROM STDIN`: the tables (dropped first if present,
 * no keys, no indexes), then ANALYZE. Each table is created and filled in one transaction with `COPY … FREEZE`, so
 * the rows are already frozen and all-visible: the state a table reaches once autovacuum has passed over it after a
 * bulk load, reached here without rewriting every page a second time, and the same on every run (plans of
 * index-only scans depend on it). lineitem loads on a second connection beside the other tables, so the server's
 * two halves of the work (parsing rows, writing pages) overlap with the generator's.
 *
 * A comment on lineitem records scale and seed once everything is in: a database whose comment matches is reused
 * as it is, one whose load was interrupted (no comment) is loaded again.
 */

export interface TpchLoadOptions {
  scale: number;
  seed: number;
  /** Progress lines (the load takes minutes at scale 1). */
  onProgress?: (message: string) => void;
}

export interface TpchLoadResult {
  /** A connection string for the database. */
  url: string;
  /** False when the database already held this scale and seed. */
  loaded: boolean;
  /** Time to generate, copy and analyze, when loaded. */
  seconds: number;
  rows: Partial<Record<TpchTable, number>>;
}

/** Rows per COPY write: large enough that the per-write overhead vanishes, small enough to keep memory flat. */
const ROWS_PER_CHUNK = 2000;

function marker(options: TpchLoadOptions): string {
  return `hotpath tpch scale=${options.scale} seed=${options.seed}`;
}

/** Default database name for a scale: `hotpath_bench_tpch_sf1`, `hotpath_bench_tpch_sf0_01`. */
export function tpchDatabaseName(scale: number): string {
  return `hotpath_bench_tpch_sf${String(scale).replace(/[^0-9a-z]/gi, '_')}`;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return await withPgClient({ connectionString: url, application_name: 'hotpath-bench-tpch' }, work);
}

function* chunks(rows: Iterable<TpchRow>, counter: { rows: number }): Generator<string> {
  let lines: string[] = [];
  for (const row of rows) {
    lines.push(row.join('\t'));
    if (lines.length === ROWS_PER_CHUNK) {
      counter.rows += lines.length;
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) {
    counter.rows += lines.length;
    yield `${lines.join('\n')}\n`;
  }
}

async function copyTable(client: pg.Client, table: TpchTable, rows: Iterable<TpchRow>): Promise<number> {
  const columns = TPCH_TABLES[table].map((column) => `${quoteIdent(column.name)} ${column.type} NOT NULL`).join(', ');
  const counter = { rows: 0 };
  await client.query('BEGIN');
  try {
    await client.query(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
    await client.query(`CREATE TABLE ${quoteIdent(table)} (${columns})`);
    await pipeline(Readable.from(chunks(rows, counter)), client.query(copyFrom(`COPY ${quoteIdent(table)} FROM STDIN WITH (FREEZE)`)));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return counter.rows;
}

/** Whether the database at `url` already holds a complete load of this scale and seed. */
export async function isTpchLoaded(url: string, options: TpchLoadOptions): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
        WHERE c.relname = 'lineitem' AND c.relnamespace = 'public'::regnamespace`,
    );
    return rows[0]?.comment === marker(options);
  });
}

/** Generates and loads every table into the database at `url` (its existing TPC-H tables are replaced). */
export async function loadTpch(url: string, options: TpchLoadOptions): Promise<Omit<TpchLoadResult, 'url' | 'loaded'>> {
  const progress = options.onProgress ?? (() => undefined);
  const started = performance.now();
  const generator = new TpchGenerator({ scale: options.scale, seed: options.seed });
  const rows: Partial<Record<TpchTable, number>> = {};
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const lineitems = withClient(url, async (client) => {
    const lines = (function* () {
      for (const { lines } of generator.orders()) yield* lines;
    })();
    rows.lineitem = await copyTable(client, 'lineitem', lines);
    progress(`lineitem: ${rows.lineitem.toLocaleString('en')} rows (${elapsed()})`);
  });
  const others = withClient(url, async (client) => {
    const orders = (function* () {
      for (const { order } of generator.orders()) yield order;
    })();
    rows.orders = await copyTable(client, 'orders', orders);
    progress(`orders: ${rows.orders.toLocaleString('en')} rows (${elapsed()})`);
    for (const table of ['partsupp', 'part', 'customer', 'supplier', 'nation', 'region'] as const) {
      rows[table] = await copyTable(client, table, generator.rows(table));
      progress(`${table}: ${rows[table].toLocaleString('en')} rows (${elapsed()})`);
    }
  });
  await Promise.all([lineitems, others]);
  await withClient(url, async (client) => {
    progress('ANALYZE…');
    for (const table of TPCH_TABLE_NAMES) await client.query(`ANALYZE ${quoteIdent(table)}`);
    await client.query(`COMMENT ON TABLE lineitem IS ${client.escapeLiteral(marker(options))}`);
  });
  return { seconds: (performance.now() - started) / 1000, rows };
}

/**
 * The database `database` on the server at `serverUrl`, created if missing and loaded unless it already holds this
 * scale and seed. The caller owns the database (a benchmark's own, never a user's).
 */
export async function ensureTpchDatabase(serverUrl: string, database: string, options: TpchLoadOptions): Promise<TpchLoadResult> {
  const url = databaseUrl(serverUrl, database);
  const exists = await withClient(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return rowCount !== 0;
  });
  if (exists && (await isTpchLoaded(url, options))) return { url, loaded: false, seconds: 0, rows: {} };
  options.onProgress?.(`Loading TPC-H scale ${options.scale} (seed ${options.seed}) into ${database}…`);
  return { url, loaded: true, ...(await loadTpch(url, options)) };
}
