import { describe, expect, it } from 'vitest';
import { generateCandidates, specKey } from '../../../main/advisor/candidates.ts';
import { EstimateEvaluator, estimateAccess } from '../../../main/advisor/estimate-evaluator.ts';
import { scanAccesses, type PlanNode } from '../../../main/advisor/plan-predicates.ts';
import { selectIndexes } from '../../../main/advisor/selection.ts';
import { tableKey } from '../../../main/advisor/table-stats.ts';
import { statementShape } from '../../../main/advisor/workload-capture.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';
import { DEFAULT_COST_SETTINGS, columnInfo, tableInfo } from '../../support/advisor-tables.ts';

// unified.chunks at 200,000 rows, as pg_stats describes the seeded demo table: big enough for parallel plans.
const col = (name: string, nDistinct: number, correlation = 0, avgWidth = 8) => columnInfo(name, { nDistinct, correlation, avgWidth });
const chunks = tableInfo(
  'unified',
  'chunks',
  [
    col('id', 200_000, 1),
    col('system_origin', 6, 0.3, 9),
    col('session_id', 16_000, 1, 16),
    col('created_at', 200_000, 1),
    col('kind', 6, 0.34),
    col('tokens', 1900),
  ],
  { reltuples: 200_000, relpages: 8840, rowBytes: 330 },
);
const tables = new Map([[tableKey('unified', 'chunks'), chunks]]);
const settings = DEFAULT_COST_SETTINGS;

const node = (type: string, cost: number, rows: number, extra: Partial<PlanNode> = {}, plans: PlanNode[] = []): PlanNode => ({
  'Node Type': type,
  'Startup Cost': 0,
  'Total Cost': cost,
  'Plan Rows': rows,
  Plans: plans,
  ...extra,
});
const parallelSeq = (filter: string, rows: number) =>
  node('Seq Scan', 10090, rows, {
    'Relation Name': 'chunks',
    Schema: 'unified',
    Alias: 'chunks',
    Filter: filter,
    'Parallel Aware': true,
    Output: ['id', 'session_id', 'created_at', 'kind', 'tokens'],
  });

// EXPLAIN (GENERIC_PLAN) of the demo's templates at 200,000 rows: the scans run in parallel workers, and the
// Limit sits above a Gather Merge, not directly above the Sort.
const recentByOrigin = node('Limit', 11249.66, 50, {}, [
  node('Gather Merge', 12324.24, 9260, {}, [
    node('Sort', 10255.38, 4630, { 'Sort Key': ['chunks.created_at DESC'] }, [
      parallelSeq('((chunks.created_at >= $2) AND (chunks.system_origin = $1))', 4630),
    ]),
  ]),
]);
const sessionTimeline = node('Limit', 10882.92, 12, {}, [
  node('Gather Merge', 10883.5, 12, {}, [
    node('Sort', 9881.74, 5, { 'Sort Key': ['chunks.created_at', 'chunks.id'] }, [parallelSeq('(chunks.session_id = $1)', 5)]),
  ]),
]);
const timeRange = node('Aggregate', 11716.27, 1, {}, [
  node('Gather', 11716.06, 2, {}, [
    node('Aggregate', 10716, 1, { 'Partial Mode': 'Partial' }, [
      parallelSeq("((chunks.created_at >= to_timestamp($1)) AND (chunks.created_at < (to_timestamp($1) + '01:00:00'::interval)))", 417),
    ]),
  ]),
]);
const plans = [recentByOrigin, sessionTimeline, timeRange];
const keysOf = (spec: { columns: readonly { name: string; direction: string }[]; method: string }) =>
  `${spec.method}(${spec.columns.map((c) => `${c.name}${c.direction === 'desc' ? ' desc' : ''}`).join(',')})`;

describe('parallel generic plans (Limit → Gather Merge → Sort → Parallel Seq Scan)', () => {
  const accesses = plans.map((plan) => scanAccesses(plan, quoteIdent));

  it("reads the Limit and the Gather Merge above the workers' Sort", () => {
    const [access] = accesses[0]!;
    expect(access!.sort).toEqual([{ column: 'created_at', direction: 'desc' }]);
    expect(access!.limitNode).toBe(recentByOrigin);
    expect(access!.gatherNode).toBe(recentByOrigin.Plans![0]);
    expect(accesses[2]![0]!.limitNode).toBeNull();
  });

  it("estimates the full fit as reading only the LIMIT's rows, far below the partial fits and BRIN", () => {
    const [access] = accesses[0]!;
    const candidates = generateCandidates(accesses, tables);
    const cost = (keys: string) => {
      const candidate = candidates.find((c) => keysOf(c.spec) === keys)!;
      const estimate = estimateAccess(candidate.spec, access!, chunks, settings)!;
      expect(estimate.replaced).toBe(recentByOrigin['Total Cost']);
      return estimate.cost;
    };
    const full = cost('btree(system_origin,created_at desc)');
    expect(full).toBeLessThan(0.05 * recentByOrigin['Total Cost']);
    expect(full).toBeLessThan(cost('brin(created_at)') / 10);
    expect(full).toBeLessThan(cost('btree(created_at)') / 10);
  });

  it('selects the three B-trees an expert would: no BRIN claims the ORDER BY … LIMIT statement', async () => {
    const candidates = generateCandidates(accesses, tables);
    const evaluator = new EstimateEvaluator(plans, accesses, tables, settings);
    const byKey = new Map(candidates.map((c) => [specKey(c.spec), c]));
    // The demo's statements have parameters: their generic plans are what the full-fit rule is for.
    const chosen = await selectIndexes({
      statements: [
        { calls: 18, baseCost: 11249.66, generic: true },
        { calls: 14, baseCost: 10882.92, generic: true },
        { calls: 13, baseCost: 11716.27, generic: true },
        { calls: 3300, baseCost: 8.44, generic: true },
      ],
      candidates: candidates.map((c) => ({
        key: specKey(c.spec),
        fits: c.fits,
        columnCount: c.spec.columns.length,
        descColumns: c.spec.columns.filter((k) => k.direction === 'desc').length,
        sizeBytes: 0,
      })),
      cost: (config, s) =>
        s === 3
          ? Promise.resolve(8.44)
          : evaluator.cost(
              config.map((k) => byKey.get(k)!.spec),
              s,
            ),
      budgetBytes: Infinity,
    });
    expect(chosen.map((c) => keysOf(byKey.get(c.key)!.spec)).sort()).toEqual([
      'btree(created_at)',
      'btree(session_id,created_at,id)',
      'btree(system_origin,created_at desc)',
    ]);
    expect(chosen.map((c) => c.serves.map((s) => s.statement))).toEqual(expect.arrayContaining([[0], [1], [2]]));
  });
});

describe('statementShape: a template found in pg_stat_statements under normalized constants', () => {
  it('equates literals with the placeholders pg_stat_statements puts in their place', async () => {
    expect(await statementShape('SELECT a FROM t WHERE b = $1\nORDER BY c DESC\nLIMIT 50')).toBe(
      await statementShape('SELECT a FROM t WHERE b = $1 ORDER BY c DESC LIMIT $2'),
    );
    expect(await statementShape("SELECT count(*) FROM t WHERE c < to_timestamp($1) + interval '1 hour'")).toBe(
      await statementShape('SELECT count(*) FROM t WHERE c < to_timestamp($1) + interval $2'),
    );
  });

  it('keeps identifiers and the rest of the text', async () => {
    expect(await statementShape('SELECT hop1.x FROM t1 WHERE y = 2')).not.toBe(await statementShape('SELECT hop1.z FROM t1 WHERE y = 2'));
    expect(await statementShape('SELECT a FROM t WHERE b = 1')).not.toBe(await statementShape('SELECT a FROM u WHERE b = 1'));
    // PostgreSQL's fingerprint alone ignores a trailing number in a table's name; a template is for one table.
    expect(await statementShape('SELECT a FROM orders_12 WHERE b = 1')).not.toBe(
      await statementShape('SELECT a FROM orders_22 WHERE b = 1'),
    );
  });
});
