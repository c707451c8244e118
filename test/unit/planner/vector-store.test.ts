import { describe, expect, it } from 'vitest';
import { DEMO_PLANNER_TABLES } from '../../../main/engine/demo-planner-tables.ts';
import type { PlannerSql } from '../../../main/planner/planner-types.ts';
import { VectorStore } from '../../../main/planner/vector-store.ts';
import { squaredDistance } from '../../../main/planner/vector-distance.ts';
import { seededRandom } from '../../../main/util/random.ts';

const DIMS = 32;

/** A store whose embeddings come from a few prototypes, so many chunks tie exactly on distance. */
function tiedStore(ids: number[], seed = 1): { store: VectorStore; vectors: Float32Array } {
  const random = seededRandom(seed);
  const prototypes = Array.from({ length: 5 }, () => Float32Array.from({ length: DIMS }, () => random() * 2 - 1));
  const vectors = new Float32Array(ids.length * DIMS);
  ids.forEach((_, r) => vectors.set(prototypes[Math.floor(random() * prototypes.length)]!, r * DIMS));
  const degrees = Int32Array.from(ids, (id) => id % 7);
  return { store: new VectorStore(Float64Array.from(ids), vectors, degrees), vectors };
}

function bruteForce(ids: number[], vectors: Float32Array, query: Float32Array, allowed: (id: number) => boolean) {
  return ids
    .map((id, r) => ({ id, distance: squaredDistance(vectors, r * DIMS, query) }))
    .filter((hit) => allowed(hit.id))
    .sort((a, b) => a.distance - b.distance || a.id - b.id);
}

describe('VectorStore', () => {
  const ids = Array.from({ length: 3_000 }, (_, i) => i * 3 + 10); // sparse ids: no direct row guess
  const { store, vectors } = tiedStore(ids);
  const query = Float32Array.from({ length: DIMS }, (_, i) => (i % 3) - 1);

  it('ranks a subset exactly by (distance, id), ties included', () => {
    const subset = ids.filter((id) => id % 2 === 0);
    for (const k of [1, 10, 100, 2_000]) {
      const expected = bruteForce(ids, vectors, query, (id) => id % 2 === 0).slice(0, k);
      expect(store.rank(subset, query, k)).toEqual(expected);
    }
    const hits = store.rank(subset, query, 50);
    expect(hits.some((hit, i) => i > 0 && hit.distance === hits[i - 1]!.distance)).toBe(true);
  });

  it('ranks the rows a test keeps exactly, ties included', () => {
    const keep = (row: number) => row % 3 !== 1;
    for (const k of [1, 10, 100, 2_500]) {
      const expected = bruteForce(ids, vectors, query, (id) => keep(ids.indexOf(id))).slice(0, k);
      expect(store.rankWhere(query, k, keep)).toEqual(expected);
    }
    expect(store.rankWhere(query, 5, () => false)).toEqual([]);
    expect(store.rankWhere(query, 0, () => true)).toEqual([]);
    expect(store.rank(ids, query, 0)).toEqual([]);
  });

  it('ignores the order of the ids given, duplicates and ids it does not hold', () => {
    const subset = [...ids.slice(0, 500)].reverse();
    const expected = store.rank(ids.slice(0, 500), query, 20);
    expect(store.rank([...subset, ...subset, 1, 2, 999_999], query, 20)).toEqual(expected);
    expect(store.rank([], query, 5)).toEqual([]);
    // Most of the store (the pass over every row): the same rules.
    const most = ids.slice(0, 2_000);
    expect(store.rank([...most].reverse().concat(most, [1, 2, 999_999]), query, 50)).toEqual(
      bruteForce(ids, vectors, query, (id) => most.includes(id)).slice(0, 50),
    );
    expect(store.rank(ids.slice(0, 3), query, 10)).toHaveLength(3);
  });

  it('hands out the whole store in exact order, batch by batch', () => {
    const expected = bruteForce(ids, vectors, query, () => true);
    const stream = store.ranked(query);
    const got = [];
    for (const size of [1, 7, 100, 400, 1_600, 5_000]) got.push(...stream.next(size));
    expect(stream.done).toBe(true);
    expect(got).toEqual(expected);
    expect(stream.next(10)).toEqual([]);
  });

  it('hands out unsorted batches that are still exactly the next ranks', () => {
    const expected = bruteForce(ids, vectors, query, () => true);
    const stream = store.ranked(query);
    let position = 0;
    for (const size of [5, 250, 1_000, 3_000]) {
      const batch = Array.from(stream.nextRows(size), (row) => stream.hitAt(row));
      const want = expected.slice(position, position + size);
      expect([...batch].sort((a, b) => a.distance - b.distance || a.id - b.id)).toEqual(want);
      position += want.length;
    }
    expect(stream.done).toBe(true);
  });

  it('looks up rows, degrees and embeddings by id', () => {
    expect(store.rows).toBe(3_000);
    expect(store.has(13)).toBe(true);
    expect(store.has(14)).toBe(false);
    expect(store.degree(13)).toBe(13 % 7);
    expect(store.degree(14)).toBe(0);
    expect(store.meanDegree).toBeCloseTo(ids.reduce((s, id) => s + (id % 7), 0) / ids.length, 10);
    expect(Array.from(store.embedding(13)!)).toEqual(Array.from(vectors.subarray(DIMS, 2 * DIMS)));
    expect(store.embedding(14)).toBeUndefined();
    expect(store.fingerprint).toEqual({ rows: 3_000, maxId: ids.at(-1), edges: 0 });
    expect(store.topByDegree(3).every((id) => id % 7 === 6)).toBe(true);
    expect(store.bytes).toBeGreaterThan(3_000 * DIMS * 4);
  });

  it('rejects ids out of order and query embeddings of the wrong length', () => {
    expect(() => new VectorStore(Float64Array.from([2, 1]), new Float32Array(2 * DIMS), new Int32Array(2))).toThrow(/ascending/);
    expect(() => store.rank(ids, new Float32Array(3), 1)).toThrow(/32 values/);
  });

  it('refuses embedding values the SIMD distances cannot bound (not finite, or beyond ±1e18), naming the chunk', () => {
    for (const [value, shown] of [
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [-3e18, '-29999'],
    ] as const) {
      const vectors = new Float32Array(2 * DIMS);
      vectors[DIMS + 4] = value;
      expect(() => new VectorStore(Float64Array.from([7, 9]), vectors, new Int32Array(2))).toThrow(
        new RegExp(`Chunk 9: embedding value 5 is ${shown}.*finite values within ±1e\\+18`),
      );
    }
    const query = new Float32Array(DIMS);
    query[0] = Number.NaN;
    expect(() => store.ranked(query)).toThrow(/finite and within/);
    expect(() => store.rankWhere(query, 3, () => true)).toThrow(/finite and within/);
  });
});

describe('VectorStore.load', () => {
  /** Answers the loader's statements from arrays: a fake is fine here, the integration test uses real servers. */
  function fakeSql(rows: number, edges: [number, number][]): PlannerSql & { statements: string[] } {
    const statements: string[] = [];
    return {
      statements,
      async query<R>(text: string, values: readonly unknown[] = []) {
        statements.push(text);
        let result: unknown[] = [];
        if (text.includes('count(*) AS "rows"')) result = [{ rows: String(rows), max_id: String(rows), edges: String(edges.length) }];
        else if (text.includes('"embedding"')) {
          const [after, limit] = values as [number, number];
          result = Array.from({ length: rows }, (_, i) => i + 1)
            .filter((id) => id > after)
            .slice(0, limit)
            .map((id) => ({
              id: String(id),
              embedding: arraySend(Array.from({ length: DIMS }, (_, d) => id + d / 10)),
              origin: id % 2 === 0 ? 'even' : 'odd',
              kind: id % 5 === 0 ? null : 'note',
              created_us: String(id * 1_000_000),
            }));
        } else if (text.includes('"pairs"')) {
          const [first, last] = values as [number, number];
          const pairs = edges.filter(([src]) => src >= first && src <= last).map(([src, dst]) => `${src},${dst}`);
          result = [{ pairs: pairs.length === 0 ? null : pairs.join(',') }];
        }
        return { rows: result as R[] };
      },
    };
  }
  /** What PostgreSQL's `array_send` returns for a 1-D real[]; `nullAt` makes one element NULL. */
  function arraySend(values: number[], nullAt = -1): Buffer {
    const buffer = Buffer.alloc(20 + values.length * 8);
    buffer.writeInt32BE(1, 0);
    buffer.writeInt32BE(nullAt >= 0 ? 1 : 0, 4);
    buffer.writeInt32BE(700, 8);
    buffer.writeInt32BE(values.length, 12);
    buffer.writeInt32BE(1, 16);
    values.forEach((value, i) => {
      buffer.writeInt32BE(i === nullAt ? -1 : 4, 20 + i * 8);
      buffer.writeFloatBE(value, 24 + i * 8);
    });
    return buffer;
  }

  it('reads keyset pages, every embedding as float32, the filter columns, and the edges with undirected degrees', async () => {
    const sql = fakeSql(25, [
      [2, 1],
      [3, 1],
      [3, 2],
      [25, 1],
    ]);
    const progress: number[] = [];
    const store = await VectorStore.load(sql, DEMO_PLANNER_TABLES, {
      pageRows: 10,
      onProgress: (loaded, total) => progress.push(loaded, total),
    });
    expect(store.rows).toBe(25);
    expect(progress).toEqual([10, 25, 20, 25, 25, 25]);
    expect(sql.statements.filter((s) => s.includes('"embedding"'))).toHaveLength(3);
    expect(sql.statements.filter((s) => s.includes('"pairs"'))).toHaveLength(3);
    expect(store.embedding(7)![3]).toBe(Math.fround(7.3));
    expect([1, 2, 3, 25, 4].map((id) => store.degree(id))).toEqual([3, 2, 2, 1, 0]);
    expect(store.meanDegree).toBe(8 / 25);
    expect(store.fingerprint).toEqual({ rows: 25, maxId: 25, edges: 4 });
    expect(Array.from(store.neighbourhood({ chunkId: 1, depth: 1 }))).toEqual([2, 3, 25]);
    expect(Array.from(store.idsPassing({ origins: ['even'], kinds: ['note'], since: new Date(4_000), until: new Date(12_001) }))).toEqual([
      4, 6, 8, 12,
    ]);
    expect(Array.from(store.keepPassing([10, 3, 6, 99], { kinds: ['note'] }))).toEqual([3, 6]);
    expect(await VectorStore.readFingerprint(sql, DEMO_PLANNER_TABLES)).toEqual(store.fingerprint);
  });

  it('rejects embeddings of the wrong length or with NULLs, naming the chunk', async () => {
    for (const [embedding, message] of [
      [arraySend([1, 2, 3]), /Chunk 1: .*3 values instead of 32/],
      [arraySend(new Array(DIMS).fill(0), 5), /Chunk 1: value 6 .* NULL/],
    ] as const) {
      const sql: PlannerSql = {
        async query<R>(text: string) {
          const rows = text.includes('"embedding"')
            ? [{ id: '1', embedding, origin: null, kind: null, created_us: null }]
            : text.includes('count(*) AS "rows"')
              ? [{ rows: '1', max_id: '1', edges: '0' }]
              : [];
          return { rows: rows as R[] };
        },
      };
      await expect(VectorStore.load(sql, DEMO_PLANNER_TABLES)).rejects.toThrow(message);
    }
  });

  it('rejects a bad page size', async () => {
    await expect(VectorStore.load(fakeSql(1, []), DEMO_PLANNER_TABLES, { pageRows: 0 })).rejects.toThrow(/pageRows/);
  });
});
