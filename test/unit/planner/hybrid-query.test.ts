import { describe, expect, it } from 'vitest';
import { HybridQueryError, describeHybridQuery, parseHybridQuery } from '../../../main/planner/hybrid-query.ts';

const embedding = Array.from({ length: 32 }, (_, i) => i / 100);
const valid = { embedding, k: 10 };

function issues(json: unknown): readonly string[] {
  try {
    parseHybridQuery(json);
  } catch (error) {
    expect(error).toBeInstanceOf(HybridQueryError);
    return (error as HybridQueryError).issues;
  }
  throw new Error('expected the query to be rejected');
}

describe('parseHybridQuery', () => {
  it('returns the planner form: float32 embedding, Dates, absent filters left out', () => {
    const query = parseHybridQuery({
      ...valid,
      filters: { origins: ['email'], since: '2026-01-01T00:00:00Z', until: Date.UTC(2026, 0, 2) },
      anchor: { chunkId: 42, depth: 2 },
    });
    expect(query.embedding).toBeInstanceOf(Float32Array);
    expect(query.embedding[1]).toBe(Math.fround(0.01));
    expect(query.filters).toEqual({ origins: ['email'], since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-01-02T00:00:00Z') });
    expect(query.anchor).toEqual({ chunkId: 42, depth: 2 });
    expect(parseHybridQuery(valid).filters).toEqual({});
    expect(parseHybridQuery(valid).anchor).toBeUndefined();
  });

  it('says what is wrong with the embedding', () => {
    expect(issues({ ...valid, embedding: embedding.slice(1) })).toEqual(['embedding: must have exactly 32 values']);
    expect(issues({ ...valid, embedding: [...embedding.slice(1), Number.NaN] })).toEqual([
      'embedding[31]: every embedding value must be a finite number',
    ]);
    expect(issues({ ...valid, embedding: [...embedding.slice(1), 1e39] })[0]).toMatch(/^embedding\[31\]: .*float32/);
    expect(issues({ ...valid, embedding: [...embedding.slice(1), '1'] })).toEqual([
      'embedding[31]: every embedding value must be a finite number',
    ]);
  });

  it('bounds k, depth and the anchor id', () => {
    expect(issues({ ...valid, k: 0 })).toEqual(['k: must be between 1 and 100']);
    expect(issues({ ...valid, k: 101 })).toEqual(['k: must be between 1 and 100']);
    expect(issues({ ...valid, k: 2.5 })).toEqual(['k: must be a whole number']);
    expect(issues({ ...valid, anchor: { chunkId: 1, depth: 4 } })).toEqual(['anchor.depth: must be between 1 and 3']);
    expect(issues({ ...valid, anchor: { chunkId: 0, depth: 1 } })).toEqual(['anchor.chunkId: must be a positive chunk id']);
    expect(issues({ ...valid, anchor: { chunkId: 1.5, depth: 1 } })).toEqual(['anchor.chunkId: must be a whole number']);
  });

  it('rejects empty lists, empty windows, bad times and unknown fields', () => {
    expect(issues({ ...valid, filters: { origins: [] } })[0]).toMatch(/^filters\.origins: must name at least one origin/);
    expect(issues({ ...valid, filters: { kinds: [] } })[0]).toMatch(/^filters\.kinds: must name at least one kind/);
    expect(issues({ ...valid, filters: { since: '2026-01-02T00:00:00Z', until: '2026-01-02T00:00:00Z' } })[0]).toMatch(
      /^filters\.until: must be after since/,
    );
    expect(issues({ ...valid, filters: { since: 'yesterday' } })[0]).toMatch(/^filters\.since: must be an ISO 8601 time/);
    expect(issues({ ...valid, filters: { origin: ['email'] } })).toEqual(['filters: unknown field(s) origin']);
    expect(issues({ ...valid, limit: 3 })).toEqual(['unknown field(s) limit']);
    expect(issues(null)[0]).toMatch(/must be a JSON object/);
  });

  it('lists every problem at once', () => {
    expect(issues({ embedding: [], k: 0, anchor: { chunkId: -1, depth: 0 } })).toHaveLength(4);
  });
});

describe('describeHybridQuery', () => {
  it('is one short line naming k, the anchor and the filters', () => {
    const line = describeHybridQuery(
      parseHybridQuery({
        ...valid,
        filters: { origins: ['email'], kinds: ['code', 'error'], since: '2026-01-01T00:00:00Z' },
        anchor: { chunkId: 3, depth: 1 },
      }),
    );
    expect(line).toBe('k=10 anchor=3@1 origins=email kinds=code,error since=2026-01-01T00:00Z');
    expect(describeHybridQuery(parseHybridQuery(valid))).toBe('k=10 unfiltered');
  });
});
