/**
 * Which tiers a value goes to, by its encoded size. Small values live in memory (L1) and Redis (L2), the
 * hot path. Large ones skip L1 (a few would evict thousands of small entries) and go to L2+L3, or to L3
 * only when configured (large values in Redis cost its memory and every hit ships them over the network).
 */
export type TierName = 'l1' | 'l2' | 'l3';

export interface PlacementPolicy {
  /** Encoded bytes above which a value is "large"; default 64 KiB. */
  largeValueBytes: number;
  /** Where large values go: 'l2+l3' (default) or 'l3' only. */
  largeTo: 'l2+l3' | 'l3';
  /** L1's per-entry ceiling; a value above it never enters L1, whatever the caller asks. */
  l1MaxEntryBytes: number;
  /** The tiers this stack has. */
  present: ReadonlySet<TierName>;
}

export function placeBySize(size: number, policy: PlacementPolicy, requested?: readonly TierName[]): TierName[] {
  const fitsL1 = (tier: TierName): boolean => tier !== 'l1' || size <= policy.l1MaxEntryBytes;
  const usable = (tiers: readonly TierName[]): TierName[] => tiers.filter((tier) => policy.present.has(tier) && fitsL1(tier));
  if (requested !== undefined) return usable(requested);
  const large = size > policy.largeValueBytes;
  const preferred = usable(large ? (policy.largeTo === 'l3' ? ['l3'] : ['l2', 'l3']) : ['l1', 'l2']);
  if (preferred.length > 0) return preferred;
  // The preferred tiers are absent from this stack: any tier that can hold it beats not caching.
  return usable(large ? ['l2', 'l1'] : ['l3']).slice(0, 1);
}

/**
 * The tiers above the one that hit, to fill on the way back (promotion). L1 only within its entry limit;
 * L2 not for a large value when large values are configured to live in L3 only.
 */
export function promotionTargets(hitTier: TierName, size: number, policy: PlacementPolicy): TierName[] {
  const above: TierName[] = hitTier === 'l3' ? ['l2', 'l1'] : hitTier === 'l2' ? ['l1'] : [];
  return above.filter((tier) => {
    if (!policy.present.has(tier)) return false;
    if (tier === 'l1') return size <= policy.l1MaxEntryBytes;
    return !(size > policy.largeValueBytes && policy.largeTo === 'l3');
  });
}
