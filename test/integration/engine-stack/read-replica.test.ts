import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNKS_TABLE, DEMO_SCHEMA } from '../../../main/demo/schema.ts';
import { quoteQualified } from '../../../main/sql/identifiers.ts';
import { ITEMS_TABLE_SQL, itemsProfile } from '../../support/items-workload.ts';
import { parseExposition } from '../../support/prometheus-text.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { REPLICA_POLICIES } from '../../../main/pool/replica-policy.ts';
import { runCli, startCli } from '../../support/run-cli.ts';
import { startStreamingReplica, type StreamingReplica } from '../../support/streaming-replica.ts';
import { waitFor } from '../../support/wait-for.ts';

/** The workload template of itemsProfile, as pg_stat_statements records it. */
const TEMPLATE = 'SELECT id, note FROM public.items WHERE id = $1';
const SEEDED_CHUNKS = 1000;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Calls of the workload template on one server (0 when it never ran there). */
function templateCalls(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ calls: string | null }>('SELECT sum(calls) AS calls FROM pg_stat_statements WHERE query = $1', [
      TEMPLATE,
    ]);
    return Number(rows[0]?.calls ?? 0);
  });
}

function chunkCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteQualified(DEMO_SCHEMA, CHUNKS_TABLE)}`);
    return Number(rows[0]!.n);
  });
}

/**
 * Issue 21: `serve --pg PRIMARY --pg-replica REPLICA` against a real streaming replica (a PostgreSQL 15 hot
 * standby made by pg_basebackup of a private primary, both started here). The workload's reads reach the replica
 * and not the primary (pg_stat_statements on each server, and hotpath_pool_queries_total by server); the engine's
 * writes (seeding the demo data) go to the primary, and reach the replica only by replication.
 */
describe('read replicas: workload reads on a streaming replica, writes on the primary', () => {
  let primary: PrivatePostgres;
  let replica: StreamingReplica;
  let dir: string;

  beforeAll(async () => {
    primary = await startPrivatePostgres('pg15', ['shared_preload_libraries=pg_stat_statements']);
    await withClient(primary.url, async (client) => {
      await client.query('CREATE EXTENSION pg_stat_statements');
      await client.query(ITEMS_TABLE_SQL);
    });
    replica = await startStreamingReplica(primary.url);
    dir = await mkdtemp(join(tmpdir(), 'hotpath-replica-test-'));
  }, 180_000);

  afterAll(async () => {
    await replica?.destroy();
    await primary?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(REPLICA_POLICIES)(
    '%s: sends the templates to replica-1, seeds on the primary, and counts queries per server in /metrics',
    async (policy) => {
      const profile = join(dir, 'items.yaml');
      await writeFile(profile, itemsProfile(`replica-reads-${policy}`));
      const cli = startCli([
        'serve',
        '--pg',
        primary.url,
        '--pg-replica',
        replica.url,
        '--replica-policy',
        policy,
        '--seed',
        '--chunks',
        String(SEEDED_CHUNKS),
        '--workload',
        profile,
        '--rate',
        '100',
        '--no-cache',
        '--data-dir',
        join(dir, `data-${policy}`),
        '--port',
        '0',
      ]);
      try {
        await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 120_000);
        expect(cli.stdout()).toMatch(/Read replica replica-1: postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
        const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
        const queries = async (): Promise<Map<string, number>> => {
          const family = parseExposition(await (await fetch(`${base}/metrics`)).text()).get('hotpath_pool_queries_total');
          return new Map((family?.samples ?? []).map((s) => [s.labels.server!, s.value]));
        };
        const perServer = await waitFor('reads counted on replica-1', async () => {
          const counts = await queries();
          return (counts.get('replica-1') ?? 0) >= 50 ? counts : undefined;
        });
        expect([...perServer.keys()].sort()).toEqual(['primary', 'replica-1']);

        // The replica ran the template; the primary never did (it only planned it once: EXPLAIN, another entry).
        expect(
          await waitFor('the template in the replica’s pg_stat_statements', async () =>
            (await templateCalls(replica.url)) >= 50 ? true : undefined,
          ),
        ).toBe(true);
        expect(await templateCalls(primary.url)).toBe(0);

        // The seed wrote on the primary (a standby refuses writes, so it could not have been the replica), and the
        // replica has the rows by replication.
        expect(await chunkCount(primary.url)).toBe(SEEDED_CHUNKS);
        expect(
          await waitFor('the seed replayed on the replica', async () =>
            (await chunkCount(replica.url)) === SEEDED_CHUNKS ? true : undefined,
          ),
        ).toBe(true);
      } catch (error) {
        (error as Error).message += `\n--- hotpath stdout ---\n${cli.stdout()}\n--- hotpath stderr ---\n${cli.stderr()}`;
        throw error;
      } finally {
        if (cli.child.exitCode === null) {
          cli.child.kill('SIGTERM');
          await cli.exited;
        }
      }
    },
    240_000,
  );

  it('refuses --pg-replica without --pg, before starting anything', async () => {
    const { code, stderr } = await runCli(['serve', '--pg-replica', replica.url, '--data-dir', join(dir, 'refused'), '--port', '0']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('--pg-replica needs --pg');
  });
});
