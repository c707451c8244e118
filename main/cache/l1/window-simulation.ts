/**
 * Chooses the admission window by simulation rather than hill climbing (the idea of Caffeine's
 * MiniSimClimber, with SHARDS-style hashed sampling). A hashed sample of the keys is replayed
 * through a few small shadow W-TinyLFU caches, each with a fixed window share from LFU-like (1%)
 * to exactly LRU (100%); after every period the real cache adopts the share whose shadow scored
 * best recently. Why: on bursty traces one sample's hit rate moves by more than any window change
 * does, so a climber comparing consecutive samples random-walks (orm-busy @ 500: 68.6% vs LRU's
 * 69.3%), whereas the shadows see the same requests at the same time and differ only by their window.
 * Cost: sampled keys run through every shadow; the others pay a hash mix and a compare.
 */
import { seededRandom } from '../../util/random.ts';
import { spread } from './frequency-sketch.ts';
import type { PolicyOptions, WTinyLfuPolicy } from './w-tinylfu-policy.ts';

/** The shares tried. Six keep the cost down; eight or ten did not choose better on our traces. */
export const WINDOW_SHARES: readonly number[] = [0.01, 0.1, 0.25, 0.5, 0.75, 1];
/** Shadows hold at least this many entries: at 64 they mis-rank the shares (orm-busy @ 500: 70.0% vs 70.9%). */
const MIN_SHADOW_ENTRIES = 128;
/** Sampled requests between two decisions, in shadow capacities: short enough to follow phases. */
const PERIOD_CAPACITIES = 3;
/** Weight of the past in the scores (per period): recent periods decide, one noisy period does not. */
const DECAY = 0.8;
/** A new share must score 3% above the current one: each switch costs while the cache reshapes. */
const HYSTERESIS = 0.03;

/** Creates a fixed-window policy for a shadow (injected: the policy module imports this one). */
export type PolicyFactory = (options: PolicyOptions) => WTinyLfuPolicy;

/** One shadow cache: keys are known by their hash only (a rare collision just blurs the score). */
class Shadow {
  readonly policy: WTinyLfuPolicy;
  private readonly slots = new Map<number, number>();
  private readonly free: number[] = [];
  private next = 0;
  /** Hits in the current period, and the decayed sum of the past periods' hits. */
  hits = 0;
  score = 0;

  constructor(create: PolicyFactory, maximum: number, entries: number, share: number, seed: number) {
    this.policy = create({
      maximum,
      expectedEntries: entries,
      adaptive: false,
      windowPercent: share,
      random: seededRandom(seed),
      onEvict: (slot) => {
        this.slots.delete(this.policy.hashOf(slot));
        this.free.push(slot);
      },
      isExpired: () => false,
    });
  }

  access(hash: number, weight: number): void {
    const slot = this.slots.get(hash);
    if (slot !== undefined) {
      this.hits += 1;
      this.policy.onHit(slot);
      return;
    }
    this.policy.onMiss(hash);
    const fresh = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (fresh === this.next - 1) this.policy.grow(Math.max(16, 2 ** Math.ceil(Math.log2(this.next))));
    this.slots.set(hash, fresh);
    this.policy.add(fresh, hash, weight);
  }
}

export class WindowSimulation {
  private readonly shadows: Shadow[];
  private readonly sampleMask: number;
  private readonly period: number;
  private sampled = 0;
  /** The window share the real cache should use now. */
  share: number;

  /**
   * @param maximum the real cache's maximum (bytes, or entries); shadows get `maximum / rate`
   * @param expectedEntries the real cache's entry count, which sets the sampling rate
   */
  constructor(create: PolicyFactory, maximum: number, expectedEntries: number, initialShare: number) {
    let rate = 1; // a power of two, so that a shadow keeps about MIN_SHADOW_ENTRIES entries or more
    while (expectedEntries / (rate * 2) >= MIN_SHADOW_ENTRIES) rate *= 2;
    this.sampleMask = rate - 1;
    const entries = Math.max(1, Math.round(expectedEntries / rate));
    this.period = PERIOD_CAPACITIES * entries;
    this.shadows = WINDOW_SHARES.map((share, i) => new Shadow(create, maximum / rate, entries, share, 0x5eed + i));
    this.share = initialShare;
  }

  /** One request of a key (a hit, or the insertion after a miss); true when `share` changed. */
  record(hash: number, weight: number): boolean {
    // Remixed so that the sample does not follow the sketch's own use of the hash bits.
    if ((Math.imul(spread(hash), 0x9e3779b1) >>> 16) & this.sampleMask) return false;
    for (let i = 0; i < this.shadows.length; i += 1) this.shadows[i]!.access(hash, weight);
    if (++this.sampled < this.period) return false;
    this.sampled = 0;
    let best = 0;
    for (let i = 0; i < this.shadows.length; i += 1) {
      const shadow = this.shadows[i]!;
      shadow.score = DECAY * shadow.score + shadow.hits;
      shadow.hits = 0;
      if (shadow.score > this.shadows[best]!.score) best = i;
    }
    const current = this.shadows[WINDOW_SHARES.indexOf(this.share)];
    if (current !== undefined && this.shadows[best]!.score <= current.score * (1 + HYSTERESIS)) return false;
    if (WINDOW_SHARES[best] === this.share) return false;
    this.share = WINDOW_SHARES[best]!;
    return true;
  }

  /** Each shadow's window share, score and entry count (for tests and diagnostics; allocates). */
  scores(): { share: number; score: number; entries: number }[] {
    return this.shadows.map((shadow, i) => ({ share: WINDOW_SHARES[i]!, score: shadow.score, entries: shadow.policy.entries }));
  }
}
