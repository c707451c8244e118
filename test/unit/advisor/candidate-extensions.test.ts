import { describe, expect, it } from 'vitest';
import { extensionsOf, grownCandidates } from '../../../main/advisor/candidate-extensions.ts';
import type { CostEvaluator } from '../../../main/advisor/hypopg-evaluator.ts';
import type { IndexSpec } from '../../../main/advisor/index-spec.ts';
import { scanAccesses, type PlanNode } from '../../../main/advisor/plan-predicates.ts';
import { tableKey, type ColumnInfo } from '../../../main/advisor/table-stats.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';
import { columnInfo, tableInfo } from '../../support/advisor-tables.ts';

const col = (name: string, btree = true) => columnInfo(name, { btree });
const table = (name: string, columns: ColumnInfo[]) => tableInfo('public', name, columns);
const tables = new Map([
  [tableKey('public', 'orders'), table('orders', [col('o_orderkey'), col('o_custkey'), col('o_priority'), col('o_doc', false)])],
  [tableKey('public', 'lineitem'), table('lineitem', [col('l_orderkey'), col('l_shipdate')])],
]);

const scan = (relation: string, extra: Partial<PlanNode>): PlanNode => ({
  'Node Type': 'Seq Scan',
  'Relation Name': relation,
  Schema: 'public',
  Alias: relation,
  'Startup Cost': 0,
  'Total Cost': 1000,
  'Plan Rows': 100,
  ...extra,
});
// orders filtered on its customer and hash-joined to lineitem on the order key.
const joinPlan: PlanNode = {
  'Node Type': 'Hash Join',
  'Startup Cost': 0,
  'Total Cost': 5000,
  'Plan Rows': 100,
  'Hash Cond': '(lineitem.l_orderkey = orders.o_orderkey)',
  Plans: [
    scan('lineitem', { Output: ['l_orderkey', 'l_shipdate'] }),
    {
      'Node Type': 'Hash',
      'Startup Cost': 0,
      'Total Cost': 1000,
      'Plan Rows': 10,
      Plans: [scan('orders', { Filter: '(orders.o_custkey = $1)', Output: ['o_orderkey', 'o_custkey', 'o_priority', 'o_doc'] })],
    },
  ],
};
const btree = (tableName: string, ...columns: string[]): IndexSpec => ({
  schema: 'public',
  table: tableName,
  columns: columns.map((name) => ({ name, direction: 'asc' as const })),
  include: [],
  method: 'btree',
  predicate: null,
});
const keys = (specs: { spec: IndexSpec }[]) => specs.map((c) => c.spec.columns.map((k) => k.name).join(',')).sort();

describe('wider variants of a chosen index', () => {
  const accesses = [scanAccesses(joinPlan, quoteIdent)];

  it('adds one column the statements it serves still compare, join on or read, and only B-tree-able ones', () => {
    expect(keys(extensionsOf(btree('orders', 'o_custkey'), accesses, tables))).toEqual(['o_custkey,o_orderkey', 'o_custkey,o_priority']);
  });

  it('grows nothing past four key columns, nor a BRIN, nor a covering index', () => {
    expect(extensionsOf(btree('orders', 'o_custkey', 'o_orderkey', 'o_priority', 'o_doc'), accesses, tables)).toEqual([]);
    expect(extensionsOf({ ...btree('lineitem', 'l_shipdate'), method: 'brin' }, accesses, tables)).toEqual([]);
    expect(extensionsOf({ ...btree('orders', 'o_custkey'), include: ['o_priority'] }, accesses, tables)).toEqual([]);
  });

  it('judges each variant against every statement, fully fitting the one whose equality and join it now covers', () => {
    const wider = extensionsOf(btree('orders', 'o_custkey'), accesses, tables).find(
      (c) => c.spec.columns.length === 2 && c.spec.columns[1]!.name === 'o_orderkey',
    )!;
    expect([...wider.fits]).toEqual([[0, 'full']]);
  });
});

describe('candidates grown from the plans with the chosen indexes in place', () => {
  // With orders indexed, the planner's new plan filters lineitem on its ship date: a scan the first plan did not show.
  const replanned: PlanNode = scan('lineitem', { Filter: "(lineitem.l_shipdate < '1998-01-01'::date)", Output: ['l_orderkey'] });
  const evaluator = (plan: PlanNode | null): CostEvaluator => ({
    method: plan ? 'hypopg' : 'estimate',
    cost: async () => 0,
    plan: async () => plan,
    sizeBytes: async () => 0,
    close: async () => undefined,
  });

  it('reads the new access, keeps it for later fits, and offers an index for it', async () => {
    const accesses = [scanAccesses(joinPlan, quoteIdent)];
    const grown = await grownCandidates(evaluator(replanned), [btree('orders', 'o_custkey')], accesses, tables);
    expect(keys(grown)).toContain('l_shipdate');
    expect(grown.find((c) => c.spec.columns[0]!.name === 'l_shipdate')!.fits.get(0)).toBe('full');
    expect(accesses[0]!.some((a) => a.predicates.some((p) => p.column === 'l_shipdate'))).toBe(true);
    // The same plan again adds no access twice and no new candidate shape.
    const count = accesses[0]!.length;
    await grownCandidates(evaluator(replanned), [btree('orders', 'o_custkey')], accesses, tables);
    expect(accesses[0]!.length).toBe(count);
  });

  it('grows nothing where the evaluator does not re-plan (the estimate)', async () => {
    expect(await grownCandidates(evaluator(null), [btree('orders', 'o_custkey')], [scanAccesses(joinPlan, quoteIdent)], tables)).toEqual(
      [],
    );
  });
});
