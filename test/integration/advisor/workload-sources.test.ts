import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { SuppliedStatement } from '../../../main/advisor/advisor-types.ts';
import { statementShape } from '../../../main/advisor/workload-capture.ts';
import {
  sampleActivity,
  statementsFromServerLog,
  statementsFromServerLogFile,
  statementsFromSqlFile,
} from '../../../main/advisor/workload-sources/index.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, withDatabase, type TestDatabase } from '../../support/databases.ts';
import { startPrivatePostgresWithPgCtl, type PrivatePostgres } from '../../support/private-postgres.ts';
import { waitFor } from '../../support/wait-for.ts';
import { withClient } from '../../../main/util/pg-client.ts';

const run = promisify(execFile);

const SCHEMA = [
  'CREATE TABLE items (id int PRIMARY KEY, code text NOT NULL, price numeric NOT NULL, note text NOT NULL)',
  "INSERT INTO items SELECT g, 'c' || g, g % 1000, repeat('n', 40) FROM generate_series(1, 100000) g",
  'ANALYZE items',
  // Reads, so the table is not write-heavy (only its load so far), where the write budget would refuse indexes.
  'SELECT count(*) FROM items',
  'SELECT count(*) FROM items',
  'SELECT count(*) FROM items',
];

/**
 * Workload from other sources than pg_stat_statements, on real servers: a SQL file's statement is analyzed and
 * gets a proposal with pg_stat_statements not read; the statements a server logged (stderr, csvlog, jsonlog) are
 * found with their counts; a statement running in another session is seen by pg_stat_activity sampling.
 */
describe.each(TEST_SERVERS)('workload sources (%s)', (server) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    await withClient(db.url, async (client) => {
      for (const sql of SCHEMA) await client.query(sql);
      // VOLATILE: the planner never runs it; only the statement's execution waits.
      await client.query(
        'CREATE FUNCTION slow_down(seconds float8) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT 1 FROM pg_sleep(seconds) $$',
      );
    });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('analyzes the statements of a SQL file and proposes an index for one only the file has', async () => {
    const file = [
      '-- the lookup by code; a ";" in a comment',
      "SELECT id, price FROM items WHERE code = 'c42; -- not a comment';",
      "SELECT id, price FROM items WHERE code = 'c43';",
      'SELECT $body$ ; $body$ AS dollar FROM items WHERE id = 7;',
    ].join('\n');
    const statements = await statementsFromSqlFile(file, 'queries.sql');
    expect(statements).toEqual([
      { query: "SELECT id, price FROM items WHERE code = 'c42; -- not a comment'", calls: 2, source: 'queries.sql:2' },
      { query: 'SELECT $body$ ; $body$ AS dollar FROM items WHERE id = 7', calls: 1, source: 'queries.sql:4' },
    ]);
    const report = await analyzeWorkload({ pg: { connectionString: db.url }, useStatStatements: false, useHypopg: false, statements });
    // Planned as pg_stat_statements would show it: its constants are examples, not the only values.
    const normalized = 'SELECT id, price FROM items WHERE code = $1';
    expect(report.statements).toContainEqual(expect.objectContaining({ query: normalized, calls: 2, queryId: null }));
    const onCode = report.proposals.find((p) => p.table === 'items' && p.columns[0]!.name === 'code');
    expect(onCode).toMatchObject({ predicate: null, serves: [expect.objectContaining({ query: normalized })] });
    expect(report.skipped.filter((s) => s.query.includes('items'))).toEqual([]);
  }, 60_000);

  it('analyzes only the busiest supplied statements, as many as it takes from pg_stat_statements, and says so', async () => {
    const statements: SuppliedStatement[] = [
      { query: 'SELECT id FROM items WHERE id = 1', calls: 5, totalMs: 10, source: 'a.sql:1' },
      { query: "SELECT price FROM items WHERE code = 'x'", calls: 1, totalMs: 90, source: 'a.sql:2' },
      { query: 'SELECT count(*) FROM items', calls: 50, totalMs: 1, source: 'a.sql:3' },
    ];
    const report = await analyzeWorkload({
      pg: { connectionString: db.url },
      useStatStatements: false,
      useHypopg: false,
      statements,
      maxStatements: 2,
    });
    expect(report.statements.map((s) => s.query)).toEqual([
      'SELECT price FROM items WHERE code = $1',
      'SELECT id FROM items WHERE id = $1',
    ]);
    expect(report.skipped).toEqual([
      { query: '1 more statements from files, logs or samples', reason: expect.stringContaining('only the 2 busiest') },
    ]);
  }, 60_000);

  it('reports a supplied statement it cannot analyze with its source and reason', async () => {
    const statements: SuppliedStatement[] = [{ query: 'UPDATE items SET price = 1 WHERE id = 1; SELECT 1', calls: 1, source: 'two.sql:3' }];
    const report = await analyzeWorkload({ pg: { connectionString: db.url }, useStatStatements: false, useHypopg: false, statements });
    expect(report.skipped).toEqual([{ query: statements[0]!.query, reason: expect.stringMatching(/^two\.sql:3: /) }]);
  }, 60_000);

  it('sees a statement running in another session by sampling pg_stat_activity, with the role that ran it', async () => {
    const slow = "SELECT count(*) FROM items WHERE code = 'c5' AND (SELECT slow_down(0.4)) = 1";
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    let running = true;
    const loop = (async () => {
      while (running) await other.query(slow);
    })();
    try {
      const sample = await withClient(db.url, (client) => sampleActivity(client, 2));
      const seen = sample.statements.find((s) => s.query === slow);
      expect(seen?.calls).toBeGreaterThan(0);
      expect(seen?.totalMs).toBe(seen!.calls * 100);
      const { rows } = await other.query<{ oid: string }>('SELECT oid::text FROM pg_roles WHERE rolname = current_user');
      expect(seen?.userIds).toEqual([rows[0]!.oid]);
      // Through the analysis: planned (its runner is known) and indexed for.
      const report = await analyzeWorkload({
        pg: { connectionString: db.url },
        useStatStatements: false,
        useHypopg: false,
        sampleActivitySeconds: 2,
      });
      const shape = await statementShape(slow);
      const analyzed = [];
      for (const s of report.statements) if ((await statementShape(s.query)) === shape) analyzed.push(s);
      expect(analyzed).toHaveLength(1);
      expect(report.proposals.some((p) => p.table === 'items' && p.columns[0]!.name === 'code')).toBe(true);
    } finally {
      running = false;
      await loop;
      await other.end();
    }
  }, 60_000);
});

/**
 * As whom a supplied statement is planned: as a role its log names (found in this server's roles), else as a
 * statement of an unknown role, which planning-roles.ts refuses while a function of an untrusted owner exists.
 */
describe.each(TEST_SERVERS)('the roles a log names (%s)', (server) => {
  let db: TestDatabase;
  const owner = `hotpath_ws_owner_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    await withClient(db.url, async (client) => {
      await client.query('CREATE TABLE items (id int PRIMARY KEY, code text NOT NULL)');
      await client.query(`CREATE ROLE ${owner} NOLOGIN`);
      await client.query(`CREATE FUNCTION owned() RETURNS int LANGUAGE sql AS 'SELECT 1'`);
      await client.query(`ALTER FUNCTION owned() OWNER TO ${owner}`);
    });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
    await withClient(serverUrl(server), (client) => client.query(`DROP ROLE IF EXISTS ${owner}`));
  });

  it('plans by the named role’s rules, and a role this server lacks as an unknown one', async () => {
    const report = await analyzeWorkload({
      pg: { connectionString: db.url },
      useStatStatements: false,
      useHypopg: false,
      statements: [
        { query: "SELECT id FROM items WHERE code = 'a'", calls: 1, source: 'pg.csv:7', roles: ['postgres'] },
        { query: 'SELECT code FROM items WHERE id = 1', calls: 1, source: 'pg.csv:9', roles: ['nobody_here'] },
      ],
    });
    expect(report.statements).toEqual([]);
    expect(report.skipped).toEqual([
      { query: 'SELECT id FROM items WHERE code = $1', reason: expect.stringContaining('run by postgres, a superuser') },
      { query: 'SELECT code FROM items WHERE id = $1', reason: expect.stringContaining('the role that ran it is unknown') },
    ]);
    expect(report.skipped[1]!.reason).toContain(`(${owner})`);
  }, 60_000);
});

/** Writable by the server (it runs as `postgres` when we are root). */
async function serverWritableDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-pglog-'));
  if (userInfo().uid === 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    await chown(dir, uid, gid);
  }
  return dir;
}

/**
 * Started with pg_ctl: csvlog and jsonlog need the logging collector, and the embedded PostgreSQL 18's launcher
 * waits for the ready message on the server's stderr, which the collector takes away (its start never returns).
 */
describe.each(TEST_SERVERS)('statements from real server logs: stderr, csvlog, jsonlog (%s)', (server) => {
  let postgres: PrivatePostgres;
  let logDir: string;
  const files: Record<'stderr' | 'csvlog' | 'jsonlog', string> = { stderr: '', csvlog: '', jsonlog: '' };
  const LOOKUP = 'SELECT id FROM items WHERE code = $1 AND price < $2';
  const MULTILINE = "SELECT count(*)\n  FROM items\n WHERE note = 'it''s'\n   AND price > 10";

  beforeAll(async () => {
    logDir = await serverWritableDir();
    // Values with spaces or commas: quoted, as postgresql.conf wants them.
    const q = (v: string) => `'${v}'`;
    postgres = await startPrivatePostgresWithPgCtl(server, [
      'logging_collector=on',
      `log_destination=${q('stderr,csvlog,jsonlog')}`,
      `log_directory=${q(logDir)}`,
      `log_filename=${q('server.log')}`,
      'log_min_duration_statement=0',
      `log_line_prefix=${q('%m [%p] %q%u@%d app=%a ')}`,
      'lc_messages=C',
    ]);
    await withClient(postgres.url, async (client) => {
      await client.query('CREATE DATABASE logged');
    });
    await withClient(withDatabase(postgres.url, 'logged'), async (client) => {
      for (const sql of SCHEMA) await client.query(sql);
      // Extended protocol: logged as `execute <unnamed>: …` with a DETAIL of parameters.
      for (const code of ['c1', 'c2', "c'3"]) await client.query(LOOKUP, [code, 500]);
      await client.query(MULTILINE);
      await client.query(MULTILINE.replace('10', '20'));
      await client.query("SELECT 'end of the test workload'");
    });
    for (const [format, name] of [
      ['stderr', 'server.log'],
      ['csvlog', 'server.csv'],
      ['jsonlog', 'server.json'],
    ] as const) {
      files[format] = join(logDir, name);
      await waitFor(`${name} to hold the last statement`, async () =>
        (await readFile(files[format], 'utf8').catch(() => '')).includes('end of the test workload') ? true : undefined,
      );
    }
  }, 120_000);

  afterAll(async () => {
    await postgres?.destroy();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it.each(['stderr', 'csvlog', 'jsonlog'] as const)(
    'finds the statements of the %s file with their counts and durations',
    async (format) => {
      expect((await readdir(logDir)).sort()).toEqual(['server.csv', 'server.json', 'server.log']);
      // Streamed from the file, as the command line reads it.
      const found = await statementsFromServerLogFile(files[format]);
      expect(found.format).toBe(format);
      const byShape = async (sql: string) => {
        const shape = await statementShape(sql);
        const matches = [];
        for (const s of found.statements) if ((await statementShape(s.query)) === shape) matches.push(s);
        return matches;
      };
      const [lookup] = await byShape(LOOKUP);
      expect(lookup).toMatchObject({ calls: 3, totalMs: expect.any(Number) });
      // The first execution's logged parameters, as quoted literals.
      expect(lookup!.query).toBe("SELECT id FROM items WHERE code = 'c1' AND price < '500'");
      const [multiline] = await byShape(MULTILINE);
      expect(multiline).toMatchObject({ query: MULTILINE, calls: 2 });
      expect(multiline!.source).toMatch(new RegExp(`^${files[format].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+$`));
    },
  );

  it('analyzes a log as the workload: the lookup from the log gets its index', async () => {
    const found = await statementsFromServerLog(await readFile(files.csvlog, 'utf8'), files.csvlog, 'logged');
    const report = await analyzeWorkload({
      pg: { connectionString: withDatabase(postgres.url, 'logged') },
      useStatStatements: false,
      useHypopg: false,
      statements: found.statements,
    });
    expect(report.statements).toContainEqual(
      expect.objectContaining({ query: 'SELECT id FROM items WHERE code = $1 AND price < $2', calls: 3, totalMs: expect.any(Number) }),
    );
    expect(report.proposals.find((p) => p.table === 'items' && p.columns[0]!.name === 'code')?.serves).toEqual([
      expect.objectContaining({ query: 'SELECT id FROM items WHERE code = $1 AND price < $2' }),
    ]);
    // The schema's statements are in the log too: not analyzed, each with its reason and where it was logged.
    expect(report.skipped).toContainEqual({
      query: expect.stringContaining('CREATE TABLE items'),
      reason: expect.stringContaining(files.csvlog),
    });
  }, 60_000);
});
