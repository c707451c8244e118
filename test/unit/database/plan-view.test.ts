import { describe, expect, it } from 'vitest';
import { explainedPlan, type JsonPlanNode } from '../../../main/database/plan-view.ts';
import { planNodeSchema } from '../../../main/contract/database.ts';

/** A plan as PostgreSQL 15 prints `EXPLAIN (VERBOSE, FORMAT JSON)` of a join with a hash on one side. */
const PLAN: JsonPlanNode = {
  'Node Type': 'Hash Join',
  'Join Type': 'Left',
  'Startup Cost': 12.5,
  'Total Cost': 140.25,
  'Plan Rows': 42,
  'Plan Width': 16,
  'Hash Cond': '(o.customer_id = c.id)',
  Plans: [
    {
      'Node Type': 'Index Scan',
      'Relation Name': 'orders',
      Schema: 'public',
      Alias: 'o',
      'Index Name': '<13543>btree_orders_status',
      'Startup Cost': 0.29,
      'Total Cost': 100.1,
      'Plan Rows': 42,
      'Plan Width': 8,
      'Index Cond': '(o.status = $1)',
      'Scan Direction': 'Backward',
      Filter: '(o.amount > 0)',
    },
    {
      'Node Type': 'Hash',
      'Startup Cost': 10,
      'Total Cost': 10,
      'Plan Rows': 500,
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Parallel Aware': true,
          'Relation Name': 'customers',
          Schema: 'public',
          Alias: 'customers',
          'Startup Cost': 0,
          'Total Cost': 10,
          'Plan Rows': 500,
          'Plan Width': 8,
        },
      ],
    },
  ],
};

describe('plan view of EXPLAIN (FORMAT JSON)', () => {
  const shown = explainedPlan(PLAN);

  it('keeps the tree: node types with join types, relations, indexes, estimated rows and costs, conditions', () => {
    expect(shown.totalCost).toBe(140.25);
    expect(shown.root).toMatchObject({
      nodeType: 'Hash Left Join',
      relation: null,
      rows: 42,
      details: ['Hash Cond: (o.customer_id = c.id)'],
    });
    expect(shown.root.children[0]).toMatchObject({
      nodeType: 'Index Scan Backward',
      relation: 'public.orders',
      alias: 'o',
      index: '<13543>btree_orders_status',
      startupCost: 0.29,
      totalCost: 100.1,
      details: ['Index Cond: (o.status = $1)', 'Filter: (o.amount > 0)'],
    });
    expect(shown.root.children[1]!.children[0]).toMatchObject({ nodeType: 'Parallel Seq Scan', relation: 'public.customers', width: 8 });
    expect(planNodeSchema.safeParse(shown.root).success).toBe(true);
  });

  it('lays the text out as EXPLAIN does: costs, arrows by depth, conditions under their node', () => {
    expect(shown.text.split('\n')).toEqual([
      'Hash Left Join  (cost=12.50..140.25 rows=42 width=16)',
      '  Hash Cond: (o.customer_id = c.id)',
      '  ->  Index Scan Backward using <13543>btree_orders_status on public.orders o  (cost=0.29..100.10 rows=42 width=8)',
      '        Index Cond: (o.status = $1)',
      '        Filter: (o.amount > 0)',
      '  ->  Hash  (cost=10.00..10.00 rows=500)',
      '        ->  Parallel Seq Scan on public.customers  (cost=0.00..10.00 rows=500 width=8)',
    ]);
  });

  it("keeps the server's JSON whole, as EXPLAIN printed it", () => {
    expect(JSON.parse(shown.json)).toEqual([{ Plan: PLAN }]);
  });
});
