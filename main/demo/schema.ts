import type pg from 'pg';
import { quoteIdent, quoteQualified } from '../sql/identifiers.ts';

/**
 * The `unified` demo schema: chunks with an embedding and a graph of edges between them. It has
 * primary keys and nothing else, on purpose: the index advisor's "Optimize" must have real work.
 */
export const DEMO_SCHEMA = 'unified';
export const EMBEDDING_DIMENSIONS = 32;

export const CHUNKS_TABLE = 'chunks';
export const EDGES_TABLE = 'edges';
export const SEED_STATE_TABLE = 'seed_state';

/** Anything that runs a query: a `pg.Client`, a checked-out `PoolClient` or a `pg.Pool`. */
export interface SqlRunner {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export function demoTable(table: string): string {
  return quoteQualified(DEMO_SCHEMA, table);
}

type ColumnDefinition = readonly [name: string, type: string];

function columns(definitions: readonly ColumnDefinition[], constraint = ''): string {
  return definitions.map(([name, type]) => `${quoteIdent(name)} ${type}${constraint}`).join(',\n  ');
}

function primaryKey(...names: string[]): string {
  return `PRIMARY KEY (${names.map(quoteIdent).join(', ')})`;
}

/** Column names and types of the data tables (every column is NOT NULL), shared with the insert statements. */
export const CHUNK_COLUMNS = [
  ['id', 'bigint'],
  ['system_origin', 'text'],
  ['session_id', 'bigint'],
  ['created_at', 'timestamptz'],
  ['kind', 'text'],
  ['tokens', 'integer'],
  ['content', 'text'],
  ['embedding', 'real[]'],
] as const satisfies readonly ColumnDefinition[];

export const EDGE_COLUMNS = [
  ['src', 'bigint'],
  ['dst', 'bigint'],
  ['relation', 'text'],
  ['weight', 'real'],
  ['created_at', 'timestamptz'],
] as const satisfies readonly ColumnDefinition[];

// One row at most (the key is a constant `true`): what the last seed promised and whether it finished.
const SEED_STATE_COLUMNS = [
  ['singleton', 'boolean NOT NULL DEFAULT true CHECK (singleton)'],
  ['target_chunks', 'bigint NOT NULL'],
  ['generator_seed', 'bigint NOT NULL'],
  ['generator_version', 'integer NOT NULL'],
  ['data_end_at', 'timestamptz NOT NULL'],
  ['started_at', 'timestamptz NOT NULL'],
  ['completed_at', 'timestamptz'],
  // The generator decides the edge count; recorded on completion so lost edges are noticed too.
  ['completed_edges', 'bigint'],
] as const satisfies readonly ColumnDefinition[];

/** The demo's tables, each with its columns as `CREATE TABLE` takes them and its key. */
const TABLE_DEFINITIONS: Record<string, { columns: readonly ColumnDefinition[]; notNull: boolean; key: string[] }> = {
  [CHUNKS_TABLE]: { columns: CHUNK_COLUMNS, notNull: true, key: ['id'] },
  // No foreign keys: the generator guarantees both ends exist, and a check per edge end would
  // slow the seed without protecting anything the demo needs.
  [EDGES_TABLE]: { columns: EDGE_COLUMNS, notNull: true, key: ['src', 'dst', 'relation'] },
  [SEED_STATE_TABLE]: { columns: SEED_STATE_COLUMNS, notNull: false, key: ['singleton'] },
};

export const DEMO_TABLES = [CHUNKS_TABLE, EDGES_TABLE, SEED_STATE_TABLE] as const;

/** PostgreSQL's own spelling (format_type) of the types we write, for comparing with the catalog. */
const CATALOG_TYPE: Record<string, string> = { timestamptz: 'timestamp with time zone' };

/** Each column of a demo table as the catalog shows it: name, format_type, NOT NULL. */
export function expectedColumns(table: string): { name: string; type: string; notNull: boolean }[] {
  const definition = TABLE_DEFINITIONS[table]!;
  return definition.columns.map(([name, type]) => {
    const bare = type.split(/ NOT NULL| DEFAULT| CHECK/)[0]!;
    return {
      name,
      type: CATALOG_TYPE[bare] ?? bare,
      notNull: definition.notNull || type.includes('NOT NULL') || definition.key.includes(name),
    };
  });
}

/** `CREATE TABLE` for one demo table (the schema must exist). */
export function createTableStatement(table: string): string {
  const definition = TABLE_DEFINITIONS[table]!;
  return `CREATE TABLE ${demoTable(table)} (
  ${columns(definition.columns, definition.notNull ? ' NOT NULL' : '')},
  ${primaryKey(...definition.key)}
)`;
}

export interface SeedState {
  targetChunks: number;
  seed: number;
  generatorVersion: number;
  dataEndAt: Date;
  completedAt: Date | null;
  completedEdges: number | null;
}

export interface DemoDataStatus {
  chunks: number;
  edges: number;
  /** The recorded seed finished and the row counts still match what it wrote. */
  complete: boolean;
  /** Chunks the recorded seed was asked for; 0 when no seed was ever started. */
  targetChunks: number;
  seedState: SeedState | null;
}

/** Reads the recorded seed; null when there is none. */
export async function readSeedState(client: SqlRunner): Promise<SeedState | null> {
  const q = quoteIdent;
  const { rows } = await client.query<{
    target: string;
    seed: string;
    version: number;
    end_at: Date;
    completed_at: Date | null;
    completed_edges: string | null;
  }>(
    `SELECT ${q('target_chunks')} AS target, ${q('generator_seed')} AS seed, ${q('generator_version')} AS version,
            ${q('data_end_at')} AS end_at, ${q('completed_at')} AS completed_at, ${q('completed_edges')} AS completed_edges
       FROM ${demoTable(SEED_STATE_TABLE)}`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    targetChunks: Number(row.target),
    seed: Number(row.seed),
    generatorVersion: row.version,
    dataEndAt: row.end_at,
    completedAt: row.completed_at,
    completedEdges: row.completed_edges === null ? null : Number(row.completed_edges),
  };
}

/** What demo data the database holds; null when the schema (or one of its tables) is absent. */
export async function demoDataStatus(client: SqlRunner): Promise<DemoDataStatus | null> {
  const { rows: present } = await client.query<{ all_present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL AS all_present',
    [demoTable(CHUNKS_TABLE), demoTable(EDGES_TABLE), demoTable(SEED_STATE_TABLE)],
  );
  if (present[0]?.all_present !== true) return null;
  const { rows } = await client.query<{ chunks: string; edges: string }>(
    `SELECT (SELECT count(*) FROM ${demoTable(CHUNKS_TABLE)}) AS chunks, (SELECT count(*) FROM ${demoTable(EDGES_TABLE)}) AS edges`,
  );
  const chunks = Number(rows[0]?.chunks ?? 0);
  const edges = Number(rows[0]?.edges ?? 0);
  const seedState = await readSeedState(client);
  const complete =
    seedState !== null && seedState.completedAt !== null && chunks === seedState.targetChunks && edges === seedState.completedEdges;
  return { chunks, edges, complete, targetChunks: seedState?.targetChunks ?? 0, seedState };
}
