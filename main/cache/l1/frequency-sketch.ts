/**
 * Count-min sketch of 4-bit counters (depth 4), the popularity estimate of TinyLFU.
 * Counters saturate at 15 and are all halved after `10 × capacity` increments so that
 * old popularity fades (the "aging" of TinyLFU). Sized by an entry count, never by bytes:
 * a byte-bounded cache of small entries needs many counters, one of large entries few.
 * Eight counters share a 32-bit word. As in Caffeine 3, a key's four counters lie in one 64-byte
 * block (one cache line): one hash picks the block, a second one a word and counter in each quarter.
 */
const RESET_MASK = 0x77777777; // after >>> 1, clears the bit that leaked in from the next counter

export class FrequencySketch {
  private table: Uint32Array = new Uint32Array(0);
  /** Blocks of 16 words (64 bytes, one cache line), less one. */
  private blockMask = 0;
  private additions = 0;
  /** Increments between two halvings. */
  sampleSize = 0;
  /** How many entries the sketch is sized for. */
  capacity = 0;

  constructor(capacity: number) {
    this.ensureCapacity(capacity);
  }

  /** Grows the table (forgetting the counts) when the cache holds more entries than planned. */
  ensureCapacity(entries: number): void {
    const wanted = nextPowerOfTwo(Math.max(16, Math.ceil(entries)));
    if (wanted <= this.capacity) return;
    this.capacity = wanted;
    // Two words (16 counters) per expected entry, as in Caffeine's table of longs.
    this.table = new Uint32Array(wanted * 2);
    this.blockMask = this.table.length / 16 - 1;
    this.sampleSize = 10 * wanted;
    this.additions = 0;
  }

  /** The estimated number of recent occurrences of the hashed key, 0..15. */
  frequency(hash: number): number {
    const block = (spread(hash) & this.blockMask) << 4;
    const h = rehash(hash);
    const table = this.table;
    let min = table[block + (h & 3)]! >>> (((h >>> 2) & 7) * 4);
    min &= 0xf;
    let count = (table[block + 4 + ((h >>> 8) & 3)]! >>> (((h >>> 10) & 7) << 2)) & 0xf;
    if (count < min) min = count;
    count = (table[block + 8 + ((h >>> 16) & 3)]! >>> (((h >>> 18) & 7) << 2)) & 0xf;
    if (count < min) min = count;
    count = (table[block + 12 + ((h >>> 24) & 3)]! >>> (((h >>> 26) & 7) << 2)) & 0xf;
    return count < min ? count : min;
  }

  /** Counts one occurrence; halves every counter once `sampleSize` increments were counted. */
  increment(hash: number): void {
    const block = (spread(hash) & this.blockMask) << 4;
    const h = rehash(hash);
    // One counter in each quarter of the block: four words of one cache line, not four lines.
    const added =
      this.add(block + (h & 3), ((h >>> 2) & 7) << 2) |
      this.add(block + 4 + ((h >>> 8) & 3), ((h >>> 10) & 7) << 2) |
      this.add(block + 8 + ((h >>> 16) & 3), ((h >>> 18) & 7) << 2) |
      this.add(block + 12 + ((h >>> 24) & 3), ((h >>> 26) & 7) << 2);
    if (added !== 0 && ++this.additions >= this.sampleSize) this.age();
  }

  /**
   * Counts an occurrence whose counters the caller adds later with `incrementBy` (a hit on a
   * cached entry: its counters are read only when it competes for admission). The caller's
   * `onAge` must apply all such pending counts, so the halving sees them.
   */
  countDeferred(): void {
    if (++this.additions >= this.sampleSize) this.age();
  }

  /** Adds `n` deferred occurrences to the key's four counters (each saturates at 15). */
  incrementBy(hash: number, n: number): void {
    const block = (spread(hash) & this.blockMask) << 4;
    const h = rehash(hash);
    this.addN(block + (h & 3), ((h >>> 2) & 7) << 2, n);
    this.addN(block + 4 + ((h >>> 8) & 3), ((h >>> 10) & 7) << 2, n);
    this.addN(block + 8 + ((h >>> 16) & 3), ((h >>> 18) & 7) << 2, n);
    this.addN(block + 12 + ((h >>> 24) & 3), ((h >>> 26) & 7) << 2, n);
  }

  private addN(index: number, shift: number, n: number): void {
    const word = this.table[index]!;
    const count = (word >>> shift) & 0xf;
    const next = count + n > 0xf ? 0xf : count + n;
    this.table[index] = word + ((next - count) << shift);
  }

  /** Called before every halving, to apply deferred counts first. */
  onAge: (() => void) | undefined = undefined;

  private age(): void {
    if (this.onAge !== undefined) this.onAge();
    this.halve();
  }

  /** Adds one to the counter at `shift` of a word unless it is saturated; 1 if it did. */
  private add(index: number, shift: number): number {
    const word = this.table[index]!;
    if (((word >>> shift) & 0xf) === 0xf) return 0;
    this.table[index] = word + (1 << shift);
    return 1;
  }

  /** Aging: every counter divided by two. */
  halve(): void {
    const table = this.table;
    for (let i = 0; i < table.length; i += 1) table[i] = (table[i]! >>> 1) & RESET_MASK;
    this.additions = this.additions >>> 1;
  }

  clear(): void {
    this.table.fill(0);
    this.additions = 0;
  }
}

/** A second, independent mix of the hash: picks the counters inside the block. */
function rehash(hash: number): number {
  let x = Math.imul(hash, 0x31848bab);
  x ^= x >>> 14;
  x = Math.imul(x, 0x9e3779b1);
  return x ^ (x >>> 15);
}

/** A well-mixed 32-bit hash from a weak one (murmur3's finaliser). */
export function spread(hash: number): number {
  let x = hash | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/**
 * A 32-bit hash of a cache key, computed once per miss and kept with the entry. `seed` picks one
 * hash of a family (0: the default): the keys that collide in the sketch, and the simulation's
 * sample, differ from seed to seed.
 */
export function hashKey(key: unknown, seed = 0): number {
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key <= 0x7fffffff && key >= -0x80000000) return spread(key ^ seed);
    return hashString(String(key), seed);
  }
  if (typeof key === 'string') return hashString(key, seed);
  return hashString(String(key), seed);
}

function hashString(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed; // FNV-1a, its offset basis varied by the seed
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
