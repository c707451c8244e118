/**
 * W-TinyLFU admission and eviction over weighted slots, with an adaptive window.
 * New entries enter a small LRU window. When the window overflows, its oldest entries become
 * candidates at the tail of the main area's probation segment; while the whole cache is over its
 * maximum, each candidate competes with probation's oldest entry (the victim), and the count-min
 * sketch keeps whichever was requested more often. A probation hit promotes to the protected
 * segment (80% of the main area). A sampled simulation (`window-simulation.ts`) picks the window's
 * share: a big window behaves like LRU (recency-heavy traces), a tiny one like LFU. It also picks the
 * mode: with recency memory (a ghost of turned-away keys, see `ghost` in the options), and with or
 * without the duel (without it, a segmented LRU that the ghost makes close to ARC).
 * The policy knows slots, hashes and weights only; the cache owns keys, values and expiry.
 * A hit writes one byte, the slot's flags, and does no hashing: the hit is counted in that byte and
 * reaches the sketch before anything reads the key's counters.
 */
import { FrequencySketch } from './frequency-sketch.ts';
import { GhostKeys } from './ghost-keys.ts';
import { NONE, OWNER, SlotLinks, SlotList, STRIDE } from './slot-lists.ts';
import { WindowSimulation } from './window-simulation.ts';

const WINDOW = 1;
const PROBATION = 2;
const PROTECTED = 3;
const QUEUE = 3;
/** Flag beside the queue number: the slot's key is in the simulation's sample. */
const SAMPLED = 4;
/**
 * Flag: hit since the entry last passed the head of its queue (lazy promotion). A hit only sets it;
 * the entry moves when it reaches the head: window and protected give it a second chance at their
 * tail (CLOCK), probation promotes it to protected instead of offering it as a victim.
 */
const VISITED = 8;
/**
 * Hits not yet added to the sketch (0..15, bits 4–7). The sketch is read only when an entry
 * competes for admission, so a hit just counts here; the counts go to the sketch when the entry
 * duels, leaves, or before the sketch halves. A hit then costs no hashing and no sketch access.
 */
const PENDING = 0xf0;
const PENDING_ONE = 0x10;
const PENDING_SHIFT = 4;
/** A slot's word in the links array: its key's hash. */
const HASH = OWNER;
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
  /** Expired entries are evicted before any live one (asked only while `mayExpire` is true). */
  isExpired: (slot: number) => boolean;
  /** A sketch shared with other policies that count the same requests (the simulation's shadows): this policy then only reads it. */
  sharedSketch?: FrequencySketch;
  /**
   * Recency memory: the hashes of keys the admission turned away (or, without the duel, evicted from
   * probation). A key that returns while remembered goes straight to protected, as a hit in ARC's B1
   * does (S3-FIFO's ghost sends it to its main queue).
   */
  ghost?: boolean;
  /** No duel: every candidate enters probation (a segmented LRU; with the ghost, close to ARC). */
  admitAll?: boolean;
  /** Move entries on every hit (LRU-ordered regions, as W-TinyLFU is published) instead of lazily. */
  eagerPromotion?: boolean;
}

export class WTinyLfuPolicy {
  readonly sketch: FrequencySketch;
  private simulation: WindowSimulation | undefined;
  private readonly links: SlotLinks;
  /**
   * Each slot's flags, one byte: its queue, SAMPLED, VISITED and PENDING hits. Apart from the links so
   * that a hit writes one byte of a small array (16 KB for 16,384 slots) that stays in the CPU's cache.
   */
  private flags: Uint8Array;
  readonly window: SlotList;
  readonly probation: SlotList;
  readonly protected: SlotList;
  private readonly ghost: GhostKeys | undefined;
  /** The mode: fixed by the options, or the simulation's verdict when adaptive. `remembers` needs `ghost`. */
  private remembers: boolean;
  private filters: boolean;
  private readonly lazy: boolean;
  /** Set by `windowOverflowToProbation`: the oldest candidate of the eviction under way. */
  private firstCandidate = NONE;
  /** False when the sketch is shared: its owner counts the requests. */
  private readonly counts: boolean;
  /** Copied out of `options` (whose shape differs between caches and shadows): one field load per eviction. */
  private readonly onEvict: (slot: number) => void;
  /** Sum of the weights of all slots, and their number (kept, not summed, on the hot paths). */
  weightedSize = 0;
  entries = 0;
  /** Set by the cache while some entry has a TTL; otherwise eviction never asks `isExpired`. */
  mayExpire = false;
  maximum: number;
  windowMaximum: number;
  protectedMaximum: number;

  constructor(private readonly options: PolicyOptions) {
    this.maximum = options.maximum;
    this.windowMaximum = initialWindow(options.maximum, options.windowPercent);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (options.maximum - this.windowMaximum));
    this.sketch = options.sharedSketch ?? new FrequencySketch(options.expectedEntries);
    this.counts = options.sharedSketch === undefined;
    this.onEvict = options.onEvict;
    if (this.counts) this.sketch.onAge = () => this.flushAll();
    this.links = new SlotLinks(16);
    this.flags = new Uint8Array(16);
    this.window = new SlotList(this.links);
    this.probation = new SlotList(this.links);
    this.protected = new SlotList(this.links);
    this.simulation = this.newSimulation(options.windowPercent);
    // An adaptive cache has a ghost in case the simulation turns it on; it holds about as many keys as the cache.
    this.ghost = options.ghost === true || options.adaptive ? new GhostKeys(Math.max(16, options.expectedEntries)) : undefined;
    this.remembers = options.ghost === true;
    this.filters = options.admitAll !== true;
    this.lazy = options.eagerPromotion !== true;
  }

  hashOf(slot: number): number {
    return this.links.data[slot * STRIDE + HASH]!;
  }

  /** Room for `slots` slots; called by the cache before it uses a new slot number. */
  grow(slots: number): void {
    if (slots <= this.flags.length) return;
    this.links.grow(slots);
    const flags = new Uint8Array(slots);
    flags.set(this.flags);
    this.flags = flags;
  }

  onHit(slot: number): void {
    const flags = this.flags[slot]!;
    if (this.lazy) {
      // One byte written: the visited bit and, while it has room, one more pending hit.
      if (this.counts && (flags & PENDING) !== PENDING) {
        this.flags[slot] = (flags | VISITED) + PENDING_ONE;
        this.sketch.countDeferred();
      } else {
        this.flags[slot] = flags | VISITED;
      }
      if ((flags & SAMPLED) !== 0 && this.simulation!.recordSampled(this.hashOf(slot), this.links.weightOf(slot))) this.resizeWindow();
      return;
    }
    const queue = flags & QUEUE;
    if (queue === PROTECTED) this.protected.moveToTail(slot);
    else if (queue === WINDOW) this.window.moveToTail(slot);
    else {
      const weight = this.links.weightOf(slot);
      this.probation.remove(slot, weight);
      this.protected.pushTail(slot, weight);
      this.flags[slot] = (flags & ~QUEUE) | PROTECTED;
      if (this.protected.weight > this.protectedMaximum) this.demoteFromProtected();
    }
    if (this.counts && (flags & PENDING) !== PENDING) {
      this.flags[slot] = this.flags[slot]! + PENDING_ONE;
      this.sketch.countDeferred();
    }
    if ((flags & SAMPLED) !== 0 && this.simulation!.recordSampled(this.hashOf(slot), this.links.weightOf(slot))) this.resizeWindow();
  }

  onMiss(hash: number): void {
    if (this.counts) this.sketch.increment(hash);
  }

  /** A new entry: into the window, then evict whatever must go. */
  add(slot: number, hash: number, given: number): void {
    const sampled = this.simulation !== undefined && this.simulation.isSampled(hash);
    this.links.data[slot * STRIDE + HASH] = hash;
    const weight = this.links.setWeight(slot, given);
    // Turned away recently and wanted again: a reuse the sketch's counts were too slow to credit.
    if (this.remembers && this.ghost!.take(hash)) {
      this.flags[slot] = sampled ? SAMPLED | PROTECTED : PROTECTED;
      this.protected.pushTail(slot, weight);
      if (this.protected.weight > this.protectedMaximum) this.demoteFromProtected();
    } else {
      this.flags[slot] = sampled ? SAMPLED | WINDOW : WINDOW;
      this.window.pushTail(slot, weight);
    }
    this.weightedSize += weight;
    if (++this.entries > this.sketch.capacity) this.sketch.ensureCapacity(this.entries * 2);
    if (this.ghost !== undefined && this.entries > this.ghost.capacity) this.ghost.resize(this.entries * 2);
    // The simulation sees a miss once its key is stored, when the weight is known.
    if (sampled && this.simulation!.recordSampled(hash, weight)) this.resizeWindow();
    if (this.weightedSize > this.maximum || this.window.weight > this.windowMaximum) this.evict();
  }

  /** An existing entry got a new value of another size. */
  reweigh(slot: number, given: number): void {
    const list = this.listOf(slot);
    const before = this.links.weightOf(slot);
    const weight = this.links.setWeight(slot, given);
    list.weight += weight - before;
    this.weightedSize += weight - before;
    list.moveToTail(slot);
    this.evict();
  }

  /** Unlinks a slot the cache removes itself (delete, expiry). */
  remove(slot: number): void {
    this.flush(slot);
    this.listOf(slot).remove(slot, this.links.weightOf(slot));
    this.unlinked(slot);
  }

  setMaximum(maximum: number): void {
    const ratio = this.maximum > 0 ? maximum / this.maximum : 1;
    this.maximum = maximum;
    this.windowMaximum = Math.min(maximum, Math.max(0, Math.round(this.windowMaximum * ratio)));
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (maximum - this.windowMaximum));
    // New shadows at the new size (rare: the scores restart, the current share stays).
    if (this.simulation !== undefined) {
      this.simulation = this.newSimulation(this.simulation.share);
      this.resample();
    }
    this.demoteFromProtected();
    this.evict();
  }

  clear(): void {
    this.window.clear();
    this.probation.clear();
    this.protected.clear();
    this.flags.fill(0);
    this.weightedSize = 0;
    this.entries = 0;
    this.sketch.clear();
    this.ghost?.clear();
    this.remembers = this.options.ghost === true;
    this.filters = this.options.admitAll !== true;
    this.simulation = this.newSimulation(this.options.windowPercent);
    this.windowMaximum = initialWindow(this.maximum, this.options.windowPercent);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (this.maximum - this.windowMaximum));
  }

  /** A new simulation may sample other keys: mark the live slots again. */
  private resample(): void {
    const simulation = this.simulation;
    for (const list of [this.window, this.probation, this.protected]) {
      for (let slot = list.head; slot !== NONE; slot = list.nextOf(slot)) {
        const sampled = simulation !== undefined && simulation.isSampled(this.hashOf(slot));
        this.flags[slot] = (this.flags[slot]! & ~SAMPLED) | (sampled ? SAMPLED : 0);
      }
    }
  }

  private queueOf(slot: number): number {
    return this.flags[slot]! & QUEUE;
  }

  private setQueue(slot: number, queue: number): void {
    this.flags[slot] = (this.flags[slot]! & ~QUEUE) | queue;
  }

  private listOf(slot: number): SlotList {
    const queue = this.queueOf(slot);
    return queue === WINDOW ? this.window : queue === PROBATION ? this.probation : this.protected;
  }

  private demoteFromProtected(): void {
    while (this.protected.weight > this.protectedMaximum && this.protected.count > 0) {
      const slot = this.protected.head;
      if (this.secondChance(this.protected, slot)) continue;
      const weight = this.links.weightOf(slot);
      this.protected.remove(slot, weight);
      this.probation.pushTail(slot, weight);
      this.setQueue(slot, PROBATION);
    }
  }

  private newSimulation(share: number): WindowSimulation | undefined {
    if (!this.options.adaptive) return undefined;
    const create = (options: PolicyOptions) => new WTinyLfuPolicy(options);
    return new WindowSimulation(create, this.maximum, Math.max(this.options.expectedEntries, this.entries), share);
  }

  /** Applies the simulation's verdict: the window takes its new share, the main area the rest. */
  private resizeWindow(): void {
    // A ghost switched off forgets: switched on again later, a key evicted long before would pass as recent.
    if (this.remembers && !this.simulation!.ghost) this.ghost?.clear();
    this.remembers = this.simulation!.ghost;
    this.filters = !this.simulation!.admitAll;
    this.windowMaximum = initialWindow(this.maximum, this.simulation!.share);
    this.protectedMaximum = Math.floor(PROTECTED_SHARE * (this.maximum - this.windowMaximum));
    this.demoteFromProtected();
    this.evict();
  }

  private unlinked(slot: number): void {
    this.weightedSize -= this.links.weightOf(slot);
    this.entries -= 1;
    this.flags[slot] = 0;
  }

  /** Adds the slot's pending hits to the sketch. */
  private flush(slot: number): void {
    const flags = this.flags[slot]!;
    if ((flags & PENDING) === 0) return;
    this.flags[slot] = flags & ~PENDING;
    this.sketch.incrementBy(this.hashOf(slot), (flags & PENDING) >>> PENDING_SHIFT);
  }

  /** Before the sketch halves: every pending hit goes in first, to be halved with the rest. */
  private flushAll(): void {
    for (const list of [this.window, this.probation, this.protected]) {
      for (let slot = list.head; slot !== NONE; slot = list.nextOf(slot)) this.flush(slot);
    }
  }

  private evictSlot(list: SlotList, slot: number): void {
    this.flush(slot);
    list.remove(slot, this.links.weightOf(slot));
    this.unlinked(slot);
    this.onEvict(slot);
  }

  /** Window overflow becomes candidates; then, while over the maximum, expired entries go first, then duels. */
  private evict(): void {
    if (this.mayExpire && this.weightedSize > this.maximum) this.evictExpired();
    let candidates = this.windowOverflowToProbation();
    const firstCandidate = this.firstCandidate;
    // The newest candidate first (from probation's tail), the victim from its head, as Caffeine does.
    let candidate = candidates > 0 ? this.probation.tail : NONE;
    let victim = this.probation.count > candidates ? this.probation.head : NONE;
    while (this.weightedSize > this.maximum) {
      if (victim !== NONE && (this.flags[victim]! & VISITED) !== 0) {
        // Hit while in probation: promoted now that it is its turn to be a victim.
        const next = this.probation.nextOf(victim);
        this.promote(victim);
        victim = candidates > 0 && next === firstCandidate ? NONE : next;
      } else if (candidate === NONE && victim === NONE) {
        // No duel possible: fall back to protected, then the window (plain LRU order).
        const list = this.probation.count > 0 ? this.probation : this.protected.count > 0 ? this.protected : this.window;
        if (list.count === 0) break;
        this.evictSlot(list, list.head);
      } else if (candidate === NONE) {
        const next = this.probation.nextOf(victim);
        this.evictVictim(victim);
        victim = next;
      } else if (victim === NONE || this.links.weightOf(candidate) > this.maximum) {
        candidate = this.dropCandidate(candidate, --candidates);
      } else if (this.admit(candidate, victim)) {
        const next = this.probation.nextOf(victim);
        this.evictVictim(victim);
        victim = next === firstCandidate ? NONE : next;
        candidates -= 1;
        candidate = candidates > 0 ? this.probation.prevOf(candidate) : NONE;
      } else {
        candidate = this.dropCandidate(candidate, --candidates);
      }
    }
    if (this.protected.weight > this.protectedMaximum) this.demoteFromProtected();
  }

  /**
   * Moves the window's overflow to probation's tail, where its entries are candidates for admission;
   * returns how many, and leaves the oldest of them in `firstCandidate`.
   */
  private windowOverflowToProbation(): number {
    let candidates = 0;
    this.firstCandidate = NONE;
    while (this.window.weight > this.windowMaximum && this.window.count > 0) {
      const slot = this.window.head;
      if (this.secondChance(this.window, slot)) continue;
      const weight = this.links.weightOf(slot);
      this.window.remove(slot, weight);
      this.probation.pushTail(slot, weight);
      this.setQueue(slot, PROBATION);
      if (this.firstCandidate === NONE) this.firstCandidate = slot;
      candidates += 1;
    }
    return candidates;
  }

  private evictExpired(): void {
    this.evictExpiredHead(this.probation);
    this.evictExpiredHead(this.window);
    this.evictExpiredHead(this.protected);
  }

  /** A visited entry at the head of the window or protected: cleared and sent to the tail (CLOCK). */
  private secondChance(list: SlotList, slot: number): boolean {
    const flags = this.flags[slot]!;
    if ((flags & VISITED) === 0) return false;
    this.flags[slot] = flags & ~VISITED;
    list.moveToTail(slot);
    return true;
  }

  /** Probation to protected; protected may overflow until the caller demotes. */
  private promote(slot: number): void {
    const weight = this.links.weightOf(slot);
    this.probation.remove(slot, weight);
    this.protected.pushTail(slot, weight);
    this.flags[slot] = (this.flags[slot]! & ~(QUEUE | VISITED)) | PROTECTED;
  }

  /** Evicts probation's victim; without the duel the ghost remembers it (as ARC's B1 does). */
  private evictVictim(victim: number): void {
    if (this.remembers && !this.filters) this.ghost!.add(this.hashOf(victim));
    this.evictSlot(this.probation, victim);
  }

  /** Evicts a candidate; returns the next (older) one, or NONE when `remaining` is 0. */
  private dropCandidate(candidate: number, remaining: number): number {
    const next = remaining > 0 ? this.probation.prevOf(candidate) : NONE;
    if (this.remembers) this.ghost!.add(this.hashOf(candidate));
    this.evictSlot(this.probation, candidate);
    return next;
  }

  private evictExpiredHead(list: SlotList): void {
    while (this.weightedSize > this.maximum && list.count > 0 && this.options.isExpired(list.head)) {
      this.evictSlot(list, list.head);
    }
  }

  private admit(candidate: number, victim: number): boolean {
    if (!this.filters) return true;
    this.flush(candidate);
    this.flush(victim);
    const candidateFrequency = this.sketch.frequency(this.hashOf(candidate));
    const victimFrequency = this.sketch.frequency(this.hashOf(victim));
    if (candidateFrequency > victimFrequency) return true;
    if (candidateFrequency >= HASHDOS_THRESHOLD) return this.options.random() < 1 / 128;
    return false;
  }
}

function initialWindow(maximum: number, percent: number): number {
  return maximum - Math.floor((1 - percent) * maximum);
}
