/**
 * Reference policies for the trace simulator, run on the same requests as our L1:
 * plain LRU and ARC (Megiddo & Modha). Each `access` returns whether the request hit and
 * admits the key on a miss. They favour clarity over speed: they only run in benchmarks.
 */
import { L1Cache } from '../l1/l1-cache.ts';

export interface SimPolicy {
  readonly name: string;
  /** One request; true on a hit. On a miss the key is admitted (if the policy wants it). */
  access(key: number, size: number): boolean;
}

/** LRU over a Map's insertion order (delete + set moves a key to the end), weight-bounded. */
export class LruPolicy implements SimPolicy {
  readonly name = 'LRU';
  private readonly entries = new Map<number, number>();
  private weight = 0;

  constructor(private readonly maximum: number) {}

  access(key: number, size: number): boolean {
    const stored = this.entries.get(key);
    if (stored !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, stored);
      return true;
    }
    if (size > this.maximum) return false;
    this.entries.set(key, size);
    this.weight += size;
    for (const [oldest, weight] of this.entries) {
      if (this.weight <= this.maximum) break;
      this.entries.delete(oldest);
      this.weight -= weight;
    }
    return false;
  }
}

/** ARC, count-bounded: T1/T2 hold pages seen once / at least twice, B1/B2 their ghosts, p adapts. */
export class ArcPolicy implements SimPolicy {
  readonly name = 'ARC';
  private readonly t1 = new Map<number, true>();
  private readonly t2 = new Map<number, true>();
  private readonly b1 = new Map<number, true>();
  private readonly b2 = new Map<number, true>();
  private p = 0;

  constructor(private readonly c: number) {}

  access(key: number): boolean {
    const { t1, t2, b1, b2, c } = this;
    if (t1.delete(key) || t2.delete(key)) {
      t2.set(key, true);
      return true;
    }
    if (b1.has(key)) {
      this.p = Math.min(c, this.p + Math.max(b2.size / b1.size, 1));
      this.replace(false);
      b1.delete(key);
      t2.set(key, true);
      return false;
    }
    if (b2.has(key)) {
      this.p = Math.max(0, this.p - Math.max(b1.size / b2.size, 1));
      this.replace(true);
      b2.delete(key);
      t2.set(key, true);
      return false;
    }
    const l1 = t1.size + b1.size;
    if (l1 === c) {
      if (t1.size < c) {
        deleteOldest(b1);
        this.replace(false);
      } else {
        deleteOldest(t1);
      }
    } else if (l1 < c && l1 + t2.size + b2.size >= c) {
      if (l1 + t2.size + b2.size === 2 * c) deleteOldest(b2);
      this.replace(false);
    }
    t1.set(key, true);
    return false;
  }

  /** Moves T1's or T2's LRU page to its ghost list, steered by the target p. */
  private replace(inB2: boolean): void {
    const { t1, t2 } = this;
    if (t1.size > 0 && (t1.size > this.p || (inB2 && t1.size === this.p))) {
      const oldest = deleteOldest(t1);
      if (oldest !== undefined) this.b1.set(oldest, true);
    } else {
      const oldest = deleteOldest(t2);
      if (oldest !== undefined) this.b2.set(oldest, true);
    }
  }
}

function deleteOldest(map: Map<number, true>): number | undefined {
  for (const key of map.keys()) {
    map.delete(key);
    return key;
  }
  return undefined;
}

/** Our L1 as a simulator policy: get, and set on a miss (weight = the request's size). */
export class L1Policy implements SimPolicy {
  readonly cache: L1Cache<number, number>;

  constructor(
    readonly name: string,
    maximum: number,
    adaptive: boolean,
    /** Entries the sketch is sized for; defaults to `maximum` (count-bounded runs). */
    expectedEntries = maximum,
    /** Which hash the keys get (see `L1Options.hashSeed`). */
    hashSeed = 0,
  ) {
    // The fixed-window peer is W-TinyLFU as published (LRU-ordered regions); ours promotes lazily.
    this.cache = new L1Cache<number, number>({ maxBytes: maximum, adaptive, expectedEntries, eagerPromotion: !adaptive, hashSeed });
  }

  access(key: number, size: number): boolean {
    if (this.cache.get(key) !== undefined) return true;
    this.cache.set(key, 1, { size });
    return false;
  }
}
