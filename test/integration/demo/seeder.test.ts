import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { seedDemoData, type SeedProgress } from '../../../main/demo/seeder.ts';
import { DEMO_SCHEMA, demoDataStatus, readSeedState } from '../../../main/demo/schema.ts';
import { DemoDataGenerator } from '../../../main/demo/demo-data-generator.ts';

const CHUNKS = 3_000;
const SEED = 5;

describe.each(TEST_SERVERS)('demo seeder on %s', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('reports no demo data before the schema exists', async () => {
    expect(await demoDataStatus(pool)).toBeNull();
  });

  it('rejects bad input before touching the database', async () => {
    for (const chunks of [0, -3, 2.5, Number.NaN]) {
      await expect(seedDemoData(pool, { chunks })).rejects.toThrow(/chunk count must be a positive integer/);
    }
    await expect(seedDemoData(pool, { chunks: 10, batch: { minBatchSize: 10, maxBatchSize: 5 } })).rejects.toThrow(
      /minBatchSize \(10\) is larger than maxBatchSize \(5\)/,
    );
    await expect(seedDemoData(pool, { chunks: 10, batch: { concurrency: 4 } })).rejects.toThrow(/at least 5 connections/);
    const tiny = new pg.Pool({ connectionString: db.url, max: 1 });
    await expect(seedDemoData(tiny, { chunks: 10 })).rejects.toThrow(/at least 2 connections/);
    await tiny.end();
    await expect(seedDemoData(pool, { chunks: 10, signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    expect(await demoDataStatus(pool)).toBeNull();
  });

  it('seeds the generated rows, with no index but the primary keys, and reports progress up to the totals', async () => {
    const events: SeedProgress[] = [];
    const report = await seedDemoData(pool, {
      chunks: CHUNKS,
      seed: SEED,
      onProgress: (p) => events.push(p),
      batch: { initialBatchSize: 200 },
    });
    expect(report).toMatchObject({ reused: false, chunks: CHUNKS, seed: SEED });
    expect(report.edges / CHUNKS).toBeGreaterThan(2.5);
    expect(report.edges / CHUNKS).toBeLessThan(3.5);
    expect(report.phases!.chunks.rows).toBe(CHUNKS);
    expect(report.phases!.chunks.batchSizes.reduce((a, b) => a + b, 0)).toBe(CHUNKS);

    const { rows: indexes } = await pool.query<{ table: string; index: string; primary: boolean }>(
      `SELECT t.relname AS table, c.relname AS index, i.indisprimary AS primary
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 ORDER BY 1`,
      [DEMO_SCHEMA],
    );
    expect(indexes.map((i) => [i.table, i.primary])).toEqual([
      ['chunks', true],
      ['edges', true],
      ['seed_state', true],
    ]);
    const { rows: named } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM pg_indexes WHERE schemaname = $1', [DEMO_SCHEMA]);
    expect(Number(named[0]!.n)).toBe(3);

    const status = await demoDataStatus(pool);
    expect(status).toMatchObject({ chunks: CHUNKS, edges: report.edges, complete: true, targetChunks: CHUNKS });

    // What is stored is what the generator makes for the recorded spec; embeddings stay real[].
    const state = await readSeedState(pool);
    const expected = new DemoDataGenerator({ chunks: CHUNKS, seed: SEED, endTime: state!.dataEndAt.getTime() }).chunk(1_234);
    const {
      rows: [stored],
    } = await pool.query(
      `SELECT id::int, system_origin, session_id::int, created_at, kind, tokens, content, embedding,
              pg_typeof(embedding)::text AS embedding_type FROM unified.chunks WHERE id = 1234`,
    );
    expect(stored).toMatchObject({
      id: 1_234,
      system_origin: expected.systemOrigin,
      session_id: expected.sessionId,
      created_at: expected.createdAt,
      kind: expected.kind,
      tokens: expected.tokens,
      content: expected.content,
      embedding_type: 'real[]',
    });
    expect((stored.embedding as number[]).length).toBe(32);
    (stored.embedding as number[]).forEach((x, i) => expect(x).toBeCloseTo(expected.embedding[i]!, 6));
    const {
      rows: [check],
    } = await pool.query<{ wrong_dims: string; late_edges: string; analyzed: number }>(
      `SELECT (SELECT count(*) FROM unified.chunks WHERE array_length(embedding, 1) <> 32) AS wrong_dims,
              (SELECT count(*) FROM unified.edges e JOIN unified.chunks s ON s.id = e.src JOIN unified.chunks d ON d.id = e.dst
                WHERE e.created_at < s.created_at OR e.created_at < d.created_at) AS late_edges,
              (SELECT reltuples FROM pg_class WHERE oid = 'unified.chunks'::regclass) AS analyzed`,
    );
    expect(check).toEqual({ wrong_dims: '0', late_edges: '0', analyzed: CHUNKS });

    expect([...new Set(events.map((e) => e.phase))]).toEqual(['schema', 'chunks', 'edges', 'analyze', 'done']);
    for (const phase of ['chunks', 'edges'] as const) {
      const ofPhase = events.filter((e) => e.phase === phase);
      ofPhase.slice(1).forEach((e, i) => expect(e.done).toBeGreaterThanOrEqual(ofPhase[i]!.done));
      expect(ofPhase.at(-1)).toMatchObject({
        done: phase === 'chunks' ? CHUNKS : report.edges,
        total: phase === 'chunks' ? CHUNKS : report.edges,
      });
    }
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: CHUNKS + report.edges, total: CHUNKS + report.edges });
  });

  it('re-uses a complete seed that is large enough, without writing', async () => {
    const before = await readSeedState(pool);
    const smaller = await seedDemoData(pool, { chunks: 1_000 });
    expect(smaller).toMatchObject({ reused: true, chunks: CHUNKS, seed: SEED, phases: null });
    const same = await seedDemoData(pool, { chunks: CHUNKS, seed: SEED });
    expect(same.reused).toBe(true);
    expect(await readSeedState(pool)).toEqual(before);
  });

  it('refuses a second seeding of the same database while one runs', async () => {
    const results = await Promise.allSettled([
      seedDemoData(pool, { chunks: CHUNKS, seed: SEED, force: true }),
      seedDemoData(pool, { chunks: CHUNKS, seed: SEED, force: true }),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(String((rejected[0] as PromiseRejectedResult).reason)).toMatch(/Another process is seeding/);
    expect(await demoDataStatus(pool)).toMatchObject({ chunks: CHUNKS, complete: true });
  });

  it('notices lost rows or an unfinished seed, and redoes it', async () => {
    await pool.query('DELETE FROM unified.edges WHERE ctid IN (SELECT ctid FROM unified.edges LIMIT 10)');
    expect(await demoDataStatus(pool)).toMatchObject({ complete: false, targetChunks: CHUNKS });
    // As a crash half-way would leave it: marked unfinished, part of the rows there.
    await pool.query('UPDATE unified.seed_state SET completed_at = NULL');
    await pool.query('DELETE FROM unified.chunks WHERE id > 2500');
    expect(await demoDataStatus(pool)).toMatchObject({ chunks: 2_500, complete: false });
    const report = await seedDemoData(pool, { chunks: CHUNKS, seed: SEED });
    expect(report.reused).toBe(false);
    expect(await demoDataStatus(pool)).toMatchObject({ chunks: CHUNKS, edges: report.edges, complete: true });
  });

  it('reseeds when more chunks are asked for than the stored seed has', async () => {
    const report = await seedDemoData(pool, { chunks: 3_500, seed: SEED });
    expect(report).toMatchObject({ reused: false, chunks: 3_500 });
    expect(await demoDataStatus(pool)).toMatchObject({ chunks: 3_500, complete: true, targetChunks: 3_500 });
  });

  it('stops on abort with an AbortError, leaving a seed the next run redoes', async () => {
    const controller = new AbortController();
    const seeding = seedDemoData(pool, {
      chunks: CHUNKS,
      seed: SEED,
      force: true,
      signal: controller.signal,
      batch: { adaptive: false, initialBatchSize: 100 },
      onProgress: (p) => {
        if (p.phase === 'chunks' && p.done >= 500) controller.abort();
      },
    });
    await expect(seeding).rejects.toMatchObject({ name: 'AbortError' });
    const status = await demoDataStatus(pool);
    expect(status?.complete).toBe(false);
    expect(status?.chunks).toBeGreaterThanOrEqual(500);
    expect(status?.chunks).toBeLessThan(CHUNKS);
    expect((await seedDemoData(pool, { chunks: CHUNKS, seed: SEED })).reused).toBe(false);
    expect(await demoDataStatus(pool)).toMatchObject({ chunks: CHUNKS, complete: true });
  });
});
