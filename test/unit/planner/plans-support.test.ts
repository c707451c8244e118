import { describe, expect, it } from 'vitest';
import { checkCandidatesSql, filterCondition, filterSetSql, hasFilters, idArrayParameter, parseIdList } from '../../../main/planner/filter-sql.ts';
import { intersectSorted } from '../../../main/planner/plans/plan-support.ts';
import { PLANS } from '../../../main/planner/plans/index.ts';
import { PLAN_NAMES } from '../../../main/planner/planner-types.ts';

describe('filter SQL', () => {
  it('turns each filter into a parameterised condition, values never in the text', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const until = new Date('2026-01-02T00:00:00Z');
    const { condition, values } = filterCondition({ origins: ["o'brien"], kinds: ['code', 'error'], since, until }, 3);
    expect(condition).toBe('"system_origin" = ANY($3::text[]) AND "kind" = ANY($4::text[]) AND "created_at" >= $5::timestamptz AND "created_at" < $6::timestamptz');
    expect(values).toEqual([["o'brien"], ['code', 'error'], since, until]);
    expect(filterCondition({}).condition).toBe('TRUE');
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ until })).toBe(true);
  });

  it('builds the filter-set and candidate-check statements', () => {
    const set = filterSetSql({ kinds: ['code'] });
    expect(set.text).toContain('FROM "unified"."chunks" WHERE "kind" = ANY($1::text[])');
    expect(set.values).toEqual([['code']]);
    const check = checkCandidatesSql([3, 1, 2], { kinds: ['code'] });
    expect(check.text).toContain('"id" = ANY($1::bigint[]) AND "kind" = ANY($2::text[])');
    expect(check.values).toEqual(['{3,1,2}', ['code']]);
    expect(idArrayParameter([])).toBe('{}');
  });

  it('reads an aggregated id list, ascending', () => {
    expect(Array.from(parseIdList('10,2,33'))).toEqual([2, 10, 33]);
    expect(parseIdList(null)).toHaveLength(0);
    expect(parseIdList('')).toHaveLength(0);
  });
});

describe('intersectSorted', () => {
  it('agrees with a set intersection on both of its paths', () => {
    const a = Array.from({ length: 2_000 }, (_, i) => i * 3);
    for (const b of [Array.from({ length: 1_500 }, (_, i) => i * 2), [0, 7, 9, 5_997, 6_000], []]) {
      const expected = a.filter((x) => b.includes(x));
      expect(Array.from(intersectSorted(a, b))).toEqual(expected);
      expect(Array.from(intersectSorted(b, a))).toEqual(expected);
    }
  });
});

describe('PLANS', () => {
  it('has one plan per name, each named after its key and described in one line', () => {
    expect(Object.keys(PLANS).sort()).toEqual([...PLAN_NAMES].sort());
    for (const [name, plan] of Object.entries(PLANS)) {
      expect(plan.name).toBe(name);
      expect(plan.description).not.toContain('\n');
      expect(plan.description.length).toBeGreaterThan(20);
    }
  });
});
