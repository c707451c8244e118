/**
 * A rough byte size for values whose size the caller did not give. It only has to be
 * proportionate (a byte-bounded cache compares entries with each other), so it walks at
 * most a few levels and a few hundred fields instead of measuring the heap exactly.
 */
const OBJECT_OVERHEAD = 16;
const MAX_DEPTH = 4;
const MAX_FIELDS = 256;

export function estimateSize(key: unknown, value: unknown): number {
  const budget = { fields: MAX_FIELDS };
  return OBJECT_OVERHEAD + sizeOf(key, 0, budget) + sizeOf(value, 0, budget);
}

function sizeOf(value: unknown, depth: number, budget: { fields: number }): number {
  switch (typeof value) {
    case 'string':
      return 12 + 2 * value.length;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
    case 'undefined':
    case 'symbol':
    case 'function':
      return 4;
    default:
      break;
  }
  if (value === null) return 4;
  if (ArrayBuffer.isView(value)) return OBJECT_OVERHEAD + value.byteLength;
  if (value instanceof ArrayBuffer) return OBJECT_OVERHEAD + value.byteLength;
  if (depth >= MAX_DEPTH || budget.fields <= 0) return OBJECT_OVERHEAD;
  let total = OBJECT_OVERHEAD;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (--budget.fields < 0) break;
      total += 8 + sizeOf(item, depth + 1, budget);
    }
    return total;
  }
  for (const field in value as Record<string, unknown>) {
    if (--budget.fields < 0) break;
    total += 8 + 2 * field.length + sizeOf((value as Record<string, unknown>)[field], depth + 1, budget);
  }
  return total;
}
