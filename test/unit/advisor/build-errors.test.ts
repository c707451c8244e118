import { describe, expect, it } from 'vitest';
import { IndexBuildError, classifyBuildError, describeError } from '../../../main/advisor/build-errors.ts';
import { createIndexDdl, indexName, type IndexSpec } from '../../../main/advisor/index-spec.ts';
import { ContractError } from '../../../main/contract/api.ts';

describe('classifyBuildError', () => {
  it('tells a lock timeout, our own cancel and everything else apart by SQLSTATE', () => {
    expect(classifyBuildError({ code: '55P03' }, false)).toBe('lock-timeout');
    expect(classifyBuildError({ code: '55P03' }, true)).toBe('lock-timeout');
    expect(classifyBuildError({ code: '57014' }, true)).toBe('cancelled');
    // A statement_timeout or someone else's pg_cancel_backend is not a cancel we asked for.
    expect(classifyBuildError({ code: '57014' }, false)).toBe('failed');
    expect(classifyBuildError({ code: '23505' }, false)).toBe('failed');
    expect(classifyBuildError(new Error('Connection terminated'), true)).toBe('cancelled');
    expect(classifyBuildError(new Error('Connection terminated'), false)).toBe('failed');
  });

  it('keeps the server detail in the description', () => {
    expect(describeError({ message: 'could not create unique index "x"', detail: 'Key (code)=(1) is duplicated.' })).toBe(
      'could not create unique index "x" (Key (code)=(1) is duplicated.)',
    );
    expect(describeError(new Error('plain'))).toBe('plain');
  });

  it('is a ContractError, so code, message and hint pass through the engine unchanged', () => {
    const error = new IndexBuildError('table-busy', 'busy', 'wait');
    expect(error).toBeInstanceOf(ContractError);
    expect(error.toPayload()).toEqual({ code: 'table-busy', message: 'busy', hint: 'wait' });
  });
});

describe('UNIQUE in the index spec', () => {
  const base: IndexSpec = {
    schema: 'public',
    table: 'orders',
    columns: [{ name: 'code', direction: 'asc' }],
    include: [],
    method: 'btree',
    predicate: null,
  };

  it('writes CREATE UNIQUE INDEX CONCURRENTLY and gets its own deterministic name', () => {
    expect(createIndexDdl({ ...base, unique: true })).toMatch(
      /^CREATE UNIQUE INDEX CONCURRENTLY "hp_orders_code_[0-9a-f]{8}" ON "public"."orders" USING btree \("code"\)$/,
    );
    expect(indexName({ ...base, unique: true })).not.toBe(indexName(base));
    expect(indexName({ ...base, unique: true })).toBe(indexName({ ...base, unique: true }));
    // A plain index keeps the name it had before `unique` existed.
    expect(indexName({ ...base, unique: false })).toBe(indexName(base));
    expect(createIndexDdl(base)).toMatch(/^CREATE INDEX CONCURRENTLY /);
  });

  it('refuses a unique BRIN index', () => {
    expect(() => createIndexDdl({ ...base, method: 'brin', unique: true })).toThrow(/B-tree/);
  });
});
