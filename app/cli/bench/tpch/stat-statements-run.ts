import pg from 'pg';
import type { TpchQuery } from './tpch-queries.ts';

/**
 * The bench's `--from-stat-statements` mode, first half: run the queries for real (Q15 as the spec writes it, with
 * its view created and dropped around it, as the study's platform runs it), so that pg_stat_statements holds them
 * as a user's server would, normalized. Then the advisor analyzes from pg_stat_statements alone. Each query's
 * pg_stat_statements entry is found by what appeared after it ran, so the report can say which of the queries the
 * advisor analyzed. A statement that hits `statement_timeout` is not recorded by pg_stat_statements, so one that
 * does is run again on a session with nested loops off: without indexes, PostgreSQL plans Q21 at scale 1 as a nested
 * loop over lineitem that runs for hours, and planner settings change neither a statement's text nor its queryid.
 * Such re-runs are reported.
 */

export type StatStatementsRun =
  | { ran: false; reason: string }
  | {
      ran: true;
      /** The pg_stat_statements entries (queryid as text, normalized text) each TPC-H query added, by its number. */
      entries: Map<number, { id: string; query: string }[]>;
      failed: { number: number; error: string }[];
      /** Queries that hit the timeout and were run again with nested loops off. */
      rerunWithoutNestedLoops: number[];
      seconds: number;
    };

const SNAPSHOT = `SELECT queryid::text AS id, query FROM pg_stat_statements
  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** SQLSTATE of a statement cancelled, here by statement_timeout. */
const QUERY_CANCELED = '57014';

async function connect(url: string, timeoutSeconds: number, options?: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'hotpath-bench-tpch',
    statement_timeout: timeoutSeconds * 1000,
    ...(options ? { options } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function preloaded(client: pg.Client): Promise<string | null> {
  const { rows } = await client.query<{ v: string }>(`SELECT current_setting('shared_preload_libraries') AS v`);
  const libraries = rows[0]!.v.split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
  if (libraries.includes('pg_stat_statements')) return null;
  return `pg_stat_statements is not preloaded on this server (shared_preload_libraries = '${rows[0]!.v}'): pass --pg a server started with shared_preload_libraries = 'pg_stat_statements'`;
}

export async function runForStatStatements(
  url: string,
  queries: readonly TpchQuery[],
  timeoutSeconds: number,
  progress: (message: string) => void,
): Promise<StatStatementsRun> {
  const client = await connect(url, timeoutSeconds);
  let fallback: pg.Client | null = null;
  const rerunWithoutNestedLoops: number[] = [];
  /** Runs `sql`; on a statement timeout, runs it again with nested loops off (a session setting: no statement recorded). */
  const execute = async (number: number, sql: string) => {
    try {
      await client.query(sql);
    } catch (error) {
      if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
      fallback ??= await connect(url, timeoutSeconds, '-c enable_nestloop=off');
      rerunWithoutNestedLoops.push(number);
      await fallback.query(sql);
    }
  };
  try {
    const notPreloaded = await preloaded(client);
    if (notPreloaded) return { ran: false, reason: notPreloaded };
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
    const seen = new Set<string>();
    const snapshot = async () => {
      const { rows } = await client.query<{ id: string; query: string }>(SNAPSHOT);
      const fresh = rows.filter((row) => !seen.has(row.id) && !row.query.includes('pg_stat_statements'));
      for (const row of rows) seen.add(row.id);
      return fresh;
    };
    await snapshot();
    const entries = new Map<number, { id: string; query: string }[]>();
    const failed: { number: number; error: string }[] = [];
    const started = performance.now();
    for (const query of queries) {
      const queryStarted = performance.now();
      try {
        if (query.viewForm) {
          await client.query(query.viewForm.create);
          try {
            await execute(query.number, query.viewForm.select);
          } finally {
            await client.query(query.viewForm.drop);
          }
        } else await execute(query.number, query.sql);
      } catch (error) {
        failed.push({ number: query.number, error: (error as Error).message });
      }
      entries.set(query.number, await snapshot());
      progress(`Q${query.number} ran in ${((performance.now() - queryStarted) / 1000).toFixed(1)} s`);
    }
    return { ran: true, entries, failed, rerunWithoutNestedLoops, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end().catch(() => undefined);
    await (fallback as pg.Client | null)?.end().catch(() => undefined);
  }
}
