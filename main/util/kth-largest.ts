/**
 * The k-th largest of the first `length` values (k = 1 is the maximum), by quickselect: expected O(length), no
 * allocation. It reorders those values in place; the caller passes a scratch array it does not need sorted.
 * Pivot: the median of the first, middle and last value, so that an already ordered array is not the worst case.
 */
export function kthLargest(values: Int32Array, length: number, k: number): number {
  if (!(Number.isInteger(k) && k >= 1 && k <= length && length <= values.length)) {
    throw new RangeError(`k must be an integer in 1..${length} (got ${k})`);
  }
  // In ascending order the k-th largest sits at index length - k.
  const target = length - k;
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const pivot = medianOfThree(values[low]!, values[(low + high) >>> 1]!, values[high]!);
    // Hoare's partition: [low, j] ≤ pivot ≤ [j + 1, high].
    let i = low - 1;
    let j = high + 1;
    for (;;) {
      do i += 1;
      while (values[i]! < pivot);
      do j -= 1;
      while (values[j]! > pivot);
      if (i >= j) break;
      const swap = values[i]!;
      values[i] = values[j]!;
      values[j] = swap;
    }
    if (target <= j) high = j;
    else low = j + 1;
  }
  return values[target]!;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}
