import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ContractError } from '../../../main/contract/api.ts';
import { decodeRequestFrame } from '../../../main/contract/wire.ts';

const wellFormed = fc.record({
  type: fc.constant('request'),
  id: fc.nat(),
  command: fc.string({ minLength: 1, maxLength: 100 }),
  params: fc.jsonValue(),
});

describe('decodeRequestFrame', () => {
  it('decodes a well-formed request', () => {
    expect(decodeRequestFrame('{"type":"request","id":3,"command":"engine.status","params":{}}')).toEqual({
      ok: true,
      request: { type: 'request', id: 3, command: 'engine.status', params: {} },
    });
  });

  it('never throws on any string: a request, or a bad-request error with a bounded message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const decoded = decodeRequestFrame(text);
          if (!decoded.ok) {
            expect(decoded.error).toBeInstanceOf(ContractError);
            expect(decoded.error.code).toBe('bad-request');
            expect(decoded.error.message.length).toBeLessThan(2000);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the well-formed requests and echoes their id', () => {
    fc.assert(
      fc.property(wellFormed, (message) => {
        const decoded = decodeRequestFrame(JSON.stringify(message));
        expect(decoded).toEqual({ ok: true, request: JSON.parse(JSON.stringify(message)) });
      }),
    );
  });

  it('rejects a well-formed request with any extra field, echoing its valid id', () => {
    fc.assert(
      fc.property(
        wellFormed,
        fc.string({ minLength: 1 }).filter((k) => !['type', 'id', 'command', 'params'].includes(k)),
        fc.jsonValue(),
        (message, key, value) => {
          const text = `{${JSON.stringify(key)}:${JSON.stringify(value)},${JSON.stringify(message).slice(1)}`;
          const decoded = decodeRequestFrame(text);
          expect(decoded).toMatchObject({ ok: false, id: message.id, error: { code: 'bad-request' } });
        },
      ),
    );
  });

  it('does not let __proto__ in a frame reach any prototype', () => {
    const decoded = decodeRequestFrame(
      '{"type":"request","id":1,"command":"x","__proto__":{"polluted":true},"params":{"__proto__":{"polluted":true}}}',
    );
    expect(decoded).toMatchObject({ ok: false, id: 1, error: { message: expect.stringContaining('__proto__') } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
