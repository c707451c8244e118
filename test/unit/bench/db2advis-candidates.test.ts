import { describe, expect, it } from 'vitest';
import { queryCandidates } from '../../../app/cli/bench/tpch/db2advis-peer.ts';
import { describeIndex } from '../../../app/cli/bench/tpch/what-if-cost.ts';

describe("DB2Advis's per-query candidates", () => {
  const columns = new Map([
    ['lineitem', new Set(['l_shipdate', 'l_orderkey', 'l_quantity'])],
    ['orders', new Set(['o_orderkey'])],
  ]);

  it('are each referenced column alone and every ordered pair of one table, at width 2', () => {
    const described = queryCandidates(columns).map(describeIndex).sort();
    expect(described).toEqual(
      [
        'lineitem(l_orderkey)',
        'lineitem(l_orderkey, l_quantity)',
        'lineitem(l_orderkey, l_shipdate)',
        'lineitem(l_quantity)',
        'lineitem(l_quantity, l_orderkey)',
        'lineitem(l_quantity, l_shipdate)',
        'lineitem(l_shipdate)',
        'lineitem(l_shipdate, l_orderkey)',
        'lineitem(l_shipdate, l_quantity)',
        'orders(o_orderkey)',
      ].sort(),
    );
  });

  it('are single columns only at width 1', () => {
    expect(queryCandidates(columns, 1).map(describeIndex).sort()).toEqual(
      ['lineitem(l_orderkey)', 'lineitem(l_quantity)', 'lineitem(l_shipdate)', 'orders(o_orderkey)'].sort(),
    );
  });
});
