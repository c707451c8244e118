/**
 * Pulls items from an iterable or async iterable a batch at a time, on demand, so a source of
 * 200,000 rows is never materialised: at most the batches in flight are in memory.
 */
export class ItemSource<T> {
  readonly #sync: Iterator<T> | undefined;
  readonly #async: AsyncIterator<T> | undefined;
  #exhausted = false;
  /** Async iterators must not be advanced concurrently: pulls queue behind each other. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(items: Iterable<T> | AsyncIterable<T>) {
    if (items !== null && typeof items === 'object' && Symbol.asyncIterator in items) {
      this.#async = (items as AsyncIterable<T>)[Symbol.asyncIterator]();
    } else if (items !== null && items !== undefined && Symbol.iterator in Object(items)) {
      this.#sync = (items as Iterable<T>)[Symbol.iterator]();
    } else {
      throw new TypeError('Batch processing needs an iterable or async iterable of items.');
    }
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Up to `count` items; fewer (or none) once the source runs dry. */
  take(count: number): Promise<T[]> {
    const pull = this.#queue.then(() => this.#pull(count));
    this.#queue = pull.catch(() => undefined);
    return pull;
  }

  /** Lets a generator source run its `finally` blocks when we stop early. */
  async close(): Promise<void> {
    if (this.#exhausted) return;
    this.#exhausted = true;
    await this.#queue;
    if (this.#sync) this.#sync.return?.();
    else await this.#async?.return?.();
  }

  async #pull(count: number): Promise<T[]> {
    try {
      return await this.#fill(count);
    } catch (error) {
      // A source that threw is finished: never advance it again.
      this.#exhausted = true;
      throw error;
    }
  }

  async #fill(count: number): Promise<T[]> {
    const batch: T[] = [];
    if (this.#sync) {
      while (!this.#exhausted && batch.length < count) {
        const next = this.#sync.next();
        if (next.done) this.#exhausted = true;
        else batch.push(next.value);
      }
    } else if (this.#async) {
      while (!this.#exhausted && batch.length < count) {
        const next = await this.#async.next();
        if (next.done) this.#exhausted = true;
        else batch.push(next.value);
      }
    }
    return batch;
  }
}
