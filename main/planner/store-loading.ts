import { type ChunkFilterColumns, FilterColumnsBuilder } from './chunk-filters.ts';
import { ChunkGraph } from './chunk-graph.ts';
import { EMBEDDING_DIMENSIONS, type PlannerSql } from './planner-types.ts';
import { column as q, qualifiedTable, type PlannerTables } from './planner-tables.ts';

/**
 * Reading the tables (named by `PlannerTables`) into the in-process index: embeddings and filter columns by keyset pages of chunks, then
 * the edges by ranges of their source id. Everything arrives in as few values as possible (binary arrays,
 * aggregated text), since `pg`'s per-row and per-value work, not the server, is what a load of 200,000 chunks and
 * 600,000 edges spends its time on.
 */

const DIMS = EMBEDDING_DIMENSIONS;

/**
 * What identifies the tables' content for the index. The tables are expected to be append-only after seeding (ids grow,
 * rows are never updated or deleted), so a changed count or maximum id is exactly "rows were added"; an engine
 * compares `VectorStore.fingerprint` with `readStoreFingerprint` and reloads when they differ.
 */
export interface StoreFingerprint {
  rows: number;
  maxId: number;
  edges: number;
}

export interface LoadedChunks {
  ids: Float64Array;
  vectors: Float32Array;
  filters: ChunkFilterColumns;
}

export async function readStoreFingerprint(sql: PlannerSql, tables: PlannerTables): Promise<StoreFingerprint> {
  const chunks = qualifiedTable(tables, tables.chunks.table);
  const edges = qualifiedTable(tables, tables.edges.table);
  const { rows } = await sql.query<{ rows: string; max_id: string | null; edges: string }>(
    `SELECT count(*) AS ${q('rows')}, max(${q(tables.chunks.id)}) AS ${q('max_id')}, (SELECT count(*) FROM ${edges}) AS ${q('edges')} FROM ${chunks}`,
  );
  return { rows: Number(rows[0]?.rows ?? 0), maxId: Number(rows[0]?.max_id ?? 0), edges: Number(rows[0]?.edges ?? 0) };
}

/** Every chunk's id, embedding and filter columns, in ascending id order. */
export async function loadChunks(
  sql: PlannerSql,
  tables: PlannerTables,
  pageRows: number,
  expected: number,
  onProgress?: (loaded: number, total: number) => void,
): Promise<LoadedChunks> {
  let ids = new Float64Array(Math.max(expected, 1));
  let vectors = new Float32Array(ids.length * DIMS);
  const filters = new FilterColumnsBuilder();
  const { id, embedding, origin, kind, createdAt } = tables.chunks;
  const chunks = qualifiedTable(tables, tables.chunks.table);
  let rows = 0;
  let after = 0;
  for (;;) {
    // Keyset, not OFFSET: each page is an index range scan, however deep into the table it is. `array_send` hands
    // over the array's binary form: the stored float32 bits as they are, with no text to parse (several times faster
    // to read than the text form: docs/measurements.md). created_at in whole microseconds: exact, unlike a JavaScript Date.
    const { rows: page } = await sql.query<{
      id: string;
      embedding: Buffer;
      origin: string | null;
      kind: string | null;
      created_us: string | null;
    }>(
      `SELECT ${q(id)} AS ${q('id')}, array_send(${q(embedding)}) AS ${q('embedding')}, ${q(origin)} AS ${q('origin')}, ${q(kind)} AS ${q('kind')},
              (extract(epoch FROM ${q(createdAt)}) * 1000000)::bigint::text AS ${q('created_us')}
         FROM ${chunks} WHERE ${q(id)} > $1 ORDER BY ${q(id)} LIMIT $2`,
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
      filters.push({ origin: row.origin, kind: row.kind, createdAtMicros: row.created_us === null ? null : Number(row.created_us) });
      rows += 1;
    }
    onProgress?.(rows, Math.max(expected, rows));
    if (page.length < pageRows) break;
    after = ids[rows - 1]!;
  }
  return { ids: ids.slice(0, rows), vectors: vectors.slice(0, rows * DIMS), filters: filters.build() };
}

/**
 * The edges between loaded chunks, by ranges of `pageRows` source ids (each an index range scan of the primary
 * key), each range as one aggregated text value. Edges to a chunk the store does not hold are left out.
 */
export async function loadGraph(sql: PlannerSql, tables: PlannerTables, ids: Float64Array, pageRows: number): Promise<ChunkGraph> {
  const { source, target } = tables.edges;
  const edges = qualifiedTable(tables, tables.edges.table);
  let from = new Int32Array(Math.max(16, ids.length * 4));
  let to = new Int32Array(from.length);
  let count = 0;
  for (let start = 0; start < ids.length; start += pageRows) {
    const first = ids[start]!;
    const last = ids[Math.min(ids.length, start + pageRows) - 1]!;
    const { rows } = await sql.query<{ pairs: string | null }>(
      `SELECT string_agg(${q(source)}::text || ',' || ${q(target)}::text, ',') AS ${q('pairs')} FROM ${edges} WHERE ${q(source)} BETWEEN $1 AND $2`,
      [first, last],
    );
    const text = rows[0]?.pairs;
    if (!text) continue;
    const values = text.split(',');
    for (let i = 0; i + 1 < values.length; i += 2) {
      const a = findRow(ids, Number(values[i]));
      const b = findRow(ids, Number(values[i + 1]));
      if (a < 0 || b < 0) continue;
      if (count === from.length) {
        from = grow(from);
        to = grow(to);
      }
      from[count] = a;
      to[count] = b;
      count += 1;
    }
  }
  return ChunkGraph.fromEdges(ids.length, from, to, count);
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

const FLOAT4_OID = 700;
/** 1-D array header: dimensions, has-nulls flag, element type, then length and lower bound. */
const ARRAY_HEADER_BYTES = 20;

/**
 * Copies a `real[]` in PostgreSQL's binary array format (from `array_send`) into `target` at `offset`. Checks the
 * shape, so a NULL element or a wrong length fails loudly with the chunk's id instead of ranking garbage.
 */
function readBinaryEmbedding(data: Buffer, target: Float32Array, offset: number, id: string): void {
  const wrong = (what: string): Error =>
    new Error(`Chunk ${id}: ${what}; the vector index needs exactly ${DIMS} non-null real values per embedding.`);
  if (!Buffer.isBuffer(data) || data.length < 12) throw wrong('the embedding is missing or empty');
  if (data.readInt32BE(0) !== 1) throw wrong(`the embedding has ${data.readInt32BE(0)} dimensions instead of 1`);
  if (data.readInt32BE(8) !== FLOAT4_OID) throw wrong('the embedding is not a real[]');
  const length = data.readInt32BE(12);
  if (length !== DIMS || data.length !== ARRAY_HEADER_BYTES + DIMS * 8)
    throw wrong(`the embedding has ${length} values instead of ${DIMS}`);
  for (let d = 0; d < DIMS; d += 1) {
    const at = ARRAY_HEADER_BYTES + d * 8;
    if (data.readInt32BE(at) !== 4) throw wrong(`value ${d + 1} of the embedding is NULL`);
    target[offset + d] = data.readFloatBE(at + 4);
  }
}

/** Row of `id` in ascending `ids`, or -1. Ids are usually 1..n (the demo's are), so the direct guess almost always hits. */
export function findRow(ids: Float64Array, id: number): number {
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
