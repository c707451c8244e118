import { describe, expect, it } from 'vitest';
import { columnsOf, conjuncts, parseExpression, parseSortKey, tokenize } from '../../../main/advisor/plan-expression.ts';
import { predicatesOf } from '../../../main/advisor/plan-predicates.ts';
import { quoteIdent } from '../../../main/sql/identifiers.ts';

const preds = (text: string, alias = 't') => predicatesOf(text, alias, quoteIdent);

describe('plan expression parser', () => {
  it('reads an equality and a cast range as two predicates', () => {
    const r = preds('((system_origin = $1) AND (created_at >= ($2)::timestamp with time zone))');
    expect(r.predicates).toEqual([
      { column: 'system_origin', kind: 'eq', constantSql: null },
      { column: 'created_at', kind: 'range', constantSql: null },
    ]);
    expect(r.opaque).toBe(false);
  });

  it('keeps quoted identifiers with spaces, doubled quotes and mixed case', () => {
    expect(tokenize('"Customer ""Id"""')[0]).toMatchObject({ type: 'qident', value: 'Customer "Id"' });
    const r = preds('("Order Items"."Customer ""Id""" = $1)', 'Order Items');
    expect(r.predicates).toEqual([{ column: 'Customer "Id"', kind: 'eq', constantSql: null }]);
  });

  it('flips a comparison written with the column on the right', () => {
    expect(preds('($1 < t.price)').predicates).toEqual([{ column: 'price', kind: 'range', constantSql: null }]);
  });

  it('sees through casts on the column side', () => {
    expect(preds('((status)::text = $1)').predicates[0]).toMatchObject({ column: 'status', kind: 'eq' });
  });

  it('turns IS NULL / IS NOT NULL into constant predicates for partial indexes', () => {
    expect(preds('((owner_id = $1) AND (deleted_at IS NULL))').predicates).toEqual([
      { column: 'owner_id', kind: 'eq', constantSql: null },
      { column: 'deleted_at', kind: 'null', constantSql: '"deleted_at" IS NULL' },
    ]);
    expect(preds('("Closed At" IS NOT NULL)').predicates[0]).toEqual({
      column: 'Closed At',
      kind: 'notnull',
      constantSql: '"Closed At" IS NOT NULL',
    });
  });

  it('keeps a literal with its cast for a partial predicate', () => {
    expect(preds("(status = 'open'::text)").predicates[0]).toEqual({
      column: 'status',
      kind: 'eq',
      constantSql: `"status" = 'open'::text`,
    });
    expect(preds("(note = 'it''s'::text)").predicates[0]!.constantSql).toBe(`"note" = 'it''s'::text`);
  });

  it('reads = ANY as an equality', () => {
    expect(preds('(id = ANY ($1))').predicates).toEqual([{ column: 'id', kind: 'eq', constantSql: null }]);
  });

  it('treats a range bounded by a function of parameters as a range', () => {
    const r = preds("((created_at >= to_timestamp($1)) AND (created_at < (to_timestamp($1) + '01:00:00'::interval)))");
    expect(r.predicates.map((p) => p.kind)).toEqual(['range', 'range']);
  });

  it('marks ORs, functions of columns, <> and subplans as opaque without throwing', () => {
    expect(preds('((a = $1) OR (b = $2))')).toEqual({ predicates: [], opaque: true });
    expect(preds('(lower(email) = $1)')).toEqual({ predicates: [], opaque: true });
    expect(preds('(id <> $1)')).toEqual({ predicates: [], opaque: true });
    expect(preds('(hashed SubPlan 1)').opaque).toBe(true);
    expect(preds('(CASE WHEN (a > 1) THEN true ELSE false END)').opaque).toBe(true);
    expect(() => parseExpression('((((')).not.toThrow();
    expect(() => parseExpression("'unterminated")).not.toThrow();
  });

  it('does not take a comparison between two relations as a predicate of one', () => {
    expect(preds('(a.x = b.y)', 'a').predicates).toEqual([{ column: 'x', kind: 'eq', constantSql: null }]);
    expect(preds('(a.x = a.y)', 'a').opaque).toBe(true);
  });

  it('splits nested ANDs into conjuncts and lists columns', () => {
    const e = parseExpression('((a = 1) AND ((b > 2) AND (c IS NULL)))');
    expect(conjuncts(e)).toHaveLength(3);
    expect(columnsOf(e).map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('parses sort keys with direction, NULLS and qualification', () => {
    expect(parseSortKey('chunks.created_at DESC')).toMatchObject({
      direction: 'desc',
      expr: { kind: 'column', qualifier: 'chunks', name: 'created_at' },
    });
    expect(parseSortKey('"Mixed Case" NULLS FIRST')).toMatchObject({ direction: 'asc', expr: { kind: 'column', name: 'Mixed Case' } });
    expect(parseSortKey('"Sch"."T"."c" DESC NULLS LAST')).toMatchObject({ direction: 'desc', expr: { qualifier: 'T', name: 'c' } });
  });
});
