import { describe, expect, it } from 'vitest';
import { loadSqlParser, SqlSyntaxError } from '../../../main/sql/pg-parser.ts';

describe('loadSqlParser', () => {
  it("parses with PostgreSQL's grammar, where -- and /* inside literals and quoted names are not comments", async () => {
    const parser = await loadSqlParser();
    const { stmts } = parser.parse(`SELECT '--x', "a/*b" FROM t WHERE c = 'it''s' -- a comment\n LIMIT 5`);
    expect(stmts).toHaveLength(1);
    expect(Object.keys(stmts![0]!.stmt!)).toEqual(['SelectStmt']);
  });

  it('gives statements that differ only in constants one fingerprint, as pg_stat_statements normalizes them', async () => {
    const parser = await loadSqlParser();
    expect(parser.fingerprint(`SELECT * FROM t WHERE d > date '2020-01-01' LIMIT 5`)).toBe(
      parser.fingerprint('select * from t where d > date $1 limit $2'),
    );
    expect(parser.fingerprint('SELECT a FROM t')).not.toBe(parser.fingerprint('SELECT b FROM t'));
    expect(parser.normalize(`SELECT * FROM t WHERE a = 'x' LIMIT 5`)).toBe('SELECT * FROM t WHERE a = $1 LIMIT $2');
  });

  it('throws SqlSyntaxError with the offset PostgreSQL points at', async () => {
    const parser = await loadSqlParser();
    const error = (() => {
      try {
        parser.parse('select from where');
        return null;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect((error as SqlSyntaxError).message).toBe('syntax error at or near "where"');
    expect((error as SqlSyntaxError).position).toBe('select from '.length);
  });

  it('shares one load between concurrent callers', async () => {
    const [a, b] = await Promise.all([loadSqlParser(), loadSqlParser()]);
    expect(a).toBe(b);
  });
});
