import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteQualified } from '../../../main/sql/identifiers.ts';

describe('quoteIdent', () => {
  it('wraps plain names in double quotes', () => {
    expect(quoteIdent('chunks')).toBe('"chunks"');
  });
  it('doubles embedded double quotes so a name cannot close its quoting', () => {
    expect(quoteIdent('a"; DROP TABLE x; --')).toBe('"a""; DROP TABLE x; --"');
  });
  it('keeps case and spaces', () => {
    expect(quoteIdent('My Table')).toBe('"My Table"');
  });
  it('rejects empty names and NUL bytes with a clear error', () => {
    expect(() => quoteIdent('')).toThrow(/cannot be empty/);
    expect(() => quoteIdent('a\0b')).toThrow(/NUL byte/);
  });
  it('quotes both parts of a qualified name', () => {
    expect(quoteQualified('unified', 'chunks')).toBe('"unified"."chunks"');
  });
});
