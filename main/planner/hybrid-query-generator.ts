import { gaussian } from '../util/random.ts';
import { EMBEDDING_DIMENSIONS, type GraphAnchor, type HybridFilters, type HybridQuery, type PlannerSql } from './planner-types.ts';
import { column as q, qualifiedTable, type PlannerTables } from './planner-tables.ts';
import type { VectorStore } from './vector-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A value of a column with its share of all chunks. */
export interface ValueShare {
  value: string;
  share: number;
}

/** What the generator must know about the data to ask realistic questions of it. */
export interface HybridDomain {
  maxId: number;
  /** Most common first. */
  origins: readonly ValueShare[];
  kinds: readonly ValueShare[];
  dataStartAt: Date;
  /** When the data ends (`PlannerTables.dataEnd`), else the newest chunk's time. */
  dataEndAt: Date;
}

export interface HybridQueryMix {
  /** 0..1: share of queries with no filter or a broad one (default 0.4). Shifting it makes a drifting workload. */
  unselective?: number;
}

/** Reads the domain once: a few aggregate statements over the chunks. */
export async function prepareHybridDomain(sql: PlannerSql, tables: PlannerTables): Promise<HybridDomain> {
  const chunks = qualifiedTable(tables, tables.chunks.table);
  const shares = async (column: string): Promise<ValueShare[]> => {
    const { rows } = await sql.query<{ value: string; n: string }>(
      `SELECT ${q(column)} AS ${q('value')}, count(*) AS ${q('n')} FROM ${chunks} GROUP BY 1`,
    );
    const total = rows.reduce((sum, row) => sum + Number(row.n), 0);
    return rows
      .map((row) => ({ value: row.value, share: Number(row.n) / total }))
      .sort((a, b) => b.share - a.share || a.value.localeCompare(b.value));
  };
  const {
    rows: [bounds],
  } = await sql.query<{ max_id: string | null; first: Date | null; last: Date | null }>(
    `SELECT max(${q(tables.chunks.id)}) AS ${q('max_id')}, min(${q(tables.chunks.createdAt)}) AS ${q('first')}, max(${q(tables.chunks.createdAt)}) AS ${q('last')} FROM ${chunks}`,
  );
  if (!bounds || bounds.max_id === null || bounds.first === null || bounds.last === null) {
    throw new Error(`The table ${tables.schema}.${tables.chunks.table} is empty; seed the data before generating hybrid queries.`);
  }
  const dataEndAt = (await readDataEnd(sql, tables)) ?? bounds.last;
  const [origins, kinds] = [await shares(tables.chunks.origin), await shares(tables.chunks.kind)];
  return { maxId: Number(bounds.max_id), origins, kinds, dataStartAt: bounds.first, dataEndAt };
}

/** The data's end time from `tables.dataEnd`, when that table exists and has its row. */
async function readDataEnd(sql: PlannerSql, tables: PlannerTables): Promise<Date | undefined> {
  if (!tables.dataEnd) return undefined;
  const table = qualifiedTable(tables, tables.dataEnd.table);
  const {
    rows: [present],
  } = await sql.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  if (!present?.present) return undefined;
  const { rows } = await sql.query<{ end_at: Date }>(`SELECT ${q(tables.dataEnd.column)} AS ${q('end_at')} FROM ${table}`);
  return rows[0]?.end_at;
}

/** Anchors popular by Zipf rank: repeats are what make the partial cache (and plan choices) matter. */
const ANCHOR_POOL = 2_000;
const ZIPF_EXPONENT = 1.1;
const HUBS = 20;
const HUB_SHARE = 0.1;
const ANCHOR_SHARE = 0.5;
/** Depth 3 only from anchors this sparse: a 3-hop walk from anywhere busier can cover much of the graph. */
const DEPTH3_MAX_DEGREE = 3;
const QUERY_NOISE = 0.03;
const K_CHOICES = [
  [5, 0.25],
  [10, 0.4],
  [20, 0.25],
  [50, 0.1],
] as const;

function pick<T>(random: () => number, entries: readonly (readonly [T, number])[]): T {
  let point = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of entries) {
    point -= weight;
    if (point < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

function uniform<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/**
 * Hybrid queries that look like the data: embeddings near a random chunk's, k from {5, 10, 20, 50}, about half
 * anchored (Zipf-popular chunks and some hubs), filters from none to one rare origin in a single day. Seeded by
 * `random`, so a test or bench replays the same workload.
 */
export function createHybridQueryGenerator(
  domain: HybridDomain,
  store: VectorStore,
  random: () => number,
  mix: HybridQueryMix = {},
): () => HybridQuery {
  const unselective = mix.unselective ?? 0.4;
  if (!(unselective >= 0 && unselective <= 1)) throw new RangeError(`mix.unselective must be between 0 and 1; got ${unselective}.`);
  if (store.rows === 0) throw new Error('The vector store is empty; load it after seeding the data.');
  const pool = Array.from({ length: Math.min(ANCHOR_POOL, store.rows) }, () => store.idAt(Math.floor(random() * store.rows)));
  const zipf: number[] = [];
  pool.forEach((_, i) => zipf.push((zipf[i - 1] ?? 0) + 1 / Math.pow(i + 1, ZIPF_EXPONENT)));
  const hubs = store.topByDegree(HUBS);
  const common = (values: readonly ValueShare[]): string[] => values.slice(0, 2).map((v) => v.value);
  const rare = (values: readonly ValueShare[]): string[] => values.slice(-3).map((v) => v.value);
  const startMs = domain.dataStartAt.getTime();
  const endMs = Math.max(domain.dataEndAt.getTime(), startMs + DAY_MS);

  const zipfAnchor = (): number => {
    const point = random() * zipf[zipf.length - 1]!;
    let lo = 0;
    let hi = zipf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (zipf[mid]! <= point) lo = mid + 1;
      else hi = mid;
    }
    return pool[lo]!;
  };

  const anchor = (): GraphAnchor | undefined => {
    if (random() >= ANCHOR_SHARE) return undefined;
    // Hubs at depth 2 are the expensive tail (tens of thousands of chunks at 200k rows, where every plan takes
    // 100+ ms): rare, but the one shape where vector-first and hybrid-parallel beat the graph walk.
    if (random() < HUB_SHARE) return { chunkId: uniform(random, hubs), depth: random() < 0.7 ? 1 : 2 };
    const chunkId = zipfAnchor();
    const depth =
      store.degree(chunkId) <= DEPTH3_MAX_DEGREE
        ? pick(random, [
            [1, 0.4],
            [2, 0.4],
            [3, 0.2],
          ] as const)
        : pick(random, [
            [1, 0.55],
            [2, 0.45],
          ] as const);
    return { chunkId, depth };
  };

  // A window of `days` inside the data, on minute boundaries (as a person would type it).
  const window = (days: number): Pick<HybridFilters, 'since' | 'until'> => {
    const length = Math.min(days * DAY_MS, endMs - startMs);
    const since = Math.floor((startMs + random() * (endMs - startMs - length)) / 60_000) * 60_000;
    return { since: new Date(since), until: new Date(since + length) };
  };

  const filters = (): HybridFilters => {
    if (random() < unselective) {
      // No filter, or one that passes a large share of chunks.
      return pick<() => HybridFilters>(random, [
        [() => ({}), 0.5],
        [() => ({ origins: [uniform(random, common(domain.origins))] }), 0.2],
        [() => ({ kinds: common(domain.kinds) }), 0.15],
        [() => window(Math.max(30, Math.round((random() * (endMs - startMs)) / DAY_MS))), 0.15],
      ])();
    }
    return pick<() => HybridFilters>(random, [
      // Medium: an origin, perhaps with a kind or a week.
      [() => ({ origins: [uniform(random, domain.origins).value] }), 0.2],
      [() => ({ origins: [uniform(random, domain.origins).value], kinds: [uniform(random, domain.kinds).value] }), 0.15],
      [() => ({ origins: [uniform(random, domain.origins).value], ...window(7) }), 0.15],
      [() => ({ kinds: [uniform(random, rare(domain.kinds))], ...window(14) }), 0.1],
      // Selective: one rare origin in one day, or a rare origin and kind.
      [() => ({ origins: [uniform(random, rare(domain.origins))], ...window(1) }), 0.25],
      [() => ({ origins: [uniform(random, rare(domain.origins))], kinds: [uniform(random, rare(domain.kinds))] }), 0.15],
    ])();
  };

  return () => {
    const source = store.embedding(store.idAt(Math.floor(random() * store.rows)))!;
    const embedding = new Float32Array(EMBEDDING_DIMENSIONS);
    for (let d = 0; d < EMBEDDING_DIMENSIONS; d += 1) embedding[d] = source[d]! + QUERY_NOISE * gaussian(random);
    const a = anchor();
    return { embedding, k: pick(random, K_CHOICES), filters: filters(), ...(a ? { anchor: a } : {}) };
  };
}
