/**
 * A query's shape: its features bucketed so that similar queries share one plan-cache entry and one set of
 * per-shape measurements. A number, not a string: the shape is looked up on every query (plan cache, shape
 * evidence, the trainer's strata), and a small integer key costs no allocation and no string hashing there.
 *
 * Layout (mixed radix, at most 25 bits, so always a small integer): k bucket (4) · depth (4) · three rounded
 * log2 sizes (64 each) · neighbourhood cached · filter set cached · filtered.
 */

export interface ShapeParts {
  /** k bucket, 0..3 (see `kBucket`). */
  kBucket: number;
  /** 0 without an anchor, else 1..3. */
  depth: number;
  log2Neighbourhood: number;
  log2FilterRows: number;
  log2Rows: number;
  neighbourhoodCached: 0 | 1;
  filterSetCached: 0 | 1;
  /**
   * The query has filters at all. Without it an unfiltered query and a broad filter (a common origin, a long
   * window) round to the same sizes, yet every plan ties on the first while fetching the filter set is the
   * dearest part of the second: one shape mixed the two and its measurements described neither.
   */
  filtered: 0 | 1;
}

const SIZE_RADIX = 64;

/**
 * k in four buckets: the plans' costs change with k only through how deep a ranked scan must go, and that is
 * coarse. Sizes by rounded log2: a plan's cost is roughly linear in the sets it touches, so a factor of √2
 * either way rarely changes which plan wins, while keeping the number of shapes (plan-cache entries) small.
 */
export function kBucket(k: number): number {
  return k <= 10 ? 0 : k <= 25 ? 1 : k <= 50 ? 2 : 3;
}

function sizeBucket(log2: number): number {
  const b = Math.round(log2);
  return b < 0 ? 0 : b >= SIZE_RADIX ? SIZE_RADIX - 1 : b;
}

export function encodeShape(p: ShapeParts): number {
  let s = p.kBucket & 3;
  s = s * 4 + (p.depth & 3);
  s = s * SIZE_RADIX + sizeBucket(p.log2Neighbourhood);
  s = s * SIZE_RADIX + sizeBucket(p.log2FilterRows);
  s = s * SIZE_RADIX + sizeBucket(p.log2Rows);
  s = s * 2 + p.neighbourhoodCached;
  s = s * 2 + p.filterSetCached;
  return s * 2 + p.filtered;
}

/** A shape for people (diagnostics, test messages), e.g. `k0d1n6f10r16c01F1`. */
export function describeShape(shape: number): string {
  let s = shape;
  const take = (radix: number): number => {
    const digit = s % radix;
    s = (s - digit) / radix;
    return digit;
  };
  const filtered = take(2);
  const fc = take(2);
  const nc = take(2);
  const r = take(SIZE_RADIX);
  const f = take(SIZE_RADIX);
  const n = take(SIZE_RADIX);
  const d = take(4);
  const k = take(4);
  return `k${k}d${d}n${n}f${f}r${r}c${nc}${fc}F${filtered}`;
}
