import { describe, expect, it } from 'vitest';
import { describeShape, encodeShape, kBucket, type ShapeParts } from '../../../main/planner/query-shape.ts';

const base: ShapeParts = {
  kBucket: 1,
  depth: 2,
  log2Neighbourhood: 6.4,
  log2FilterRows: 10.6,
  log2Rows: 15.6,
  neighbourhoodCached: 0,
  filterSetCached: 1,
  filtered: 1,
};

describe('query shape', () => {
  it('is a small integer that reads back as its buckets', () => {
    const shape = encodeShape(base);
    expect(Number.isSafeInteger(shape)).toBe(true);
    expect(shape).toBeLessThan(2 ** 25);
    expect(describeShape(shape)).toBe('k1d2n6f11r16c01F1');
    expect(
      describeShape(
        encodeShape({
          ...base,
          kBucket: 3,
          depth: 3,
          log2Neighbourhood: 99,
          log2FilterRows: -1,
          log2Rows: 63,
          neighbourhoodCached: 1,
          filterSetCached: 0,
          filtered: 0,
        }),
      ),
    ).toBe('k3d3n63f0r63c10F0');
  });

  it('differs in every part and agrees within a bucket', () => {
    const shape = encodeShape(base);
    expect(encodeShape({ ...base, log2Neighbourhood: 5.6, log2FilterRows: 11.4 })).toBe(shape);
    const changes: Partial<ShapeParts>[] = [
      { kBucket: 0 },
      { depth: 1 },
      { log2Neighbourhood: 7 },
      { log2FilterRows: 12 },
      { log2Rows: 17 },
      { neighbourhoodCached: 1 },
      { filterSetCached: 0 },
      { filtered: 0 },
    ];
    const shapes = new Set(changes.map((c) => encodeShape({ ...base, ...c })));
    expect(shapes.size).toBe(changes.length);
    expect(shapes.has(shape)).toBe(false);
  });

  it('buckets k by how deep a ranked scan must go', () => {
    expect([1, 10, 11, 25, 26, 50, 51, 100].map(kBucket)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
});
