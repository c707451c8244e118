import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { repairTypedParameters } from '../../../main/sql/typed-parameters.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('repairTypedParameters: the typed literals pg_stat_statements normalizes to `type $n`', () => {
  it.each([
    ['SELECT * FROM orders WHERE o_orderdate >= date $1', 'SELECT * FROM orders WHERE o_orderdate >= $1::date'],
    [
      'SELECT count(*) FROM lineitem WHERE l_shipdate <= date $1 - interval $2 day',
      'SELECT count(*) FROM lineitem WHERE l_shipdate <= $1::date - $2::interval day',
    ],
    [
      'SELECT * FROM t WHERE a < timestamptz $1 AND b = pg_catalog.date $2',
      'SELECT * FROM t WHERE a < $1::timestamptz AND b = $2::pg_catalog.date',
    ],
    ['SELECT * FROM t WHERE a < timestamp with time zone $1', 'SELECT * FROM t WHERE a < $1::timestamp with time zone'],
    [
      'SELECT * FROM t WHERE a = double precision $1 OR b = character varying $2',
      'SELECT * FROM t WHERE a = $1::double precision OR b = $2::character varying',
    ],
    ['SELECT * FROM "Sales"."Orders" WHERE "Day" = "MyDate" $1', 'SELECT * FROM "Sales"."Orders" WHERE "Day" = $1::"MyDate"'],
    ["SELECT 'é' AS x FROM t WHERE d = date $1", "SELECT 'é' AS x FROM t WHERE d = $1::date"],
  ])('%s', (normalized, repaired) => {
    expect(repairTypedParameters(parser, normalized)).toBe(repaired);
    expect(() => parser.parse(repaired)).not.toThrow();
  });

  it('leaves text without a typed literal alone, including `date $1` inside a string or a comment', () => {
    expect(repairTypedParameters(parser, "SELECT * FROM t WHERE note = 'date $1' AND d = $2 -- date $3")).toBeNull();
    expect(repairTypedParameters(parser, 'SELECT * FROM t WHERE d = $1::date LIMIT $2')).toBeNull();
  });

  it('gives up (null) on syntax errors it does not fix, rather than returning text that does not parse', () => {
    expect(repairTypedParameters(parser, 'SELECT * FROM t WHERE')).toBeNull();
    expect(repairTypedParameters(parser, 'SELECT * FROM t WHERE d = date $1 AND AND')).toBeNull();
    // Text the lexer itself rejects (an unterminated quote): null, not an exception that would stop the capture.
    expect(repairTypedParameters(parser, "SELECT * FROM t WHERE d = date $1 AND s = 'open")).toBeNull();
  });
});
