import { describe, expect, it } from 'vitest';
import { fitOf, generateCandidates } from '../../../main/advisor/candidates.ts';
import { coveredByExisting } from '../../../main/advisor/existing-indexes.ts';
import { scanAccesses, type PlanNode } from '../../../main/advisor/plan-predicates.ts';
import { tableKey } from '../../../main/advisor/table-stats.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';
import { columnInfo, existingIndex, tableInfo } from '../../support/advisor-tables.ts';

const col = (name: string, nDistinct: number, correlation = 0) => columnInfo(name, { nDistinct, correlation });
const chunks = tableInfo(
  'unified',
  'chunks',
  [col('id', 20000, 1), col('system_origin', 6), col('session_id', 4000), col('created_at', 20000, 0.999), col('kind', 6)],
  { reltuples: 20000, relpages: 900, rowBytes: 300 },
);
const tables = new Map([[tableKey('unified', 'chunks'), chunks]]);

const node = (type: string, extra: Partial<PlanNode> = {}, plans: PlanNode[] = []): PlanNode => ({
  'Node Type': type,
  'Startup Cost': 0,
  'Total Cost': 1000,
  'Plan Rows': 100,
  Plans: plans,
  ...extra,
});
const seq = (filter: string, output: string[] = []) =>
  node('Seq Scan', { 'Relation Name': 'chunks', Schema: 'unified', Alias: 'chunks', Filter: filter, Output: output });

const recentByOrigin = node('Limit', { 'Plan Rows': 50 }, [
  node('Sort', { 'Sort Key': ['chunks.created_at DESC'] }, [
    seq('((chunks.created_at >= $2) AND (chunks.system_origin = $1))', ['chunks.id']),
  ]),
]);
const sessionTimeline = node('Limit', {}, [
  node('Sort', { 'Sort Key': ['chunks.created_at', 'chunks.id'] }, [seq('(chunks.session_id = $1)')]),
]);
const timeRange = node('Aggregate', {}, [
  seq("((chunks.created_at >= to_timestamp($1)) AND (chunks.created_at < (to_timestamp($1) + '01:00:00'::interval)))"),
]);

const keysOf = (spec: { columns: readonly { name: string; direction: string }[]; method: string }) =>
  `${spec.method}(${spec.columns.map((c) => `${c.name}${c.direction === 'desc' ? ' desc' : ''}`).join(',')})`;

describe('candidate generation', () => {
  const accesses = [recentByOrigin, sessionTimeline, timeRange].map((plan) => scanAccesses(plan, quoteIdent));
  const candidates = generateCandidates(accesses, tables);
  const byKeys = new Map(candidates.map((c) => [keysOf(c.spec), c]));

  it('orders equality columns first, then the ORDER BY with its direction or the range', () => {
    expect(byKeys.get('btree(system_origin,created_at desc)')?.fits.get(0)).toBe('full');
    expect(byKeys.get('btree(session_id,created_at,id)')?.fits.get(1)).toBe('full');
    expect(byKeys.get('btree(created_at)')?.fits.get(2)).toBe('full');
  });

  it('judges partial fits: a leading column the statement uses, without the rest', () => {
    expect(byKeys.get('btree(created_at)')?.fits.get(0)).toBe('partial');
    expect(byKeys.get('btree(session_id)')?.fits.get(1)).toBe('partial');
    expect(byKeys.get('btree(system_origin,created_at desc)')?.fits.has(1)).toBe(false);
  });

  it('offers BRIN for a range on a well-correlated column only', () => {
    expect(byKeys.has('brin(created_at)')).toBe(true);
    expect([...byKeys.keys()].filter((k) => k.startsWith('brin(')).every((k) => k === 'brin(created_at)')).toBe(true);
  });

  it('builds a partial index from a constant IS NULL predicate', () => {
    const plan = node('Seq Scan', {
      'Relation Name': 'chunks',
      Schema: 'unified',
      Alias: 'chunks',
      Filter: '((chunks.kind IS NULL) AND (chunks.session_id = $1))',
    });
    const [candidate] = generateCandidates([scanAccesses(plan, quoteIdent)], tables).filter((c) => c.spec.predicate !== null);
    expect(candidate?.spec).toMatchObject({ columns: [{ name: 'session_id', direction: 'asc' }], predicate: '"kind" IS NULL' });
    expect(candidate?.fits.get(0)).toBe('full');
  });

  it('lets an existing index with the same leading columns (either scan direction) rule a candidate out', () => {
    const existing = existingIndex('unified', 'chunks', {
      name: 'chunks_sess',
      keys: [
        { name: 'session_id', direction: 'asc' },
        { name: 'created_at', direction: 'desc' },
        { name: 'id', direction: 'desc' },
      ],
      scans: 1,
      sizeBytes: 1,
    });
    const spec = (names: [string, 'asc' | 'desc'][]) => ({
      schema: 'unified',
      table: 'chunks',
      columns: names.map(([name, direction]) => ({ name, direction })),
      include: [],
      method: 'btree' as const,
      predicate: null,
    });
    expect(coveredByExisting(spec([['session_id', 'asc']]), [existing])).toBe(existing);
    expect(
      coveredByExisting(
        spec([
          ['session_id', 'desc'],
          ['created_at', 'asc'],
        ]),
        [existing],
      ),
    ).toBe(existing);
    expect(
      coveredByExisting(
        spec([
          ['session_id', 'asc'],
          ['created_at', 'asc'],
        ]),
        [existing],
      ),
    ).toBeNull();
    expect(coveredByExisting(spec([['created_at', 'desc']]), [existing])).toBeNull();
    expect(coveredByExisting(spec([['session_id', 'asc']]), [{ ...existing, valid: false }])).toBeNull();
  });

  it('gives no fit on another table', () => {
    const other = {
      schema: 'unified',
      table: 'edges',
      columns: [{ name: 'session_id', direction: 'asc' as const }],
      include: [],
      method: 'btree' as const,
      predicate: null,
    };
    expect(fitOf(other, accesses[1]![0]!)).toBe('none');
  });
});
