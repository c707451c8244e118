import { beforeAll, describe, expect, it } from 'vitest';
import { repairNormalizedText } from '../../../main/sql/normalized-repairs.ts';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { repairUntypedArithmetic } from '../../../main/sql/untyped-arithmetic.ts';

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

  it('leaves typed operands, comparisons, unary minus and strings alone', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE a > $1 - b AND c = $2::int + $3')).toBeNull();
    expect(repairUntypedArithmetic(parser, 'SELECT * FROM t WHERE $1 = $2 AND a = -$3')).toBeNull();
    expect(repairUntypedArithmetic(parser, "SELECT * FROM t WHERE note = '$1 - $2' -- $3 - $4")).toBeNull();
  });

  it('gives up (null) on text that does not parse', () => {
    expect(repairUntypedArithmetic(parser, 'SELECT $1 - $2 FROM')).toBeNull();
  });
});

describe('repairNormalizedText: both repairs, in turn', () => {
  it('casts typed literals and types arithmetic between parameters', () => {
    expect(repairNormalizedText(parser, 'SELECT * FROM t WHERE d >= date $1 AND p BETWEEN $2 - $3 AND $4 + $5')).toBe(
      'SELECT * FROM t WHERE d >= $1::date AND p BETWEEN $2::numeric - $3::numeric AND $4::numeric + $5::numeric',
    );
  });

  it('returns the text unchanged when neither applies', () => {
    expect(repairNormalizedText(parser, 'SELECT * FROM t WHERE a = $1')).toBe('SELECT * FROM t WHERE a = $1');
  });
});
