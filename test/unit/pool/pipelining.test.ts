import { describe, expect, it } from 'vitest';
import { pipelinable } from '../../../main/pool/pipelining.ts';

describe('pipelinable', () => {
  it('takes named plain reads and writes', () => {
    for (const text of [
      'SELECT 1',
      '  select abalance FROM t WHERE aid = $1',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'VALUES (1)',
      'TABLE t',
      'INSERT INTO t VALUES ($1)',
      'UPDATE t SET a = 1',
      'DELETE FROM t',
    ])
      expect(pipelinable({ name: 'q', text }), text).toBe(true);
  });

  it('refuses unnamed queries: without a name and values pg sends the simple protocol, where `SELECT 1; BEGIN` is one query', () => {
    expect(pipelinable({ text: 'SELECT 1' })).toBe(false);
    expect(pipelinable({ name: '', text: 'SELECT 1' })).toBe(false);
  });

  it('refuses what would start or end a transaction, change the session, copy or open a cursor for the queries behind it', () => {
    for (const text of [
      'BEGIN',
      'START TRANSACTION',
      'COMMIT',
      'ROLLBACK',
      'SAVEPOINT a',
      'SET work_mem = 1',
      'RESET ALL',
      'DISCARD ALL',
      'DEALLOCATE ALL',
      'COPY t FROM STDIN',
      'DECLARE c CURSOR WITH HOLD FOR SELECT 1',
      'LOCK t',
      '-- a comment first\nBEGIN',
      '/* hidden */ SELECT 1',
      'selected',
    ])
      expect(pipelinable({ name: 'q', text }), text).toBe(false);
  });
});
