import type pg from 'pg';
import { btree, hypotheticalIndexSql, indexKey, type WhatIfCoster, type WhatIfIndex } from './what-if-cost.ts';

/**
 * Our implementation of DB2Advis (Valentin, Zuliani, Zilio, Lohman, Skelley, "DB2 Advisor: An Optimizer Smart
 * Enough to Recommend Its Own Indexes", ICDE 2000) as the index-selection study (Kossmann et al., VLDB 2020) runs
 * it, as a bench peer: same queries, same cost model (what-if-cost.ts).
 *
 * For each query, every candidate index it could use (per table it reads: each referenced column alone and every
 * ordered pair of them, up to `maxWidth` columns) is created hypothetically at once and the query planned; the
 * indexes the plan names are kept, each credited with the query's whole cost reduction (cost without indexes −
 * cost with all its candidates). Across queries the credits of one index add up. The indexes are then ranked by
 * benefit per byte and taken greedily while the configuration fits the budget. The original's final phase (random
 * swaps of chosen and unchosen indexes while time remains) is left out.
 *
 * It plans through a client of its own (the coster's may be passed: both reset HypoPG around each plan), since the
 * coster offers no way to read which indexes a plan uses.
 */

export interface Db2AdvisOptions {
  budgetBytes: number;
  /** Widest candidate (the study: 2). */
  maxWidth?: number;
}

export interface Db2AdvisResult {
  indexes: WhatIfIndex[];
  /** Every index some plan used, with its summed benefit and its size, best ratio first (for reports and tests). */
  ranked: { index: WhatIfIndex; benefit: number; sizeBytes: number }[];
}

type PlanNode = { 'Index Name'?: string; 'Total Cost': number; Plans?: PlanNode[] };

/** A query's candidates: per table, each referenced column and (at width 2) each ordered pair of them. */
export function queryCandidates(columns: ReadonlyMap<string, ReadonlySet<string>>, maxWidth = 2): WhatIfIndex[] {
  const candidates: WhatIfIndex[] = [];
  for (const [table, referenced] of columns) {
    const names = [...referenced].sort();
    for (const first of names) {
      candidates.push(btree(table, [first]));
      if (maxWidth < 2) continue;
      for (const second of names) if (second !== first) candidates.push(btree(table, [first, second]));
    }
  }
  return candidates;
}

/** HypoPG names its indexes `<oid>btree_table_columns`: the oid identifies the index it created. */
function hypotheticalOid(indexName: string): number | null {
  const match = /^<(\d+)>/.exec(indexName);
  return match ? Number(match[1]) : null;
}

function usedIndexNames(node: PlanNode, names: Set<string>): void {
  if (node['Index Name'] !== undefined) names.add(node['Index Name']);
  for (const child of node.Plans ?? []) usedIndexNames(child, names);
}

async function explain(client: pg.Client, sql: string): Promise<PlanNode> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`);
  return rows[0]!['QUERY PLAN'][0].Plan;
}

export async function db2advisSelection(client: pg.Client, coster: WhatIfCoster, options: Db2AdvisOptions): Promise<Db2AdvisResult> {
  const benefits = new Map<string, { index: WhatIfIndex; benefit: number }>();
  for (const query of coster.queries) {
    const candidates = queryCandidates(query.columns, options.maxWidth ?? 2);
    if (candidates.length === 0) continue;
    await client.query('SELECT hypopg_reset()');
    try {
      const without = (await explain(client, query.sql))['Total Cost'];
      const byOid = new Map<number, WhatIfIndex>();
      for (const candidate of candidates) {
        const { rows } = await client.query<{ indexrelid: number }>('SELECT indexrelid FROM hypopg_create_index($1)', [
          hypotheticalIndexSql(candidate),
        ]);
        byOid.set(rows[0]!.indexrelid, candidate);
      }
      const plan = await explain(client, query.sql);
      const benefit = without - plan['Total Cost'];
      if (benefit <= 0) continue;
      const names = new Set<string>();
      usedIndexNames(plan, names);
      for (const name of names) {
        const oid = hypotheticalOid(name);
        const index = oid === null ? undefined : byOid.get(oid);
        if (!index) continue;
        const key = indexKey(index);
        const known = benefits.get(key);
        if (known) known.benefit += benefit;
        else benefits.set(key, { index, benefit });
      }
    } finally {
      await client.query('SELECT hypopg_reset()');
    }
  }
  const ranked: Db2AdvisResult['ranked'] = [];
  for (const { index, benefit } of benefits.values()) ranked.push({ index, benefit, sizeBytes: await coster.sizeBytes(index) });
  // A byte keeps the ratio finite; ties go to the smaller index, then to the definition, for a stable order.
  ranked.sort(
    (a, b) =>
      b.benefit / Math.max(b.sizeBytes, 1) - a.benefit / Math.max(a.sizeBytes, 1) ||
      a.sizeBytes - b.sizeBytes ||
      indexKey(a.index).localeCompare(indexKey(b.index)),
  );
  const indexes: WhatIfIndex[] = [];
  let usedBytes = 0;
  for (const { index, sizeBytes } of ranked) {
    if (usedBytes + sizeBytes > options.budgetBytes) continue;
    indexes.push(index);
    usedBytes += sizeBytes;
  }
  return { indexes, ranked };
}
