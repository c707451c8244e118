import { quoteIdent, quoteQualified } from '../sql/identifiers.ts';

/**
 * Where the planner's data lives: every table and column name its SQL uses comes from here, so the planner knows
 * no schema of its own. The engine passes the demo's names for the demo workload (engine/demo-planner-tables.ts).
 * The names are quoted when they enter SQL (sql/identifiers), never spliced in raw.
 */
export interface PlannerTables {
  /** The schema of every table below. */
  readonly schema: string;
  readonly chunks: {
    readonly table: string;
    /** bigint, unique: the rows' order and the graph's node ids. */
    readonly id: string;
    /** real[] of `embeddingDimensions` values. */
    readonly embedding: string;
    /** text: what `HybridFilters.origins` matches. */
    readonly origin: string;
    /** text: what `HybridFilters.kinds` matches. */
    readonly kind: string;
    /** timestamptz: what `HybridFilters.since` and `until` bound. */
    readonly createdAt: string;
  };
  /** The graph: one row per edge, followed in either direction. */
  readonly edges: {
    readonly table: string;
    readonly source: string;
    readonly target: string;
  };
  /** A one-row table holding when the data ends, if there is one; without it the newest chunk's time is used. */
  readonly dataEnd?: {
    readonly table: string;
    /** timestamptz. */
    readonly column: string;
  };
  /** How many values each embedding holds; loading refuses tables whose width is not the kernels' (EMBEDDING_DIMENSIONS). */
  readonly embeddingDimensions: number;
}

/** `schema.table`, quoted, for a table of `tables`. */
export function qualifiedTable(tables: PlannerTables, table: string): string {
  return quoteQualified(tables.schema, table);
}

/** A column name, quoted. */
export const column = quoteIdent;
