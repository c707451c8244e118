import { describe, expect, it } from 'vitest';
import { GhostKeys } from '../../../main/cache/l1/ghost-keys.ts';
import { seededRandom } from '../../../main/util/random.ts';

/** The same FIFO rules with a plain array and linear search: what the hash table must agree with. */
class ModelGhost {
  ring: number[] = [];
  constructor(private readonly capacity: number) {}
  add(hash: number): void {
    this.take(hash);
    if (this.ring.length === this.capacity) this.ring.shift();
    this.ring.push(hash);
  }
  take(hash: number): boolean {
    const at = this.ring.indexOf(hash);
    if (at < 0) return false;
    // The oldest fills the hole (it becomes a little younger), as GhostKeys does.
    const oldest = this.ring.shift()!;
    if (at > 0) this.ring[at - 1] = oldest;
    return true;
  }
}

describe('GhostKeys', () => {
  it('remembers the last `capacity` hashes, and each one returns once', () => {
    const ghost = new GhostKeys(3);
    for (const hash of [1, 2, 3, 4]) ghost.add(hash);
    expect(ghost.size).toBe(3);
    expect(ghost.take(1)).toBe(false); // the oldest was forgotten
    expect(ghost.take(2)).toBe(true);
    expect(ghost.take(2)).toBe(false);
    expect(ghost.size).toBe(2);
  });

  it('agrees with a plain FIFO under random adds and takes, colliding hashes included', () => {
    const random = seededRandom(5);
    for (const capacity of [1, 2, 7, 64]) {
      const ghost = new GhostKeys(capacity);
      const model = new ModelGhost(capacity);
      for (let i = 0; i < 5_000; i += 1) {
        // Few distinct hashes, some differing only in high bits: long probe runs and many deletions.
        const hash = (Math.floor(random() * 3 * capacity) << (random() < 0.5 ? 0 : 20)) | 0;
        if (random() < 0.6) {
          ghost.add(hash);
          model.add(hash);
        } else {
          expect(ghost.take(hash)).toBe(model.take(hash));
        }
        expect(ghost.size).toBe(model.ring.length);
      }
      for (const hash of model.ring) expect(ghost.take(hash)).toBe(true);
      expect(ghost.size).toBe(0);
    }
  });
});
