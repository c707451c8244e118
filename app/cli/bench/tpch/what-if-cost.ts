import type pg from 'pg';
import type { IndexSpec } from '../../../../main/advisor/index.ts';
import { quoteIdent, quoteQualified } from '../../../../main/sql/identifiers.ts';

/**
 * The index-selection study's cost model, kept in the bench so that every contender is measured by the same
 * yardstick and none by its own figures: a workload's cost is the sum of each query's `EXPLAIN` total cost (the
 * query as written, literals and all, never executed) with the configuration's indexes created as HypoPG
 * hypothetical indexes in this one backend; an index's size is HypoPG's estimate. For searches, costs are cached
 * per query and the set of indexes relevant to it (on a table it reads, with a column it references, or partial), as
 * the study's platform does: no other index can change its plan. What the bench reports (`measure`) creates every
 * index at once and plans every query, without that shortcut.
 */

/** An index as a configuration holds it: the advisor's own IndexSpec (the fields of a proposal that shape the index). */
export type WhatIfIndex = IndexSpec;

export interface CostedQuery {
  /** A label for reports (the TPC-H query number). */
  name: string;
  sql: string;
  /** Columns the query references, per table it reads (unqualified names). */
  columns: ReadonlyMap<string, ReadonlySet<string>>;
}

function relevant(query: CostedQuery, index: WhatIfIndex): boolean {
  const columns = query.columns.get(index.table);
  if (!columns) return false;
  return index.predicate !== null || index.columns.some((c) => columns.has(c.name)) || index.include.some((c) => columns.has(c));
}

/** `CREATE INDEX ON …` as HypoPG takes it (no name, no CONCURRENTLY). */
export function hypotheticalIndexSql(index: WhatIfIndex): string {
  const keys = index.columns.map((c) => `${quoteIdent(c.name)}${c.direction === 'desc' ? ' DESC' : ''}`).join(', ');
  const include = index.include.length > 0 ? ` INCLUDE (${index.include.map(quoteIdent).join(', ')})` : '';
  const where = index.predicate ? ` WHERE ${index.predicate}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ON ${quoteQualified(index.schema, index.table)} USING ${index.method} (${keys})${include}${where}`;
}

/** A stable identity for an index definition. */
export function indexKey(index: WhatIfIndex): string {
  return JSON.stringify([index.schema, index.table, index.columns, index.include, index.method, index.predicate, index.unique ?? false]);
}

/** A short readable form for reports: `lineitem(l_shipdate, l_orderkey)`. */
export function describeIndex(index: WhatIfIndex): string {
  const keys = index.columns.map((c) => `${c.name}${c.direction === 'desc' ? ' desc' : ''}`).join(', ');
  const method = index.method === 'brin' ? ' brin' : '';
  const include = index.include.length > 0 ? ` include (${index.include.join(', ')})` : '';
  const where = index.predicate ? ` where ${index.predicate}` : '';
  return `${index.table}${method}(${keys})${include}${where}`;
}

export class WhatIfCoster {
  private readonly costs = new Map<string, number>();
  private readonly sizes = new Map<string, number>();
  /** Plans costed (cache misses), for the bench's notes. */
  explains = 0;

  constructor(
    private readonly client: pg.Client,
    readonly queries: readonly CostedQuery[],
  ) {}

  private async createHypothetical(indexes: readonly WhatIfIndex[]): Promise<number[]> {
    const ids: number[] = [];
    for (const index of indexes) {
      const { rows } = await this.client.query<{ indexrelid: number }>('SELECT indexrelid FROM hypopg_create_index($1)', [
        hypotheticalIndexSql(index),
      ]);
      ids.push(rows[0]!.indexrelid);
    }
    return ids;
  }

  /** HypoPG's size estimate of the index, in bytes. */
  async sizeBytes(index: WhatIfIndex): Promise<number> {
    const key = indexKey(index);
    const known = this.sizes.get(key);
    if (known !== undefined) return known;
    await this.client.query('SELECT hypopg_reset()');
    const [id] = await this.createHypothetical([index]);
    const { rows } = await this.client.query<{ bytes: string }>('SELECT hypopg_relation_size($1)::text AS bytes', [id]);
    await this.client.query('SELECT hypopg_reset()');
    const bytes = Number(rows[0]!.bytes);
    this.sizes.set(key, bytes);
    return bytes;
  }

  async totalSizeBytes(indexes: readonly WhatIfIndex[]): Promise<number> {
    let total = 0;
    for (const index of indexes) total += await this.sizeBytes(index);
    return total;
  }

  /** One query's plan cost with those of `indexes` that are relevant to it. */
  async queryCost(query: number, indexes: readonly WhatIfIndex[]): Promise<number> {
    const costed = this.queries[query]!;
    const used = indexes.filter((index) => relevant(costed, index));
    const key = `${query}|${used.map(indexKey).sort().join('|')}`;
    const known = this.costs.get(key);
    if (known !== undefined) return known;
    const cost = await this.planCost(used, costed.sql);
    this.explains++;
    this.costs.set(key, cost);
    return cost;
  }

  /**
   * The plan cost of `sql` with `indexes` as the only hypothetical ones, in one round trip (a multi-statement simple
   * query: reset, create each, EXPLAIN, reset). A search misses the cache thousands of times (Relaxation on TPC-H
   * 0.01: ~8,000), and a round trip per statement made a miss up to twice as slow (DTA-anytime in
   * test/integration/bench/tpch.test.ts: 12 s, 6 s in one round trip).
   */
  private async planCost(indexes: readonly WhatIfIndex[], sql: string): Promise<number> {
    const statements = [
      'SELECT hypopg_reset()',
      ...indexes.map((index) => `SELECT hypopg_create_index(${this.client.escapeLiteral(hypotheticalIndexSql(index))})`),
      // On a line of its own: a trailing comment in the query must not swallow the reset after it.
      `EXPLAIN (FORMAT JSON) ${sql}\n`,
      'SELECT hypopg_reset()',
    ];
    // node-postgres answers a multi-statement query with one result per statement.
    const results = (await this.client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
    const plan = results.find((result) => result.fields[0]?.name === 'QUERY PLAN');
    return (plan!.rows[0] as { 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] })['QUERY PLAN'][0].Plan['Total Cost'];
  }

  /**
   * What the bench reports: Σ over the queries (weight 1 each) of the plan cost with every one of `indexes` created
   * at once (no relevance shortcut, no cache), and each query's cost.
   */
  async measure(indexes: readonly WhatIfIndex[]): Promise<{ total: number; perQuery: number[] }> {
    await this.client.query('SELECT hypopg_reset()');
    try {
      await this.createHypothetical(indexes);
      const perQuery: number[] = [];
      for (const { sql } of this.queries) {
        const { rows } = await this.client.query<{ 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] }>(`EXPLAIN (FORMAT JSON) ${sql}`);
        perQuery.push(rows[0]!['QUERY PLAN'][0].Plan['Total Cost']);
      }
      return { total: perQuery.reduce((a, b) => a + b, 0), perQuery };
    } finally {
      await this.client.query('SELECT hypopg_reset()');
    }
  }

  /** Σ over the queries (weight 1 each) of the plan cost with `indexes`, through the per-query cache (for searches). */
  async workloadCost(indexes: readonly WhatIfIndex[]): Promise<{ total: number; perQuery: number[] }> {
    const perQuery: number[] = [];
    for (let i = 0; i < this.queries.length; i++) perQuery.push(await this.queryCost(i, indexes));
    return { total: perQuery.reduce((a, b) => a + b, 0), perQuery };
  }
}

/** A plain ascending B-tree on `public.table`: the only kind the study's algorithms consider. */
export function btree(table: string, columns: readonly string[]): WhatIfIndex {
  return {
    schema: 'public',
    table,
    columns: columns.map((name) => ({ name, direction: 'asc' as const })),
    include: [],
    method: 'btree',
    predicate: null,
  };
}
