/** A fixed-capacity FIFO: the newest `capacity` items, oldest first. O(1) push. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`Ring buffer capacity must be a positive integer, got ${capacity}.`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.count): T[] {
    const n = Math.min(Math.max(0, limit), this.count);
    const result: T[] = new Array<T>(n);
    for (let i = 0; i < n; i += 1) result[i] = this.items[(this.start + this.count - n + i) % this.capacity]!;
    return result;
  }

  /** The `age`-th newest item (0 = the newest); undefined past the oldest. */
  fromNewest(age: number): T | undefined {
    return age < 0 || age >= this.count ? undefined : this.items[(this.start + this.count - 1 - age) % this.capacity];
  }

  latest(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.start + this.count - 1) % this.capacity];
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
