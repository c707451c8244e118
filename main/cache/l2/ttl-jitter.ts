/**
 * Spreads a TTL uniformly over ±fraction (0.1 = ±10%) so that keys written together (a warm-up, a bulk
 * load) do not all expire in the same instant and stampede the database. Never below 1 ms: PX 0 is an error.
 */
export function jitterTtl(ttlMs: number, fraction: number, random: () => number = Math.random): number {
  const spread = fraction === 0 ? 0 : ttlMs * fraction * (2 * random() - 1);
  return Math.max(1, Math.round(ttlMs + spread));
}
