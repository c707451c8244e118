import { beforeAll, describe, expect, it } from 'vitest';
import { extractFieldParameters, repairExtractField } from '../../../main/sql/extract-field.ts';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

describe("repairExtractField: EXTRACT's field, normalized to a parameter", () => {
  it.each([
    [
      'SELECT extract($1 from o_orderdate) AS o_year FROM orders',
      'SELECT pg_catalog.date_part($1::text, o_orderdate) AS o_year FROM orders',
    ],
    [
      'SELECT \'é\', EXTRACT ( $2 FROM l."Shipped" ) FROM l WHERE extract($1 from d) = $3',
      'SELECT \'é\', pg_catalog.date_part ( $2::text, l."Shipped" ) FROM l WHERE pg_catalog.date_part($1::text, d) = $3',
    ],
  ])('%s', (normalized, repaired) => {
    expect(repairExtractField(parser, normalized)).toBe(repaired);
    expect(extractFieldParameters(parser.parse(repaired))).toEqual([]);
  });

  it('leaves EXTRACT with a field name, and the function form, alone', () => {
    expect(repairExtractField(parser, 'SELECT extract(year from d), pg_catalog.extract($1, d) FROM t')).toBeNull();
  });
});
