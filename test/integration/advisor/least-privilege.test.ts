import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import { loadSqlParser } from '../../../main/sql/pg-parser.ts';
import { TEST_SERVERS, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { runCli } from '../../support/run-cli.ts';

/**
 * The advisor plans statements other roles ran (pg_stat_statements). PostgreSQL folds IMMUTABLE functions while
 * planning, so planning someone else's statement runs their code; and a folded function can switch back to the
 * session's role (SET ROLE is checked against the session user), so SET ROLE alone contains nothing. These tests
 * use a real unprivileged role, a real IMMUTABLE function and pg_stat_statements on a private server (the
 * extension must be preloaded, which the shared PostgreSQL 15 is not).
 */
const PASSWORD = 'hotpath-lp-pw';
const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** Statement kinds the analysis may send: reads, EXPLAIN, its own transaction and settings, PREPARE for PG 15. */
const READ_KINDS = new Set([
  'SelectStmt',
  'ExplainStmt',
  'TransactionStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'PrepareStmt',
  'DeallocateStmt',
]);

function urlAs(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = PASSWORD;
  return parsed.toString();
}

async function connectAs(url: string, role?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: role ? urlAs(url, role) : url });
  await client.connect();
  return client;
}

/** A connected client that records the text of every query sent through it. */
async function recordingClient(url: string, sent: string[]): Promise<pg.Client> {
  const client = await connectAs(url);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const first = args[0];
    sent.push(typeof first === 'string' ? first : (first as { text: string }).text);
    return query(...args);
  };
  return client;
}

describe.each(TEST_SERVERS)('index advisor under least privilege (%s)', (server) => {
  let postgres: PrivatePostgres;
  let url: string;
  let admin: pg.Client;
  const attacker = unique('hp_attacker');
  const reader = unique('hp_reader');
  const monitor = unique('hp_monitor');
  // Written by the server (COPY … TO PROGRAM) if the attacker's code ever runs with a superuser's privileges: a
  // read-only transaction allows that, so it shows what ALTER ROLE alone would not.
  const marker = join(tmpdir(), unique('hp-escalated'));

  const escalated = async () => (await rolsuper(attacker)) || existsSync(marker);

  /** The attacker's functions, created by the attacker. */
  async function plantFunctions(): Promise<void> {
    const evil = await connectAs(url, attacker);
    await evil.query(`CREATE FUNCTION escalate() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        BEGIN PERFORM set_config('role', session_user, true); EXCEPTION WHEN OTHERS THEN NULL; END;
        BEGIN EXECUTE 'ALTER ROLE ${attacker} SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
        BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch ${marker}'''; EXCEPTION WHEN OTHERS THEN NULL; END;
        RETURN 7;
      END $$`);
    await evil.query('CREATE FUNCTION account_of_the_day() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN escalate(); END $$');
    await evil.end();
  }

  const rolsuper = async (role: string) =>
    (await admin.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = $1', [role])).rows[0]!.s;

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, ['shared_preload_libraries=pg_stat_statements']);
    const bootstrap = await connectAs(postgres.url);
    await bootstrap.query('CREATE DATABASE advisor_lp');
    await bootstrap.end();
    url = withDatabase(postgres.url, 'advisor_lp');
    admin = await connectAs(url);
    for (const sql of [
      'CREATE EXTENSION pg_stat_statements',
      `CREATE ROLE ${attacker} LOGIN PASSWORD '${PASSWORD}'`,
      `CREATE ROLE ${reader} LOGIN PASSWORD '${PASSWORD}'`,
      `CREATE ROLE ${monitor} LOGIN PASSWORD '${PASSWORD}' IN ROLE pg_read_all_stats`,
      `GRANT CREATE ON SCHEMA public TO ${attacker}`,
      'CREATE TABLE shared_items (id int PRIMARY KEY, account int NOT NULL, note text NOT NULL)',
      "INSERT INTO shared_items SELECT g, g % 5000, 'n' || g FROM generate_series(1, 50000) g",
      'ANALYZE shared_items',
      `GRANT SELECT ON shared_items TO ${attacker}, ${reader}, ${monitor}`,
    ])
      await admin.query(sql);

    // The attack: an IMMUTABLE function (folded at plan time) calling a VOLATILE one that makes its owner superuser
    // when it runs with enough privileges, after switching back to the session's role if it can; harmless when it
    // runs as the attacker, so the attacker's own query succeeds and lands in pg_stat_statements.
    await plantFunctions();
    const evil = await connectAs(url, attacker);
    for (let i = 0; i < 3; i++) await evil.query('SELECT id, note FROM shared_items WHERE account = account_of_the_day()');
    await evil.end();
    const honest = await connectAs(url, reader);
    for (let i = 0; i < 3; i++) await honest.query('SELECT id, note FROM shared_items WHERE account = $1', [i]);
    await honest.end();
    expect(await escalated()).toBe(false);
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await postgres?.destroy();
  });

  it("does not run another role's IMMUTABLE function with its own privileges: the statement is skipped, saying why", async () => {
    const report = await analyzeWorkload({ pg: { connectionString: url } });
    expect(await escalated()).toBe(false);
    expect(report.statements.map((s) => s.query).join('\n')).not.toContain('account_of_the_day');
    const skipped = report.skipped.find((s) => s.query.includes('account_of_the_day'));
    expect(skipped?.reason).toContain(attacker);
    expect(skipped?.reason).toMatch(/function/);
  });

  it('`hotpath optimize --dry-run` as a superuser escalates no one, creates nothing, and lists the statement it did not plan', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-lp-cli-'));
    try {
      const result = await runCli(['optimize', '--pg', url, '--data-dir', dataDir, '--dry-run', '--json']);
      expect(await escalated()).toBe(false);
      expect((await admin.query("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'")).rows).toEqual([]);
      const output = JSON.parse(result.stdout) as { skipped: { query: string; reason: string }[] };
      expect(output.skipped.find((s) => s.query.includes('account_of_the_day'))?.reason).toContain(attacker);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('sends no DDL and creates no extension; without HypoPG created it estimates and says how to enable HypoPG', async () => {
    const sent: string[] = [];
    const client = await recordingClient(url, sent);
    try {
      const report = await analyzeWorkload({ pg: async () => client });
      expect(report.method).toBe('estimate');
      expect(report.methodNote).toContain('CREATE EXTENSION hypopg');
    } finally {
      await client.end();
    }
    const parser = await loadSqlParser();
    const kinds = sent.flatMap((sql) => parser.parse(sql).stmts?.map((s) => Object.keys(s.stmt ?? {})[0] ?? '?') ?? []);
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.filter((k) => !READ_KINDS.has(k))).toEqual([]);
    const { rows } = await admin.query("SELECT extname FROM pg_extension WHERE extname = 'hypopg'");
    expect(rows).toEqual([]);
  });

  it("plans another role's statement as that role: once the role loses its grant, it is skipped, not planned with ours", async () => {
    // With no function of an untrusted owner left, the reader's statement can be planned (as the reader).
    await admin.query('DROP FUNCTION account_of_the_day(), escalate()');
    const planned = await analyzeWorkload({ pg: { connectionString: url } });
    expect(planned.statements.map((s) => s.query)).toContainEqual(expect.stringMatching(/WHERE account = \$1/));
    await admin.query(`REVOKE SELECT ON shared_items FROM ${reader}`);
    try {
      const report = await analyzeWorkload({ pg: { connectionString: url } });
      expect(report.statements.map((s) => s.query)).not.toContainEqual(expect.stringMatching(/WHERE account = \$1/));
      const skipped = report.skipped.find((s) => /WHERE account = \$1/.test(s.query));
      // Found by a privilege check before any EXPLAIN (statement-checks.ts): nothing is sent that the server refuses.
      expect(skipped?.reason).toMatch(/lacks the SELECT privilege/);
    } finally {
      await admin.query(`GRANT SELECT ON shared_items TO ${reader}`);
    }
  });

  it("skips the statements of a role Hotpath's role may not SET ROLE to, naming the GRANT that would allow it", async () => {
    const monitorUrl = new URL(url);
    monitorUrl.username = monitor;
    monitorUrl.password = PASSWORD;
    const before = await analyzeWorkload({ pg: { connectionString: monitorUrl.toString() } });
    const skipped = before.skipped.find((s) => /WHERE account = \$1/.test(s.query));
    expect(skipped?.reason).toContain(`GRANT "${reader}" TO "${monitor}"`);
    await admin.query(`GRANT ${reader} TO ${monitor}`);
    try {
      const after = await analyzeWorkload({ pg: { connectionString: monitorUrl.toString() } });
      expect(after.statements.map((s) => s.query)).toContainEqual(expect.stringMatching(/WHERE account = \$1/));
    } finally {
      await admin.query(`REVOKE ${reader} FROM ${monitor}`);
    }
  });

  it('says how many statements are hidden from a role without pg_read_all_stats, and which GRANT shows them', async () => {
    const blind = unique('hp_blind');
    await admin.query(`CREATE ROLE ${blind} LOGIN PASSWORD '${PASSWORD}'`);
    try {
      const report = await analyzeWorkload({ pg: { connectionString: urlAs(url, blind) } });
      const hidden = report.skipped.filter((s) => s.query === '<insufficient privilege>');
      expect(hidden).toHaveLength(1);
      expect(hidden[0]!.reason).toMatch(/^\d+ statements? of other roles/);
      expect(hidden[0]!.reason).toContain(`GRANT pg_monitor TO "${blind}"`);
      expect(report.skipped.filter((s) => /could not be parsed/.test(s.reason))).toEqual([]);
    } finally {
      await admin.query(`DROP ROLE ${blind}`);
    }
  });

  it("stops planning another role's statement when a function of an untrusted owner appears during the analysis", async () => {
    // The analysis checks the functions' owners once at its start and may then run for minutes: the attacker
    // creates the function after that check, just before the first statement is checked (statement-checks.ts: its
    // relations by to_regclass, its functions by name) and EXPLAINed.
    const client = await connectAs(url);
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let planted = false;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      if (!planted && (text.includes('to_regclass') || text.includes('EXPLAIN'))) {
        planted = true;
        return plantFunctions().then(() => query(...args));
      }
      return query(...args);
    };
    try {
      const report = await analyzeWorkload({ pg: async () => client });
      expect(planted).toBe(true);
      expect(await escalated()).toBe(false);
      expect(report.skipped.find((s) => s.query.includes('account_of_the_day'))?.reason).toMatch(/appeared during the analysis/);
    } finally {
      await client.end();
      await admin.query('DROP FUNCTION IF EXISTS account_of_the_day(), escalate()');
    }
  });

  it("plans no superuser's statement while untrusted functions exist: an owner who replaced a body after a superuser ran it escalates no one", async () => {
    // A superuser (the connecting one, and another) ran statements calling a harmless IMMUTABLE function of an
    // ordinary role; the owner then replaced its body. Planning either statement as its superuser would fold the
    // new body with superuser privileges (COPY … TO PROGRAM works in a read-only transaction).
    const owner = unique('hp_fn_owner');
    const otherSuperuser = unique('hp_other_su');
    const ownerMarker = join(tmpdir(), unique('hp-escalated-owner'));
    const fn = unique('lucky_account');
    await admin.query(`CREATE ROLE ${owner} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE ROLE ${otherSuperuser} SUPERUSER LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`GRANT CREATE ON SCHEMA public TO ${owner}`);
    try {
      const fnOwner = await connectAs(url, owner);
      await fnOwner.query(`CREATE FUNCTION ${fn}() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 3; END $$`);
      const other = await connectAs(url, otherSuperuser);
      for (let i = 0; i < 3; i++) {
        await admin.query(`SELECT id FROM shared_items WHERE account = ${fn}()`);
        await other.query(`SELECT note FROM shared_items WHERE account = ${fn}()`);
      }
      await other.end();
      // A non-volatile function may not write, so the new body calls a VOLATILE one, as an attacker's would.
      await fnOwner.query(
        `CREATE OR REPLACE FUNCTION ${fn}() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN ${fn}_payload(); END $$`,
      );
      await fnOwner.query(`CREATE FUNCTION ${fn}_payload() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
          BEGIN EXECUTE 'ALTER ROLE ${owner} SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
          BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch ${ownerMarker}'''; EXCEPTION WHEN OTHERS THEN NULL; END;
          RETURN 3;
        END $$`);
      await fnOwner.end();

      const report = await analyzeWorkload({ pg: { connectionString: url } });
      expect(await rolsuper(owner)).toBe(false);
      expect(existsSync(ownerMarker)).toBe(false);
      expect(report.statements.map((s) => s.query).join('\n')).not.toContain(fn);
      const reasons = report.skipped.filter((s) => s.query.includes(fn)).map((s) => s.reason);
      expect(reasons).toHaveLength(2);
      for (const reason of reasons) {
        expect(reason).toMatch(/superuser/);
        expect(reason).toContain(owner);
      }
    } finally {
      await admin.query(`DROP FUNCTION IF EXISTS ${fn}(), ${fn}_payload()`);
      await admin.query(`REVOKE CREATE ON SCHEMA public FROM ${owner}`);
      await admin.query(`DROP ROLE ${owner}`);
      await admin.query(`DROP ROLE ${otherSuperuser}`);
      await rm(ownerMarker, { force: true });
    }
  });

  it('with HypoPG created by an owner, uses it inside the read-only planning transactions, still sending no DDL', async () => {
    const { rows: available } = await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
    if (available.length === 0) {
      // The embedded PostgreSQL 18 ships without HypoPG: nothing to check there beyond the estimate path above.
      expect(server).toBe('pg18');
      return;
    }
    await admin.query('CREATE EXTENSION hypopg');
    const sent: string[] = [];
    const client = await recordingClient(url, sent);
    try {
      const report = await analyzeWorkload({ pg: async () => client });
      expect(report.method).toBe('hypopg');
      expect(report.proposals.map((p) => p.columns.map((c) => c.name))).toContainEqual(['account']);
    } finally {
      await client.end();
      await admin.query('DROP EXTENSION hypopg');
    }
    const parser = await loadSqlParser();
    const kinds = sent.flatMap((sql) => parser.parse(sql).stmts?.map((s) => Object.keys(s.stmt ?? {})[0] ?? '?') ?? []);
    expect(kinds.filter((k) => !READ_KINDS.has(k))).toEqual([]);
  });
});
