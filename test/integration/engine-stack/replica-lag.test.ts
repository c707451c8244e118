import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEMS_TABLE_SQL, itemsProfile } from '../../support/items-workload.ts';
import { parseExposition } from '../../support/prometheus-text.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { startCli } from '../../support/run-cli.ts';
import { startStreamingReplica, type StreamingReplica } from '../../support/streaming-replica.ts';
import { waitFor } from '../../support/wait-for.ts';

/** lag-bounded's bound in this test, in seconds (--replica-max-lag). */
const MAX_LAG = 1;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Scrape {
  queries: Map<string, number>;
  lagSeconds: number | undefined;
  lagBytes: number | undefined;
}

/**
 * Issue 21: replication lag measured per replica, and `--replica-policy lag-bounded`, against a real streaming
 * replica (a PostgreSQL 15 hot standby made by pg_basebackup of a private primary, both started here). Replay is
 * paused on the replica (pg_wal_replay_pause) while the primary keeps writing: the lag grows past the bound and
 * the workload's reads move to the primary; once replay resumes they move back.
 */
describe('replica lag: measured in /metrics, and lag-bounded reads leave a replica held back', () => {
  let primary: PrivatePostgres;
  let replica: StreamingReplica;
  let dir: string;

  beforeAll(async () => {
    primary = await startPrivatePostgres('pg15');
    await withClient(primary.url, async (client) => {
      await client.query(ITEMS_TABLE_SQL);
      await client.query('CREATE TABLE public.ticks (at timestamptz NOT NULL DEFAULT now())');
    });
    replica = await startStreamingReplica(primary.url);
    dir = await mkdtemp(join(tmpdir(), 'hotpath-replica-lag-test-'));
  }, 180_000);

  afterAll(async () => {
    await replica?.destroy();
    await primary?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports lag ≥ 0 per replica, sends reads to the primary while replay is paused, and back after it resumes', async () => {
    const profile = join(dir, 'items.yaml');
    await writeFile(profile, itemsProfile('replica-lag'));
    const cli = startCli([
      'serve',
      '--pg',
      primary.url,
      '--pg-replica',
      replica.url,
      '--replica-policy',
      'lag-bounded',
      '--replica-max-lag',
      String(MAX_LAG),
      '--workload',
      profile,
      '--rate',
      '100',
      '--no-cache',
      '--data-dir',
      join(dir, 'data'),
      '--port',
      '0',
    ]);
    // Writes on the primary, so that a replica whose replay is paused falls behind (an idle primary has nothing to replay).
    const writer = new pg.Client({ connectionString: primary.url });
    await writer.connect();
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await writer.query('INSERT INTO public.ticks DEFAULT VALUES');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 120_000);
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
      const scrape = async (): Promise<Scrape> => {
        const families = parseExposition(await (await fetch(`${base}/metrics`)).text());
        const one = (name: string) => families.get(name)?.samples.find((s) => s.labels.server === 'replica-1')?.value;
        return {
          queries: new Map((families.get('hotpath_pool_queries_total')?.samples ?? []).map((s) => [s.labels.server!, s.value])),
          lagSeconds: one('hotpath_replica_lag_seconds'),
          lagBytes: one('hotpath_replica_lag_bytes'),
        };
      };
      /** Resolves once, between two scrapes, `to` ran reads and `notTo` ran none: where the reads go now. */
      const readsGoTo = (to: string, notTo: string) => {
        let previous: Scrape | null = null;
        return waitFor(
          `reads on ${to} and none on ${notTo}`,
          async () => {
            const now = await scrape();
            const before = previous;
            previous = now;
            if (!before) return undefined;
            const delta = (server: string) => (now.queries.get(server) ?? 0) - (before.queries.get(server) ?? 0);
            return delta(to) > 0 && delta(notTo) === 0 ? now : undefined;
          },
          60_000,
        );
      };

      // Streaming normally: lag is measured (present, ≥ 0) and the reads go to the replica.
      const streaming = await waitFor('lag figures for replica-1', async () => {
        const s = await scrape();
        return s.lagSeconds !== undefined && s.lagBytes !== undefined ? s : undefined;
      });
      expect(streaming.lagSeconds).toBeGreaterThanOrEqual(0);
      expect(streaming.lagBytes).toBeGreaterThanOrEqual(0);
      await readsGoTo('replica-1', 'primary');

      // Replay paused while the primary writes: the lag passes the bound, and the reads go to the primary.
      await withClient(replica.url, (client) => client.query('SELECT pg_wal_replay_pause()'));
      const behind = await waitFor('replica-1 behind the bound', async () => {
        const s = await scrape();
        return (s.lagSeconds ?? 0) > MAX_LAG ? s : undefined;
      });
      expect(behind.lagBytes).toBeGreaterThan(0);
      await readsGoTo('primary', 'replica-1');

      // Replay resumed: it catches up, the lag falls within the bound, and the reads go back to the replica.
      await withClient(replica.url, (client) => client.query('SELECT pg_wal_replay_resume()'));
      const caughtUp = await waitFor('replica-1 within the bound again', async () => {
        const s = await scrape();
        return s.lagSeconds !== undefined && s.lagSeconds <= MAX_LAG ? s : undefined;
      });
      expect(caughtUp.lagSeconds).toBeGreaterThanOrEqual(0);
      await readsGoTo('replica-1', 'primary');
    } catch (error) {
      (error as Error).message += `\n--- hotpath stdout ---\n${cli.stdout()}\n--- hotpath stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      writing = false;
      await writes.catch(() => undefined);
      await writer.end();
      await withClient(replica.url, (client) => client.query('SELECT pg_wal_replay_resume()')).catch(() => undefined);
      if (cli.child.exitCode === null) {
        cli.child.kill('SIGTERM');
        await cli.exited;
      }
    }
  }, 240_000);
});
