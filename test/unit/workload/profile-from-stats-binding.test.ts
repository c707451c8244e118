import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { bindParameters } from '../../../main/workload/profile-from-stats-binding.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const bind = (sql: string) => bindParameters(parser, sql);
const table = (name: string, column: string, schema: string | null = null) => ({ schema, table: name, column });

describe('binding a statement’s $n to the column it is compared to', () => {
  it('binds equality, either way round, through casts', () => {
    const { bindings, unbound } = bind('SELECT * FROM orders WHERE status = $1 AND $2 = customer_id AND ordered_on::date = $3::date');
    expect(unbound).toEqual([]);
    expect(bindings).toEqual([
      { number: 1, role: 'equal', columns: [table('orders', 'status')], paired: false },
      { number: 2, role: 'equal', columns: [table('orders', 'customer_id')], paired: false },
      { number: 3, role: 'equal', columns: [table('orders', 'ordered_on')], paired: false },
    ]);
  });

  it('gives a comparison’s direction from the column’s side: col < $1 is an upper bound, $2 < col a lower one', () => {
    const { bindings } = bind('SELECT 1 FROM t WHERE a < $1 AND $2 < b AND c >= $3 AND $4 >= d');
    expect(bindings.map((b) => [b.number, b.role])).toEqual([
      [1, 'upper'],
      [2, 'lower'],
      [3, 'lower'],
      [4, 'upper'],
    ]);
  });

  it('pairs the two ends of a range on one column (BETWEEN, or >= and <), not ends on different columns', () => {
    const between = bind('SELECT 1 FROM t WHERE d BETWEEN $1 AND $2').bindings;
    expect(between.map((b) => [b.role, b.paired])).toEqual([
      ['lower', true],
      ['upper', true],
    ]);
    const halfOpen = bind('SELECT 1 FROM t WHERE d >= $1 AND d < $2 AND e > $3').bindings;
    expect(halfOpen.map((b) => [b.number, b.paired])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('binds every item of IN, LIKE and ILIKE as equality', () => {
    const { bindings } = bind('SELECT 1 FROM t WHERE a IN ($1, $2) AND b LIKE $3 AND c NOT ILIKE $4');
    expect(bindings.map((b) => [b.number, b.role, b.columns[0]!.column])).toEqual([
      [1, 'equal', 'a'],
      [2, 'equal', 'a'],
      [3, 'equal', 'b'],
      [4, 'equal', 'c'],
    ]);
  });

  it('takes LIMIT and OFFSET as row counts, with no column', () => {
    const { bindings } = bind('SELECT * FROM t WHERE a = $1 ORDER BY b LIMIT $2 OFFSET $3');
    expect(bindings.map((b) => [b.number, b.role, b.columns])).toEqual([
      [1, 'equal', [table('t', 'a')]],
      [2, 'limit', []],
      [3, 'offset', []],
    ]);
  });

  it('resolves an alias and a schema-qualified table, and lists every table in scope for an unqualified column', () => {
    const { bindings } = bind('SELECT 1 FROM app.orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > $1 AND region = $2');
    expect(bindings[0]!.columns).toEqual([table('orders', 'total', 'app')]);
    expect(bindings[1]!.columns).toEqual([table('orders', 'region', 'app'), table('customers', 'region')]);
  });

  it('looks in the subquery’s own FROM first, then in the outer query’s (a correlated subquery)', () => {
    const { bindings } = bind('SELECT 1 FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.x = a.x AND y = $1)');
    expect(bindings[0]!.columns).toEqual([table('b', 'y'), table('a', 'y')]);
  });

  it('leaves unbound, with the reason, a predicate’s parameter in an expression, an array, or a column of a CTE or subquery', () => {
    const { bindings, unbound } = bind(
      `WITH recent AS (SELECT * FROM t) SELECT 1 FROM recent r, (SELECT 1 AS k) s
        WHERE r.a = $1 AND s.k = $2 AND t_col > $3 * $4 AND r.b = ANY($5) AND lower(c) = lower($6)`,
    );
    expect(bindings).toEqual([]);
    expect(unbound.map((u) => u.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(unbound[0]!.reason).toContain('r.a is a column of a subquery, CTE or function');
    expect(unbound[1]!.reason).toContain('s.k is a column of a subquery, CTE or function');
    expect(unbound[2]!.reason).toContain('not compared to a column');
    expect(unbound[4]!.reason).toContain('an array');
    expect(unbound[5]!.reason).toContain('not compared to a column');
  });

  it('binds the first parameter of `col < $1 + $2` to the column and the others as shifts of it', () => {
    const { bindings, unbound } = bind("SELECT 1 FROM t WHERE d >= $1::date AND d < $2::date + $3::interval - interval '1 day'");
    expect(unbound).toEqual([]);
    expect(bindings.map((b) => [b.number, b.role, b.columns[0]?.column ?? null, b.paired])).toEqual([
      [1, 'lower', 'd', true],
      [2, 'upper', 'd', true],
      [3, 'shift', null, false],
    ]);
  });

  it('binds the ends of `BETWEEN $1 - $2 AND $3 + $4` the same way', () => {
    const { bindings } = bind('SELECT 1 FROM t WHERE discount BETWEEN $1 - $2 AND $3 + $4');
    expect(bindings.map((b) => [b.number, b.role, b.paired])).toEqual([
      [1, 'lower', true],
      [2, 'shift', false],
      [3, 'upper', true],
      [4, 'shift', false],
    ]);
  });

  it('takes a parameter outside every predicate (select list, ORDER BY) as a constant; one in a subquery of a predicate is not', () => {
    const { bindings, unbound } = bind(
      'SELECT $1 * sum(x * ($2 - d)), substring(p from $3 for $4) FROM t WHERE a IN (SELECT $5 + b FROM u) GROUP BY 2 ORDER BY $6',
    );
    expect(bindings.map((b) => [b.number, b.role])).toEqual([
      [1, 'constant'],
      [2, 'constant'],
      [3, 'constant'],
      [4, 'constant'],
      [6, 'constant'],
    ]);
    expect(unbound.map((u) => u.number)).toEqual([5]);
  });

  it('reads a `$1` inside a string literal or a comment as text, not a parameter', () => {
    const { bindings, unbound } = bind("SELECT '$2 -- x' AS s FROM t /* $3 */ WHERE a = $1");
    expect(bindings.map((b) => b.number)).toEqual([1]);
    expect(unbound).toEqual([]);
  });
});
