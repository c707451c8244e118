import type pg from 'pg';
import { queryCandidates } from './db2advis-peer.ts';
import { hypotheticalIndexSql, indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * The starting point the index-selection study (Kossmann et al., VLDB 2020) gives Relaxation and DTA-anytime: for
 * each query alone, every syntactically relevant index (per table it reads, each referenced column and each ordered
 * pair of them, up to `maxWidth`) created hypothetically at once, the query planned, and the indexes its plan names
 * kept. The union over the queries is the set of "best indexes per query": what each query would use with no budget.
 *
 * It plans through a client of its own (the coster's may be passed: both reset HypoPG around each plan), since the
 * coster offers no way to read which indexes a plan uses.
 */

type PlanNode = { 'Index Name'?: string; Plans?: PlanNode[] };

/** HypoPG names its indexes `<oid>btree_table_columns`: the oid identifies the index it created. */
function hypotheticalOid(indexName: string): number | null {
  const match = /^<(\d+)>/.exec(indexName);
  return match ? Number(match[1]) : null;
}

function collectIndexNames(node: PlanNode, names: Set<string>): void {
  if (node['Index Name'] !== undefined) names.add(node['Index Name']);
  for (const child of node.Plans ?? []) collectIndexNames(child, names);
}

/** The indexes some query's plan uses when all of its candidates exist, sorted by definition (for stable searches). */
export async function utilizedIndexes(client: pg.Client, coster: WhatIfCoster, maxWidth = 2): Promise<WhatIfIndex[]> {
  const utilized = new Map<string, WhatIfIndex>();
  for (const query of coster.queries) {
    const candidates = queryCandidates(query.columns, maxWidth);
    if (candidates.length === 0) continue;
    await client.query('SELECT hypopg_reset()');
    try {
      const byOid = new Map<number, WhatIfIndex>();
      for (const candidate of candidates) {
        const { rows } = await client.query<{ indexrelid: number }>('SELECT indexrelid FROM hypopg_create_index($1)', [
          hypotheticalIndexSql(candidate),
        ]);
        byOid.set(rows[0]!.indexrelid, candidate);
      }
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${query.sql}`);
      const names = new Set<string>();
      collectIndexNames(rows[0]!['QUERY PLAN'][0].Plan, names);
      for (const name of names) {
        const oid = hypotheticalOid(name);
        const index = oid === null ? undefined : byOid.get(oid);
        if (index) utilized.set(indexKey(index), index);
      }
    } finally {
      await client.query('SELECT hypopg_reset()');
    }
  }
  return [...utilized.values()].sort((a, b) => indexKey(a).localeCompare(indexKey(b)));
}
