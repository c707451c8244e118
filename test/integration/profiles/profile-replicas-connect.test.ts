import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { ITEMS_TABLE_SQL, itemsProfile } from '../../support/items-workload.ts';
import { waitFor } from '../../support/wait-for.ts';

/** `hotpath_pool_queries_total` by server, from the engine's exposition. */
async function queriesByServer(engine: Engine): Promise<Record<string, number>> {
  const text = await engine.metrics.text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^hotpath_pool_queries_total\{server="([^"]+)"\} (\S+)$/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

/**
 * A profile with a read replica, end to end through the engine (the shared PostgreSQL 18 stands in for the
 * replica: a real standby is in test/integration/engine-stack/read-replica.test.ts). The replica URL has no
 * password: it connects with the primary's.
 */
describe('profiles.connect with a read replica (PostgreSQL 18, scram passwords)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(ITEMS_TABLE_SQL).finally(() => client.end());
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-profile-replicas-'));
  });
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it("names the replica in the status and sends the workload's reads to it", async () => {
    engine = new Engine({ dataDir, cache: false });
    const bare = new URL(db.url);
    bare.password = '';
    const saved = await engine.call('profiles.save', { name: 'with-replica', pgUrl: db.url, replicaUrls: [bare.toString()] });
    expect(saved.replicaDisplayUrls).toEqual([bare.toString()]);
    const status = await engine.call('profiles.connect', { id: saved.id });
    expect(status.stack?.replicas).toEqual([{ name: 'replica-1', displayUrl: bare.toString() }]);
    // The shared server accepts writes: the status says it is no standby.
    expect(status.notices.map((n) => n.code)).toContain('replica-not-in-recovery');

    const profile = join(dataDir, 'items.yaml');
    await writeFile(profile, itemsProfile('items-replica'));
    await engine.call('workload.start', { profile, rate: 100 });
    const counts = await waitFor('reads counted on replica-1', async () => {
      const now = await queriesByServer(engine!);
      return (now['replica-1'] ?? 0) >= 20 ? now : undefined;
    });
    // The primary's workload pool ran only the template's probe (EXPLAIN) and no template.
    expect(counts.primary ?? 0).toBeLessThan(counts['replica-1']!);
    // The telemetry's pool interval says the same per server, for the Pool page.
    const [latest] = await engine.call('telemetry.history', { seconds: 5 }).then((h) => h.slice(-1));
    expect(latest?.pool?.servers?.map((s) => s.server)).toEqual(['primary', 'replica-1']);
  });
});
