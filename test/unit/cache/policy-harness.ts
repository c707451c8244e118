import { hashKey } from '../../../main/cache/l1/frequency-sketch.ts';
import { WTinyLfuPolicy, type PolicyOptions } from '../../../main/cache/l1/w-tinylfu-policy.ts';
import { seededRandom } from '../../../main/util/random.ts';

/**
 * A fixed-window policy over 10 entries (a 1-entry window unless `options` says otherwise); keys are their own
 * slots, and `request` does what the L1 does on a get: a hit, or a miss followed by an add.
 */
export function policyHarness(options: Partial<PolicyOptions> = {}) {
  const resident = new Set<number>();
  const policy = new WTinyLfuPolicy({
    maximum: 10,
    expectedEntries: 10,
    adaptive: false,
    windowPercent: 0.1,
    random: seededRandom(1),
    onEvict: (slot) => resident.delete(slot),
    isExpired: () => false,
    ...options,
  });
  policy.grow(1024);
  const request = (key: number) => {
    if (resident.has(key)) return policy.onHit(key);
    policy.onMiss(hashKey(key));
    resident.add(key);
    policy.add(key, hashKey(key), 1);
  };
  return { policy, resident, request };
}
