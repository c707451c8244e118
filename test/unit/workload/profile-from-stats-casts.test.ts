import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { castParameters } from '../../../main/workload/profile-from-stats-casts.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe('casting the parameters the server cannot type to their columns’ types', () => {
  it('casts the bound parameters, leaves the others and those already cast', () => {
    const sql = 'SELECT 1 FROM lineitem WHERE l_discount BETWEEN $1 - $2 AND $3 + $4 AND l_shipdate >= $5::date';
    const types = new Map([
      [1, 'numeric'],
      [3, 'numeric'],
      [5, 'date'],
    ]);
    expect(castParameters(parser, sql, types)).toBe(
      'SELECT 1 FROM lineitem WHERE l_discount BETWEEN $1::numeric - $2 AND $3::numeric + $4 AND l_shipdate >= $5::date',
    );
  });

  it('never touches a `$1` inside a string literal or a comment, and keeps multi-byte text intact', () => {
    const sql = "SELECT 'é $1' FROM t /* $1 */ WHERE a = $1";
    expect(castParameters(parser, sql, new Map([[1, 'timestamp with time zone']]))).toBe(
      "SELECT 'é $1' FROM t /* $1 */ WHERE a = $1::timestamp with time zone",
    );
  });

  it('returns null when nothing changes', () => {
    expect(castParameters(parser, 'SELECT 1 FROM t WHERE a = $1::int', new Map([[1, 'integer']]))).toBeNull();
    expect(castParameters(parser, 'SELECT 1 FROM t WHERE a = $1', new Map())).toBeNull();
  });
});
