/**
 * Partial selection over indexes keyed by (key, index): after `selectNth`, `order[nth]` holds the index of rank
 * `nth` in ascending (key, index) order and every index before it ranks earlier. Keys tie-break on the index, so the
 * order is total: the same input always selects the same indexes, as a stable sort of (key, index) would.
 * Used by the plan selector's nearest-neighbour ranking (keys: distances) and the hot-key table's prunes (keys:
 * negated counts, so that the most counted, then the earliest recorded, come first).
 */

/** True when index `a` comes before index `b`: smaller key, then smaller index. */
function before(keys: Float64Array, a: number, b: number): boolean {
  const da = keys[a]!;
  const db = keys[b]!;
  return da < db || (da === db && a < b);
}

function swap(order: Int32Array, i: number, j: number): void {
  const t = order[i]!;
  order[i] = order[j]!;
  order[j] = t;
}

/**
 * Rearranges `order[left … right]` so that `order[nth]` holds the index of rank `nth` and every index before it
 * comes earlier in (key, index) order. Floyd–Rivest: a sampled pivot range keeps it linear on sorted or clustered
 * input (distances of near-duplicate chunks are, and counts are mostly ties), where a naive pivot would go quadratic.
 */
export function selectNth(order: Int32Array, keys: Float64Array, nth: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = nth - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(nth - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(nth + ((n - m) * s) / n + sd));
      selectNth(order, keys, nth, newLeft, newRight);
    }
    const pivot = order[nth]!;
    let i = left;
    let j = right;
    swap(order, left, nth);
    if (before(keys, pivot, order[right]!)) swap(order, left, right);
    while (i < j) {
      swap(order, i, j);
      i += 1;
      j -= 1;
      while (before(keys, order[i]!, pivot)) i += 1;
      while (before(keys, pivot, order[j]!)) j -= 1;
    }
    if (order[left] === pivot) swap(order, left, j);
    else {
      j += 1;
      swap(order, j, right);
    }
    if (j <= nth) left = j + 1;
    if (nth <= j) right = j - 1;
  }
}
