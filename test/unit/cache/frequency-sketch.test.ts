import { describe, expect, it } from 'vitest';
import { FrequencySketch, hashKey } from '../../../main/cache/l1/frequency-sketch.ts';

describe('FrequencySketch', () => {
  it('estimates how often a key was seen, saturating at 15', () => {
    const sketch = new FrequencySketch(1024);
    const hot = hashKey('hot');
    for (let i = 0; i < 5; i += 1) sketch.increment(hot);
    expect(sketch.frequency(hot)).toBe(5); // count-min never underestimates; alone in the table it is exact
    for (let i = 0; i < 40; i += 1) sketch.increment(hot);
    expect(sketch.frequency(hot)).toBe(15);
    expect(sketch.frequency(hashKey('never seen'))).toBe(0);
  });

  it('keeps estimates of many keys close (collisions only ever add)', () => {
    const sketch = new FrequencySketch(1024);
    for (let key = 0; key < 500; key += 1) for (let n = 0; n < key % 4; n += 1) sketch.increment(hashKey(key));
    let exact = 0;
    for (let key = 0; key < 500; key += 1) {
      const estimate = sketch.frequency(hashKey(key));
      expect(estimate).toBeGreaterThanOrEqual(key % 4);
      if (estimate === key % 4) exact += 1;
    }
    expect(exact).toBeGreaterThan(450);
  });

  it('halves every counter after 10 × capacity increments (aging)', () => {
    const sketch = new FrequencySketch(16);
    expect(sketch.sampleSize).toBe(160);
    const old = hashKey('old');
    for (let i = 0; i < 12; i += 1) sketch.increment(old);
    expect(sketch.frequency(old)).toBe(12);
    // Other keys' increments may collide with old's counters; the halving is the moment its
    // estimate falls, and then it is exactly half (rounded down) of the estimate just before.
    let before = sketch.frequency(old);
    let increments = 12;
    for (let key = 0; increments < 2 * sketch.sampleSize; key += 1) {
      sketch.increment(hashKey(`other ${key}`));
      increments += 1;
      const now = sketch.frequency(old);
      if (now < before) {
        expect(now).toBe(Math.floor(before / 2));
        break;
      }
      before = now;
    }
    expect(increments).toBeLessThanOrEqual(sketch.sampleSize);
    expect(sketch.frequency(old)).toBeLessThan(12);
  });

  it('hashes equal keys equally and numbers and strings without throwing', () => {
    expect(hashKey('a')).toBe(hashKey('a'));
    expect(hashKey(42)).toBe(hashKey(42));
    expect(hashKey(42)).not.toBe(hashKey(43));
    expect(Number.isInteger(hashKey(1.5))).toBe(true);
  });
});

describe('FrequencySketch deferred counts', () => {
  it('adds deferred hits in one step, saturating at 15, and applies them before halving', () => {
    const sketch = new FrequencySketch(16);
    const key = hashKey('deferred');
    sketch.incrementBy(key, 9);
    expect(sketch.frequency(key)).toBe(9);
    sketch.incrementBy(key, 9);
    expect(sketch.frequency(key)).toBe(15);
    let pending = 0;
    sketch.onAge = () => {
      sketch.incrementBy(hashKey('pending'), pending);
      pending = 0;
    };
    let aged = false;
    for (let i = 0; i < sketch.sampleSize && !aged; i += 1) {
      pending = Math.min(15, pending + 1);
      const before = sketch.frequency(key);
      sketch.countDeferred();
      aged = sketch.frequency(key) < before;
    }
    expect(aged).toBe(true); // counted deferred hits age the sketch like increments do
    expect(sketch.frequency(hashKey('pending'))).toBe(7); // 15 pending, applied, then halved
  });
});
