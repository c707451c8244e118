import { describe, expect, it } from 'vitest';
import { withEncodedValues } from '../../../main/pool/parameter-encoding.ts';

describe('withEncodedValues', () => {
  it('passes a query whose values cannot fail to encode as it is, without a copy', () => {
    const query = { name: 's', text: 'SELECT $1, $2, $3, $4, $5', values: ['a', 1, true, 10n, null] };
    expect(withEncodedValues(query)).toBe(query);
    const bare = { text: 'SELECT 1' };
    expect(withEncodedValues(bare)).toBe(bare);
  });

  it("encodes objects as pg would, in a copy, and leaves the caller's values alone", () => {
    const buffer = Buffer.from([1, 2]);
    const values = [7, [1, 2], { a: 1 }, buffer, { toPostgres: () => 'custom' }];
    const encoded = withEncodedValues({ name: 's', text: 'SELECT', values });
    expect(encoded.values).toEqual([7, '{"1","2"}', '{"a":1}', buffer, 'custom']);
    expect(encoded.name).toBe('s');
    expect(values[2]).toEqual({ a: 1 });
  });

  it('fails with the parameter, the statement and the reason when a value cannot be encoded', () => {
    const throwing = {
      toPostgres: () => {
        throw new Error('no text for this value');
      },
    };
    expect(() => withEncodedValues({ name: 'lookup', text: 'SELECT $1, $2', values: ['ok', throwing] })).toThrow(
      expect.objectContaining({
        code: 'invalid-parameter',
        message: 'Parameter $2 of statement "lookup" cannot be sent to PostgreSQL: no text for this value.',
      }),
    );
    expect(() => withEncodedValues({ text: 'SELECT $1', values: [{ big: 1n }] })).toThrow(/\$1 of the query .*BigInt/);
  });
});
