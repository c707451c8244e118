import { beforeAll, describe, expect, it } from 'vitest';
import { repairNormalizedText } from '../../../main/sql/normalized-repairs.ts';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { repairUntypedArithmetic } from '../../../main/sql/untyped-parameters.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('repairUntypedArithmetic: arithmetic between two parameters, once two constants', () => {
  it.each([
    [
      'SELECT sum(l_extendedprice) FROM lineitem WHERE l_discount BETWEEN $1 - $2 AND $3 + $4',
      'SELECT sum(l_extendedprice) FROM lineitem WHERE l_discount BETWEEN $1::numeric - $2::numeric AND $3::numeric + $4::numeric',
    ],
    ['SELECT * FROM t WHERE a > $1 * $2 + $3', 'SELECT * FROM t WHERE a > $1::numeric * $2::numeric + $3'],
    ['SELECT * FROM t WHERE a = ($1 / $2)', 'SELECT * FROM t WHERE a = ($1::numeric / $2::numeric)'],
    ['SELECT \'é\' FROM "Ünï" WHERE a < $1 % $2', 'SELECT \'é\' FROM "Ünï" WHERE a < $1::numeric % $2::numeric'],
  ])('%s', (normalized, repaired) => {
    expect(repairUntypedArithmetic(parser, normalized)).toBe(repaired);
  });

  it('types the results of a summed CASE when every result is a parameter (TPC-H Q12: THEN 1 ELSE 0)', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT sum(CASE WHEN p = $1 OR p = $2 THEN $3 ELSE $4 END) FROM t')).toBe(
      'SELECT sum(CASE WHEN p = $1 OR p = $2 THEN $3::numeric ELSE $4::numeric END) FROM t',
    );
    expect(repairUntypedArithmetic(parser, 'SELECT avg(CASE WHEN a THEN $1 END) FROM t')).toBe(
      'SELECT avg(CASE WHEN a THEN $1::numeric END) FROM t',
    );
    // A typed result types the others (TPC-H Q8); a CASE of labels outside a sum resolves to text, as it should.
    expect(repairUntypedArithmetic(parser, 'SELECT sum(CASE WHEN n = $1 THEN volume ELSE $2 END) FROM t')).toBeNull();
    expect(repairUntypedArithmetic(parser, 'SELECT CASE WHEN a THEN $1 ELSE $2 END FROM t')).toBeNull();
  });

  it('types a parameter tested for NULL on its own as text', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE a = $1 OR $2 IS NULL OR $3 IS NOT NULL')).toBe(
      'SELECT * FROM t WHERE a = $1 OR $2::text IS NULL OR $3::text IS NOT NULL',
    );
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE a IS NULL AND $1::int IS NULL')).toBeNull();
  });

  it('leaves typed operands, comparisons, unary minus and strings alone', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE a > $1 - b AND c = $2::int + $3')).toBeNull();
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE $1 = $2 AND a = -$3')).toBeNull();
    expect(repairUntypedArithmetic(parser, "SELECT * FROM t WHERE note = '$1 - $2' -- $3 - $4")).toBeNull();
  });

  it('gives up (null) on text that does not parse', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT $1 - $2 FROM')).toBeNull();
  });
});

describe('repairNormalizedText: every repair, in turn', () => {
  it('casts typed literals, writes EXTRACT in function form and types arithmetic between parameters', () => {
    expect(repairNormalizedText(parser, 'SELECT extract($1 from d) FROM t WHERE d >= date $2 AND p BETWEEN $3 - $4 AND $5 + $6')).toBe(
      'SELECT pg_catalog.date_part($1::text, d) FROM t WHERE d >= $2::date AND p BETWEEN $3::numeric - $4::numeric AND $5::numeric + $6::numeric',
    );
  });

  it('returns the text unchanged when neither applies', () => {
    expect(repairNormalizedText(parser, 'SELECT * FROM t WHERE a = $1')).toBe('SELECT * FROM t WHERE a = $1');
  });
});
