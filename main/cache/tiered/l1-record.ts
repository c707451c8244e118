import { decodeValue } from '../l2/codec.ts';
import { isEntry, type CacheEntry } from './entry.ts';

/**
 * What the L1 keeps of a cache entry: its encoding (the codec's bytes, as L2 and L3 hold them, deadlines included)
 * in a string of one byte per character, decoded again at every hit.
 *
 * Why not the value itself: a cached result is an array of rows, each an array of column strings, so one entry is
 * tens of small heap objects, and the L1's budget was counted in encoded bytes, which such a graph outweighs
 * several times over. At 10,000 requests/s the demo's L1 of 57 MiB (by that count, 240,000 entries) kept the
 * engine's heap at 550-620 MiB and its RSS past 1.4 GiB, so the memory manager shrank the L1 and trimmed the pool
 * every minute or so, and the garbage collector traced every row at each full collection. An encoding in a
 * one-byte string is one heap object whose characters the collector never scans, and its length is its size, so
 * the budget is what the L1 really holds. The price is a decode per hit: 1 to 3 µs for a result of 1 to 10 rows
 * (`npm run bench -- cache-throughput` measures the L1 itself, which stores whatever it is given). A hit also
 * hands each caller its own copy, which no caller can then change under another.
 */
export type L1Record = string;

/**
 * Bytes an entry costs the L1 beyond its encoding's and its key's characters: both strings' headers, the L1's
 * map slot, slot links and expiry. Measured as the heap growth of an L1 filled with 200,000 one-row results, less
 * their characters: 97 to 99 B an entry (220 B in all, where the same entries kept as values took 449 B and were
 * counted as 95).
 */
export const L1_ENTRY_OVERHEAD_BYTES = 98;

/** `bytes`: the entry's encoding (encodeValue). */
export function toL1Record(bytes: Buffer): L1Record {
  return bytes.toString('latin1');
}

/** What the L1 counts an entry as: its encoding, its key and the fixed overhead. */
export function l1Weight(key: string, record: L1Record): number {
  return record.length + key.length + L1_ENTRY_OVERHEAD_BYTES;
}

/** The entry again, or undefined when its encoding cannot be read (then the caller drops it: a miss). */
export function fromL1Record(record: L1Record): CacheEntry | undefined {
  const decoded = decodeValue(Buffer.from(record, 'latin1'));
  if (!decoded.ok || !isEntry(decoded.value)) return undefined;
  // The encoded entry's size field was written before its encoding existed.
  decoded.value.n = record.length;
  return decoded.value;
}
