import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkload } from '../../../main/advisor/analyze-workload.ts';
import type { AdvisorReport } from '../../../main/advisor/advisor-types.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { startStreamingReplica, type StreamingReplica } from '../../support/streaming-replica.ts';
import { waitFor } from '../../support/wait-for.ts';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const scansOn = (url: string, index: string) =>
  withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string | null }>(
      'SELECT idx_scan::text AS n FROM pg_stat_user_indexes WHERE indexrelname = $1',
      [index],
    );
    return Number(rows[0]?.n ?? 0);
  });

/**
 * Issue 21: unused-index findings summed over the primary and its read replicas. A real PostgreSQL 15 hot standby
 * (pg_basebackup of a private primary) scans `r_on_replica`; nothing scans `r_nowhere`. A standby counts its own
 * scans in its own pg_stat_user_indexes, so the primary alone reads 0 for both.
 */
describe('unused indexes with a streaming replica: scans on the replica count', () => {
  let primary: PrivatePostgres;
  let replica: StreamingReplica;
  const findingsOf = (report: AdvisorReport, index: string) => report.findings.filter((f) => f.index === index);

  beforeAll(async () => {
    primary = await startPrivatePostgres('pg15');
    await withClient(primary.url, async (client) => {
      await client.query('CREATE TABLE r (id bigint PRIMARY KEY, a int, b int)');
      await client.query('INSERT INTO r SELECT g, g % 500, g % 300 FROM generate_series(1, 20000) g');
      await client.query('CREATE INDEX r_on_replica ON r (a)');
      await client.query('CREATE INDEX r_nowhere ON r (b)');
      await client.query('ANALYZE r');
    });
    replica = await startStreamingReplica(primary.url);
    await waitFor('the indexes replayed on the replica', () =>
      withClient(replica.url, async (client) => {
        const { rows } = await client.query("SELECT 1 FROM pg_class WHERE relname IN ('r_on_replica', 'r_nowhere')");
        return rows.length === 2 ? true : undefined;
      }),
    );
    // Reads that use r_on_replica, run on the replica only (the planner is kept off sequential scans).
    await withClient(replica.url, async (client) => {
      await client.query('SET enable_seqscan = off');
      for (let a = 0; a < 5; a++) await client.query('SELECT count(*) FROM r WHERE a = $1', [a]);
    });
    await waitFor('the replica to count its scans', async () => ((await scansOn(replica.url, 'r_on_replica')) > 0 ? true : undefined));
  }, 180_000);

  afterAll(async () => {
    await replica?.destroy();
    await primary?.destroy();
  });

  it('the primary alone calls both unused (the replica’s scans never reach its counters)', async () => {
    expect(await scansOn(primary.url, 'r_on_replica')).toBe(0);
    const report = await analyzeWorkload({ pg: { connectionString: primary.url }, templates: [] });
    expect(findingsOf(report, 'r_on_replica').map((f) => f.kind)).toEqual(['unused']);
    expect(findingsOf(report, 'r_nowhere').map((f) => f.kind)).toEqual(['unused']);
  });

  it('with the replica, the index it scanned is not unused, and the other is, counted on both servers', async () => {
    const report = await analyzeWorkload({
      pg: { connectionString: primary.url },
      templates: [],
      replicas: [{ name: 'replica-1', pg: { connectionString: replica.url } }],
    });
    expect(findingsOf(report, 'r_on_replica')).toEqual([]);
    const nowhere = findingsOf(report, 'r_nowhere');
    expect(nowhere.map((f) => f.kind)).toEqual(['unused']);
    expect(nowhere[0]!.detail).toMatch(/^0 scans on the primary and replica-1 since /);
  });

  it('names a replica whose counters cannot be read instead of taking it as 0 scans', async () => {
    const gone = new URL(replica.url);
    gone.port = '1'; // nothing listens there
    const report = await analyzeWorkload({
      pg: { connectionString: primary.url },
      templates: [],
      replicas: [{ name: 'replica-9', pg: { connectionString: gone.toString() } }],
    });
    const unused = findingsOf(report, 'r_on_replica');
    expect(unused.map((f) => f.kind)).toEqual(['unused']);
    expect(unused[0]!.detail).toMatch(/0 scans on the primary since .*; not counted: replica-9 \(.+\), whose reads may use it$/);
  });
});
