import { EMBEDDING_DIMENSIONS } from './planner-types.ts';
import { APPROX_DISTANCES_WASM } from './wasm/approx-distances-binary.ts';

const DIMS = EMBEDDING_DIMENSIONS;
if (DIMS !== 32)
  throw new Error(`The distance kernel (approx-distances.wat) is written for 32 dimensions; EMBEDDING_DIMENSIONS is ${DIMS}.`);
const ROW_BYTES = DIMS * 4;
const PAGE_BYTES = 65_536;

/**
 * Embedding values must lie within ± this. Then no float32 square or sum of 32 squares can overflow (2e18² × 32 is
 * below float32's 3.4e38), which the error bound below needs; NaN and ±Infinity are refused by the same test.
 */
export const MAX_EMBEDDING_MAGNITUDE = 1e18;

/**
 * How far an approximate distance may exceed the exact one, relative. Each float32 term (a rounded difference,
 * squared and rounded) is within 3u of the real (a − b)² (u = 2⁻²⁴), and each lane sums 8 terms (7 additions)
 * before 2 levels of adding lanes, so the sum of non-negative terms is within about (3 + 9)u ≈ 7.2e-7 of the real
 * value; the float64 `squaredDistance` is within 4e-15 of it. 1e-5 leaves a margin of more than ten. Measured on
 * random embeddings: at most 2.1e-7.
 */
export const APPROX_RELATIVE_MARGIN = 1e-5;
/** For distances so small that float32 squares underflow (absolute error at most 32 × 2⁻¹⁴⁹ ≈ 4.5e-44). */
const APPROX_ABSOLUTE_SLACK = 1e-37;

/**
 * The largest approximate distance a row may have and still be within `limit` exactly: rows above it are certainly
 * farther than `limit` and can be skipped without computing their exact distance.
 */
export function approxBound(limit: number): number {
  return limit * (1 + APPROX_RELATIVE_MARGIN) + APPROX_ABSOLUTE_SLACK;
}

let compiled: WebAssembly.Module | undefined;

/**
 * Every row's squared distance to a query, in float32 SIMD lanes (WebAssembly): four lanes an instruction and no
 * early-exit branches, several times faster than the exact float64 loop, stopped early or not (docs/measurements.md).
 * The result is approximate (float32, and not in
 * dimension order), so it never decides an answer: it only rules rows out (`approxBound`), and every row that
 * could be in an answer still gets its exact `squaredDistance`. Answers are therefore bit-identical to those
 * computed without it.
 *
 * The embeddings live in the module's memory (row r at r × 32 values), and `vectors` is the store's only copy:
 * the exact distances read the same array. Rows, the query and the output share one memory of fixed size (it never
 * grows, so the views stay valid). `compute` reuses one output array: call it again only when done with the last
 * result (plans are synchronous, so one array serves them all).
 */
export class ApproxDistances {
  readonly rows: number;
  /** The embeddings, a view of the module's memory. */
  readonly vectors: Float32Array;
  readonly #query: Float32Array;
  readonly #queryPointer: number;
  readonly #out: Float32Array;
  readonly #outPointer: number;
  readonly #kernel: (vectors: number, rows: number, query: number, out: number) => void;

  /** Copies `embeddings` (rows × 32 values, the caller has checked each with `isAcceptedEmbeddingValue`) into the module's memory. */
  constructor(embeddings: Float32Array) {
    if (embeddings.length % DIMS !== 0) throw new RangeError(`Embeddings come in rows of ${DIMS} values; got ${embeddings.length} values.`);
    this.rows = embeddings.length / DIMS;
    this.#queryPointer = this.rows * ROW_BYTES;
    this.#outPointer = this.#queryPointer + ROW_BYTES;
    const bytes = this.#outPointer + this.rows * 4;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
    compiled ??= new WebAssembly.Module(Buffer.from(APPROX_DISTANCES_WASM, 'base64'));
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    this.#kernel = instance.exports.distances as (vectors: number, rows: number, query: number, out: number) => void;
    this.vectors = new Float32Array(memory.buffer, 0, embeddings.length);
    this.vectors.set(embeddings);
    this.#query = new Float32Array(memory.buffer, this.#queryPointer, DIMS);
    this.#out = new Float32Array(memory.buffer, this.#outPointer, this.rows);
  }

  /** Bytes of the module's memory besides the embeddings (the query and the output). */
  get scratchBytes(): number {
    return this.#query.byteLength + this.#out.byteLength;
  }

  /**
   * Approximate squared distances of rows [from, to) to `query`, at those rows' positions in the returned array
   * (other positions hold stale values). The array is overwritten by the next call.
   */
  compute(query: Float32Array, from = 0, to = this.rows): Float32Array {
    if (query.length !== DIMS) throw new RangeError(`A query embedding needs ${DIMS} values; got ${query.length}.`);
    if (!(from >= 0 && from <= to && to <= this.rows)) throw new RangeError(`Rows ${from}…${to} are not within the ${this.rows} rows.`);
    this.#query.set(query);
    this.#kernel(from * ROW_BYTES, to - from, this.#queryPointer, this.#outPointer + from * 4);
    return this.#out;
  }
}

/** Whether one embedding value is one the kernel handles exactly enough (finite, within ±MAX_EMBEDDING_MAGNITUDE). */
export function isAcceptedEmbeddingValue(value: number): boolean {
  return Math.abs(value) <= MAX_EMBEDDING_MAGNITUDE;
}
