import type { HybridFilters } from './planner-types.ts';

/** True when the filters restrict nothing (every chunk passes). */
export function hasFilters(filters: HybridFilters): boolean {
  return filters.origins !== undefined || filters.kinds !== undefined || filters.since !== undefined || filters.until !== undefined;
}

/** The filters compiled against one store's dictionaries: a few array reads per row. */
export interface CompiledFilter {
  /** Indexed by origin code (0 = NULL); absent: any origin, NULL included. */
  readonly origins: Uint8Array | undefined;
  readonly kinds: Uint8Array | undefined;
  /** Microseconds since the epoch; -Infinity / Infinity when absent. */
  readonly sinceMicros: number;
  readonly untilMicros: number;
  /** Whether created_at is tested at all (a NULL created_at fails any test, as in SQL). */
  readonly timed: boolean;
}

/** One chunk's filter columns as the loader reads them. */
export interface FilterColumnsRow {
  origin: string | null;
  kind: string | null;
  /** created_at in whole microseconds since the epoch (exact, as PostgreSQL stores it), or null. */
  createdAtMicros: number | null;
}

/**
 * The columns hybrid queries filter on (`system_origin`, `kind`, `created_at`), held per store row beside the
 * embeddings, so a filter costs array reads instead of a statement. Text values are dictionary codes (0 for NULL);
 * times are whole microseconds, PostgreSQL's own resolution, so `created_at >= since` is decided exactly as the
 * server would. NULLs pass no test, as `= ANY(…)` and comparisons with NULL do not in SQL. Like the embeddings, the
 * columns are the snapshot of the last load (the demo's rows are never updated after seeding).
 */
export class ChunkFilterColumns {
  readonly rows: number;
  readonly #origins: Int32Array;
  readonly #kinds: Int32Array;
  readonly #createdAt: Float64Array;
  readonly #originCodes: ReadonlyMap<string, number>;
  readonly #kindCodes: ReadonlyMap<string, number>;
  #scratchRows: Int32Array | undefined;

  constructor(
    origins: Int32Array,
    kinds: Int32Array,
    createdAt: Float64Array,
    originCodes: ReadonlyMap<string, number>,
    kindCodes: ReadonlyMap<string, number>,
  ) {
    if (kinds.length !== origins.length || createdAt.length !== origins.length)
      throw new RangeError('Every filter column needs one value per row.');
    this.rows = origins.length;
    this.#origins = origins;
    this.#kinds = kinds;
    this.#createdAt = createdAt;
    this.#originCodes = originCodes;
    this.#kindCodes = kindCodes;
  }

  /** Columns where every value is NULL: no filter passes (a store built without its columns, e.g. in a test). */
  static allNull(rows: number): ChunkFilterColumns {
    return new ChunkFilterColumns(
      new Int32Array(rows),
      new Int32Array(rows),
      new Float64Array(rows).fill(Number.NaN),
      new Map(),
      new Map(),
    );
  }

  get bytes(): number {
    return this.#origins.byteLength + this.#kinds.byteLength + this.#createdAt.byteLength;
  }

  /** The filters against this store's dictionaries; a value the data never had matches no row. */
  compile(filters: HybridFilters): CompiledFilter {
    const mask = (values: readonly string[] | undefined, codes: ReadonlyMap<string, number>): Uint8Array | undefined => {
      if (values === undefined) return undefined;
      const allowed = new Uint8Array(codes.size + 1);
      for (const value of values) {
        const code = codes.get(value);
        if (code !== undefined) allowed[code] = 1;
      }
      return allowed;
    };
    return {
      origins: mask(filters.origins, this.#originCodes),
      kinds: mask(filters.kinds, this.#kindCodes),
      sinceMicros: filters.since === undefined ? -Infinity : filters.since.getTime() * 1000,
      untilMicros: filters.until === undefined ? Infinity : filters.until.getTime() * 1000,
      timed: filters.since !== undefined || filters.until !== undefined,
    };
  }

  /** Whether the chunk at `row` passes. */
  passes(row: number, filter: CompiledFilter): boolean {
    if (filter.origins !== undefined && filter.origins[this.#origins[row]!] !== 1) return false;
    if (filter.kinds !== undefined && filter.kinds[this.#kinds[row]!] !== 1) return false;
    if (!filter.timed) return true;
    // NaN (NULL) fails both comparisons.
    const at = this.#createdAt[row]!;
    return at >= filter.sinceMicros && at < filter.untilMicros;
  }

  /** The rows passing, ascending (so their ids ascend too). */
  rowsPassing(filter: CompiledFilter): Int32Array {
    // One scratch array for every pass (they are synchronous): a pass allocates only its result.
    this.#scratchRows ??= new Int32Array(this.rows);
    const out = this.#scratchRows;
    let n = 0;
    for (let row = 0; row < this.rows; row += 1) if (this.passes(row, filter)) out[n++] = row;
    return out.slice(0, n);
  }
}

/** Collects the columns row by row, in load order, as the pages arrive. */
export class FilterColumnsBuilder {
  readonly #origins: number[] = [];
  readonly #kinds: number[] = [];
  readonly #createdAt: number[] = [];
  readonly #originCodes = new Map<string, number>();
  readonly #kindCodes = new Map<string, number>();

  push(values: FilterColumnsRow): void {
    this.#origins.push(codeOf(this.#originCodes, values.origin));
    this.#kinds.push(codeOf(this.#kindCodes, values.kind));
    this.#createdAt.push(values.createdAtMicros ?? Number.NaN);
  }

  build(): ChunkFilterColumns {
    return new ChunkFilterColumns(
      Int32Array.from(this.#origins),
      Int32Array.from(this.#kinds),
      Float64Array.from(this.#createdAt),
      this.#originCodes,
      this.#kindCodes,
    );
  }
}

function codeOf(codes: Map<string, number>, value: string | null): number {
  if (value === null) return 0;
  let code = codes.get(value);
  if (code === undefined) {
    code = codes.size + 1;
    codes.set(value, code);
  }
  return code;
}
