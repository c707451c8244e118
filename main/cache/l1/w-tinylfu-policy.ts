/**
 * W-TinyLFU admission and eviction over weighted slots, with an adaptive window.
 * New entries enter a small LRU window. When the window overflows, its oldest entries become
 * candidates at the tail of the main area's probation segment; while the whole cache is over its
 * maximum, each candidate competes with probation's oldest entry (the victim), and the count-min
 * sketch keeps whichever was requested more often. A probation hit promotes to the protected
 * segment (80% of the main area). A sampled simulation (`window-simulation.ts`) picks the window's
 * share: a big window behaves like LRU (recency-heavy traces), a tiny one like LFU.
 * The policy knows slots, hashes and weights only; the cache owns keys, values and expiry.
 */
import { FrequencySketch } from './frequency-sketch.ts';
import { NONE, SlotLinks, SlotList } from './slot-lists.ts';
import { WindowSimulation } from './window-simulation.ts';

const WINDOW = 1;
const PROBATION = 2;
const PROTECTED = 3;
const PROTECTED_SHARE = 0.8;
/** Candidates at least this popular lose to a victim only 127 times out of 128 (hash flooding defence). */
const HASHDOS_THRESHOLD = 6;

export interface PolicyOptions {
  /** Total weight allowed (bytes, or entries when every weight is 1). */
  maximum: number;
  /** Entries the sketch is sized for; grows with the cache's entry count. */
  expectedEntries: number;
  /** The window adapts by simulation (default), or stays fixed as in Caffeine 2.x. */
  adaptive: boolean;
  /** The initial window share (Caffeine: 1%). */
  windowPercent: number;
  /** 0..1, for the random admission; seeded so runs are reproducible. */
  random: () => number;
  /** Removes an evicted slot from the cache (the policy has already unlinked it). */
  onEvict: (slot: number) => void;
  /** Expired entries are evicted before any live one. */
  isExpired: (slot: number) => boolean;
}

export class WTinyLfuPolicy {
  readonly sketch: FrequencySketch;
  private simulation: WindowSimulation | undefined;
  private readonly links: SlotLinks;
  readonly window: SlotList;
  readonly probation: SlotList;
  readonly protected: SlotList;
  private queue: Uint8Array;
  private weights: Float64Array;
  private hashes: Int32Array;
  maximum: number;
  windowMaximum: number;
  protectedMaximum: number;

  constructor(private readonly options: PolicyOptions) {
    this.maximum = options.maximum;
    this.windowMaximum = initialWindow(options.maximum, options.windowPercent);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (options.maximum - this.windowMaximum));
    this.sketch = new FrequencySketch(options.expectedEntries);
    this.links = new SlotLinks(16);
    this.window = new SlotList(this.links);
    this.probation = new SlotList(this.links);
    this.protected = new SlotList(this.links);
    this.queue = new Uint8Array(16);
    this.weights = new Float64Array(16);
    this.hashes = new Int32Array(16);
    this.simulation = this.newSimulation(options.windowPercent);
  }

  get weightedSize(): number {
    return this.window.weight + this.probation.weight + this.protected.weight;
  }

  get entries(): number {
    return this.window.count + this.probation.count + this.protected.count;
  }

  hashOf(slot: number): number {
    return this.hashes[slot]!;
  }

  /** Room for `slots` slots; called by the cache before it uses a new slot number. */
  grow(slots: number): void {
    if (slots <= this.queue.length) return;
    this.links.grow(slots);
    this.queue = copyInto(new Uint8Array(slots), this.queue);
    this.weights = copyInto(new Float64Array(slots), this.weights);
    this.hashes = copyInto(new Int32Array(slots), this.hashes);
  }

  onHit(slot: number): void {
    this.sketch.increment(this.hashes[slot]!);
    const queue = this.queue[slot];
    if (queue === WINDOW) this.window.moveToTail(slot);
    else if (queue === PROTECTED) this.protected.moveToTail(slot);
    else {
      const weight = this.weights[slot]!;
      this.probation.remove(slot, weight);
      this.protected.pushTail(slot, weight);
      this.queue[slot] = PROTECTED;
      this.demoteFromProtected();
    }
    if (this.simulation?.record(this.hashes[slot]!, this.weights[slot]!) === true) this.resizeWindow();
  }

  onMiss(hash: number): void {
    this.sketch.increment(hash);
  }

  /** A new entry: into the window, then evict whatever must go. */
  add(slot: number, hash: number, weight: number): void {
    this.hashes[slot] = hash;
    this.weights[slot] = weight;
    this.queue[slot] = WINDOW;
    this.window.pushTail(slot, weight);
    if (this.entries > this.sketch.capacity) this.sketch.ensureCapacity(this.entries * 2);
    // The simulation sees a miss once its key is stored, when the weight is known.
    if (this.simulation?.record(hash, weight) === true) this.resizeWindow();
    this.evict();
  }

  /** An existing entry got a new value of another size. */
  reweigh(slot: number, weight: number): void {
    const list = this.listOf(slot);
    list.weight += weight - this.weights[slot]!;
    this.weights[slot] = weight;
    list.moveToTail(slot);
    this.evict();
  }

  /** Unlinks a slot the cache removes itself (delete, expiry). */
  remove(slot: number): void {
    this.listOf(slot).remove(slot, this.weights[slot]!);
    this.queue[slot] = 0;
  }

  setMaximum(maximum: number): void {
    const ratio = this.maximum > 0 ? maximum / this.maximum : 1;
    this.maximum = maximum;
    this.windowMaximum = Math.min(maximum, Math.max(0, Math.round(this.windowMaximum * ratio)));
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (maximum - this.windowMaximum));
    // New shadows at the new size (rare: the scores restart, the current share stays).
    if (this.simulation !== undefined) this.simulation = this.newSimulation(this.simulation.share);
    this.demoteFromProtected();
    this.evict();
  }

  clear(): void {
    this.window.clear();
    this.probation.clear();
    this.protected.clear();
    this.queue.fill(0);
    this.sketch.clear();
    this.simulation = this.newSimulation(this.options.windowPercent);
    this.windowMaximum = initialWindow(this.maximum, this.options.windowPercent);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (this.maximum - this.windowMaximum));
  }

  private listOf(slot: number): SlotList {
    const queue = this.queue[slot];
    return queue === WINDOW ? this.window : queue === PROBATION ? this.probation : this.protected;
  }

  private demoteFromProtected(): void {
    while (this.protected.weight > this.protectedMaximum && this.protected.count > 0) {
      const slot = this.protected.head;
      const weight = this.weights[slot]!;
      this.protected.remove(slot, weight);
      this.probation.pushTail(slot, weight);
      this.queue[slot] = PROBATION;
    }
  }

  private newSimulation(share: number): WindowSimulation | undefined {
    if (!this.options.adaptive) return undefined;
    const create = (options: PolicyOptions) => new WTinyLfuPolicy(options);
    return new WindowSimulation(create, this.maximum, Math.max(this.options.expectedEntries, this.entries), share);
  }

  /** Applies the simulation's verdict: the window takes its new share, the main area the rest. */
  private resizeWindow(): void {
    this.windowMaximum = initialWindow(this.maximum, this.simulation!.share);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (this.maximum - this.windowMaximum));
    this.demoteFromProtected();
    this.evict();
  }

  private evictSlot(list: SlotList, slot: number): void {
    list.remove(slot, this.weights[slot]!);
    this.queue[slot] = 0;
    this.options.onEvict(slot);
  }

  /** Window overflow becomes candidates; then, while over the maximum, expired entries go first, then duels. */
  private evict(): void {
    if (this.weightedSize > this.maximum) {
      this.evictExpiredHead(this.probation);
      this.evictExpiredHead(this.window);
      this.evictExpiredHead(this.protected);
    }
    let candidates = 0;
    let firstCandidate = NONE;
    while (this.window.weight > this.windowMaximum && this.window.count > 0) {
      const slot = this.window.head;
      const weight = this.weights[slot]!;
      this.window.remove(slot, weight);
      this.probation.pushTail(slot, weight);
      this.queue[slot] = PROBATION;
      if (firstCandidate === NONE) firstCandidate = slot;
      candidates += 1;
    }
    // The newest candidate first (from probation's tail), the victim from its head, as Caffeine does.
    let candidate = candidates > 0 ? this.probation.tail : NONE;
    let victim = this.probation.count > candidates ? this.probation.head : NONE;
    while (this.weightedSize > this.maximum) {
      if (candidate === NONE && victim === NONE) {
        // No duel possible: fall back to protected, then the window (plain LRU order).
        const list = this.probation.count > 0 ? this.probation : this.protected.count > 0 ? this.protected : this.window;
        if (list.count === 0) return;
        this.evictSlot(list, list.head);
      } else if (candidate === NONE) {
        const next = this.probation.nextOf(victim);
        this.evictSlot(this.probation, victim);
        victim = next;
      } else if (victim === NONE || this.weights[candidate]! > this.maximum) {
        candidate = this.dropCandidate(candidate, --candidates);
      } else if (this.admit(this.hashes[candidate]!, this.hashes[victim]!)) {
        const next = this.probation.nextOf(victim);
        this.evictSlot(this.probation, victim);
        victim = next === firstCandidate ? NONE : next;
        candidates -= 1;
        candidate = candidates > 0 ? this.probation.prevOf(candidate) : NONE;
      } else {
        candidate = this.dropCandidate(candidate, --candidates);
      }
    }
  }

  /** Evicts a candidate; returns the next (older) one, or NONE when `remaining` is 0. */
  private dropCandidate(candidate: number, remaining: number): number {
    const next = remaining > 0 ? this.probation.prevOf(candidate) : NONE;
    this.evictSlot(this.probation, candidate);
    return next;
  }

  private evictExpiredHead(list: SlotList): void {
    while (this.weightedSize > this.maximum && list.count > 0 && this.options.isExpired(list.head)) {
      this.evictSlot(list, list.head);
    }
  }

  private admit(candidateHash: number, victimHash: number): boolean {
    const candidateFrequency = this.sketch.frequency(candidateHash);
    const victimFrequency = this.sketch.frequency(victimHash);
    if (candidateFrequency > victimFrequency) return true;
    if (candidateFrequency >= HASHDOS_THRESHOLD) return this.options.random() < 1 / 128;
    return false;
  }
}

function initialWindow(maximum: number, percent: number): number {
  return maximum - Math.floor((1 - percent) * maximum);
}

function copyInto<T extends Uint8Array | Float64Array | Int32Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
