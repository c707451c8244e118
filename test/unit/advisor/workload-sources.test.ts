import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  statementsFromServerLog,
  statementsFromServerLogFile,
  statementsFromSqlFile,
  WorkloadSourceError,
} from '../../../main/advisor/workload-sources/index.ts';
import { loggedParameters } from '../../../main/advisor/workload-sources/log-message.ts';
import { parseStorageSize } from '../../../app/cli/storage-size.ts';
import { MAX_SAMPLE_ACTIVITY_SECONDS, MAX_STATEMENT_CHARS, MAX_SUPPLIED_STATEMENTS } from '../../../main/contract/advisor.ts';
import { commandSchemas } from '../../../main/contract/commands.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const read = (name: string) => readFile(fixture(name), 'utf8');

describe('statementsFromSqlFile: statements split by PostgreSQL’s grammar', () => {
  it('splits at the semicolons that end statements, not those in literals, comments, quoted names or dollar quotes', async () => {
    const file = [
      '-- a comment; with a semicolon',
      "SELECT 'a;b' AS x FROM t; /* block; comment */",
      'SELECT "odd;name" FROM t WHERE body = $fn$ ; -- $fn$;',
      '',
      'SELECT 1 FROM t WHERE id = 2 -- the last, without a semicolon',
    ].join('\n');
    expect(await statementsFromSqlFile(file, 'q.sql')).toEqual([
      { query: "SELECT 'a;b' AS x FROM t", calls: 1, source: 'q.sql:2' },
      { query: 'SELECT "odd;name" FROM t WHERE body = $fn$ ; -- $fn$', calls: 1, source: 'q.sql:3' },
      { query: 'SELECT 1 FROM t WHERE id = 2 -- the last, without a semicolon', calls: 1, source: 'q.sql:5' },
    ]);
  });

  it('counts the same statement with other constants once per occurrence, keeping the first text and its line', async () => {
    const file = "SELECT * FROM t WHERE a = 1;\nselect *\n  from t\n where a = 'é';\nSELECT * FROM t WHERE a = 3;";
    expect(await statementsFromSqlFile(file, 'q.sql')).toEqual([{ query: 'SELECT * FROM t WHERE a = 1', calls: 3, source: 'q.sql:1' }]);
  });

  it('keeps statements on tables whose names differ only in a trailing number apart (the fingerprint alone does not)', async () => {
    const file = 'SELECT a FROM orders_12 WHERE b = 1;\nSELECT a FROM orders_22 WHERE b = 2;\nSELECT a FROM s_12.t;\nSELECT a FROM s_22.t;';
    expect((await statementsFromSqlFile(file, 'q.sql')).map((s) => s.query)).toEqual([
      'SELECT a FROM orders_12 WHERE b = 1',
      'SELECT a FROM orders_22 WHERE b = 2',
      'SELECT a FROM s_12.t',
      'SELECT a FROM s_22.t',
    ]);
  });

  it('gives lines right after multi-byte characters (the parser counts bytes)', async () => {
    const file = "SELECT 'ééé' FROM t;\n\nSELECT b FROM u;";
    expect((await statementsFromSqlFile(file, 'q.sql')).map((s) => s.source)).toEqual(['q.sql:1', 'q.sql:3']);
  });

  it("refuses a file the grammar rejects with the file, the line and the parser's message", async () => {
    const file = "SELECT 1 FROM t;\n-- fine so far\nSELEC 'ë' FROM t;\nSELECT 2 FROM t;";
    const error = await statementsFromSqlFile(file, 'bad.sql').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkloadSourceError);
    expect((error as Error).message).toBe('bad.sql:3: syntax error at or near "SELEC"');
  });

  it('finds nothing in a file of comments only', async () => {
    expect(await statementsFromSqlFile('-- nothing\n/* here */\n', 'empty.sql')).toEqual([]);
  });
});

describe('statementsFromServerLog: the statements a server logged', () => {
  // The three files one PostgreSQL 15 wrote at once (log_destination = 'stderr,csvlog,jsonlog',
  // log_min_duration_statement = 0, log_line_prefix = '%m [%p] %q%u@%d app=%a '): the same statements in each.
  const expected = [
    {
      query: 'CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, placed_on date NOT NULL)',
      calls: 1,
      totalMs: 11.743,
    },
    // Two executions through the extended protocol; the first one's parameters as quoted literals.
    { query: "SELECT id, status FROM orders WHERE customer_id = '42' AND status = 'open'", calls: 2, totalMs: 0.008 },
    {
      query: "SELECT count(*)\n  FROM orders\n WHERE placed_on >= date '2026-01-01'\n   AND status <> 'cancelled; -- not a comment'",
      calls: 2,
      totalMs: 0.42,
    },
    { query: "UPDATE orders SET status = 'closed' WHERE id = 1", calls: 1, totalMs: 0.178 },
  ];
  const shapeOf = (found: Awaited<ReturnType<typeof statementsFromServerLog>>) =>
    found.statements.map((s) => ({ query: s.query, calls: s.calls, totalMs: Math.round(s.totalMs! * 1000) / 1000 }));

  it('reads the stderr format whatever the prefix: multi-line statements, executes and their parameters', async () => {
    const found = await statementsFromServerLog(await read('workload-sources-stderr.txt'), 'postgresql.log');
    expect(found).toMatchObject({ format: 'stderr', executions: 6 });
    expect(shapeOf(found)).toEqual(expected);
    expect(found.statements[1]!.source).toBe('postgresql.log:9');
  });

  it('reads csvlog, told by its extension, with statements whose newlines are inside a quoted field', async () => {
    const found = await statementsFromServerLog(await read('workload-sources-csvlog.csv'), 'postgresql.csv');
    expect(found).toMatchObject({ format: 'csvlog', formatReason: 'by its .csv extension', executions: 6 });
    expect(shapeOf(found)).toEqual(expected);
    expect(found.statements[2]!.source).toBe('postgresql.csv:12');
  });

  it('streams a file the same way, in each format', async () => {
    for (const name of ['workload-sources-stderr.txt', 'workload-sources-csvlog.csv', 'workload-sources-jsonlog.jsonl']) {
      const found = await statementsFromServerLogFile(fixture(name));
      expect(found.executions).toBe(6);
      expect(shapeOf(found)).toEqual(expected);
    }
  });

  it('names the roles that ran each statement where the format does (csvlog, jsonlog), not in the stderr format', async () => {
    const roles = async (name: string) => (await statementsFromServerLogFile(fixture(name))).statements.map((s) => s.roles);
    expect(await roles('workload-sources-csvlog.csv')).toEqual([['postgres'], ['postgres'], ['postgres'], ['postgres']]);
    expect(await roles('workload-sources-jsonlog.jsonl')).toEqual([['postgres'], ['postgres'], ['postgres'], ['postgres']]);
    expect(await roles('workload-sources-stderr.txt')).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads csvlog told by its content too', async () => {
    const found = await statementsFromServerLog(await read('workload-sources-csvlog.csv'), 'postgresql-15.log');
    expect(found).toMatchObject({ format: 'csvlog', formatReason: 'by its content (CSV records)' });
  });

  it('reads jsonlog (one object per line), told by its content', async () => {
    const found = await statementsFromServerLog(await read('workload-sources-jsonlog.jsonl'), 'postgresql.jsonl');
    expect(found).toMatchObject({ format: 'jsonlog', formatReason: 'by its content (JSON objects)', executions: 6 });
    expect(shapeOf(found)).toEqual(expected);
  });

  it("keeps one database's statements where the format names it", async () => {
    expect((await statementsFromServerLog(await read('workload-sources-csvlog.csv'), 'x.csv', 'other')).statements).toEqual([]);
    expect((await statementsFromServerLog(await read('workload-sources-jsonlog.jsonl'), 'x.jsonl', 'postgres')).statements).toHaveLength(4);
  });

  it("reads log_statement's lines with the bare duration that follows, and leaves out an error's STATEMENT", async () => {
    const found = await statementsFromServerLog(await read('workload-sources-log-statement.txt'), 'app.log');
    expect(found.format).toBe('stderr');
    expect(found.statements).toEqual([
      {
        query: 'SELECT o.id, o.total\n  FROM orders o\n WHERE o.customer_id = 42\n ORDER BY o.placed_on DESC\n LIMIT 20',
        calls: 2,
        totalMs: 5,
        source: 'app.log:1',
      },
      { query: "SELECT name FROM customers WHERE email = 'ann@example.com'", calls: 1, totalMs: 0.75, source: 'app.log:7' },
    ]);
  });

  it('keeps a text the parser rejects (the capture reports why) and a parameter not logged as $n', async () => {
    const log = [
      '2026-12-06 08:00:00 UTC [1] LOG:  duration: 1.000 ms  statement: SELECT FROM WHERE',
      '2026-12-06 08:00:00 UTC [1] LOG:  duration: 1.000 ms  execute <unnamed>: SELECT a FROM t WHERE b = $1 AND c = $2',
      "2026-12-06 08:00:00 UTC [1] DETAIL:  parameters: $1 = 'x\\y'",
    ].join('\n');
    const found = await statementsFromServerLog(log, 'x.log');
    expect(found.statements.map((s) => s.query)).toEqual(['SELECT FROM WHERE', "SELECT a FROM t WHERE b = E'x\\\\y' AND c = $2"]);
  });

  it('refuses a jsonlog line that is not JSON with its place', async () => {
    await expect(statementsFromServerLog('{"message":"x"}\n{broken', 'pg.json')).rejects.toThrow(/^pg\.json:2: not a JSON object/);
  });
});

describe('loggedParameters', () => {
  it('reads quoted values with doubled quotes, NULL, and commas inside values', () => {
    expect(loggedParameters("parameters: $1 = 'it''s, here', $2 = NULL, $10 = ''")).toEqual(
      new Map<number, string | null>([
        [1, "it's, here"],
        [2, null],
        [10, ''],
      ]),
    );
    // PostgreSQL 16 and later capitalize the DETAIL.
    expect(loggedParameters("Parameters: $1 = 'c1', $2 = '500'")).toEqual(
      new Map([
        [1, 'c1'],
        [2, '500'],
      ]),
    );
    expect(loggedParameters('Key (id)=(1) already exists.')).toBeNull();
    expect(loggedParameters(null)).toBeNull();
  });
});

describe('parseStorageSize (--budget)', () => {
  it('reads decimal and binary units as --memory-budget does', () => {
    expect(parseStorageSize('--budget', '500MB')).toBe(500_000_000);
    expect(parseStorageSize('--budget', '1.5GB')).toBe(1_500_000_000);
    expect(parseStorageSize('--budget', '800MiB')).toBe(800 * 1024 * 1024);
    expect(parseStorageSize('--budget', '2g')).toBe(2 * 1024 ** 3);
    expect(parseStorageSize('--budget', ' 10 mb ')).toBe(10_000_000);
    expect(parseStorageSize('--budget', '4096')).toBe(4096);
  });

  it('refuses what is not a size, with what to write', () => {
    expect(() => parseStorageSize('--budget', 'lots')).toThrow('--budget "lots" is not a size: write a number with a unit');
    expect(() => parseStorageSize('--budget', '5 parsecs')).toThrow('--budget "5 parsecs" has an unknown unit "parsecs"');
    expect(() => parseStorageSize('--budget', '5XB')).toThrow('has an unknown unit "XB"');
    expect(() => parseStorageSize('--budget', '-1GB')).toThrow('is not a size');
    expect(() => parseStorageSize('--budget', '0MB')).toThrow('is no storage at all');
    expect(() => parseStorageSize('--budget', '99999999TB')).toThrow('too large');
  });
});

describe('advisor.analyze and optimize.plan parameters', () => {
  const params = commandSchemas['optimize.plan'].params;
  const message = (value: unknown) => {
    const result = params.safeParse(value);
    return result.success ? null : result.error.issues.map((i) => i.message).join('; ');
  };

  it('takes a budget, statements and a sampling time within their bounds', () => {
    expect(message({})).toBeNull();
    expect(message({ budgetBytes: 10_000_000, statements: [{ query: 'SELECT 1', calls: 2, totalMs: 3, source: 'q.sql:1' }] })).toBeNull();
    expect(message({ sampleActivitySeconds: MAX_SAMPLE_ACTIVITY_SECONDS })).toBeNull();
  });

  it('refuses what is out of bounds, saying what the bound is', () => {
    expect(message({ budgetBytes: 0 })).toContain('the storage budget must be a positive number of bytes');
    expect(message({ sampleActivitySeconds: MAX_SAMPLE_ACTIVITY_SECONDS + 1 })).toContain(
      `sampling pg_stat_activity takes at most ${MAX_SAMPLE_ACTIVITY_SECONDS} s`,
    );
    const one = { query: 'SELECT 1', calls: 1, source: 'q.sql:1' };
    expect(message({ statements: Array.from({ length: MAX_SUPPLIED_STATEMENTS + 1 }, () => one) })).toContain(
      `at most ${MAX_SUPPLIED_STATEMENTS} statements per analysis`,
    );
    expect(message({ statements: [{ ...one, query: 'x'.repeat(MAX_STATEMENT_CHARS + 1) }] })).toContain(
      `a statement may have at most ${MAX_STATEMENT_CHARS} characters`,
    );
    expect(message({ statements: [{ ...one, query: '' }] })).toContain('a statement needs its text');
    expect(message({ unknown: 1 })).not.toBeNull();
  });
});
