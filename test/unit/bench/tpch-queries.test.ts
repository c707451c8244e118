import { describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../../main/sql/pg-parser.ts';
import { STUDY_QUERY_NUMBERS, tpchQueries, tpchQueriesScript } from '../../../app/cli/bench/tpch/tpch-queries.ts';
import { referencedColumns } from '../../../app/cli/bench/tpch/query-columns.ts';

describe('TPC-H queries of the index-selection study', () => {
  it('are Q1–Q22 without Q2, Q17 and Q20', () => {
    const numbers = tpchQueries({ scale: 1, seed: 1 }).map((q) => q.number);
    expect(numbers).toEqual([...STUDY_QUERY_NUMBERS]);
    expect(numbers).toHaveLength(19);
    expect(numbers).not.toContain(2);
    expect(numbers).not.toContain(17);
    expect(numbers).not.toContain(20);
  });

  it("each parse as one statement with PostgreSQL's parser, Q15's view form as three", async () => {
    const parser = await loadSqlParser();
    for (const query of tpchQueries({ scale: 1, seed: 3 })) {
      expect(parser.parse(query.sql).stmts ?? [], `Q${query.number}`).toHaveLength(1);
    }
    const q15 = tpchQueries({ scale: 1, seed: 3 }).find((q) => q.number === 15)!;
    expect(q15.viewForm).toBeDefined();
    const { create, select, drop } = q15.viewForm!;
    expect(parser.parse(`${create}; ${select}; ${drop}`).stmts ?? []).toHaveLength(3);
    expect(Object.keys(parser.parse(create).stmts?.[0]?.stmt ?? {})).toEqual(['ViewStmt']);
  });

  it('draw the same parameters from the same seed and others from another seed', () => {
    const a = tpchQueries({ scale: 1, seed: 5 }).map((q) => q.sql);
    expect(tpchQueries({ scale: 1, seed: 5 }).map((q) => q.sql)).toEqual(a);
    const b = tpchQueries({ scale: 1, seed: 6 }).map((q) => q.sql);
    expect(b.filter((sql, i) => sql !== a[i]!).length).toBeGreaterThan(10);
  });

  it("scale Q11's fraction with the scale factor", () => {
    const q11 = (scale: number) => tpchQueries({ scale, seed: 1 }).find((q) => q.number === 11)!.sql;
    expect(q11(1)).toContain('* 0.0001\n');
    expect(q11(10)).toContain('* 0.00001\n');
  });

  it('draw parameters within the ranges of the spec', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const queries = new Map(tpchQueries({ scale: 1, seed }).map((q) => [q.number, q.sql]));
      const delta = Number(/interval '(\d+) days'/.exec(queries.get(1)!)![1]);
      expect(delta).toBeGreaterThanOrEqual(60);
      expect(delta).toBeLessThanOrEqual(120);
      const q3Date = /o_orderdate < date '([\d-]+)'/.exec(queries.get(3)!)![1]!;
      expect(q3Date >= '1995-03-01' && q3Date <= '1995-03-31').toBe(true);
      const q4Date = /o_orderdate >= date '([\d-]+)'/.exec(queries.get(4)!)![1]!;
      expect(q4Date >= '1993-01-01' && q4Date <= '1997-10-01' && q4Date.endsWith('-01')).toBe(true);
      const quantity = Number(/having sum\(l_quantity\) > (\d+)/.exec(queries.get(18)!)![1]);
      expect(quantity).toBeGreaterThanOrEqual(312);
      expect(quantity).toBeLessThanOrEqual(315);
      const codes = /in \(([^)]*)\)/.exec(queries.get(22)!)![1]!.split(', ');
      expect(new Set(codes).size).toBe(7);
      for (const code of codes) expect(Number(code.slice(1, -1))).toBeGreaterThanOrEqual(10);
    }
  });

  it('make one ;-separated script', () => {
    const script = tpchQueriesScript(tpchQueries({ scale: 1, seed: 1 }));
    expect(script.split(';\n')).toHaveLength(20);
    expect(script.endsWith(';\n')).toBe(true);
  });

  it('name the columns each query references, per table, from the parse tree', async () => {
    const q = tpchQueries({ scale: 1, seed: 1 });
    const q6 = await referencedColumns(q.find((x) => x.number === 6)!.sql);
    expect([...q6.keys()]).toEqual(['lineitem']);
    expect([...q6.get('lineitem')!].sort()).toEqual(['l_discount', 'l_extendedprice', 'l_quantity', 'l_shipdate']);
    const q21 = await referencedColumns(q.find((x) => x.number === 21)!.sql);
    expect([...q21.keys()].sort()).toEqual(['lineitem', 'nation', 'orders', 'supplier']);
    expect(q21.get('lineitem')).toEqual(new Set(['l_suppkey', 'l_orderkey', 'l_receiptdate', 'l_commitdate']));
  });
});
