import { describe, expect, it } from 'vitest';
import { checkReadOnlySql, loadSqlCheck } from '../../../main/workload/profile-sql-check.ts';

await loadSqlCheck();

const messages = (sql: string): string[] => checkReadOnlySql(sql).problems.map((p) => p.message);

describe('checkReadOnlySql', () => {
  it.each([
    'SELECT 1',
    'select * from t where a = $1',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    'VALUES (1), (2)',
    'TABLE unified.chunks',
    '(SELECT 1) UNION (SELECT 2)',
    '  -- leading comment\n/* block /* nested */ */ SELECT 1;',
    'SELECT 1;  -- a trailing semicolon and comment are fine\n',
  ])('accepts %j', (sql) => {
    expect(messages(sql)).toEqual([]);
  });

  it.each([
    ['DELETE FROM t', /starting with SELECT, WITH, VALUES or TABLE, got "DELETE"/],
    ['EXPLAIN ANALYZE SELECT 1', /got "EXPLAIN"/],
    ['SELECT 1; DROP TABLE x', /single statement, but more follows the ";": "DROP TABLE x"/],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /must be read-only, but uses DELETE/],
    ['WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT 1', /uses UPDATE/],
    ['SELECT * INTO copy_of_t FROM t', /uses INTO/],
    ['SELECT * FROM t FOR UPDATE', /takes row locks \(FOR UPDATE;/],
    ['SELECT * FROM t FOR NO KEY UPDATE', /takes row locks \(FOR NO KEY UPDATE;/],
    ['SELECT * FROM (SELECT * FROM t FOR SHARE) s', /takes row locks \(FOR SHARE;/],
    ['SELECT * FROM t FOR KEY SHARE', /takes row locks \(FOR KEY SHARE; the workload also runs every request in a read-only session\)/],
    ['', /must not be empty/],
    ['   -- only a comment', /must not be empty/],
    ["SELECT 'unterminated", /is not valid SQL: unterminated quoted string/],
    ['SELECT $a$ never closed', /is not valid SQL: unterminated dollar-quoted string at or near "\$a\$ never closed"/],
    ['SELEC 1', /is not valid SQL: syntax error at or near "SELEC"/],
    ['WITH d AS (SELECT 1) DELETE FROM t', /must be read-only, but is a DELETE/],
    ['INSERT INTO t VALUES (1)', /got "INSERT"/],
    ['SELECT * FROM t WHERE a IN (SELECT a FROM u FOR UPDATE)', /takes row locks/],
    ['CREATE TABLE x AS SELECT 1', /got "CREATE"/],
    ['SELECT 1 /* open', /unterminated \/\* comment/],
  ])('refuses %j', (sql, expected) => {
    expect(
      messages(sql).some((m) => expected.test(m)),
      messages(sql).join('; '),
    ).toBe(true);
  });

  it('ignores semicolons, placeholders and keywords inside literals, identifiers and comments', () => {
    const sql = `SELECT ';$9 DELETE', "odd;$8 name", $tag$ ; $7 DROP $tag$, $$ $6 $$, E'it\\'s; $5' -- ; $4 DELETE
      FROM t WHERE a = $1 /* $3; INSERT */`;
    expect(checkReadOnlySql(sql)).toEqual({ problems: [], parameters: [1] });
  });

  it('collects distinct placeholders in order and does not mistake identifiers containing $ for them', () => {
    expect(checkReadOnlySql('SELECT a$1, $3, $1, $2, $10 FROM t').parameters).toEqual([1, 2, 3, 10]);
  });

  it('points at the offending text', () => {
    const sql = 'SELECT 1;\n  DROP TABLE x';
    expect(checkReadOnlySql(sql).problems[0]!.offset).toBe(sql.indexOf('DROP'));
  });

  it('points at the right character after text outside ASCII (the parser counts bytes and code points)', () => {
    for (const [sql, at] of [
      ["SELECT 'é€😀' AS a; DROP TABLE x", 'DROP'],
      ["SELECT 'é€😀' FROM FROM", 'FROM FROM'.slice(5)],
      ["SELECT 'é€😀' AS a FROM t FOR UPDATE", 'FOR UPDATE'],
      ["SELECT 'é€😀' INTO x FROM t", 'INTO'],
    ] as const) {
      const offset = checkReadOnlySql(sql).problems[0]!.offset;
      expect(sql.slice(offset, offset + at.length), sql).toBe(at);
      expect(offset).toBe(sql.lastIndexOf(at));
    }
  });

  it('refuses $0, which PostgreSQL would not bind', () => {
    expect(checkReadOnlySql('SELECT $0, $1')).toEqual({
      problems: [{ message: 'uses $0, which is not a placeholder: they are numbered from $1', offset: 7 }],
      parameters: [1],
    });
  });

  it('accepts a column named like a keyword when it is quoted', () => {
    expect(messages('SELECT "update", "delete" FROM audit')).toEqual([]);
  });
});
