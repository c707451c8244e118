/**
 * Count-min sketch of 4-bit counters (depth 4), the popularity estimate of TinyLFU.
 * Counters saturate at 15 and are all halved after `10 × capacity` increments so that
 * old popularity fades (the "aging" of TinyLFU). Sized by an entry count, never by bytes:
 * a byte-bounded cache of small entries needs many counters, one of large entries few.
 * Eight counters share a 32-bit word; each of the four rows picks its own word.
 */
const SEEDS = [0x97cb3127, 0x8b8d6f35, 0xc2b2ae35, 0x27d4eb2f] as const;
const RESET_MASK = 0x77777777; // after >>> 1, clears the bit that leaked in from the next counter

export class FrequencySketch {
  private table: Uint32Array = new Uint32Array(0);
  private mask = 0;
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
    this.mask = this.table.length - 1;
    this.sampleSize = 10 * wanted;
    this.additions = 0;
  }

  /** The estimated number of recent occurrences of the hashed key, 0..15. */
  frequency(hash: number): number {
    const h = spread(hash);
    const start = (h & 1) << 2;
    let min = 15;
    for (let i = 0; i < 4; i += 1) {
      const word = this.table[this.indexOf(h, i)]!;
      const count = (word >>> ((start + i) << 2)) & 0xf;
      if (count < min) min = count;
    }
    return min;
  }

  /** Counts one occurrence; halves every counter once `sampleSize` increments were counted. */
  increment(hash: number): void {
    const h = spread(hash);
    const start = (h & 1) << 2;
    let added = false;
    for (let i = 0; i < 4; i += 1) {
      const index = this.indexOf(h, i);
      const shift = (start + i) << 2;
      const word = this.table[index]!;
      if (((word >>> shift) & 0xf) !== 0xf) {
        this.table[index] = (word + (1 << shift)) >>> 0;
        added = true;
      }
    }
    if (added && ++this.additions >= this.sampleSize) this.halve();
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

  private indexOf(h: number, row: number): number {
    let x = Math.imul(h + SEEDS[row & 3]!, SEEDS[row & 3]!);
    x ^= x >>> 15;
    return x & this.mask;
  }
}

/** A well-mixed 32-bit hash from a weak one (murmur3's finaliser). */
export function spread(hash: number): number {
  let x = hash | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** A 32-bit hash of a cache key, computed once per miss and kept with the entry. */
export function hashKey(key: unknown): number {
  if (typeof key === 'number') {
    if (Number.isInteger(key) && key <= 0x7fffffff && key >= -0x80000000) return spread(key);
    return hashString(String(key));
  }
  if (typeof key === 'string') return hashString(key);
  return hashString(String(key));
}

function hashString(text: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
