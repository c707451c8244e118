/**
 * A map for entries that come and go all the time (calls in flight, one batch per tick), kept in an
 * object in dictionary mode instead of a `Map`, so that what its entries refer to dies young.
 *
 * Why not a `Map` (or a `Set`): V8 grows and compacts a Map's hash table by copying it into a new one, and the old
 * table keeps its entries and a link to the new one (for iterators that were walking it; V8's
 * `OrderedHashTable::Rehash`). A map whose entries are inserted and deleted without pause copies its table every
 * few insertions. Once one of those tables has reached the old generation (every table does at each full
 * collection, which moves whatever is alive there), the young-generation collector treats it as live, since it
 * only learns which old objects died at the next full collection. The old table then keeps its successor alive,
 * with every value it held, until that successor is old too and keeps the next one: a chain that promotes
 * everything that ever passed through the map, and all that its values reach (for a map of pending calls, each
 * call's closures, parameters and result rows). An object's dictionary is copied without such a link.
 *
 * Keys are property names: a number and its decimal string are one key, and `keys()` returns strings. Iteration
 * order is not insertion order: integer-like keys come first, in ascending order (object property order).
 */
export class DictionaryMap<K extends string | number, V> {
  private entries: Record<K, V> = Object.create(null) as Record<K, V>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return this.entries[key];
  }

  has(key: K): boolean {
    return key in this.entries;
  }

  set(key: K, value: V): this {
    if (!(key in this.entries)) this.count += 1;
    this.entries[key] = value;
    return this;
  }

  delete(key: K): boolean {
    if (!(key in this.entries)) return false;
    delete this.entries[key];
    this.count -= 1;
    return true;
  }

  clear(): void {
    this.entries = Object.create(null) as Record<K, V>;
    this.count = 0;
  }

  keys(): string[] {
    return Object.keys(this.entries);
  }

  values(): V[] {
    return Object.values(this.entries) as V[];
  }
}
