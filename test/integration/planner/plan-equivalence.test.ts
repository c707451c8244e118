import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { seedDemoData } from '../../../main/demo/seeder.ts';
import { DEMO_PLANNER_TABLES } from '../../../main/engine/demo-planner-tables.ts';
import { createHybridQueryGenerator, prepareHybridDomain, type HybridDomain } from '../../../main/planner/hybrid-query-generator.ts';
import { describeHybridQuery } from '../../../main/planner/hybrid-query.ts';
import { PartialCache } from '../../../main/planner/partial-cache.ts';
import { PLANS } from '../../../main/planner/plans/index.ts';
import { PLAN_NAMES, type HybridHit, type HybridQuery, type PlannerSql, type PlanRun } from '../../../main/planner/planner-types.ts';
import { VectorStore } from '../../../main/planner/vector-store.ts';
import { seededRandom } from '../../../main/util/random.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

const CHUNKS = 4_000;
const GENERATED_QUERIES = 220;

function plannerSql(pool: pg.Pool): PlannerSql {
  return {
    query: <R extends Record<string, unknown>>(text: string, values?: readonly unknown[]) =>
      pool.query<R>(text, values ? [...values] : undefined),
  };
}

/**
 * The answer computed the slow, obvious way, sharing no code with the plans: the filters written out by hand, the
 * neighbourhood by one recursive SQL statement, every passing chunk's embedding fetched and its distance computed
 * by a plain loop (float32 operands, float64 sum in dimension order, as HybridQuery defines it).
 */
async function reference(pool: pg.Pool, query: HybridQuery): Promise<{ rows: HybridHit[]; neighbourhood?: number; filterSet: number }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const { origins, kinds, since, until } = query.filters;
  if (origins) where.push(`system_origin = ANY($${values.push(origins)})`);
  if (kinds) where.push(`kind = ANY($${values.push(kinds)})`);
  if (since) where.push(`created_at >= $${values.push(since)}`);
  if (until) where.push(`created_at < $${values.push(until)}`);
  const { rows: passing } = await pool.query<{ id: string; embedding: number[] }>(
    `SELECT id, embedding FROM unified.chunks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    values,
  );
  let allowed: Set<number> | undefined;
  if (query.anchor) {
    const { rows } = await pool.query<{ id: string }>(
      `WITH RECURSIVE walk(id, depth) AS (
         SELECT $1::bigint, 0
         UNION
         SELECT CASE WHEN e.src = w.id THEN e.dst ELSE e.src END, w.depth + 1
           FROM walk w JOIN unified.edges e ON e.src = w.id OR e.dst = w.id
          WHERE w.depth < $2
       )
       SELECT DISTINCT id FROM walk WHERE id <> $1`,
      [query.anchor.chunkId, query.anchor.depth],
    );
    allowed = new Set(rows.map((r) => Number(r.id)));
  }
  const hits = passing
    .filter((row) => allowed === undefined || allowed.has(Number(row.id)))
    .map((row) => {
      let distance = 0;
      for (let d = 0; d < 32; d += 1) {
        const diff = Math.fround(row.embedding[d]!) - query.embedding[d]!;
        distance += diff * diff;
      }
      return { id: Number(row.id), distance };
    });
  hits.sort((a, b) => a.distance - b.distance || a.id - b.id);
  return { rows: hits.slice(0, query.k), filterSet: passing.length, ...(allowed ? { neighbourhood: allowed.size } : {}) };
}

describe.each(TEST_SERVERS)('every hybrid plan returns the exact answer (%s)', (server) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let sql: PlannerSql;
  let store: VectorStore;
  let domain: HybridDomain;
  let isolatedId: number;
  let twinOf: number;
  /** created_at of chunks 1500 and 2500: window bounds that fall exactly on rows. */
  let boundary: [Date, Date];

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await seedDemoData(pool, { chunks: CHUNKS });
    await pool.query('CREATE INDEX ON unified.edges (dst)');
    // A chunk without edges, whose embedding is an exact copy of chunk 17's: an anchor with an empty neighbourhood
    // and an exact distance tie (broken by id) for the test's own queries.
    twinOf = 17;
    isolatedId = CHUNKS + 1;
    await pool.query(
      `INSERT INTO unified.chunks (id, system_origin, session_id, created_at, kind, tokens, content, embedding)
       SELECT $1, system_origin, session_id, created_at, kind, tokens, content, embedding FROM unified.chunks WHERE id = $2`,
      [isolatedId, twinOf],
    );
    await pool.query('ANALYZE unified.chunks, unified.edges');
    sql = plannerSql(pool);
    store = await VectorStore.load(sql, DEMO_PLANNER_TABLES, { pageRows: 1_500 });
    domain = await prepareHybridDomain(sql, DEMO_PLANNER_TABLES);
    const { rows } = await pool.query<{ created_at: Date }>('SELECT created_at FROM unified.chunks WHERE id IN (1500, 2500) ORDER BY id');
    boundary = [rows[0]!.created_at, rows[1]!.created_at];
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function runAll(query: HybridQuery, partials: PartialCache, fill: boolean): Promise<Map<string, PlanRun>> {
    const runs = new Map<string, PlanRun>();
    for (const name of PLAN_NAMES) runs.set(name, await PLANS[name].execute(query, { store, partials, fill }));
    return runs;
  }

  async function expectExact(query: HybridQuery, partials: PartialCache, fill: boolean): Promise<Map<string, PlanRun>> {
    const expected = await reference(pool, query);
    const runs = await runAll(query, partials, fill);
    for (const [name, run] of runs) {
      expect(run.rows, `${name} on ${describeHybridQuery(query)}`).toEqual(expected.rows);
      // Sizes a plan reports are exact.
      if (run.stats.filterSetSize !== undefined) expect(run.stats.filterSetSize, name).toBe(expected.filterSet);
      if (run.stats.neighbourhoodSize !== undefined && (name !== 'vector-first' || query.anchor?.depth === 1)) {
        expect(run.stats.neighbourhoodSize, name).toBe(expected.neighbourhood);
      }
      expect(run.stats.candidatesExamined, name).toBeGreaterThanOrEqual(run.rows.length);
    }
    return runs;
  }

  it('loads the whole table, with its fingerprint', async () => {
    expect(store.rows).toBe(CHUNKS + 1);
    expect(store.fingerprint).toEqual(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES));
    expect(store.meanDegree).toBeGreaterThan(2);
    expect(Array.from(store.embedding(isolatedId)!)).toEqual(Array.from(store.embedding(twinOf)!));
  });

  it(`agrees with the brute-force reference on ${GENERATED_QUERIES} generated queries, without filling the cache`, async () => {
    const next = createHybridQueryGenerator(domain, store, seededRandom(2024));
    const partials = new PartialCache();
    let nonEmpty = 0;
    for (let i = 0; i < GENERATED_QUERIES; i += 1) {
      const query = next();
      const runs = await expectExact(query, partials, false);
      if (runs.get('filtered-vector')!.rows.length > 0) nonEmpty += 1;
    }
    expect(partials.stats().entries).toBe(0);
    expect(nonEmpty).toBeGreaterThan(GENERATED_QUERIES / 2);
  }, 600_000);

  it('agrees while filling the partial cache, and cached-partial then reuses the sets', async () => {
    // A drifting mix (mostly selective) on a second seed; each query twice, so the second meets a warm cache.
    const next = createHybridQueryGenerator(domain, store, seededRandom(99), { unselective: 0.2 });
    const partials = new PartialCache();
    let reused = 0;
    for (let i = 0; i < 60; i += 1) {
      const query = next();
      await expectExact(query, partials, true);
      const again = await expectExact(query, partials, true);
      const cached = again.get('cached-partial')!;
      const sets = (query.anchor ? 1 : 0) + (Object.keys(query.filters).length > 0 ? 1 : 0);
      expect(cached.stats.partialCacheHits).toBe(sets);
      reused += cached.stats.partialCacheHits;
    }
    expect(reused).toBeGreaterThan(30);
    expect(partials.stats().entries).toBeGreaterThan(0);
  }, 600_000);

  it('cached-partial checks a cached neighbourhood against new filters by id, with the same rows', async () => {
    // The same anchors first without filters (their neighbourhoods get cached), then with filters never seen.
    const next = createHybridQueryGenerator(domain, store, seededRandom(7), { unselective: 0.5 });
    const partials = new PartialCache();
    let checked = 0;
    for (let i = 0; checked < 15 && i < 400; i += 1) {
      const query = next();
      if (!query.anchor || Object.keys(query.filters).length === 0) continue;
      await expectExact({ embedding: query.embedding, k: query.k, filters: {}, anchor: query.anchor }, partials, true);
      if (partials.hasFilterSet(query.filters)) continue;
      const runs = await expectExact(query, partials, false);
      const cached = runs.get('cached-partial')!;
      expect(cached.stats.partialCacheHits).toBe(1);
      // The cached neighbours were tested (and the passing ones ranked), never a pass over every row's filters.
      expect(cached.stats.candidatesExamined).toBeLessThanOrEqual(2 * cached.stats.neighbourhoodSize!);
      expect(cached.stats.filterSetSize).toBeUndefined();
      checked += 1;
    }
    expect(checked).toBe(15);
  }, 600_000);

  describe('edge cases', () => {
    const embedding = (id: number): Float32Array => store.embedding(id)!;
    const window = (days: number): { since: Date; until: Date } => ({
      since: new Date(domain.dataEndAt.getTime() - days * 86_400_000),
      until: domain.dataEndAt,
    });
    const cases: [string, () => HybridQuery][] = [
      ['no filters, no anchor', () => ({ embedding: embedding(5), k: 10, filters: {} })],
      ['exact tie broken by id', () => ({ embedding: embedding(twinOf), k: 3, filters: {} })],
      ['k = MAX_K over everything', () => ({ embedding: embedding(100), k: 100, filters: {} })],
      ['k larger than the matches', () => ({ embedding: embedding(9), k: 100, filters: { origins: ['email'] } })],
      ['a rare origin in the last two days', () => ({ embedding: embedding(9), k: 100, filters: { origins: ['email'], ...window(2) } })],
      ['no chunk passes the filters', () => ({ embedding: embedding(9), k: 10, filters: { origins: ['no-such-origin'] } })],
      [
        'an empty time window before the data',
        () => ({ embedding: embedding(9), k: 10, filters: { since: new Date(0), until: new Date(1000) } }),
      ],
      ['anchor without edges', () => ({ embedding: embedding(9), k: 10, filters: {}, anchor: { chunkId: isolatedId, depth: 2 } })],
      [
        'anchor that is no chunk',
        () => ({ embedding: embedding(9), k: 10, filters: { kinds: ['code'] }, anchor: { chunkId: 10_000_000, depth: 1 } }),
      ],
      [
        'hub anchor at depth 2, broad filters',
        () => ({
          embedding: embedding(9),
          k: 20,
          filters: { kinds: ['message', 'code'] },
          anchor: { chunkId: store.topByDegree(1)[0]!, depth: 2 },
        }),
      ],
      [
        'depth 3 with a selective filter',
        () => ({ embedding: embedding(40), k: 50, filters: { origins: ['github', 'email'] }, anchor: { chunkId: 40, depth: 3 } }),
      ],
      [
        'anchor and filters that never meet',
        () => ({ embedding: embedding(9), k: 5, filters: { origins: ['no-such-origin'] }, anchor: { chunkId: 9, depth: 1 } }),
      ],
      [
        'window bounds on chunk times: since inclusive, until exclusive',
        () => ({
          embedding: embedding(1500),
          k: 100,
          filters: { since: boundary[0], until: boundary[1] },
        }),
      ],
      ['every origin listed', () => ({ embedding: embedding(300), k: 1, filters: { origins: domain.origins.map((o) => o.value) } })],
    ];
    it.each(cases)('%s', async (_, make) => {
      const query = make();
      for (const fill of [false, true]) {
        const partials = new PartialCache();
        await expectExact(query, partials, fill);
        await expectExact(query, partials, fill); // cached-partial after the fills (or still cold)
      }
    });

    it('returns fewer rows than k or none exactly when the reference does', async () => {
      const [, tooFew] = cases[3]!;
      const query = tooFew();
      const { rows } = await reference(pool, query);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(query.k);
      const bounded = cases.find(([name]) => name.startsWith('window bounds'))![1]();
      const ids = (await reference(pool, { ...bounded, embedding: embedding(1500), k: 100 })).rows.map((hit) => hit.id);
      expect(ids).toContain(1500);
      expect(ids).not.toContain(2500);
      const tie = (await PLANS['vector-first'].execute(cases[1]![1](), { store, partials: new PartialCache(), fill: false })).rows;
      expect(tie.slice(0, 2).map((hit) => hit.id)).toEqual([twinOf, isolatedId]);
      expect(tie[0]!.distance).toBe(0);
      expect(tie[1]!.distance).toBe(0);
    });
  });

  it('notices appended rows through the fingerprint', async () => {
    await pool.query(
      `INSERT INTO unified.chunks (id, system_origin, session_id, created_at, kind, tokens, content, embedding)
       SELECT $1, system_origin, session_id, created_at, kind, tokens, content, embedding FROM unified.chunks WHERE id = 1`,
      [CHUNKS + 2],
    );
    expect(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES)).not.toEqual(store.fingerprint);
    const reloaded = await VectorStore.load(sql, DEMO_PLANNER_TABLES);
    expect(reloaded.fingerprint).toEqual(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES));
    expect(reloaded.has(CHUNKS + 2)).toBe(true);
    // An edge alone changes it too: neighbourhoods come from the index's own copy of the edges.
    await pool.query(`INSERT INTO unified.edges (src, dst, relation, weight, created_at) SELECT 1, $1, 'cites', 1, now()`, [CHUNKS + 2]);
    expect(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES)).not.toEqual(reloaded.fingerprint);
    const withEdge = await VectorStore.load(sql, DEMO_PLANNER_TABLES);
    expect(withEdge.neighbourhood({ chunkId: CHUNKS + 2, depth: 1 })).toContain(1);
    // An edge to a chunk that does not exist is left out of the graph, yet the fingerprint still matches the table:
    // otherwise every refresh would reload.
    await pool.query(`INSERT INTO unified.edges (src, dst, relation, weight, created_at) SELECT 1, 99999999, 'cites', 1, now()`);
    const withDangling = await VectorStore.load(sql, DEMO_PLANNER_TABLES);
    expect(withDangling.fingerprint).toEqual(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES));
    expect(withDangling.graph.edges).toBe(withEdge.graph.edges);
  });
});
