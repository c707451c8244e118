import { DictionaryMap } from '../../util/dictionary-map.ts';

/**
 * One call per key at a time, as Go's `singleflight`: while a call for a key runs, every other caller
 * for that key gets the same promise instead of starting its own. The entry is removed when the call
 * settles, so the next caller after that starts afresh (a failure is not cached).
 */
export class SingleFlight<T> {
  /** Not a Map: every miss adds and removes an entry, and a Map would promote each call's graph (see DictionaryMap). */
  private readonly flights = new DictionaryMap<string, Promise<T>>();
  /** Callers that joined a running call instead of starting one. */
  joined = 0;

  run(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.flights.get(key);
    if (running !== undefined) {
      this.joined += 1;
      return running;
    }
    const started = (async () => {
      try {
        return await call();
      } finally {
        this.flights.delete(key);
      }
    })();
    this.flights.set(key, started);
    return started;
  }

  running(key: string): Promise<T> | undefined {
    return this.flights.get(key);
  }

  keys(): string[] {
    return this.flights.keys();
  }

  all(): Array<Promise<T>> {
    return this.flights.values();
  }

  get size(): number {
    return this.flights.size;
  }
}
