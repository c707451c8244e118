import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { startTestHost, type TestHost } from '../../support/test-host.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';

/**
 * database.explain end to end over the contract WebSocket: a workload text is planned (generic plan, as a statement
 * of an unknown role while no untrusted function exists), and a proposal of the latest analysis is planned without and
 * with its index as a hypothetical one: through HypoPG on PostgreSQL 15 (created here, as a superuser, like an
 * operator would), and with the reason it cannot be shown on the embedded 18 (no HypoPG there).
 */
const QUERY = 'SELECT id, amount FROM ledger WHERE account = $1';

describe.each(TEST_SERVERS)('database.explain over the contract WebSocket (%s)', (server) => {
  const hypopg = server === 'pg15';
  let db: TestDatabase;
  let client: WsEngineClient;
  let testHost: TestHost;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    for (const sql of [
      ...(hypopg ? ['CREATE EXTENSION hypopg'] : []),
      'CREATE TABLE ledger (id int PRIMARY KEY, account int NOT NULL, amount int NOT NULL)',
      'INSERT INTO ledger SELECT g, g % 2000, g FROM generate_series(1, 40000) g',
      'ANALYZE ledger',
    ])
      await setup.query(sql);
    await setup.end();
    testHost = await startTestHost();
    client = testHost.client;
    await client.call('stack.connect', { pgUrl: db.url });
  }, 60_000);
  afterAll(async () => {
    await testHost?.close();
    await db?.drop();
  });

  it('explains a workload text: a generic plan tree with its JSON and text', async () => {
    const result = await client.call('database.explain', { query: QUERY });
    expect(result).toMatchObject({ planned: true, reason: null, source: 'text', plannedAs: null, whatIf: null });
    expect(result.plan!.root).toMatchObject({ nodeType: 'Seq Scan', relation: 'public.ledger' });
    expect(result.plan!.text).toMatch(/^Seq Scan on public\.ledger/);
    expect(JSON.parse(result.plan!.json)[0].Plan['Node Type']).toBe('Seq Scan');
  });

  it("plans a proposal's statement without and with its index", async () => {
    const report = await client.call('advisor.analyze', { statements: [{ query: QUERY, calls: 1000, source: 'test' }] });
    const proposal = report.proposals.find((p) => p.table === 'ledger' && p.columns[0]!.name === 'account');
    expect(proposal, JSON.stringify(report.skipped)).toBeDefined();
    const result = await client.call('database.explain', { proposal: proposal!.name });
    expect(result.planned).toBe(true);
    expect(result.whatIf).toMatchObject({ proposal: proposal!.name, hypopg });
    if (hypopg) {
      expect(result.whatIf!.after!.totalCost).toBeLessThan(result.whatIf!.before!.totalCost);
      expect(result.whatIf!.after!.text).toContain('btree_ledger_account');
    } else {
      expect(result.whatIf!.note).toContain('HypoPG');
    }
  });

  it('refuses a proposal name the latest analysis does not have', async () => {
    expect(await errorOf(client.call('database.explain', { proposal: 'hp_nope' }))).toMatchObject({ code: 'no-such-proposal' });
    expect(await errorOf(client.call('database.explain', {} as never))).toMatchObject({ code: 'bad-request' });
  });
});
