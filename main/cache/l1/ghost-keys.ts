/**
 * A bounded memory of recently evicted keys, by hash only: the oldest is forgotten when a new one
 * comes in. Keys are 32-bit hashes, so a ghost costs a few bytes and never keeps a key object alive;
 * a rare collision only lets one key through as if it had been seen.
 * A FIFO ring of hashes plus an open-addressing table (linear probing, power-of-two size at least
 * twice the capacity) that maps a hash to its ring position; a hash appears at most once.
 */
const EMPTY = -1;

export class GhostKeys {
  private ring = new Int32Array(0);
  /** Table cells: the ring position holding the hash, or EMPTY. */
  private table = new Int32Array(0);
  private mask = 0;
  private head = 0; // oldest ring position
  size = 0;
  capacity = 0;

  constructor(capacity: number) {
    this.resize(capacity);
  }

  /** Changes how many hashes are remembered (forgets all of them: rare, on resize). */
  resize(capacity: number): void {
    const wanted = Math.max(1, Math.floor(capacity));
    if (wanted === this.capacity) return;
    this.capacity = wanted;
    this.ring = new Int32Array(wanted);
    let cells = 4;
    while (cells < wanted * 2) cells *= 2;
    this.table = new Int32Array(cells).fill(EMPTY);
    this.mask = cells - 1;
    this.head = 0;
    this.size = 0;
  }

  /** Remembers a hash (again at the newest position if it was already there). */
  add(hash: number): void {
    this.delete(hash);
    if (this.size === this.capacity) this.deleteAt(this.find(this.ring[this.head]!));
    const position = (this.head + this.size) % this.capacity;
    this.ring[position] = hash;
    let cell = mix(hash) & this.mask;
    while (this.table[cell] !== EMPTY) cell = (cell + 1) & this.mask;
    this.table[cell] = position;
    this.size += 1;
  }

  /** Whether the hash is remembered; forgets it if so (a ghost returns once). */
  take(hash: number): boolean {
    return this.delete(hash);
  }

  clear(): void {
    this.table.fill(EMPTY);
    this.head = 0;
    this.size = 0;
  }

  private delete(hash: number): boolean {
    const cell = this.find(hash);
    if (cell === EMPTY) return false;
    this.deleteAt(cell);
    return true;
  }

  /** The table cell of a hash, or EMPTY. */
  private find(hash: number): number {
    for (let cell = mix(hash) & this.mask; ; cell = (cell + 1) & this.mask) {
      const position = this.table[cell]!;
      if (position === EMPTY) return EMPTY;
      if (this.ring[position] === hash) return cell;
    }
  }

  /**
   * Removes a table cell and its ring position. The ring stays FIFO: a hash deleted from the middle
   * (a ghost that came back) leaves a hole, filled by moving the oldest hash into it.
   */
  private deleteAt(cell: number): void {
    const position = this.table[cell]!;
    this.removeCell(cell);
    const oldest = this.head;
    if (position !== oldest) {
      // Move the oldest into the hole; it becomes a little younger, which a bounded ghost tolerates.
      const moved = this.ring[oldest]!;
      this.table[this.find(moved)] = position;
      this.ring[position] = moved;
    }
    this.head = (oldest + 1) % this.capacity;
    this.size -= 1;
  }

  /** Linear-probing deletion without tombstones: later cells of the run shift back. */
  private removeCell(cell: number): void {
    let hole = cell;
    for (let next = (hole + 1) & this.mask; this.table[next] !== EMPTY; next = (next + 1) & this.mask) {
      const home = mix(this.ring[this.table[next]!]!) & this.mask;
      // Move `next` into the hole unless its home lies cyclically in (hole, next].
      const between = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!between) {
        this.table[hole] = this.table[next]!;
        hole = next;
      }
    }
    this.table[hole] = EMPTY;
  }
}

/** The table's own mix of the hash (the sketch and the sample use other bits). */
function mix(hash: number): number {
  const x = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  return x ^ (x >>> 12);
}
