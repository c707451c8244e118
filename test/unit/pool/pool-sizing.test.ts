import { describe, expect, it } from 'vitest';
import { computePoolSize, headroom, serverAllows, type ServerConnectionFacts } from '../../../main/pool/pool-sizing.ts';
import { type PoolError } from '../../../main/pool/pool-errors.ts';

const facts = (over: Partial<ServerConnectionFacts> = {}): ServerConnectionFacts => ({
  cores: 2,
  serverMaxConnections: 100,
  reservedConnections: 3,
  otherConnections: 10,
  ...over,
});

function error(fn: () => unknown): PoolError {
  try {
    fn();
  } catch (e) {
    return e as PoolError;
  }
  throw new Error('expected an error');
}

describe('computePoolSize', () => {
  it('defaults to cores × 2 + 1 with a min of 2, and says why', () => {
    const size = computePoolSize(facts());
    expect(size).toMatchObject({ min: 2, max: 5, serverMaxConnections: 100, otherConnections: 10 });
    expect(size.limitReason).toMatch(/cores × 2 \+ 1 = 2 × 2 \+ 1 = 5/);
    expect(size.limitReason).toMatch(/max_connections 100 − 3 reserved − 10 used by others − 5 kept free/);
  });

  it('leaves room for others: the default shrinks to what the server has left', () => {
    expect(headroom(100)).toBe(5);
    expect(headroom(20)).toBe(2);
    expect(serverAllows(facts({ serverMaxConnections: 20, otherConnections: 12 }))).toBe(3);
    const size = computePoolSize(facts({ cores: 16, serverMaxConnections: 20, otherConnections: 12 }));
    expect(size.max).toBe(3);
    expect(size.limitReason).toMatch(/fewer than cores × 2 \+ 1 = 33/);
  });

  it('accepts an operator max that fits and rejects one that does not, with the numbers', () => {
    expect(computePoolSize(facts(), { max: 82 }).max).toBe(82);
    const e = error(() => computePoolSize(facts(), { max: 83 }));
    expect(e.code).toBe('invalid-size');
    expect(e.message).toBe(
      'A pool of 83 connections does not fit: the server allows 82 more: max_connections 100 − 3 reserved − 10 used by others − 5 kept free.',
    );
    expect(e.hint).toMatch(/at most 82 connections/);
  });

  it('rejects nonsense sizes and min above max', () => {
    expect(error(() => computePoolSize(facts(), { max: 0 })).code).toBe('invalid-size');
    expect(error(() => computePoolSize(facts(), { min: -1 })).code).toBe('invalid-size');
    expect(error(() => computePoolSize(facts(), { max: 2.5 })).code).toBe('invalid-size');
    expect(error(() => computePoolSize(facts(), { min: 4, max: 3 })).message).toMatch(
      /minimum \(4 connections\) is above its maximum \(3 connections\)/,
    );
    expect(computePoolSize(facts(), { min: 0, max: 1 })).toMatchObject({ min: 0, max: 1 });
    expect(computePoolSize(facts(), { max: 1 }).min).toBe(1);
  });

  it('fails clearly when the server has nothing to spare', () => {
    const e = error(() => computePoolSize(facts({ serverMaxConnections: 10, otherConnections: 5 })));
    expect(e.code).toBe('invalid-size');
    expect(e.message).toMatch(/no connection to spare/);
  });
});
