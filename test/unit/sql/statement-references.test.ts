import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser, type SqlParser } from '../../../main/sql/pg-parser.ts';
import { columnsOfRelation, statementReferences } from '../../../main/sql/statement-references.ts';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const refs = (sql: string) => statementReferences(parser.parse(sql));
const relations = (sql: string) => refs(sql).relations.map((r) => [r.schema, r.name, [...r.privileges].sort()]);

describe('statementReferences: what a statement names, from its parse tree', () => {
  it('finds the relations of a join, with quoted mixed-case names as written and unquoted ones folded', () => {
    expect(relations('SELECT * FROM "Sales"."Order Lines" l JOIN Customers c ON c.id = l.cid')).toEqual([
      ['Sales', 'Order Lines', ['SELECT']],
      [null, 'customers', ['SELECT']],
    ]);
  });

  it('leaves CTE names out, MATERIALIZED or not, and keeps the tables they read', () => {
    expect(
      relations(
        'WITH a AS MATERIALIZED (SELECT * FROM t1), b AS (SELECT * FROM t2) SELECT * FROM a JOIN b USING (id) JOIN public.a x ON true',
      ),
    ).toEqual(
      expect.arrayContaining([
        [null, 't1', ['SELECT']],
        [null, 't2', ['SELECT']],
        ['public', 'a', ['SELECT']],
      ]),
    );
    expect(refs('WITH a AS (SELECT * FROM t1) SELECT * FROM a').relations).toHaveLength(1);
  });

  it('gives a write its privilege: UPDATE and DELETE with a WHERE also read, INSERT … SELECT reads its source', () => {
    expect(relations('UPDATE orders SET note = $1 WHERE ref = $2')).toEqual([[null, 'orders', ['SELECT', 'UPDATE']]]);
    expect(relations('DELETE FROM orders')).toEqual([[null, 'orders', ['DELETE']]]);
    expect(relations('INSERT INTO archive SELECT * FROM orders WHERE k = $1')).toEqual([
      [null, 'archive', ['INSERT']],
      [null, 'orders', ['SELECT']],
    ]);
    expect(relations('WITH gone AS (DELETE FROM s WHERE k = $1 RETURNING id) SELECT count(*) FROM gone')).toEqual([
      [null, 's', ['DELETE', 'SELECT']],
    ]);
  });

  it('asks UPDATE on the tables a FOR UPDATE / SHARE locks (those after OF, by alias too)', () => {
    expect(relations('SELECT * FROM a JOIN b ON a.id = b.id WHERE a.k = $1 FOR UPDATE')).toEqual([
      [null, 'a', ['SELECT', 'UPDATE']],
      [null, 'b', ['SELECT', 'UPDATE']],
    ]);
    expect(relations('SELECT * FROM a x JOIN b ON x.id = b.id FOR SHARE OF x')).toEqual([
      [null, 'a', ['SELECT', 'UPDATE']],
      [null, 'b', ['SELECT']],
    ]);
  });

  it("reads each relation's columns: bare ones, qualified by its name or alias, and stars", () => {
    const r = refs('SELECT o.a, b, c.* FROM orders o JOIN customers c ON c.id = o.cid');
    const [orders, customers] = r.relations;
    expect(columnsOfRelation(r, orders!)).toEqual({ names: ['a', 'b', 'cid'], star: false });
    expect(columnsOfRelation(r, customers!)).toEqual({ names: ['b', 'id'], star: true });
  });

  it('finds the functions it calls, with their schema when it names one', () => {
    expect(refs('SELECT my_fn(a), app.score(b), count(*) FROM t').functions).toEqual([
      { schema: null, name: 'my_fn' },
      { schema: 'app', name: 'score' },
      { schema: null, name: 'count' },
    ]);
  });
});
