import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainStatement, type StatementExplain } from '../../../main/advisor/index.ts';
import { explainedPlan } from '../../../main/database/index.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';

/**
 * EXPLAIN of a top statement for the Database page (main/advisor/explain-statement.ts), on a private server with
 * pg_stat_statements preloaded (and, on PostgreSQL 15, HypoPG created and the log written to a file): a statement
 * another role ran is planned as that role; once that role owns an IMMUTABLE function the statement calls, planning
 * it is refused with the reason and the function never runs (it raises a NOTICE, which would reach the client);
 * a proposal's index lowers the plan's cost through HypoPG (or the answer says HypoPG is missing); and nothing
 * leaves an ERROR in the server's log.
 */
const PASSWORD = 'hotpath-explain-pw';
const DONE = 'hotpath explain-statement: the explains are over';
const READER_SQL = 'SELECT id, note FROM items WHERE account = $1';
const ATTACK_SQL = 'SELECT id, note FROM items WHERE account = account_of_the_day()';
const ATTACK_NOTICE = 'account_of_the_day ran';

function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = PASSWORD;
  return parsed.toString();
}

describe.each(TEST_SERVERS)('EXPLAIN of a workload statement (%s)', (server) => {
  const hypopg = server === 'pg15';
  let postgres: PrivatePostgres;
  let url: string;
  let admin: pg.Client;
  let logFile: string | null = null;
  let logStart = 0;

  /** Runs `sql` as `role` three times (with $1 = 0, 1, 2 when `withParameter`), so pg_stat_statements has it under that role. */
  async function runAs(role: string, sql: string, withParameter = false): Promise<void> {
    const client = new pg.Client({ connectionString: asRole(url, role) });
    await client.connect();
    try {
      for (let i = 0; i < 3; i++) await client.query(sql, withParameter ? [i] : []);
    } finally {
      await client.end();
    }
  }

  async function queryIdOf(sql: string): Promise<string> {
    const { rows } = await admin.query<{ id: string }>('SELECT queryid::text AS id FROM pg_stat_statements WHERE query = $1', [sql]);
    expect(rows.length, `in pg_stat_statements: ${sql}`).toBeGreaterThan(0);
    return rows[0]!.id;
  }

  /** explainStatement on a lent client that records every NOTICE the server sends it. */
  async function explainRecording(
    target: { queryId: string } | { query: string },
    hypothetical?: Parameters<typeof explainStatement>[0]['hypothetical'],
  ): Promise<{ result: StatementExplain; notices: string[] }> {
    const notices: string[] = [];
    const client = new pg.Client({ connectionString: url });
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.connect();
    try {
      const result = await explainStatement({ pg: async () => client, target, ...(hypothetical ? { hypothetical } : {}) });
      return { result, notices };
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, [
      'shared_preload_libraries=pg_stat_statements',
      ...(hypopg ? ['logging_collector=on'] : []),
    ]);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE explain_statement');
    await bootstrap.end();
    url = withDatabase(postgres.url, 'explain_statement');
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    for (const sql of [
      'CREATE EXTENSION pg_stat_statements',
      ...(hypopg ? ['CREATE EXTENSION hypopg'] : []),
      `CREATE ROLE reader LOGIN PASSWORD '${PASSWORD}'`,
      `CREATE ROLE attacker LOGIN PASSWORD '${PASSWORD}'`,
      'GRANT CREATE ON SCHEMA public TO attacker',
      'CREATE TABLE items (id int PRIMARY KEY, account int NOT NULL, note text NOT NULL)',
      "INSERT INTO items SELECT g, g % 5000, 'n' || g FROM generate_series(1, 50000) g",
      'ANALYZE items',
      'GRANT SELECT ON items TO reader, attacker',
    ])
      await admin.query(sql);
    await runAs('reader', READER_SQL, true);
    const { rows } = await admin.query<{ dir: string; file: string | null }>(
      "SELECT current_setting('data_directory') AS dir, pg_current_logfile() AS file",
    );
    const file = rows[0]!.file;
    if (file !== null) {
      logFile = isAbsolute(file) ? file : join(rows[0]!.dir, file);
      logStart = (await stat(logFile)).size;
    }
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await postgres?.destroy();
  });

  it('explains a top statement as the role that ran it: a generic plan of the normalized text, with the tree, JSON and text', async () => {
    const queryId = await queryIdOf(READER_SQL);
    const { result } = await explainRecording({ queryId });
    expect(result.outcome).toMatchObject({ planned: true });
    expect(result.source).toBe('pg_stat_statements');
    expect(result.plannedAs).toBe('reader');
    expect(result.query).toBe(READER_SQL);
    if (!result.outcome.planned) return;
    const shown = explainedPlan(result.outcome.plan);
    // No index on account: the generic plan reads the whole table, estimating the rows of one account.
    const scans = JSON.stringify(shown.root);
    expect(scans).toContain('"relation":"public.items"');
    expect(shown.totalCost).toBeGreaterThan(0);
    expect(shown.text).toMatch(/Seq Scan on public\.items .*\(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+/);
    expect(shown.text).toContain('$1');
    expect(JSON.parse(shown.json)[0].Plan['Node Type']).toBe(result.outcome.plan['Node Type']);
  });

  it.runIf(hypopg)("plans the statement without and with a proposal's index as a hypothetical one: the cost drops", async () => {
    const queryId = await queryIdOf(READER_SQL);
    const spec = {
      schema: 'public',
      table: 'items',
      columns: [{ name: 'account', direction: 'asc' as const }],
      include: [],
      method: 'btree' as const,
      predicate: null,
    };
    const { result } = await explainRecording({ queryId }, spec);
    const whatIf = result.whatIf;
    expect(whatIf?.hypopg).toBe(true);
    if (!whatIf?.hypopg) return;
    expect(whatIf.after['Total Cost']).toBeLessThan(whatIf.before['Total Cost']);
    expect(JSON.stringify(whatIf.after)).toMatch(/btree_items_account/);
    expect(JSON.stringify(whatIf.before)).not.toMatch(/btree_items_account/);
    // Hypothetical only: nothing was built, and the backend's hypothetical indexes were reset.
    const built = await admin.query("SELECT 1 FROM pg_indexes WHERE tablename = 'items' AND indexdef LIKE '%account%'");
    expect(built.rows).toEqual([]);
  });

  it.runIf(!hypopg)('says why there is no plan with the index when HypoPG is not created in the database', async () => {
    const queryId = await queryIdOf(READER_SQL);
    const { result } = await explainRecording(
      { queryId },
      { schema: 'public', table: 'items', columns: [{ name: 'account', direction: 'asc' }], include: [], method: 'btree', predicate: null },
    );
    expect(result.outcome.planned).toBe(true);
    expect(result.whatIf).toMatchObject({ hypopg: false, note: expect.stringContaining('CREATE EXTENSION hypopg') });
  });

  it("refuses a statement calling another role's function, with the reason, and the function does not run", async () => {
    const attacker = new pg.Client({ connectionString: asRole(url, 'attacker') });
    await attacker.connect();
    try {
      await attacker.query(`CREATE FUNCTION account_of_the_day() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN RAISE NOTICE '${ATTACK_NOTICE}'; RETURN 7; END $$`);
    } finally {
      await attacker.end();
    }
    await runAs('attacker', ATTACK_SQL);
    const queryId = await queryIdOf(ATTACK_SQL);
    const { result, notices } = await explainRecording({ queryId });
    expect(notices).not.toContain(ATTACK_NOTICE);
    expect(result.outcome.planned).toBe(false);
    if (result.outcome.planned) return;
    expect(result.outcome.reason).toContain('attacker');
    expect(result.outcome.reason).toMatch(/functions owned by roles that are not superusers/);
    // The same text given as a statement from the workload (no role known) is refused too.
    const asText = await explainRecording({ query: ATTACK_SQL });
    expect(asText.result.outcome.planned).toBe(false);
    expect(asText.notices).not.toContain(ATTACK_NOTICE);
    // And the function does raise its NOTICE when it runs: the check above could see it.
    const probe = new pg.Client({ connectionString: asRole(url, 'attacker') });
    const probeNotices: string[] = [];
    probe.on('notice', (notice) => probeNotices.push(notice.message ?? ''));
    await probe.connect();
    await probe.query('SELECT account_of_the_day()');
    await probe.end();
    expect(probeNotices).toContain(ATTACK_NOTICE);
  });

  it('refuses a queryid pg_stat_statements does not have, saying so', async () => {
    const { result } = await explainRecording({ queryId: '12345' });
    expect(result.outcome).toMatchObject({ planned: false, reason: expect.stringContaining('no statement with this queryid') });
  });

  it.runIf(hypopg)('leaves no ERROR in the server log', async () => {
    await admin.query(`DO $$ BEGIN RAISE LOG '${DONE}'; END $$`);
    const log = await readUntil(logFile!, logStart, DONE);
    expect(log).toContain(DONE);
    expect(log.split('\n').filter((line) => line.includes('ERROR:'))).toEqual([]);
  });
});

/** The log from `offset` once it holds `marker` (the logging collector writes it a moment later). */
async function readUntil(file: string, offset: number, marker: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const text = (await readFile(file)).subarray(offset).toString('utf8');
    if (text.includes(marker) || attempt === 50) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
