/**
 * Replays one trace through several policies and reports hit rates, so every policy sees
 * exactly the same requests in the same run. Count-bounded runs give every entry weight 1
 * (the research tables are in entries); the byte-bounded run weighs entries by their size.
 */
import { beladyHits } from './belady.ts';
import { S3FifoPolicy, SievePolicy } from './fifo-policies.ts';
import { ArcPolicy, L1Policy, LruPolicy, type SimPolicy } from './policies.ts';
import type { Trace } from './trace-reader.ts';

export interface SimResult {
  name: string;
  hits: number;
  requests: number;
  /** Percent of requests that hit. */
  hitRate: number;
}

export const POLICY_NAMES = {
  lru: 'LRU',
  arc: 'ARC',
  sieve: 'SIEVE',
  s3fifo: 'S3-FIFO',
  fixed: 'W-TinyLFU, fixed 1% window',
  adaptive: 'Hotpath L1 (adaptive W-TinyLFU)',
  opt: 'OPT (Belady)',
} as const;

/** The policies of the comparison, fresh: count-bounded (`maximum` entries) or byte-bounded. */
export function referencePolicies(maximum: number, weighted: boolean, expectedEntries = maximum): SimPolicy[] {
  const policies: SimPolicy[] = [new LruPolicy(maximum)];
  // ARC, SIEVE and S3-FIFO are defined over pages (entries), not bytes.
  if (!weighted) policies.push(new ArcPolicy(maximum), new SievePolicy(maximum), new S3FifoPolicy(maximum));
  policies.push(...hashedPolicies(maximum, 0, expectedEntries));
  return policies;
}

/** The policies whose result depends on the key hash (fixed-window TinyLFU, then the L1), with hash `hashSeed`. */
export function hashedPolicies(maximum: number, hashSeed: number, expectedEntries = maximum): SimPolicy[] {
  return [
    new L1Policy(POLICY_NAMES.fixed, maximum, false, expectedEntries, hashSeed),
    new L1Policy(POLICY_NAMES.adaptive, maximum, true, expectedEntries, hashSeed),
  ];
}

export function runPolicy(trace: Trace, policy: SimPolicy, weighted: boolean): SimResult {
  const { keys, sizes, length } = trace;
  let hits = 0;
  for (let i = 0; i < length; i += 1) {
    if (policy.access(keys[i]!, weighted ? sizes[i]! : 1)) hits += 1;
  }
  return { name: policy.name, hits, requests: length, hitRate: percent(hits, length) };
}

/** Every reference policy plus OPT, on the same trace. */
export function simulate(trace: Trace, maximum: number, weighted = false, expectedEntries = maximum): SimResult[] {
  const results = referencePolicies(maximum, weighted, expectedEntries).map((policy) => runPolicy(trace, policy, weighted));
  const optHits = beladyHits(trace, maximum, weighted);
  const optName = weighted ? `${POLICY_NAMES.opt}, size-aware heuristic` : POLICY_NAMES.opt;
  results.push({ name: optName, hits: optHits, requests: trace.length, hitRate: percent(optHits, trace.length) });
  return results;
}

function percent(hits: number, requests: number): number {
  return requests === 0 ? 0 : (100 * hits) / requests;
}
