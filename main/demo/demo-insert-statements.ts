import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';
import type { DemoChunk, DemoEdge } from './demo-data-generator.ts';
import { CHUNKS_TABLE, CHUNK_COLUMNS, EDGES_TABLE, EDGE_COLUMNS, EMBEDDING_DIMENSIONS, demoTable } from './schema.ts';

/**
 * One multi-row statement per batch: each column travels as one array parameter and `unnest`
 * zips them back into rows, so a batch of 5,000 rows costs one round trip and one plan, with
 * 8 parameters instead of 40,000. `ON CONFLICT DO NOTHING` makes a retried batch (after a
 * bisection, or a timeout whose insert did commit) harmless.
 *
 * Formatting values as text cost more CPU in Node than the server spent inserting them, so the
 * costly columns avoid `pg`'s generic array formatting (a regex escape per element): numbers go
 * as a joined literal, times as epoch milliseconds (bigint) instead of ISO strings, and
 * embeddings as one flat `real[]` in PostgreSQL's binary array format (a Buffer, which `pg`
 * sends as a binary parameter), sliced back into one `real[]` per row.
 */

const q = quoteIdent;
const FLOAT4_OID = 700;
const ROW = q('row');
const ORDINALITY = q('ordinality');

/** `created_at` arrives as epoch ms; this turns it back into a timestamptz exactly (no float rounding). */
function fromEpochMs(column: string): string {
  return `timestamptz 'epoch' + ${ROW}.${q(column)} * interval '1 millisecond'`;
}

function columnList(columns: readonly (readonly [string, string])[]): string {
  return columns.map(([name]) => q(name)).join(', ');
}

const CHUNK_INSERT = `INSERT INTO ${demoTable(CHUNKS_TABLE)} (${columnList(CHUNK_COLUMNS)})
SELECT ${ROW}.${q('id')}, ${ROW}.${q('system_origin')}, ${ROW}.${q('session_id')}, ${fromEpochMs('created_at')},
       ${ROW}.${q('kind')}, ${ROW}.${q('tokens')}, ${ROW}.${q('content')},
       ($8::real[])[(${ORDINALITY} - 1) * ${EMBEDDING_DIMENSIONS} + 1 : ${ORDINALITY} * ${EMBEDDING_DIMENSIONS}]
  FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::integer[], $7::text[])
       WITH ORDINALITY AS ${ROW}(${q('id')}, ${q('system_origin')}, ${q('session_id')}, ${q('created_at')}, ${q('kind')}, ${q('tokens')}, ${q('content')}, ${ORDINALITY})
ON CONFLICT (${q('id')}) DO NOTHING`;

const EDGE_INSERT = `INSERT INTO ${demoTable(EDGES_TABLE)} (${columnList(EDGE_COLUMNS)})
SELECT ${ROW}.${q('src')}, ${ROW}.${q('dst')}, ${ROW}.${q('relation')}, ${ROW}.${q('weight')}, ${fromEpochMs('created_at')}
  FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::real[], $5::bigint[])
       AS ${ROW}(${q('src')}, ${q('dst')}, ${q('relation')}, ${q('weight')}, ${q('created_at')})
ON CONFLICT (${q('src')}, ${q('dst')}, ${q('relation')}) DO NOTHING`;

/** A `{1,2,3}` array literal; numbers need no quoting or escaping. */
export function numberArrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

/** The embeddings of `rows`, end to end, as a one-dimensional `real[]` in binary wire format. */
export function binaryEmbeddings(rows: readonly DemoChunk[]): Buffer {
  const count = rows.length * EMBEDDING_DIMENSIONS;
  // Header: dimensions, has-nulls flag, element type, then (length, lower bound) per dimension.
  const buffer = Buffer.allocUnsafe(20 + count * 8);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeInt32BE(FLOAT4_OID, 8);
  buffer.writeInt32BE(count, 12);
  buffer.writeInt32BE(1, 16);
  let offset = 20;
  for (const row of rows) {
    if (row.embedding.length !== EMBEDDING_DIMENSIONS) {
      throw new RangeError(`Chunk ${row.id} has ${row.embedding.length} embedding values instead of ${EMBEDDING_DIMENSIONS}.`);
    }
    for (const value of row.embedding) {
      buffer.writeInt32BE(4, offset);
      buffer.writeFloatBE(value, offset + 4);
      offset += 8;
    }
  }
  return buffer;
}

/** Named, so each pooled connection parses and plans it once. */
export function chunkInsertQuery(rows: readonly DemoChunk[]): pg.QueryConfig {
  return {
    name: 'hotpath-demo-insert-chunks',
    text: CHUNK_INSERT,
    values: [
      numberArrayLiteral(rows.map((r) => r.id)),
      rows.map((r) => r.systemOrigin),
      numberArrayLiteral(rows.map((r) => r.sessionId)),
      numberArrayLiteral(rows.map((r) => r.createdAt.getTime())),
      rows.map((r) => r.kind),
      numberArrayLiteral(rows.map((r) => r.tokens)),
      rows.map((r) => r.content),
      binaryEmbeddings(rows),
    ],
  };
}

export function edgeInsertQuery(rows: readonly DemoEdge[]): pg.QueryConfig {
  return {
    name: 'hotpath-demo-insert-edges',
    text: EDGE_INSERT,
    values: [
      numberArrayLiteral(rows.map((r) => r.src)),
      numberArrayLiteral(rows.map((r) => r.dst)),
      rows.map((r) => r.relation),
      numberArrayLiteral(rows.map((r) => r.weight)),
      numberArrayLiteral(rows.map((r) => r.createdAt.getTime())),
    ],
  };
}
