import { CHUNKS_TABLE, EDGES_TABLE, EMBEDDING_DIMENSIONS, demoTable } from '../demo/schema.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import type { HybridHit, PlannerSql, VectorIndexFacts } from './planner-types.ts';
import { NearestFirstStream } from './nearest-first-stream.ts';
import { RankedStream, selectSorted, type RankedOrder } from './ranked-selection.ts';
import { squaredDistance } from './vector-distance.ts';

const DIMS = EMBEDDING_DIMENSIONS;
const q = quoteIdent;
const CHUNKS = demoTable(CHUNKS_TABLE);
const EDGES = demoTable(EDGES_TABLE);
export const DEFAULT_PAGE_ROWS = 20_000;

/**
 * What identifies the table's content for the index. The demo table is append-only after seeding (ids grow, rows
 * are never updated or deleted), so a changed row count or maximum id is exactly "rows were added"; an engine
 * compares `VectorStore.fingerprint` with `readFingerprint` and reloads when they differ.
 */
export interface StoreFingerprint {
  rows: number;
  maxId: number;
}

export interface VectorStoreLoadOptions {
  /** Rows per keyset page; default 20,000 (≈ 3 MB of text a page). */
  pageRows?: number;
  onProgress?: (loaded: number, total: number) => void;
}

/**
 * The in-process exact vector index: the "portable similarity path" for servers without pgvector. Every chunk's
 * embedding lives in one Float32Array (row r at r × 32), rows in ascending id order, so (distance, row) order
 * is the answer's (distance, id) order. Degrees (edges touching a chunk, both directions) come along for the
 * selector's features. Answers are over the loaded snapshot: ids the store does not hold are skipped by `rank`,
 * so every plan answers over the same chunks until the engine reloads.
 */
export type { RankedOrder };

export class VectorStore implements VectorIndexFacts {
  readonly rows: number;
  readonly meanDegree: number;
  readonly fingerprint: StoreFingerprint;
  readonly #ids: Float64Array;
  readonly #vectors: Float32Array;
  readonly #degrees: Int32Array;
  // Scratch for `rank`, which is synchronous, so one buffer serves every plan without a per-query allocation.
  readonly #scratch: Float64Array;
  readonly #seen: Uint32Array;
  #epoch = 0;

  constructor(ids: Float64Array, vectors: Float32Array, degrees: Int32Array) {
    if (vectors.length !== ids.length * DIMS || degrees.length !== ids.length) {
      throw new RangeError(`A vector store needs ${DIMS} values and one degree per id; got ${ids.length} ids, ${vectors.length} values, ${degrees.length} degrees.`);
    }
    for (let r = 1; r < ids.length; r += 1) {
      if (!(ids[r]! > ids[r - 1]!)) throw new RangeError('Vector store ids must be strictly ascending (they define the tie order).');
    }
    this.rows = ids.length;
    this.#ids = ids;
    this.#vectors = vectors;
    this.#degrees = degrees;
    this.#scratch = new Float64Array(ids.length);
    this.#seen = new Uint32Array(ids.length);
    let total = 0;
    for (const d of degrees) total += d;
    this.meanDegree = ids.length === 0 ? 0 : total / ids.length;
    this.fingerprint = { rows: ids.length, maxId: ids.length === 0 ? 0 : ids[ids.length - 1]! };
  }

  /** Reads every chunk's embedding by keyset pages, then the degree counts. */
  static async load(sql: PlannerSql, options: VectorStoreLoadOptions = {}): Promise<VectorStore> {
    const pageRows = options.pageRows ?? DEFAULT_PAGE_ROWS;
    if (!Number.isSafeInteger(pageRows) || pageRows < 1) throw new RangeError(`pageRows must be a positive integer; got ${pageRows}.`);
    const expected = (await VectorStore.readFingerprint(sql)).rows;
    let ids = new Float64Array(Math.max(expected, 1));
    let vectors = new Float32Array(ids.length * DIMS);
    let rows = 0;
    let after = 0;
    for (;;) {
      // Keyset, not OFFSET: each page is an index range scan, however deep into the table it is. `array_send` hands
      // over the array's binary form: the stored float32 bits as they are, and 3-5× faster to read than the text
      // form (200,000 rows: seconds, not half a minute).
      const { rows: page } = await sql.query<{ id: string; embedding: Buffer }>(
        `SELECT ${q('id')}, array_send(${q('embedding')}) AS ${q('embedding')} FROM ${CHUNKS} WHERE ${q('id')} > $1 ORDER BY ${q('id')} LIMIT $2`,
        [after, pageRows],
      );
      if (rows + page.length > ids.length) {
        // Rows were appended since the count; grow (the fingerprint records what was actually read).
        const capacity = Math.max(rows + page.length, ids.length * 2);
        const grownIds = new Float64Array(capacity);
        grownIds.set(ids);
        const grownVectors = new Float32Array(capacity * DIMS);
        grownVectors.set(vectors);
        ids = grownIds;
        vectors = grownVectors;
      }
      for (const row of page) {
        ids[rows] = Number(row.id);
        readBinaryEmbedding(row.embedding, vectors, rows * DIMS, row.id);
        rows += 1;
      }
      options.onProgress?.(rows, Math.max(expected, rows));
      if (page.length < pageRows) break;
      after = ids[rows - 1]!;
    }
    ids = ids.slice(0, rows);
    vectors = vectors.slice(0, rows * DIMS);
    const degrees = await loadDegrees(sql, ids);
    return new VectorStore(ids, vectors, degrees);
  }

  /** The table's current fingerprint (one count and one max over the primary key). */
  static async readFingerprint(sql: PlannerSql): Promise<StoreFingerprint> {
    const { rows } = await sql.query<{ rows: string; max_id: string | null }>(
      `SELECT count(*) AS ${q('rows')}, max(${q('id')}) AS ${q('max_id')} FROM ${CHUNKS}`,
    );
    return { rows: Number(rows[0]?.rows ?? 0), maxId: Number(rows[0]?.max_id ?? 0) };
  }

  /** Bytes held by the typed arrays (embeddings, ids, degrees and the ranking scratch). */
  get bytes(): number {
    return this.#ids.byteLength + this.#vectors.byteLength + this.#degrees.byteLength + this.#scratch.byteLength + this.#seen.byteLength;
  }

  get maxId(): number {
    return this.fingerprint.maxId;
  }

  /** Row of chunk `id`, or -1. */
  rowOf(id: number): number {
    return findRow(this.#ids, id);
  }

  has(id: number): boolean {
    return this.rowOf(id) >= 0;
  }

  degree(id: number): number {
    const row = this.rowOf(id);
    return row < 0 ? 0 : this.#degrees[row]!;
  }

  /** Chunk id at `row` (0 … rows − 1). */
  idAt(row: number): number {
    const id = this.#ids[row];
    if (id === undefined) throw new RangeError(`No row ${row} in a vector store of ${this.rows} rows.`);
    return id;
  }

  /** A copy of the chunk's embedding, or undefined when the store does not hold it. */
  embedding(id: number): Float32Array | undefined {
    const row = this.rowOf(id);
    return row < 0 ? undefined : this.#vectors.slice(row * DIMS, (row + 1) * DIMS);
  }

  /** Ids of the `count` chunks with the most edges (most first; ties by id), e.g. to pick hub anchors. */
  topByDegree(count: number): number[] {
    const order = Array.from({ length: this.rows }, (_, r) => r);
    order.sort((a, b) => this.#degrees[b]! - this.#degrees[a]! || a - b);
    return order.slice(0, count).map((r) => this.#ids[r]!);
  }

  /** Distance from `query` to the chunk at `row`. */
  distanceAt(row: number, query: Float32Array): number {
    return squaredDistance(this.#vectors, row * DIMS, query);
  }

  /**
   * The exact top `k` of `ids` by (distance, id). Ids the store does not hold are skipped (see the class comment);
   * duplicates count once.
   */
  rank(ids: ArrayLike<number>, query: Float32Array, k: number): HybridHit[] {
    checkQuery(query);
    this.#epoch = (this.#epoch + 1) >>> 0 || 1;
    if (this.#epoch === 1) this.#seen.fill(0);
    const epoch = this.#epoch;
    const order = new Int32Array(ids.length);
    let n = 0;
    for (let i = 0; i < ids.length; i += 1) {
      const row = this.rowOf(ids[i]!);
      if (row < 0 || this.#seen[row] === epoch) continue;
      this.#seen[row] = epoch;
      this.#scratch[row] = squaredDistance(this.#vectors, row * DIMS, query);
      order[n] = row;
      n += 1;
    }
    const candidates = order.subarray(0, n);
    const end = selectSorted(candidates, this.#scratch, 0, k);
    const hits: HybridHit[] = [];
    for (let i = 0; i < end; i += 1) {
      const row = candidates[i]!;
      hits.push({ id: this.#ids[row]!, distance: this.#scratch[row]! });
    }
    return hits;
  }

  /**
   * Every chunk in exact (distance, id) order, handed out lazily in batches. The first batch drops far rows after
   * part of their distance (see `NearestFirstStream`); reading further computes the rest.
   */
  ranked(query: Float32Array): RankedOrder {
    checkQuery(query);
    return new NearestFirstStream(this.#vectors, this.#ids, query);
  }

  /** The same order with every distance computed now, for a plan that overlaps this work with SQL in flight. */
  rankedEagerly(query: Float32Array): RankedOrder {
    checkQuery(query);
    const distances = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r += 1) distances[r] = squaredDistance(this.#vectors, r * DIMS, query);
    return new RankedStream(distances, this.#ids);
  }
}

function checkQuery(query: Float32Array): void {
  if (query.length !== DIMS) throw new RangeError(`A query embedding needs ${DIMS} values; got ${query.length}.`);
}

/** Edges touching each chunk, counted once from each end (so a chunk's degree is its in- plus out-degree). */
async function loadDegrees(sql: PlannerSql, ids: Float64Array): Promise<Int32Array> {
  const degrees = new Int32Array(ids.length);
  for (const column of ['src', 'dst']) {
    const { rows } = await sql.query<{ id: string; n: number }>(
      `SELECT ${q(column)} AS ${q('id')}, count(*)::integer AS ${q('n')} FROM ${EDGES} GROUP BY ${q(column)}`,
    );
    for (const row of rows) {
      const r = findRow(ids, Number(row.id));
      if (r >= 0) degrees[r] = degrees[r]! + row.n;
    }
  }
  return degrees;
}

const FLOAT4_OID = 700;
/** 1-D array header: dimensions, has-nulls flag, element type, then length and lower bound. */
const ARRAY_HEADER_BYTES = 20;

/**
 * Copies a `real[]` in PostgreSQL's binary array format (from `array_send`) into `target` at `offset`. Checks the
 * shape, so a NULL element or a wrong length fails loudly with the chunk's id instead of ranking garbage.
 */
function readBinaryEmbedding(data: Buffer, target: Float32Array, offset: number, id: string): void {
  const wrong = (what: string): Error => new Error(`Chunk ${id}: ${what}; the vector index needs exactly ${DIMS} non-null real values per embedding.`);
  if (!Buffer.isBuffer(data) || data.length < 12) throw wrong('the embedding is missing or empty');
  if (data.readInt32BE(0) !== 1) throw wrong(`the embedding has ${data.readInt32BE(0)} dimensions instead of 1`);
  if (data.readInt32BE(8) !== FLOAT4_OID) throw wrong('the embedding is not a real[]');
  const length = data.readInt32BE(12);
  if (length !== DIMS || data.length !== ARRAY_HEADER_BYTES + DIMS * 8) throw wrong(`the embedding has ${length} values instead of ${DIMS}`);
  for (let d = 0; d < DIMS; d += 1) {
    const at = ARRAY_HEADER_BYTES + d * 8;
    if (data.readInt32BE(at) !== 4) throw wrong(`value ${d + 1} of the embedding is NULL`);
    target[offset + d] = data.readFloatBE(at + 4);
  }
}

/** Row of `id` in ascending `ids`, or -1. Ids of the demo are 1..n, so the direct guess almost always hits. */
function findRow(ids: Float64Array, id: number): number {
  const guess = id - 1;
  if (guess >= 0 && guess < ids.length && ids[guess] === id) return guess;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = ids[mid]!;
    if (value === id) return mid;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
