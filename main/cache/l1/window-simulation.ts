/**
 * Chooses the admission window by simulation rather than hill climbing (the idea of Caffeine's
 * MiniSimClimber, with SHARDS-style hashed sampling). A hashed sample of the keys is replayed
 * through a few small shadow W-TinyLFU caches, each with a fixed window share from LFU-like (1%)
 * to exactly LRU (100%), some with recency memory (`VARIANTS`); after every period the real cache
 * adopts the variant whose shadow scored best recently, by more than chance explains (`Z`).
 * Why: on bursty traces one sample's hit rate moves by more than any window change does, so a
 * climber comparing consecutive samples random-walks (it ended below LRU on orm-busy: see
 * docs/measurements.md), whereas the shadows see the same requests at the same time and differ
 * only by their window.
 * Cost: the caller tests `isSampled` once per key (the cache keeps the answer per entry, so a hit
 * pays one byte load); a sampled request costs one map lookup and one sketch increment, shared by
 * all shadows (they count the same requests, so one sketch serves them all), plus each shadow's
 * list moves.
 */
import { seededRandom } from '../../util/random.ts';
import { FrequencySketch, spread } from './frequency-sketch.ts';

/** The shares tried. Six keep the cost down; eight or ten did not choose better on our traces. */
export const WINDOW_SHARES: readonly number[] = [0.01, 0.1, 0.25, 0.5, 0.75, 1];

/** One shadow's fixed policy: a window share, and whether it remembers evicted keys and duels for admission. */
export interface Variant {
  share: number;
  ghost: boolean;
  admitAll: boolean;
}

/**
 * The policies tried. Recency memory (a ghost of turned-away keys) wins where popularity shifts and
 * loses on loops, whose keys return just after being turned away; a segmented LRU with a ghost (no duel,
 * close to ARC) wins where most reuse is short. No static choice is best on every trace, so the sample
 * decides, as it does for the window. The ghost is tried with the small windows only: from a half
 * window up, the window's own recency already keeps what the ghost would bring back.
 */
export const VARIANTS: readonly Variant[] = [
  ...WINDOW_SHARES.map((share) => ({ share, ghost: false, admitAll: false })),
  ...[0.01, 0.1, 0.25].map((share) => ({ share, ghost: true, admitAll: false })),
  { share: 0.01, ghost: true, admitAll: true },
];
/** Shadows hold at least this many entries: half as many mis-ranked the shares on a bursty trace (docs/measurements.md). */
const MIN_SHADOW_ENTRIES = 128;
/** Sampled requests between two decisions, in shadow capacities: short enough to follow phases. */
const PERIOD_CAPACITIES = 3;
/**
 * Weight of the past in the scores (per period): recent periods decide, one noisy period does not, and
 * neither does a cycle whose phases favour two policies in turn (switching back and forth costs more
 * than staying with either).
 */
const DECAY = 0.9;
/** A new share must score 3% above the current one: each switch costs while the cache reshapes. */
const HYSTERESIS = 0.03;
/**
 * And its lead must be more than chance: the two shadows saw the same requests, so only those that
 * one hit and the other missed tell them apart (McNemar's test). With d such requests and no real
 * difference, the lead has a standard deviation of √d; a switch needs a lead of Z·√d (one-sided ~98%).
 * Why: on the small traces the first periods' leads are often noise, and following one reshapes the
 * cache for nothing (docs/measurements.md).
 */
const Z = 2;

/** The options a shadow is created with: a fixed window over the simulation's shared sketch. */
export interface ShadowOptions {
  maximum: number;
  expectedEntries: number;
  adaptive: false;
  windowPercent: number;
  random: () => number;
  onEvict: (slot: number) => void;
  isExpired: (slot: number) => boolean;
  sharedSketch: FrequencySketch;
  ghost: boolean;
  admitAll: boolean;
}

/** What the simulation uses of a shadow policy (a fixed-window WTinyLfuPolicy). */
export interface ShadowPolicy {
  readonly entries: number;
  grow(slots: number): void;
  onHit(slot: number): void;
  add(slot: number, hash: number, weight: number): void;
}

/**
 * Creates a fixed-window policy for a shadow. Injected, and typed by the interfaces above: the policy module
 * imports this one, so this one names nothing of the policy's.
 */
export type PolicyFactory = (options: ShadowOptions) => ShadowPolicy;

/**
 * Keys are known by their hash only (a rare collision just blurs the scores). Every sampled key
 * has one id, the same slot number in every shadow that holds it, so one map lookup serves all
 * shadows; `members` has bit i set while shadow i holds the key, and the id is freed when none does.
 */
export class WindowSimulation {
  private readonly shadows: ShadowPolicy[];
  private readonly sketch: FrequencySketch;
  private readonly ids = new Map<number, number>();
  private readonly freeIds: number[] = [];
  private members = new Uint16Array(16);
  private hashOfId = new Int32Array(16);
  private nextId = 0;
  /** The id being accessed: not freed while its own shadows evict it, the loop still uses it. */
  private current = -1;
  /** Hits of each shadow in the current period, and the decayed sum of its past periods' hits. */
  private readonly hits: Float64Array;
  private readonly scoresOf: Float64Array;
  /** discord[i * n + j]: sampled requests that shadow i hit and shadow j missed, decayed as the scores are. */
  private readonly discord: Float64Array;
  private readonly sampleMask: number;
  private readonly period: number;
  private sampled = 0;
  /** The window share the real cache should use now. */
  share: number;
  /** The rest of the variant the real cache should use now. */
  ghost = false;
  admitAll = false;

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
    this.sketch = new FrequencySketch(entries);
    this.shadows = VARIANTS.map(({ share, ghost, admitAll }, i) => {
      const bit = 1 << i;
      const shadow: ShadowPolicy = create({
        maximum: maximum / rate,
        expectedEntries: entries,
        adaptive: false,
        windowPercent: share,
        random: seededRandom(0x5eed + i),
        onEvict: (id) => this.evicted(id, bit),
        isExpired: () => false,
        sharedSketch: this.sketch,
        ghost,
        admitAll,
      });
      return shadow;
    });
    this.hits = new Float64Array(this.shadows.length);
    this.scoresOf = new Float64Array(this.shadows.length);
    this.discord = new Float64Array(this.shadows.length * this.shadows.length);
    this.share = initialShare;
  }

  /** Whether the key of this hash is in the sample (always the same answer for a hash). */
  isSampled(hash: number): boolean {
    // Remixed so that the sample does not follow the sketch's own use of the hash bits.
    return ((Math.imul(spread(hash), 0x9e3779b1) >>> 16) & this.sampleMask) === 0;
  }

  /** One request of a key (a hit, or the insertion after a miss); true when `share` or `ghost` changed. */
  record(hash: number, weight: number): boolean {
    return this.isSampled(hash) && this.recordSampled(hash, weight);
  }

  /** `record` for a hash the caller knows is sampled. */
  recordSampled(hash: number, weight: number): boolean {
    this.access(hash, weight);
    if (++this.sampled < this.period) return false;
    this.sampled = 0;
    const n = this.shadows.length;
    for (let i = 0; i < n; i += 1) {
      this.scoresOf[i] = DECAY * this.scoresOf[i]! + this.hits[i]!;
      this.hits[i] = 0;
    }
    const current = VARIANTS.findIndex((v) => v.share === this.share && v.ghost === this.ghost && v.admitAll === this.admitAll);
    const best = current < 0 ? this.highestScore() : this.significantlyBetter(current);
    for (let k = 0; k < this.discord.length; k += 1) this.discord[k] = DECAY * this.discord[k]!;
    if (best === current) return false;
    ({ share: this.share, ghost: this.ghost, admitAll: this.admitAll } = VARIANTS[best]!);
    return true;
  }

  /** The variant with the highest score (when the current share is none of the variants'). */
  private highestScore(): number {
    let best = 0;
    for (let i = 1; i < this.shadows.length; i += 1) if (this.scoresOf[i]! > this.scoresOf[best]!) best = i;
    return best;
  }

  /** The variant whose lead over the current one is largest and passes both HYSTERESIS and Z, or the current one. */
  private significantlyBetter(current: number): number {
    const n = this.shadows.length;
    let best = current;
    let bestLead = 0;
    for (let i = 0; i < n; i += 1) {
      const won = this.discord[i * n + current]!;
      const lost = this.discord[current * n + i]!;
      const lead = won - lost;
      if (lead > bestLead && lead > HYSTERESIS * this.scoresOf[current]! && lead > Z * Math.sqrt(won + lost)) {
        best = i;
        bestLead = lead;
      }
    }
    return best;
  }

  /** Each shadow's window share, ghost mode, score and entry count (for tests and diagnostics; allocates). */
  scores(): (Variant & { score: number; entries: number })[] {
    return this.shadows.map((shadow, i) => ({ ...VARIANTS[i]!, score: this.scoresOf[i]!, entries: shadow.entries }));
  }

  private access(hash: number, weight: number): void {
    this.sketch.increment(hash);
    let id = this.ids.get(hash);
    if (id === undefined) {
      id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.allocateId();
      this.ids.set(hash, id);
      this.hashOfId[id] = hash;
    }
    const members = this.members[id]!;
    this.current = id;
    if (members !== 0) this.countDiscord(members);
    for (let i = 0; i < this.shadows.length; i += 1) {
      const bit = 1 << i;
      if ((members & bit) !== 0) {
        this.hits[i] = this.hits[i]! + 1;
        this.shadows[i]!.onHit(id);
      } else {
        this.members[id] = this.members[id]! | bit;
        this.shadows[i]!.add(id, hash, weight);
      }
    }
    this.current = -1;
    if (this.members[id] === 0) this.release(id, hash);
  }

  /** Counts a request that the shadows in `held` (a bit each) hit and the others missed, for every such pair. */
  private countDiscord(held: number): void {
    const n = this.shadows.length;
    const missed = ~held & ((1 << n) - 1);
    if (missed === 0) return;
    for (let i = 0; i < n; i += 1) {
      if ((held & (1 << i)) === 0) continue;
      for (let j = 0; j < n; j += 1) if ((missed & (1 << j)) !== 0) this.discord[i * n + j] = this.discord[i * n + j]! + 1;
    }
  }

  private allocateId(): number {
    const id = this.nextId++;
    if (id >= this.members.length) {
      const members = new Uint16Array(this.members.length * 2);
      members.set(this.members);
      this.members = members;
      const hashes = new Int32Array(members.length);
      hashes.set(this.hashOfId);
      this.hashOfId = hashes;
    }
    for (const shadow of this.shadows) shadow.grow(this.members.length);
    return id;
  }

  private evicted(id: number, bit: number): void {
    const members = this.members[id]! & ~bit;
    this.members[id] = members;
    if (members === 0 && id !== this.current) this.release(id, this.hashOfId[id]!);
  }

  private release(id: number, hash: number): void {
    this.ids.delete(hash);
    this.freeIds.push(id);
  }
}
