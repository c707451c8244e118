import { ApproxDistances, approxBound, isAcceptedEmbeddingValue, MAX_EMBEDDING_MAGNITUDE } from './approx-distances.ts';
import { ChunkFilterColumns, type CompiledFilter } from './chunk-filters.ts';
import { ChunkGraph } from './chunk-graph.ts';
import { NearestFirstStream } from './nearest-first-stream.ts';
import type { PlanStore } from './plan-context.ts';
import {
  EMBEDDING_DIMENSIONS,
  type GraphAnchor,
  type HybridFilters,
  type HybridHit,
  type PlannerSql,
  type VectorIndexFacts,
} from './planner-types.ts';
import type { PlannerTables } from './planner-tables.ts';
import { RankedStream, type RankedOrder } from './ranked-selection.ts';
import { RowMaxHeap } from './row-max-heap.ts';
import { findRow, loadChunks, loadGraph, readStoreFingerprint, type StoreFingerprint } from './store-loading.ts';
import { partialDistance, squaredDistance, squaredDistancesOfAll } from './vector-distance.ts';

const DIMS = EMBEDDING_DIMENSIONS;
export const DEFAULT_PAGE_ROWS = 20_000;
/**
 * `rank` of at least 1/DENSE_SHARE of the store marks its candidates and ranks with `rankWhere`, which uses the SIMD
 * distances of every row when its test passes at least that share. The kernel costs a few nanoseconds a row of the
 * store; an exact distance stopped early costs several times that a candidate (more when the query sits inside the
 * candidates' topic, where early stops are rare), so the kernel pays from a few per cent (docs/measurements.md).
 */
const DENSE_SHARE = 16;
/** Rows, spread evenly over the store, that `rankWhere` tests to estimate its test's share. */
const SHARE_PROBES = 1024;

export type { RankedOrder, StoreFingerprint };

export interface VectorStoreLoadOptions {
  /** Chunks per keyset page (and source ids per page of edges); default 20,000 (≈ 3 MB of text a page). */
  pageRows?: number;
  onProgress?: (loaded: number, total: number) => void;
}

/** What a store answers filters and neighbourhoods with; a store built without them passes no filter and has no edges. */
export interface StoreRelations {
  filters?: ChunkFilterColumns;
  graph?: ChunkGraph;
  /**
   * Rows of the edges table when the load began, for the fingerprint (default: the edges the graph holds). The
   * graph leaves out edges to chunks it does not hold, so its own count could differ from the table's forever.
   */
  edgesInTable?: number;
}

/**
 * The in-process index hybrid queries are answered from: the "portable similarity path" for servers without
 * pgvector, and the filter columns and edges beside it, so that a plan needs no SQL at all. Every chunk's
 * embedding lives in one Float32Array (row r at r × 32), rows in ascending id order, so (distance, row) order
 * is the answer's (distance, id) order. Answers are over the loaded snapshot: ids the store does not hold are
 * skipped by `rank`, so every plan answers over the same chunks until the engine reloads.
 */
export class VectorStore implements VectorIndexFacts, PlanStore {
  readonly rows: number;
  readonly meanDegree: number;
  readonly fingerprint: StoreFingerprint;
  readonly filters: ChunkFilterColumns;
  readonly graph: ChunkGraph;
  readonly #ids: Float64Array;
  readonly #vectors: Float32Array;
  readonly #approx: ApproxDistances;
  readonly #degrees: Int32Array;
  // Marks for `rank` (which is synchronous, so one array serves every plan without a per-query allocation).
  readonly #seen: Uint32Array;
  #epoch = 0;

  constructor(ids: Float64Array, vectors: Float32Array, degrees: Int32Array, relations: StoreRelations = {}) {
    if (vectors.length !== ids.length * DIMS || degrees.length !== ids.length) {
      throw new RangeError(
        `A vector store needs ${DIMS} values and one degree per id; got ${ids.length} ids, ${vectors.length} values, ${degrees.length} degrees.`,
      );
    }
    for (let r = 1; r < ids.length; r += 1) {
      if (!(ids[r]! > ids[r - 1]!)) throw new RangeError('Vector store ids must be strictly ascending (they define the tie order).');
    }
    this.filters = relations.filters ?? ChunkFilterColumns.allNull(ids.length);
    this.graph = relations.graph ?? ChunkGraph.empty(ids.length);
    if (this.filters.rows !== ids.length || this.graph.rows !== ids.length)
      throw new RangeError('The filter columns and the graph need one row per id.');
    this.rows = ids.length;
    this.#ids = ids;
    for (let i = 0; i < vectors.length; i += 1) {
      if (!isAcceptedEmbeddingValue(vectors[i]!)) {
        throw new RangeError(
          `Chunk ${ids[Math.floor(i / DIMS)]}: embedding value ${(i % DIMS) + 1} is ${vectors[i]}; the vector index needs finite values within ±${MAX_EMBEDDING_MAGNITUDE.toExponential()}.`,
        );
      }
    }
    // The kernel's memory holds the only copy of the embeddings; the exact distances read it too.
    this.#approx = new ApproxDistances(vectors);
    this.#vectors = this.#approx.vectors;
    this.#degrees = degrees;
    this.#seen = new Uint32Array(ids.length);
    let total = 0;
    for (const d of degrees) total += d;
    this.meanDegree = ids.length === 0 ? 0 : total / ids.length;
    this.fingerprint = {
      rows: ids.length,
      maxId: ids.length === 0 ? 0 : ids[ids.length - 1]!,
      edges: relations.edgesInTable ?? this.graph.edges,
    };
  }

  /** Reads every chunk (embedding and filter columns) by keyset pages, then the edges between them. */
  static async load(sql: PlannerSql, tables: PlannerTables, options: VectorStoreLoadOptions = {}): Promise<VectorStore> {
    const pageRows = options.pageRows ?? DEFAULT_PAGE_ROWS;
    if (!Number.isSafeInteger(pageRows) || pageRows < 1) throw new RangeError(`pageRows must be a positive integer; got ${pageRows}.`);
    if (tables.embeddingDimensions !== DIMS)
      throw new RangeError(
        `The planner's kernels are written for ${DIMS}-value embeddings; the tables hold ${tables.embeddingDimensions}.`,
      );
    const table = await readStoreFingerprint(sql, tables);
    const { ids, vectors, filters } = await loadChunks(sql, tables, pageRows, table.rows, options.onProgress);
    const graph = await loadGraph(sql, tables, ids, pageRows);
    const degrees = Int32Array.from({ length: ids.length }, (_, row) => graph.degree(row));
    // Edges added while loading make the next refresh see a change and reload: late, never missed.
    return new VectorStore(ids, vectors, degrees, { filters, graph, edgesInTable: table.edges });
  }

  /** The tables' current fingerprint (counts and the maximum id over the primary keys). */
  static readFingerprint(sql: PlannerSql, tables: PlannerTables): Promise<StoreFingerprint> {
    return readStoreFingerprint(sql, tables);
  }

  /** Bytes held by the typed arrays (embeddings, ids, degrees, filter columns, edges and the ranking scratch). */
  get bytes(): number {
    const own =
      this.#ids.byteLength + this.#vectors.byteLength + this.#approx.scratchBytes + this.#degrees.byteLength + this.#seen.byteLength;
    return own + this.filters.bytes + this.graph.bytes;
  }

  /** Ids of the chunks passing the filters, ascending: one pass over the filter columns. */
  idsPassing(filters: HybridFilters): Float64Array {
    return this.#idsOfRows(this.filters.rowsPassing(this.filters.compile(filters)));
  }

  /** The ids of `ids` that pass the filters, in the order given; ids the store does not hold never pass. */
  keepPassing(ids: ArrayLike<number>, filters: HybridFilters): Float64Array {
    const filter = this.filters.compile(filters);
    const kept = new Float64Array(ids.length);
    let n = 0;
    for (let i = 0; i < ids.length; i += 1) {
      const row = this.rowOf(ids[i]!);
      if (row >= 0 && this.filters.passes(row, filter)) kept[n++] = ids[i]!;
    }
    return kept.slice(0, n);
  }

  /** The filters compiled once, for a plan that tests many rows (`passesAt`). */
  compileFilters(filters: HybridFilters): CompiledFilter {
    return this.filters.compile(filters);
  }

  passesAt(row: number, filter: CompiledFilter): boolean {
    return this.filters.passes(row, filter);
  }

  /** N(anchor, depth): the ids within `depth` steps, either direction, the anchor excluded; ascending. */
  neighbourhood(anchor: GraphAnchor): Float64Array {
    const row = this.rowOf(anchor.chunkId);
    return row < 0 ? new Float64Array(0) : this.#idsOfRows(this.graph.walk(row, anchor.depth));
  }

  /** The chunk ids of store rows, in their order (ascending rows give ascending ids). */
  #idsOfRows(rows: Int32Array): Float64Array {
    const ids = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i += 1) ids[i] = this.#ids[rows[i]!]!;
    return ids;
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
   * duplicates count once. One pass with a heap of k: a candidate whose partial distance already passes the k-th
   * nearest so far is dropped without finishing it (see `partialDistance`).
   */
  rank(ids: ArrayLike<number>, query: Float32Array, k: number): HybridHit[] {
    checkQuery(query);
    if (!(k >= 1) || ids.length === 0) return [];
    this.#epoch = (this.#epoch + 1) >>> 0 || 1;
    if (this.#epoch === 1) this.#seen.fill(0);
    const epoch = this.#epoch;
    if (ids.length * DENSE_SHARE >= this.rows) {
      // Most of the store: marking the candidates and passing over the rows in order beats visiting them by id.
      const seen = this.#seen;
      for (let i = 0; i < ids.length; i += 1) {
        const row = this.rowOf(ids[i]!);
        if (row >= 0) seen[row] = epoch;
      }
      return this.rankWhere(query, k, (row) => seen[row] === epoch);
    }
    const heap = new RowMaxHeap(Math.min(k, ids.length));
    let limit = Infinity;
    for (let i = 0; i < ids.length; i += 1) {
      const row = this.rowOf(ids[i]!);
      if (row < 0 || this.#seen[row] === epoch) continue;
      this.#seen[row] = epoch;
      const distance = partialDistance(this.#vectors, row * DIMS, query, limit);
      if (distance > limit || !heap.accepts(distance, row)) continue;
      limit = heap.keep(row, distance);
    }
    return this.#hitsOf(heap);
  }

  /**
   * The exact top `k` by (distance, id) of the rows that `keep` accepts, in one pass over the store. When the test
   * passes many rows, every row's SIMD distance is computed first and only rows it cannot rule out are tested and
   * measured exactly; otherwise the test runs first, and a kept row's distance is dropped once it passes the k-th
   * nearest so far.
   */
  rankWhere(query: Float32Array, k: number, keep: (row: number) => boolean): HybridHit[] {
    checkQuery(query);
    if (!(k >= 1)) return [];
    const heap = new RowMaxHeap(k);
    const vectors = this.#vectors;
    // Rows come in ascending order, so one that ties the farthest kept ranks after it: strict `<` (skip on `>=`).
    let limit = Infinity;
    if (this.#keepsMany(keep)) {
      const approx = this.#approx.compute(query);
      let bound = Infinity;
      for (let row = 0; row < this.rows; row += 1) {
        if (approx[row]! > bound || !keep(row)) continue;
        const distance = squaredDistance(vectors, row * DIMS, query);
        if (distance >= limit) continue;
        limit = heap.keep(row, distance);
        bound = approxBound(limit);
      }
    } else {
      for (let row = 0; row < this.rows; row += 1) {
        if (!keep(row)) continue;
        const distance = partialDistance(vectors, row * DIMS, query, limit);
        if (distance >= limit) continue;
        limit = heap.keep(row, distance);
      }
    }
    return this.#hitsOf(heap);
  }

  /** Whether `keep` accepts at least 1/DENSE_SHARE of SHARE_PROBES rows spread evenly over the store. */
  #keepsMany(keep: (row: number) => boolean): boolean {
    const probes = Math.min(SHARE_PROBES, this.rows);
    let kept = 0;
    for (let i = 0; i < probes; i += 1) if (keep(Math.floor((i * this.rows) / probes))) kept += 1;
    return probes > 0 && kept * DENSE_SHARE >= probes;
  }

  /** What a heap kept, as hits in (distance, id) order. */
  #hitsOf(heap: RowMaxHeap): HybridHit[] {
    const { rows, distances } = heap.sorted();
    return Array.from(rows, (row, i) => ({ id: this.#ids[row]!, distance: distances[i]! }));
  }

  /**
   * Every chunk in exact (distance, id) order, handed out lazily in batches. The first batch drops far rows after
   * part of their distance (see `NearestFirstStream`); reading further computes the rest.
   */
  ranked(query: Float32Array): RankedOrder {
    checkQuery(query);
    return new NearestFirstStream(this.#approx, this.#ids, query);
  }

  /** The same order with every distance computed now, in one pass four rows at a time (no early exit). */
  rankedEagerly(query: Float32Array): RankedOrder {
    checkQuery(query);
    const distances = new Float64Array(this.rows);
    squaredDistancesOfAll(this.#vectors, this.rows, query, distances);
    return new RankedStream(distances, this.#ids);
  }
}

function checkQuery(query: Float32Array): void {
  if (query.length !== DIMS) throw new RangeError(`A query embedding needs ${DIMS} values; got ${query.length}.`);
  for (const value of query) {
    if (!isAcceptedEmbeddingValue(value))
      throw new RangeError(
        `A query embedding's values must be finite and within ±${MAX_EMBEDDING_MAGNITUDE.toExponential()}; got ${value}.`,
      );
  }
}
