import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statementShape, whyNotAnalyzable } from '../../../main/advisor/workload-capture.ts';
import { parameterCount } from '../../../main/advisor/generic-plan.ts';

/**
 * The advisor classifies statements (what an index can serve: reads, and writes by the rows they find) and finds a workload template among
 * pg_stat_statements' normalized texts by its shape. Comment markers, statement separators and placeholders
 * inside string literals, dollar-quoted strings and quoted names are data, not SQL: a statement holding them must
 * be classified and matched exactly as the same statement without them.
 */
const TRICKY = ['--', '/*', '*/', ';', '$1', '$2', "'", '"', 'DELETE', 'from', 'pg_class', ' ', '\n', 'x'];
const noise = fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const dollarQuoted = (text: string) => `$q$${text.replaceAll('$q$', '')}$q$`;
const quotedName = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** A read with a string where the noise goes; `value` fills it, `alias` names the output column, `table` is read. */
const statement = (value: string, alias: string, table = 'items') =>
  `SELECT id, note AS ${alias} FROM shop.${table} WHERE note = ${value} AND account = $1 ORDER BY id LIMIT 10`;

describe('statement shape and classification with tricky text inside literals and quoted names', () => {
  it('classifies a read as analyzable whatever its string literals, dollar-quoted strings and quoted names hold', async () => {
    await fc.assert(
      fc.asyncProperty(noise, fc.constantFrom(literal, dollarQuoted), noise, async (text, quote, name) => {
        expect(await whyNotAnalyzable(statement(quote(text), quotedName(name)))).toBe(
          await whyNotAnalyzable(statement("'plain'", '"plain"')),
        );
        expect(await whyNotAnalyzable(statement(quote(text), quotedName(name)))).toBeNull();
      }),
    );
  });

  it('matches a template to its normalized form (as pg_stat_statements shows it) whatever its literals hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        noise,
        fc.constantFrom(literal, dollarQuoted),
        fc.constantFrom('$2', "'other'", '42'),
        async (text, quote, normalized) => {
          expect(await statementShape(statement(quote(text), 'n'))).toBe(await statementShape(statement(normalized, 'n')));
        },
      ),
    );
  });

  it('keeps statements on different tables apart, even when the difference is inside a quoted name', async () => {
    await fc.assert(
      fc.asyncProperty(noise, noise, async (a, b) => {
        fc.pre(a !== b);
        expect(await statementShape(statement('$2', 'n', quotedName(a)))).not.toBe(
          await statementShape(statement('$2', 'n', quotedName(b))),
        );
      }),
    );
  });

  it('classifies a read of a table with a tricky quoted name as analyzable, and matches it to its normalized form', async () => {
    await fc.assert(
      fc.asyncProperty(noise, fc.constantFrom(literal, dollarQuoted), noise, async (table, quote, text) => {
        expect(await whyNotAnalyzable(statement(quote(text), 'n', quotedName(table)))).toBeNull();
        expect(await statementShape(statement(quote(text), 'n', quotedName(table)))).toBe(
          await statementShape(statement('$2', 'n', quotedName(table))),
        );
      }),
    );
  });

  it('matches a typed literal to the `date $1` pg_stat_statements shows for it', async () => {
    expect(await statementShape('SELECT id FROM shop.items WHERE day > date $1')).toBe(
      await statementShape("SELECT id FROM shop.items -- x\nWHERE day > DATE '2026-01-01'"),
    );
  });

  it('counts only real placeholders, not $n inside strings, names or comments', async () => {
    await fc.assert(
      fc.asyncProperty(noise, fc.constantFrom(literal, dollarQuoted), async (text, quote) => {
        expect(await parameterCount(`${statement(quote(text), quotedName(text))} -- $7`)).toBe(1);
      }),
    );
  });

  it('tells writes and catalog reads from application reads by the parse tree', async () => {
    expect(await whyNotAnalyzable("SELECT 'DELETE FROM t' FROM shop.items")).toBeNull();
    // Writes are planned (EXPLAIN only) for the rows they find: their WHERE, an INSERT's SELECT.
    expect(await whyNotAnalyzable('WITH gone AS (DELETE FROM shop.items WHERE id = $1 RETURNING id) SELECT id FROM gone')).toBeNull();
    expect(await whyNotAnalyzable('UPDATE shop.items SET note = $1 WHERE id = $2')).toBeNull();
    expect(await whyNotAnalyzable('DELETE FROM shop.items WHERE id = $1')).toBeNull();
    expect(await whyNotAnalyzable('INSERT INTO shop.copy SELECT * FROM shop.items WHERE id > $1')).toBeNull();
    expect(await whyNotAnalyzable('SELECT * FROM shop.items WHERE id = $1 FOR UPDATE')).toBeNull();
    expect(await whyNotAnalyzable('UPDATE shop.items SET note = $1')).toMatch(/without WHERE writes every row/);
    expect(await whyNotAnalyzable('INSERT INTO shop.items (id) VALUES ($1)')).toMatch(/reads no table/);
    expect(await whyNotAnalyzable('DELETE FROM shop.items WHERE CURRENT OF c')).toMatch(/CURRENT OF/);
    expect(await whyNotAnalyzable('UPDATE pg_catalog.pg_class SET relname = $1 WHERE oid = $2')).toMatch(/system catalogs/);
    expect(await whyNotAnalyzable('SELECT id INTO copy FROM shop.items')).toMatch(/SELECT INTO creates a table/);
    expect(await whyNotAnalyzable('CREATE INDEX ON shop.items (id)')).toMatch(/not a statement an index serves \(INDEX\)/);
    expect(await whyNotAnalyzable('SELECT relname FROM pg_class')).toMatch(/system catalogs/);
    expect(await whyNotAnalyzable('SELECT "pg_class" FROM shop.items')).toBeNull();
    expect(await whyNotAnalyzable("SELECT '/* hotpath:index-advisor */' AS marker FROM shop.items")).toBeNull();
    expect(await whyNotAnalyzable('/* hotpath:index-advisor */ SELECT 1 FROM shop.items')).toMatch(/advisor's own/);
    expect(await whyNotAnalyzable('SELECT 1')).toMatch(/reads no table/);
    expect(await whyNotAnalyzable('SELECT FROM WHERE')).toMatch(/could not be parsed/);
    expect(await whyNotAnalyzable('SELECT 1 FROM a; SELECT 2 FROM b')).toMatch(/2 statements/);
  });
});
