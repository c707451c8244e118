import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPrivileges, type PrivilegeFeature, type PrivilegeReport } from '../../../main/database/privileges.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { TEST_SERVERS, createTestDatabase, serverUrl, type TestDatabase } from '../../support/databases.ts';

/**
 * The privileges Hotpath needs per feature, checked at connect: each check is compared with what the server
 * really allows the role (the operation fails without the grant the check names, and works with it), so the
 * documentation and the check cannot drift from PostgreSQL's rules.
 */
const PASSWORD = 'hotpath-priv-pw';

function urlAs(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = PASSWORD;
  return parsed.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const check = (report: PrivilegeReport, feature: PrivilegeFeature) => report.checks.find((c) => c.feature === feature)!;

describe.each(TEST_SERVERS)('privileges checked at connect (%s)', (server) => {
  let db: TestDatabase;
  let admin: pg.Client;
  let role: pg.Client;
  let owner: pg.Client;
  const hotpath = `hp_priv_${randomBytes(4).toString('hex')}`;
  const tableOwner = `hp_owner_${randomBytes(4).toString('hex')}`;
  const again = async () => checkPrivileges(role);

  beforeAll(async () => {
    db = await createTestDatabase(server);
    admin = await connect(db.url);
    await admin.query(`CREATE ROLE ${hotpath} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE ROLE ${tableOwner} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`GRANT CREATE ON SCHEMA public TO ${tableOwner}`);
    owner = await connect(urlAs(db.url, tableOwner));
    await owner.query('CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL)');
    await owner.query(`GRANT SELECT ON orders TO ${hotpath}`);
    role = await connect(urlAs(db.url, hotpath));
  });

  afterAll(async () => {
    await role?.end();
    await owner?.end();
    await admin?.end();
    await db?.drop();
    const cluster = await connect(serverUrl(server));
    await cluster.query(`DROP ROLE IF EXISTS ${hotpath}`);
    await cluster.query(`DROP ROLE IF EXISTS ${tableOwner}`);
    await cluster.end();
  });

  it("statement stats: without pg_read_all_stats other roles' statements are hidden, and GRANT pg_monitor is named", async () => {
    const ownerPid = (await owner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const seen = async () =>
      (await role.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE pid = $1', [ownerPid])).rows[0]!.query;
    expect(check(await again(), 'statement-stats')).toMatchObject({ ok: false, fix: `GRANT pg_monitor TO "${hotpath}"` });
    expect(await seen()).toBe('<insufficient privilege>');
    await admin.query(`GRANT pg_monitor TO ${hotpath}`);
    expect(check(await again(), 'statement-stats')).toMatchObject({ ok: true, fix: null });
    expect(await seen()).not.toBe('<insufficient privilege>');
  });

  it("index builds: CREATE INDEX needs the table's owner; the check names the owner to grant", async () => {
    const build = check(await again(), 'index-builds');
    expect(build).toMatchObject({ ok: false, fix: `GRANT "${tableOwner}" TO "${hotpath}"` });
    expect(build.detail).toContain('owns 0 of the 1 tables');
    await expect(role.query('CREATE INDEX orders_customer ON orders (customer)')).rejects.toThrow(/must be owner/);
    await admin.query(`GRANT ${tableOwner} TO ${hotpath}`);
    expect(check(await again(), 'index-builds')).toMatchObject({ ok: true });
    await role.query('CREATE INDEX orders_customer ON orders (customer)');
  });

  it("cancel queries: another role's query needs pg_signal_backend (or membership, as granted above)", async () => {
    // The owner role was granted to Hotpath's role above, which is enough for the owner's backends; a third role's is not.
    const third = `hp_third_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${third} LOGIN PASSWORD '${PASSWORD}'`);
    const other = await connect(urlAs(db.url, third));
    try {
      const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      expect(check(await again(), 'cancel-queries')).toMatchObject({ ok: false, fix: `GRANT pg_signal_backend TO "${hotpath}"` });
      await expect(role.query('SELECT pg_cancel_backend($1)', [pid])).rejects.toThrow(
        /permission denied to cancel|must be a member of the role whose query is being canceled/,
      );
      await admin.query(`GRANT pg_signal_backend TO ${hotpath}`);
      expect(check(await again(), 'cancel-queries')).toMatchObject({ ok: true });
      expect((await role.query<{ ok: boolean }>('SELECT pg_cancel_backend($1) AS ok', [pid])).rows[0]!.ok).toBe(true);
    } finally {
      await other.end();
      await admin.query(`DROP ROLE ${third}`);
    }
  });

  it('demo seed: creating the demo schema needs CREATE on the database', async () => {
    expect(check(await again(), 'demo-seed')).toMatchObject({ ok: false, fix: `GRANT CREATE ON DATABASE "${db.name}" TO "${hotpath}"` });
    await expect(role.query('CREATE SCHEMA hp_probe')).rejects.toThrow(/permission denied/);
    await admin.query(`GRANT CREATE ON DATABASE ${db.name} TO ${hotpath}`);
    expect(check(await again(), 'demo-seed')).toMatchObject({ ok: true });
    await role.query('CREATE SCHEMA hp_probe');
  });

  it('what-if costs: HypoPG must be created by a superuser; the check says so and Hotpath never creates it', async () => {
    const whatIf = check(await again(), 'what-if-costs');
    expect(whatIf).toMatchObject({ ok: false, fix: 'CREATE EXTENSION hypopg' });
    const { rows } = await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
    if (rows.length === 0) {
      expect(whatIf.detail).toMatch(/not installed on the server/);
      return;
    }
    // HypoPG is not a trusted extension: the role cannot create it itself.
    await expect(role.query('CREATE EXTENSION hypopg')).rejects.toThrow(/permission denied/);
    await admin.query('CREATE EXTENSION hypopg');
    expect(check(await again(), 'what-if-costs')).toMatchObject({ ok: true });
  });

  it('shows the checks in the engine status and logs what is missing, with the GRANT, when a stack is connected', async () => {
    const bare = `hp_bare_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE ROLE ${bare} LOGIN PASSWORD '${PASSWORD}'`);
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-privileges-'));
    const engine = new Engine({ dataDir, cache: false });
    const logs: string[] = [];
    engine.subscribe('engine.log', (entry) => logs.push(entry.message));
    try {
      const status = await engine.call('stack.connect', { pgUrl: urlAs(db.url, bare) });
      expect(status.stack?.privileges).toMatchObject({ role: bare, superuser: false });
      expect(status.stack?.privileges?.checks.find((c) => c.feature === 'statement-stats')).toMatchObject({ ok: false });
      expect(status.notices).toContainEqual(
        expect.objectContaining({ code: 'missing-privilege', hint: `Run: GRANT pg_monitor TO "${bare}";` }),
      );
      expect(logs.join('\n')).toContain(`GRANT pg_monitor TO "${bare}"`);
    } finally {
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
      await admin.query(`DROP ROLE ${bare}`);
    }
  });
});
